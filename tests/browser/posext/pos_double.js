// A test double of Lightspeed K-Series' web-extension API, injected before the page
// loads. It follows the documented signatures (docs/pos-extension.md), answers through
// the callback as { posData } / { posResponse } / { posError }, and records each call.
(() => {
  const config = window.__posConfig || {};
  const account = { ...config.account };
  const calls = [];
  const scanners = [];
  const record = (name, args) => calls.push({ name, args, at: performance.now() });
  window.__pos = { calls, account, scan: (text) => scanners.forEach((cb) => cb({ posData: { barcode: text } })) };

  window.pos_getCurrentAccount = (callback) => {
    record("pos_getCurrentAccount", []);
    setTimeout(() => callback({ posData: JSON.parse(JSON.stringify(account)) }), 5);
  };
  window.pos_onBarcodeScanEvent = (callback) => {
    record("pos_onBarcodeScanEvent", []);
    scanners.push(callback);
  };
  window.pos_onNFCEvent = (callback) => record("pos_onNFCEvent", []);
  window.pos_addPayment = (amountCents, paymentMethodCode, callback) => {
    record("pos_addPayment", [amountCents, paymentMethodCode]);
    const mode = config.addPayment || "ok";
    if (mode === "silent") return; // the POS never answers: the page's timeout
    setTimeout(() => {
      if (mode === "error") {
        callback({ posError: { message: "the payment could not be added" } });
        return;
      }
      account.paidAmount += amountCents;
      callback({ posResponse: { amountCents, paymentMethodCode } });
    }, 10);
  };
  window.pos_payAccount = (paymentMethodCode, callback) => record("pos_payAccount", [paymentMethodCode]);
  window.pos_addItemToCurrentAccount = (...args) => record("pos_addItemToCurrentAccount", args);
  window.pos_navigateToCheckoutView = () => record("pos_navigateToCheckoutView", []);
  window.pos_close = () => record("pos_close", []);
  if (config.paymentTimeoutMs) window.giftledgerPaymentTimeoutMs = config.paymentTimeoutMs;
  if (config.device && !sessionStorage.getItem("__seeded")) {
    localStorage.setItem("giftledger.device", JSON.stringify(config.device)); // paired once
    sessionStorage.setItem("__seeded", "1");
  }
})();
