/**
 * Transports: how the widget learns about changes. One module per notification_type
 * (`internal.js`, later `socketio.js`, `pusher.js`) in this folder, chosen by
 * GET /addchat/api/config -> notification_type, loaded with loadTransport(type).
 *
 * ── Interface every transport module implements ────────────────────────────────────
 *
 *   export function createTransport({
 *     config,      // the whole GET config response (config.transport holds the
 *                  //   transport-specific connection info, config.user the signed-in user)
 *     api,         // JSON client: api.get(path, query, {signal}), api.post(path, body)
 *     getCursor,   // () => number: the store's current feed cursor (the store owns it)
 *     onChange,    // (changes, cursor?) => void: a batch of feed changes
 *                  //   [{seq, type, data}], in seq order; `cursor` (optional) is the new
 *                  //   feed position the batch brings you to. The store dedupes by seq,
 *                  //   so delivering a change twice (catch-up + push) is harmless.
 *     onStatus,    // (status, detail?) => void: "connecting" | "online" |
 *                  //   "reconnecting" | "offline"; detail = {error?, attempt?, retryIn?,
 *                  //   reason?}. "reconnecting" shows the widget's reconnecting banner.
 *     onTyping,    // ({userId, isTyping}) => void: peer typing state (optional feature)
 *     onPresence,  // ({userId, online}) => void: online dots on avatars (optional)
 *     vendorUrl,   // (file) => absolute URL under /addchat/static/vendor/ (npm builds)
 *   }) => {
 *     start(cursor),              // begin delivering changes after `cursor`
 *     stop(),                     // stop everything (timers, sockets, listeners); idempotent
 *     wake?(),                    // optional: something happened, check for changes now
 *     sendTyping?(peerId, isTyping) // optional: tell peerId whether I am typing. The widget
 *                                   //   throttles it: true at most every 3 s while typing,
 *                                   //   false after 4 s idle, on send, or when the text is cleared
 *   }
 *
 *  Typing and presence are store state (state.typing[userId], state.presence[userId]); the
 *  conversation header shows "… is typing" / "Online" and avatars get an online dot from it.
 *  onTyping(true) expires by itself after 6 s in case the "stopped" event is lost.
 *
 * ── Rules ──────────────────────────────────────────────────────────────────────────
 *  - The feed (GET poll?cursor=N -> {cursor, changes, more}) is the source of truth.
 *    Push transports carry the same {seq, type, data} changes; after every (re)connect
 *    they first catch up with catchUp() below from getCursor(), then deliver pushes.
 *    Deliver changes gap-free and in seq order.
 *  - Change types the widget knows: "message", "seen", "message_deleted", "config";
 *    anything else is ignored by the store, so just pass it on.
 *  - A "config" change makes the widget stop() the transport, re-read config, and start
 *    the new transport from the store's cursor. Do not handle it inside a transport.
 *  - 401 means the user signed out: report onStatus("offline", {reason: "unauthorized"})
 *    and stop retrying.
 *  - Report "online" once connected and caught up, "reconnecting" on any failure while
 *    retrying (with backoff, see backoffDelay), "connecting" before the first success.
 */

const KNOWN = new Set(["internal", "socketio", "pusher"]);

/** Import ./<type>.js; unknown or missing modules fall back to the internal poller. */
export async function loadTransport(type) {
  if (KNOWN.has(type) && type !== "internal") {
    try {
      return await import(new URL(`./${type}.js`, import.meta.url).href);
    } catch (err) {
      console.warn(`[AddChat] transport "${type}" unavailable, polling instead`, err);
    }
  }
  return import("./internal.js");
}

/**
 * Fetch every change after getCursor() through GET poll (following `more`) and hand them
 * to onChange. Resolves with the final cursor. Push transports call this after connecting.
 */
export async function catchUp({ api, getCursor, onChange, signal }) {
  for (let i = 0; i < 100; i++) {
    const res = await api.get("poll", { cursor: getCursor() }, { signal });
    onChange(res.changes || [], res.cursor);
    if (!res.more) return res.cursor;
  }
  return getCursor();
}

/** Exponential backoff with jitter, honouring Retry-After (seconds) when the server sent one. */
export function backoffDelay(attempt, baseMs, error, maxMs = 60000) {
  const exp = Math.min(maxMs, baseMs * 2 ** Math.min(attempt, 8));
  const jittered = exp * (0.8 + Math.random() * 0.4);
  const retryAfter = error && error.retryAfter ? error.retryAfter * 1000 : 0;
  return Math.max(Math.min(jittered, maxMs), retryAfter);
}
