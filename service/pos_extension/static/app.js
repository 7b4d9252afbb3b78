// The page's flow: pair once, then Check balance / Redeem against the open sale.
import * as ledger from "./ledger.js";
import { refusal, stateMessage } from "./messages.js";
import { format, parse, toInput } from "./money.js";
import * as pos from "./pos.js";

const $ = (id) => document.getElementById(id);
const SECTIONS = ["loading", "pair", "start", "card", "balance", "done"];
const state = { settings: null, account: null, mode: null, card: null, code: null, busy: false };

function show(id) {
  for (const name of SECTIONS) $(name).hidden = name !== id;
  const focus = { pair: "pair-code", card: "card-code" }[id];
  if (focus) $(focus).focus();
}

function say(text) {
  $("status").textContent = text;
}

function fieldError(inputId, errorId, text) {
  $(errorId).textContent = text;
  $(inputId).setAttribute("aria-invalid", text ? "true" : "false");
}

function busy(button, on) {
  state.busy = on;
  button.disabled = on;
}

async function start() {
  $("close").addEventListener("click", () => pos.close());
  $("pair-form").addEventListener("submit", onPair);
  $("mode-balance").addEventListener("click", () => chooseMode("balance"));
  $("mode-redeem").addEventListener("click", () => chooseMode("redeem"));
  $("card-form").addEventListener("submit", (event) => {
    event.preventDefault();
    lookUp($("card-code").value.trim());
  });
  $("redeem-form").addEventListener("submit", onConfirm);
  $("amount").addEventListener("input", () => checkAmount());
  $("another").addEventListener("click", () => chooseMode(state.mode));
  for (const back of document.querySelectorAll(".back")) back.addEventListener("click", () => begin());
  pos.onBarcodeScan((code) => {
    if (state.busy || !state.settings) return;
    if (!state.mode) state.mode = "balance";
    $("card-code").value = code;
    lookUp(code);
  });
  if (!ledger.device()) return show("pair");
  try {
    state.settings = await ledger.settings();
  } catch (problem) {
    return refused(problem);
  }
  await begin();
}

function refused(problem) {
  if (problem.code === "unauthorized") {
    ledger.forget();
    state.settings = null;
    show("pair");
  }
  say(refusal(problem, { card: state.card, currency: state.settings && state.settings.currency }));
}

async function onPair(event) {
  event.preventDefault();
  const code = $("pair-code").value.trim();
  if (!code) return fieldError("pair-code", "pair-error", "Type the pairing code a manager gave you.");
  fieldError("pair-code", "pair-error", "");
  busy($("pair-submit"), true);
  try {
    state.settings = await ledger.pair(code, navigator.platform || "iPad");
    say(`This iPad is paired with ${state.settings.site_name}.`);
    await begin();
  } catch (problem) {
    fieldError("pair-code", "pair-error", refusal(problem));
  } finally {
    busy($("pair-submit"), false);
  }
}

async function begin() {
  const { settings } = state;
  $("where").textContent = `${settings.merchant_name} · ${settings.site_name}`;
  state.mode = null;
  state.card = null;
  try {
    state.account = pos.available() ? await pos.currentAccount() : null;
  } catch {
    state.account = null;
  }
  $("account").textContent = state.account
    ? `Open sale ${state.account.id}: ${format(state.account.leftToPay, settings.currency)} left to pay.`
    : "No open sale: you can check a balance; to redeem, open a sale first.";
  $("mode-redeem").disabled = !state.account || state.account.leftToPay <= 0;
  show("start");
}

function chooseMode(mode) {
  state.mode = mode;
  state.card = null;
  $("card-code").value = "";
  fieldError("card-code", "card-error", "");
  say("");
  $("card-title").textContent = mode === "redeem" ? "Redeem: scan or type the gift card" : "Check balance: scan or type the gift card";
  show("card");
}

async function lookUp(code) {
  if (!code) return fieldError("card-code", "card-error", "Scan the card's QR code or type its code.");
  fieldError("card-code", "card-error", "");
  busy($("card-submit"), true);
  say("Looking the card up…");
  try {
    state.card = await ledger.card(code);
    state.code = code;
    say("");
    showCard();
  } catch (problem) {
    if (problem.code === "unauthorized") return refused(problem);
    say("");
    show("card");
    fieldError("card-code", "card-error", refusal(problem, { currency: state.settings.currency }));
  } finally {
    busy($("card-submit"), false);
  }
}

function showCard() {
  const { card, settings } = state;
  $("masked").textContent = card.masked_code;
  $("card-balance").textContent = format(card.balance, card.currency);
  $("card-available").textContent = format(card.available, card.currency);
  $("card-state").textContent = card.state[0].toUpperCase() + card.state.slice(1);
  $("card-expiry").textContent = card.expires_at
    ? new Date(card.expires_at).toLocaleDateString("en-GB", { day: "numeric", month: "short", year: "numeric" })
    : "Never";
  let note = stateMessage(card);
  if (!note && card.currency !== settings.currency) note = refusal({ code: "currency_mismatch" }, { card, currency: settings.currency });
  if (!note && state.mode === "redeem" && card.available <= 0) note = refusal({ code: "insufficient_funds" }, { card });
  $("balance-note").textContent = note;
  const redeem = state.mode === "redeem" && !note;
  $("redeem-form").hidden = !redeem;
  show("balance");
  document.body.dataset.shown = String(performance.now());
  if (redeem) prefill();
}

function limit() {
  return Math.min(state.card.available, state.account ? state.account.leftToPay : 0);
}

function prefill() {
  const { card, account } = state;
  $("amount").value = toInput(limit(), card.currency);
  $("amount-hint").textContent = `At most ${format(card.available, card.currency)} (available on the card) and ${format(account.leftToPay, card.currency)} (left to pay).`;
  fieldError("amount", "amount-error", "");
  $("amount").focus();
}

function checkAmount() {
  const { card, account } = state;
  const amount = parse($("amount").value, card.currency);
  let error = "";
  if (amount === null || amount <= 0) error = `Type an amount in ${card.currency}, for example ${toInput(limit(), card.currency)}.`;
  else if (amount > card.available) error = `That is more than the card has available (${format(card.available, card.currency)}).`;
  else if (amount > account.leftToPay) error = `That is more than is left to pay (${format(account.leftToPay, card.currency)}).`;
  fieldError("amount", "amount-error", error);
  $("confirm").disabled = Boolean(error) || state.busy;
  return error ? null : amount;
}

// One Idempotency-Key per press of Confirm, reused by every retry of that attempt.
async function onConfirm(event) {
  event.preventDefault();
  const amount = checkAmount();
  if (amount === null || state.busy) return;
  const { card, account, settings } = state;
  if (!settings.payment_method_code) return say("No gift-card payment method is set in the Lightspeed settings: ask a manager.");
  const key = ledger.newKey();
  busy($("confirm"), true);
  say("Holding the amount on the card…");
  let hold;
  try {
    hold = await ledger.placeHold({
      card_code: state.code, amount, currency: card.currency,
      business_location_id: String(account.businessLocationId ?? settings.business_location_id),
      account_id: String(account.id),
    }, key);
  } catch (problem) {
    busy($("confirm"), false);
    if (problem.code === "unauthorized") return refused(problem);
    return fieldError("amount", "amount-error", refusal(problem, { card, currency: settings.currency }));
  }
  say("Adding the payment to the sale…");
  try {
    await pos.addPayment(amount, settings.payment_method_code, window.giftledgerPaymentTimeoutMs || 30000);
  } catch (error) {
    await release(hold, key, error.message === "timeout");
    busy($("confirm"), false);
    return;
  }
  $("done-text").textContent = `Paid ${format(amount, card.currency)} by gift card. Remaining on the card: ${format(hold.card.available, card.currency)}.`;
  say("");
  show("done");
  document.body.dataset.paid = String(performance.now());
  pos.navigateToCheckout();
}

async function release(hold, key, timedOut) {
  const why = timedOut ? "The POS did not confirm the payment in time" : "The POS did not add the payment";
  try {
    await ledger.releaseHold(hold.hold_id, `${key}-release`);
    fieldError("amount", "amount-error", `${why}, so the hold was released: nothing was taken from the card.`);
  } catch (problem) {
    fieldError("amount", "amount-error", `${why}. Releasing the hold failed (${refusal(problem)}); it lapses by itself at ${new Date(hold.expires_at).toLocaleTimeString("en-GB")}.`);
  }
  say("");
}

start();
