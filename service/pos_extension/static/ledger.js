// giftledger's API, with the device credential as the bearer token. A lost
// connection is retried with the same Idempotency-Key, so a retry replays the
// first answer instead of taking money twice.

const STORE = "giftledger.device";
const RETRIES = [300, 900, 2000];

export class Problem extends Error {
  constructor(body) {
    super(body.detail || body.code);
    Object.assign(this, body);
  }
}

export function device() {
  try {
    return JSON.parse(localStorage.getItem(STORE) || "null");
  } catch {
    return null;
  }
}

export function forget() {
  localStorage.removeItem(STORE);
}

function remember(paired) {
  localStorage.setItem(STORE, JSON.stringify(paired));
}

async function call(method, path, { body, key, auth = true } = {}) {
  const headers = { Accept: "application/json" };
  if (body !== undefined) headers["Content-Type"] = "application/json";
  if (key) headers["Idempotency-Key"] = key;
  const saved = device();
  if (auth && saved) headers.Authorization = `Bearer ${saved.token}`;
  for (let attempt = 0; ; attempt += 1) {
    let response;
    try {
      response = await fetch(path, { method, headers, body: body === undefined ? undefined : JSON.stringify(body), cache: "no-store" });
    } catch {
      // Only a request that can be replayed safely is sent again.
      if ((method === "GET" || key) && attempt < RETRIES.length) {
        await new Promise((done) => setTimeout(done, RETRIES[attempt]));
        continue;
      }
      throw new Problem({ code: "network", detail: "no connection" });
    }
    const data = await response.json().catch(() => ({}));
    if (response.ok) return data;
    if (response.status === 503 && key && attempt < RETRIES.length) {
      await new Promise((done) => setTimeout(done, RETRIES[attempt]));
      continue;
    }
    throw new Problem(data.code ? data : { code: "network", detail: `HTTP ${response.status}` });
  }
}

export async function pair(code, deviceName) {
  const paired = await call("POST", "/v1/pos-extension/pair", { body: { code, device_name: deviceName }, auth: false });
  remember(paired);
  return paired;
}

export function settings() {
  return call("GET", "/v1/pos-extension/settings");
}

export function card(code) {
  return call("GET", `/v1/pos/cards/${encodeURIComponent(code)}`);
}

export function placeHold(body, key) {
  return call("POST", "/v1/pos/holds", { body, key });
}

export function releaseHold(holdId, key) {
  return call("POST", `/v1/pos/holds/${encodeURIComponent(holdId)}/release`, { key });
}

export function newKey() {
  const bytes = crypto.getRandomValues(new Uint8Array(16));
  return `posext-${Array.from(bytes, (b) => b.toString(16).padStart(2, "0")).join("")}`;
}
