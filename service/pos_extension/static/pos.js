// The Lightspeed K-Series web-extension API, as promises. The POS injects the pos_*
// functions; results come back through a callback as posData / posResponse, a
// failure as posError (docs/pos-extension.md lists what was assumed).

const api = () => window;

export function available() {
  return typeof api().pos_getCurrentAccount === "function";
}

function failure(result) {
  if (!result || typeof result !== "object") return null;
  return result.posError ?? result.error ?? null;
}

function payload(result) {
  if (!result || typeof result !== "object") return result;
  return result.posData ?? result.posResponse ?? result.data ?? result;
}

export function currentAccount() {
  return new Promise((resolve, reject) => {
    api().pos_getCurrentAccount((result) => {
      const error = failure(result);
      if (error) reject(new Error(String(error.message ?? error)));
      else resolve(account(payload(result)));
    });
  });
}

// The open account: id, business location, and what is left to pay (cents).
export function account(data) {
  if (!data) return null;
  const total = Number(data.totalAmount ?? 0);
  const paid = Number(data.paidAmount ?? 0);
  return {
    id: data.id ?? data.accountId ?? null,
    businessLocationId: data.businessLocationId ?? null,
    leftToPay: Math.max(0, total - paid),
    totalAmount: total,
  };
}

export function onBarcodeScan(handler) {
  if (typeof api().pos_onBarcodeScanEvent !== "function") return;
  api().pos_onBarcodeScanEvent((result) => {
    const data = payload(result);
    const text = typeof data === "string" ? data : data && (data.barcode ?? data.value ?? data.code);
    if (text) handler(String(text).trim());
  });
}

// Resolves with posResponse; rejects on posError or when the POS stays silent.
export function addPayment(amountCents, paymentMethodCode, timeoutMs) {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error("timeout")), timeoutMs);
    api().pos_addPayment(amountCents, paymentMethodCode, (result) => {
      clearTimeout(timer);
      const error = failure(result);
      if (error) reject(new Error(String(error.message ?? error)));
      else resolve(payload(result));
    });
  });
}

export function navigateToCheckout() {
  if (typeof api().pos_navigateToCheckoutView === "function") api().pos_navigateToCheckoutView();
}

export function close() {
  if (typeof api().pos_close === "function") api().pos_close();
}
