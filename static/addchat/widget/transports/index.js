/**
 * Transports: how the widget learns about changes. One module per notification_type
 * (`internal.js`, `socketio.js`, `pusher.js`) in this folder, chosen by
 * GET /addchat/api/config -> notification_type, loaded with loadTransport(type).
 * Shared by them: `sync.js` (the feed-sync rules of push transports: confirmed cursor,
 * catch-up, push verification, "ref" pushes, 401) and `backoff.js` (retry delays).
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
 *     sendTyping?(peerId, isTyping) // optional: tell peerId whether I am typing. Only send:
 *                                   //   the widget decides when (../core/typing.js): true at most
 *                                   //   every typing_repeat_ms while typing, false after
 *                                   //   typing_idle_ms idle, on send, or when the text is cleared
 *     watch?(ids)                 // optional: the widget's contact ids, whose presence to show;
 *                                   //   called again when the list changes (no GET /contacts here)
 *     setActivity?(level)         // optional: "active" (a conversation open in a focused, visible
 *                                   //   tab), "idle" or "hidden"; a poller polls at poll_active_ms,
 *                                   //   poll_interval_ms or poll_hidden_ms accordingly
 *   }
 *
 *  Typing and presence are store state (state.typing[userId], state.presence[userId]); the
 *  conversation header shows "… is typing" / "Online" and avatars get an online dot from it.
 *  The widget expires onTyping(true) after typing_expires_ms in case "stopped" is lost, and
 *  clears it when the peer's message arrives or the connection is not "online".
 *  Timers come from GET config -> sync (../timers.js), never from constants in a transport.
 *
 * ── Rules ──────────────────────────────────────────────────────────────────────────
 *  - The feed (GET poll?cursor=N -> {cursor, changes, more}) is the source of truth.
 *    Push transports carry the same {seq, type, data} changes and leave the rules to
 *    createFeedSync() in ./sync.js: after every (re)connect, catch up from the confirmed
 *    cursor (pushes held meanwhile, released in seq order), confirm pushes with a settle
 *    poll and a safety poll. Deliver changes in seq order.
 *  - Change types the widget knows: "message", "seen", "message_deleted", "message_edited", "config";
 *    anything else is ignored by the store, so just pass it on.
 *  - A "config" change makes the widget stop() the transport, re-read config, and start
 *    the new transport from the store's cursor. Do not handle it inside a transport.
 *  - 401 means the user signed out: report onStatus("offline", {reason: "unauthorized"})
 *    and stop retrying.
 *  - Report "online" once connected and caught up, "reconnecting" on any failure while
 *    retrying (with backoff, see ./backoff.js), "connecting" before the first success.
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
