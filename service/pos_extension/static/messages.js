// One clear sentence per refusal, from the API's code: never "something went wrong".
import { format } from "./money.js";

function expiry(card) {
  return card && card.expires_at ? ` on ${new Date(card.expires_at).toLocaleDateString("en-GB", { day: "numeric", month: "long", year: "numeric" })}` : "";
}

const STATE = {
  blocked: () => "This gift card is blocked. It cannot be used until the merchant unblocks it.",
  voided: () => "This gift card has been voided. It has no value left.",
  expired: (card) => `This gift card expired${expiry(card)}. It cannot be used.`,
};

export function stateMessage(card) {
  const message = STATE[card.state];
  return message ? message(card) : "";
}

export function refusal(problem, context = {}) {
  const { card, currency } = context;
  switch (problem.code) {
    case "card_not_found":
      return "No gift card has this code. Check the code and try again.";
    case "card_not_active": {
      const state = card && card.state !== "active" ? card.state : (problem.detail || "").replace(/^the card is /, "");
      return (STATE[state] || STATE.blocked)(card);
    }
    case "insufficient_funds":
      return card ? `Not enough on this card: only ${format(card.available, card.currency)} is available.`
        : "Not enough on this card for that amount.";
    case "currency_mismatch":
      return `This card is in ${card ? card.currency : "another currency"}; this till takes ${currency}. It cannot pay here.`;
    case "unauthorized":
      return "This iPad is no longer paired (it was revoked in the dashboard). Ask a manager for a new pairing code.";
    case "forbidden":
      return "This iPad is paired with another business location. Pair it again for this one.";
    case "too_many_requests":
      return "Too many unknown codes from this iPad. Wait a minute, then try again.";
    case "invalid_request":
      return problem.errors && (problem.errors.card_code || problem.errors.code)
        ? "That is not a gift card code: 4 to 64 letters, digits, - or _."
        : `The request was refused: ${problem.detail}.`;
    case "pairing_code_invalid":
      return `${capital(problem.detail)}.`;
    case "unknown_business_location":
      return "This business location is not set up in giftledger yet. Ask a manager to add it as a site.";
    case "service_unavailable":
      return "giftledger is briefly unavailable. Try again in a few seconds.";
    case "network":
      return "No connection to giftledger. Check the iPad's Wi-Fi, then try again.";
    default:
      return `giftledger refused this (${problem.code}): ${problem.detail}.`;
  }
}

function capital(text) {
  return text ? text[0].toUpperCase() + text.slice(1) : text;
}
