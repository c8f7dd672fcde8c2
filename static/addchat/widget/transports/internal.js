// "internal" transport: polls GET /addchat/api/poll?cursor=N every poll_interval_ms.
// Slows down while the tab is hidden, backs off on errors, and polls at once when the tab
// becomes visible, the window gets focus or the browser comes back online.
// Interface: see ./index.js.

import { backoffDelay } from "./backoff.js";

export function createTransport({ config, api, getCursor, onChange, onStatus }) {
  const interval = Math.max(250, Number(config.poll_interval_ms) || 3000);
  const hiddenInterval = Math.min(60000, Math.max(interval * 5, 15000));
  let running = false;
  let timer = null;
  let controller = null; // AbortController of the request in flight
  let failures = 0;
  let connected = false;

  function schedule(ms) {
    clearTimeout(timer);
    timer = running ? setTimeout(poll, ms) : null;
  }

  async function poll() {
    if (!running || controller) return;
    clearTimeout(timer);
    const ctrl = (controller = new AbortController());
    try {
      const res = await api.get("poll", { cursor: getCursor() }, { signal: ctrl.signal });
      if (!running || ctrl.signal.aborted) return;
      failures = 0;
      if (!connected) {
        connected = true;
        onStatus("online");
      }
      onChange(res.changes || [], res.cursor);
      controller = null;
      schedule(res.more ? 0 : document.hidden ? hiddenInterval : interval);
    } catch (err) {
      if (!running || ctrl.signal.aborted) return;
      controller = null;
      if (err.status === 401) {
        running = false;
        onStatus("offline", { reason: "unauthorized", error: err });
        return;
      }
      failures += 1;
      connected = false;
      const retryIn = backoffDelay(failures - 1, interval, err);
      onStatus("reconnecting", { error: err, attempt: failures, retryIn });
      schedule(document.hidden ? Math.max(retryIn, hiddenInterval) : retryIn);
    } finally {
      if (controller === ctrl) controller = null;
    }
  }

  function resume() {
    if (running && !document.hidden) poll();
  }

  return {
    start(cursor) {
      if (running) return;
      void cursor; // the store's cursor is read through getCursor() before each poll
      running = true;
      failures = 0;
      connected = false;
      onStatus("connecting");
      document.addEventListener("visibilitychange", resume);
      window.addEventListener("focus", resume);
      window.addEventListener("online", resume);
      poll();
    },
    stop() {
      running = false;
      clearTimeout(timer);
      timer = null;
      if (controller) controller.abort();
      controller = null;
      document.removeEventListener("visibilitychange", resume);
      window.removeEventListener("focus", resume);
      window.removeEventListener("online", resume);
    },
    /** Poll now (e.g. after sending), unless a poll is already in flight. */
    wake() {
      resume();
    },
  };
}
