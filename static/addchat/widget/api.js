// JSON client for /addchat/api/: session cookie auth, CSRF header on writes, typed errors.

export class ApiError extends Error {
  constructor(status, code, message, retryAfter = 0) {
    super(message || code);
    this.name = "ApiError";
    this.status = status; // 0 for network errors
    this.code = code;
    this.retryAfter = retryAfter; // seconds, from Retry-After on 429/503
  }
  /** Worth retrying later with the same request (network, 5xx, 429). */
  get transient() {
    return this.status === 0 || this.status === 429 || this.status >= 500;
  }
}

export function createApi(baseUrl) {
  let csrfToken = "";
  const extraHeaders = {}; // set by a transport, e.g. X-Socket-Id so pushes skip the sending tab

  async function request(method, path, { query, body, signal, retried = false } = {}) {
    const url = new URL(path, baseUrl);
    if (query) {
      for (const [k, v] of Object.entries(query)) if (v != null && v !== "") url.searchParams.set(k, v);
    }
    const headers = { Accept: "application/json" };
    if (method !== "GET") {
      headers["Content-Type"] = "application/json";
      headers["X-CSRFToken"] = csrfToken;
      Object.assign(headers, extraHeaders);
    }
    let res;
    try {
      res = await fetch(url, {
        method,
        headers,
        body: body === undefined ? undefined : JSON.stringify(body),
        credentials: "same-origin",
        cache: "no-store",
        signal,
      });
    } catch (err) {
      if (err && err.name === "AbortError") throw err;
      throw new ApiError(0, "network_error", String((err && err.message) || err));
    }
    let data = null;
    try {
      data = await res.json();
    } catch {
      data = null;
    }
    if (!res.ok) {
      const e = (data && data.error) || {};
      if (res.status === 400 && e.code === "csrf_failed" && method !== "GET" && !retried) {
        // The session's token changed (e.g. signed in again in another tab): refresh it once.
        const config = await request("GET", "config", { signal });
        csrfToken = config.csrf_token || csrfToken;
        return request(method, path, { query, body, signal, retried: true });
      }
      // Retry-After only means "come back then" on 429 and 503 (a rate limiter stamps it on others).
      const retryAfter = res.status === 429 || res.status === 503 ? Number(res.headers.get("Retry-After")) || 0 : 0;
      throw new ApiError(res.status, e.code || `http_${res.status}`, e.message || res.statusText, retryAfter);
    }
    return data;
  }

  return {
    setCsrfToken(token) {
      csrfToken = token || "";
    },
    /** Send a header on every write from now on (null removes it). */
    setHeader(name, value) {
      if (value == null) delete extraHeaders[name];
      else extraHeaders[name] = String(value);
    },
    get: (path, query, opts = {}) => request("GET", path, { ...opts, query }),
    post: (path, body, opts = {}) => request("POST", path, { ...opts, body }),
    patch: (path, body, opts = {}) => request("PATCH", path, { ...opts, body }),
    del: (path, opts = {}) => request("DELETE", path, opts),
  };
}
