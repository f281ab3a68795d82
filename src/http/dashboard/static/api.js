// @ts-check
/**
 * Fetches for the page. The page itself and /metrics are open; every other route needs the API
 * key when the server has one (server.apiKey). The key is asked for once, kept in sessionStorage
 * (this tab only, gone when it closes; never in the URL, never in a cookie, so no other site can
 * make the browser send it) and sent as `Authorization: Bearer`.
 */
const storageKey = 'berth.apiKey';

export class AuthRequired extends Error {}

export class HttpError extends Error {
  /** @param {number} status @param {string} message */
  constructor(status, message) {
    super(message);
    this.status = status;
  }
}

export function apiKey() {
  try {
    return sessionStorage.getItem(storageKey) ?? '';
  } catch {
    return '';
  }
}

/** @param {string} key */
export function setApiKey(key) {
  try {
    if (key) sessionStorage.setItem(storageKey, key);
    else sessionStorage.removeItem(storageKey);
  } catch {
    // Storage disabled: the key lasts only as long as this page (see memoryKey).
  }
  memoryKey = key;
}

let memoryKey = '';

/** @param {string} path @param {string} accept */
async function request(path, accept) {
  const headers = /** @type {Record<string, string>} */ ({ accept });
  const key = apiKey() || memoryKey;
  if (key) headers.authorization = `Bearer ${key}`;
  const response = await fetch(path, { headers, cache: 'no-store', credentials: 'omit', redirect: 'error' });
  if (response.status === 401) throw new AuthRequired('the server wants an API key');
  if (!response.ok) {
    let message = `${response.status} ${response.statusText}`;
    try {
      const body = await response.json();
      if (body && typeof body.error === 'string') message = body.error;
    } catch {
      // not JSON: keep the status line
    }
    throw new HttpError(response.status, message);
  }
  return response;
}

/** @param {string} path */
export async function getJson(path) {
  return (await request(path, 'application/json')).json();
}

/** @param {string} path */
export async function getText(path) {
  return (await request(path, 'text/plain')).text();
}
