// "internal" transport: polls GET /addchat/api/poll?cursor=N, as often as the widget's activity
// asks: poll_active_ms while a conversation is open in a focused tab, poll_interval_ms otherwise
// (a closed widget costs the server what it always did), poll_hidden_ms while the tab is hidden.
// Backs off on errors, and polls at once when the tab becomes visible, the window gets focus or
// the browser comes back online. Interface: see ./index.js.

import { backoffDelay } from "./backoff.js";

/** The three poll intervals (ms) from GET config; the transport block may refine them. */
export function pollIntervals(config) {
  const t = (config && config.transport) || {};
  const num = (v, fallback) => (Number(v) > 0 ? Number(v) : fallback);
  const idle = Math.max(250, num(config && config.poll_interval_ms, num(t.poll_interval_ms, 3000)));
  const active = Math.max(250, Math.min(idle, num(t.poll_active_ms, 1000)));
  const hidden = Math.max(idle, num(t.poll_hidden_ms, 15000));
  return { active, idle, hidden };
}

/** One poll, then the next one scheduled: at the activity's interval, at once while `more`, backed off on errors. */
async function poll(p) {
  if (!p.running || p.controller) return;
  clearTimeout(p.timer);
  const ctrl = (p.controller = new AbortController());
  try {
    const res = await p.api.get("poll", { cursor: p.getCursor() }, { signal: ctrl.signal });
    if (!p.running || ctrl.signal.aborted) return;
    p.failures = 0;
    p.lastEnd = Date.now();
    if (!p.connected) {
      p.connected = true;
      p.onStatus("online");
    }
    p.onChange(res.changes || [], res.cursor);
    p.controller = null;
    schedule(p, res.more ? 0 : p.intervals[p.level]);
  } catch (err) {
    if (!p.running || ctrl.signal.aborted) return;
    p.controller = null;
    p.lastEnd = Date.now();
    if (err.status === 401) {
      p.running = false;
      p.onStatus("offline", { reason: "unauthorized", error: err });
      return;
    }
    p.failures += 1;
    p.connected = false;
    const retryIn = backoffDelay(p.failures - 1, p.intervals.idle, err);
    p.onStatus("reconnecting", { error: err, attempt: p.failures, retryIn });
    schedule(p, p.level === "hidden" ? Math.max(retryIn, p.intervals.hidden) : retryIn);
  } finally {
    if (p.controller === ctrl) p.controller = null;
  }
}

function schedule(p, ms) {
  clearTimeout(p.timer);
  p.timer = p.running ? setTimeout(() => poll(p), ms) : null;
}

export function createTransport({ config, api, getCursor, onChange, onStatus }) {
  const p = { api, getCursor, onChange, onStatus, intervals: pollIntervals(config), level: document.hidden ? "hidden" : "idle" };
  Object.assign(p, { running: false, timer: null, controller: null, failures: 0, connected: false, lastEnd: 0 });
  const resume = () => {
    if (p.running && !document.hidden) poll(p);
  };
  return {
    start(cursor) {
      if (p.running) return;
      void cursor; // the store's cursor is read through getCursor() before each poll
      Object.assign(p, { running: true, failures: 0, connected: false });
      onStatus("connecting");
      document.addEventListener("visibilitychange", resume);
      window.addEventListener("focus", resume);
      window.addEventListener("online", resume);
      poll(p);
    },
    stop() {
      p.running = false;
      clearTimeout(p.timer);
      p.timer = null;
      if (p.controller) p.controller.abort();
      p.controller = null;
      document.removeEventListener("visibilitychange", resume);
      window.removeEventListener("focus", resume);
      window.removeEventListener("online", resume);
    },
    /** Poll now (e.g. after sending), unless a poll is already in flight. */
    wake: resume,
    /** "active" | "idle" | "hidden": the next poll comes that long after the last one answered. */
    setActivity(next) {
      if (!p.intervals[next] || next === p.level) return;
      p.level = next;
      if (!p.running || p.controller || p.failures) return;
      schedule(p, Math.max(0, p.lastEnd + p.intervals[p.level] - Date.now()));
    },
    intervals: p.intervals,
  };
}
