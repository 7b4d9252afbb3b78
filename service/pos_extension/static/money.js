// Money is integer minor units everywhere; text only at the edges, never a float.

const EXPONENTS = { JPY: 0, KRW: 0, ISK: 0, BHD: 3, KWD: 3, OMR: 3, JOD: 3, TND: 3 };

export function exponent(currency) {
  return EXPONENTS[currency] ?? 2;
}

export function format(minor, currency) {
  const digits = exponent(currency);
  const negative = minor < 0;
  const text = String(Math.abs(minor)).padStart(digits + 1, "0");
  const major = digits ? `${text.slice(0, -digits)}.${text.slice(-digits)}` : text;
  const grouped = major.replace(/^(\d+)/, (whole) => whole.replace(/\B(?=(\d{3})+(?!\d))/g, ","));
  return `${negative ? "-" : ""}${grouped} ${currency}`;
}

// "12", "12.5", "12,50" -> minor units; null when it is not an amount.
export function parse(text, currency) {
  const digits = exponent(currency);
  const cleaned = String(text).trim().replace(/\s/g, "").replace(",", ".");
  const pattern = digits ? new RegExp(`^(\\d{1,13})(?:\\.(\\d{0,${digits}}))?$`) : /^(\d{1,15})$/;
  const match = cleaned.match(pattern);
  if (!match) return null;
  const fraction = (match[2] || "").padEnd(digits, "0");
  return Number(match[1]) * 10 ** digits + Number(fraction || 0);
}

export function toInput(minor, currency) {
  return format(minor, currency).replace(/ .*$/, "").replace(/,/g, "");
}
