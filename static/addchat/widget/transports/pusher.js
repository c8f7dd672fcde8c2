// "pusher" transport: pusher-js (npm, served from /addchat/static/vendor/pusher.min.js) on
// Pusher Channels or the built-in Pusher-protocol server. Interface: see ./index.js.
//
// Channels (config.transport names them; README, "Pusher mode"):
//   private-addchat.user.{me}            my feed changes ("change" events)
//   private-addchat.all                  changes for everyone (e.g. a notification_type switch)
//   presence-addchat.chat.{low}.{high}   one per contact: online dot + "client-typing" events
// Channels are authorised in batches by POST /addchat/pusher/auth/batch (session cookie +
// X-CSRFToken through the api client); /addchat/pusher/auth is the one-channel form fallback.
//
// The feed stays the truth. After every (re)connect, once my feed channel is subscribed, the
// transport polls from `confirmed` (the last cursor a poll returned) before going "online".
// Pushes apply at once, but since one may have been lost (a failed trigger), a push also marks
// the feed "dirty" and a poll from `confirmed` follows soon after. A push too large for
// Pusher arrives as {type: "ref"} and is fetched through the poll.

import { backoffDelay } from "./index.js";

const VERIFY_MS = 15000; // poll from the confirmed cursor this long after pushes arrived
const TYPING_REPEAT_MS = 3000; // re-send "typing" at most this often (Pusher: 10 client events/s)
const TYPING_EXPIRES_MS = 6000; // a peer's "typing" without an update fades after this
const MAX_WATCHED = 100; // presence channels per widget (one per contact)

let loading = null;

/** Load the UMD build once; as an ES module import it sets self.Pusher (no inline script, CSP-safe). */
function loadPusher(vendorUrl) {
  if (!loading) {
    loading = import(vendorUrl("pusher.min.js")).then(() => {
      if (typeof self.Pusher !== "function") throw new Error("pusher-js did not load");
      return self.Pusher;
    });
    loading.catch(() => (loading = null));
  }
  return loading;
}

export function createTransport({ config, api, getCursor, onChange, onStatus, onTyping, onPresence, vendorUrl }) {
  const t = config.transport || {};
  const me = Number(config.user && config.user.id);
  let running = false;
  let pusher = null;
  let confirmed = 0; // every change up to here came through the poll
  let dirty = false; // pushes arrived since the last poll
  let syncing = null;
  let syncAgain = false;
  let syncFailures = 0;
  let timer = null;
  let everOnline = false;
  let feedRetry = null;
  let feedFailures = 0;
  let feedReady = false; // my feed channel is subscribed on the current connection
  const watched = new Map(); // peerId -> presence channel
  const sentTyping = new Map(); // peerId -> {typing, at}
  const typingFade = new Map(); // peerId -> timeout

  // ── Catch-up through the cursor ───────────────────────────────────────────────
  function schedule(ms) {
    clearTimeout(timer);
    timer = running
      ? setTimeout(() => {
          timer = null;
          sync().catch(() => {});
        }, ms)
      : null;
  }

  /** Poll from `confirmed` until `more` is false; one at a time, rerun if asked meanwhile. */
  function sync() {
    if (!running) return Promise.resolve();
    if (syncing) {
      syncAgain = true;
      return syncing;
    }
    clearTimeout(timer);
    timer = null;
    syncing = (async () => {
      try {
        do {
          syncAgain = false;
          dirty = false;
          for (let page = 0; page < 100 && running; page++) {
            const res = await api.get("poll", { cursor: confirmed });
            if (!running) return;
            onChange(res.changes || [], res.cursor);
            confirmed = Math.max(confirmed, Number(res.cursor) || 0);
            if (!res.more) break;
          }
        } while (syncAgain && running);
        if (syncFailures > 0 && feedReady && pusher && pusher.connection.state === "connected") {
          everOnline = true;
          onStatus("online"); // the poll works again and the socket never left
        }
        syncFailures = 0;
        if (dirty) schedule(VERIFY_MS);
      } catch (err) {
        if (!running || (err && err.name === "AbortError")) return;
        if (err.status === 401) return signedOut(err);
        syncFailures += 1;
        const retryIn = backoffDelay(syncFailures - 1, 2000, err);
        onStatus("reconnecting", { error: err, attempt: syncFailures, retryIn });
        dirty = true;
        schedule(retryIn);
        throw err;
      } finally {
        syncing = null;
      }
    })();
    return syncing;
  }

  /** Catch up, then say we are live (after connecting and after every reconnect). */
  async function catchUpThenOnline() {
    try {
      await sync();
    } catch {
      return; // sync() reported "reconnecting" and retries
    }
    if (running && pusher && pusher.connection.state === "connected") {
      everOnline = true;
      onStatus("online");
    }
  }

  function signedOut(err) {
    running = false;
    onStatus("offline", { reason: "unauthorized", error: err });
    teardown();
  }

  // ── Pushed feed changes ──────────────────────────────────────────────────────
  function onPush(change) {
    if (!running || !change) return;
    if (change.type === "ref") {
      // Too large for one Pusher event: the poll has it.
      dirty = true;
      sync().catch(() => {});
      return;
    }
    if (change.seq != null && Number(change.seq) > confirmed) {
      dirty = true;
      if (!syncing && !timer) schedule(VERIFY_MS);
    }
    onChange([change]);
    if (change.type === "message" && change.data) {
      const peer = Number(change.data.from_id) === me ? change.data.to_id : change.data.from_id;
      watch(Number(peer));
    }
  }

  function subscribeFeed() {
    const feed = pusher.subscribe(t.user_channel);
    feed.bind(t.change_event || "change", onPush);
    feed.bind("pusher:subscription_succeeded", () => {
      feedFailures = 0;
      feedReady = true;
      catchUpThenOnline();
    });
    feed.bind("pusher:subscription_error", (error) => {
      if (error && error.status === 401) return signedOut(error);
      feedFailures += 1;
      const retryIn = backoffDelay(feedFailures - 1, 2000, null);
      onStatus("reconnecting", { error, attempt: feedFailures, retryIn });
      clearTimeout(feedRetry);
      feedRetry = setTimeout(() => {
        if (!running) return;
        pusher.unsubscribe(t.user_channel);
        subscribeFeed();
      }, retryIn);
    });
    if (t.everyone_channel) pusher.subscribe(t.everyone_channel).bind(t.change_event || "change", onPush);
  }

  // ── Presence and typing, one presence channel per contact ────────────────────
  function pairName(peerId) {
    return `${t.chat_channel_prefix}${Math.min(me, peerId)}.${Math.max(me, peerId)}`;
  }

  function setTyping(peerId, isTyping) {
    clearTimeout(typingFade.get(peerId));
    typingFade.delete(peerId);
    if (isTyping) typingFade.set(peerId, setTimeout(() => setTyping(peerId, false), TYPING_EXPIRES_MS));
    if (onTyping) onTyping({ userId: peerId, isTyping });
  }

  function watch(peerId) {
    if (!running || !pusher || !t.chat_channel_prefix) return null;
    if (!Number.isInteger(peerId) || peerId <= 0 || peerId === me) return null;
    if (watched.has(peerId)) return watched.get(peerId);
    if (watched.size >= MAX_WATCHED) return null;
    const channel = pusher.subscribe(pairName(peerId));
    watched.set(peerId, channel);
    const present = (members) => members && members.get(String(peerId)) != null;
    channel.bind("pusher:subscription_succeeded", (members) => onPresence && onPresence({ userId: peerId, online: present(members) }));
    channel.bind("pusher:member_added", (m) => String(m.id) === String(peerId) && onPresence && onPresence({ userId: peerId, online: true }));
    channel.bind("pusher:member_removed", (m) => {
      if (String(m.id) !== String(peerId)) return;
      if (onPresence) onPresence({ userId: peerId, online: false });
      setTyping(peerId, false);
    });
    channel.bind(t.typing_event || "client-typing", (data, meta) => {
      // On a presence channel the server names the sender: only the peer can be typing here.
      if (meta && String(meta.user_id) !== String(peerId)) return;
      setTyping(peerId, Boolean(data && data.typing));
    });
    channel.bind("pusher:subscription_error", () => {
      // Not allowed (the host's policy changed) or the endpoint failed: no dot, no typing.
      watched.delete(peerId);
      pusher.unsubscribe(pairName(peerId));
    });
    return channel;
  }

  async function watchContacts() {
    try {
      const res = await api.get("contacts");
      for (const c of res.contacts || []) watch(Number(c.id));
    } catch {
      /* presence is a nicety: conversations still get watched as messages arrive */
    }
  }

  // ── Channel authorisation, batched ────────────────────────────────────────────
  /**
   * pusher-js asks for one channel at a time; the asks of one moment (the feed and a presence
   * channel per contact, at every (re)connect) go out as one POST to the batch endpoint.
   */
  function batchAuthorizer() {
    let queue = [];
    let flushTimer = null;
    async function send(socketId, items) {
      try {
        const res = await api.post(t.auth_batch_endpoint, { socket_id: socketId, channel_names: items.map((i) => i.channelName) });
        for (const { channelName, callback } of items) {
          const answer = (res.channels || {})[channelName];
          if (answer && answer.status === 200) {
            const { status, ...auth } = answer;
            callback(null, auth);
          } else {
            const error = new Error((answer && answer.error && answer.error.code) || "not_authorised");
            error.status = answer ? answer.status : 0;
            callback(error, null);
          }
        }
      } catch (err) {
        if (err && err.status === 401) signedOut(err);
        for (const { callback } of items) callback(err, null);
      }
    }
    function flush() {
      flushTimer = null;
      const bySocket = new Map();
      for (const item of queue.splice(0)) {
        if (!bySocket.has(item.socketId)) bySocket.set(item.socketId, []);
        bySocket.get(item.socketId).push(item);
      }
      for (const [socketId, items] of bySocket) {
        for (let i = 0; i < items.length; i += 100) send(socketId, items.slice(i, i + 100));
      }
    }
    return ({ socketId, channelName }, callback) => {
      queue.push({ socketId, channelName, callback });
      if (!flushTimer) flushTimer = setTimeout(flush, 20);
    };
  }

  // ── Connection ───────────────────────────────────────────────────────────────
  function onState({ current }) {
    if (!running) return;
    if (current === "connected") {
      if (api.setHeader) api.setHeader("X-Socket-Id", pusher.connection.socket_id);
      return; // "online" once the feed channel is subscribed and the poll caught up
    }
    if (api.setHeader) api.setHeader("X-Socket-Id", null);
    feedReady = false;
    if (current === "connecting" || current === "unavailable") {
      onStatus(everOnline || current === "unavailable" ? "reconnecting" : "connecting", { reason: current });
      for (const peerId of watched.keys()) setTyping(peerId, false);
    } else if (current === "failed") {
      onStatus("offline", { reason: "unsupported" });
    }
  }

  function onVisible() {
    if (running && dirty && !document.hidden) sync().catch(() => {});
  }

  function teardown() {
    clearTimeout(timer);
    clearTimeout(feedRetry);
    timer = feedRetry = null;
    for (const fade of typingFade.values()) clearTimeout(fade);
    typingFade.clear();
    document.removeEventListener("visibilitychange", onVisible);
    window.removeEventListener("online", onVisible);
    if (api.setHeader) api.setHeader("X-Socket-Id", null);
    if (pusher) pusher.disconnect();
    pusher = null;
    watched.clear();
  }

  return {
    async start(cursor) {
      if (running) return;
      running = true;
      confirmed = Number(getCursor ? getCursor() : cursor) || 0;
      onStatus("connecting");
      let Pusher;
      try {
        Pusher = await loadPusher(vendorUrl);
      } catch (error) {
        if (running) onStatus("offline", { reason: "unavailable", error });
        return;
      }
      if (!running) return;
      const options = {
        cluster: t.cluster,
        forceTLS: Boolean(t.force_tls),
        disableStats: true, // stats go to stats.pusher.com through a script tag: not under our CSP
        channelAuthorization: t.auth_batch_endpoint
          ? { customHandler: batchAuthorizer() }
          : {
              // The standard form post (one channel per request), with the session's CSRF token.
              endpoint: t.auth_endpoint,
              transport: "ajax",
              headersProvider: () => ({ "X-CSRFToken": config.csrf_token || "" }),
            },
      };
      if (t.ws_host) {
        // A self-hosted Pusher-protocol server: WebSocket only, on its own host and port.
        Object.assign(options, { wsHost: t.ws_host, wsPort: t.ws_port, wssPort: t.ws_port, enabledTransports: ["ws", "wss"] });
      }
      pusher = new Pusher(t.key, options);
      pusher.connection.bind("state_change", onState);
      subscribeFeed();
      document.addEventListener("visibilitychange", onVisible);
      window.addEventListener("online", onVisible);
      watchContacts();
    },

    stop() {
      if (!running && !pusher) return;
      running = false;
      for (const peerId of watched.keys()) {
        if (onPresence) onPresence({ userId: peerId, online: false });
        if (onTyping) onTyping({ userId: peerId, isTyping: false });
      }
      teardown();
    },

    /** Something happened here (e.g. a send): make sure nothing was missed. */
    wake() {
      if (running && dirty) sync().catch(() => {});
    },

    /** Tell the peer whether I am typing, as a client event on our pair's presence channel. */
    sendTyping(peerId, isTyping) {
      const channel = watch(Number(peerId));
      if (!channel || !channel.subscribed) return;
      const last = sentTyping.get(peerId);
      const now = Date.now();
      if (isTyping && last && last.typing && now - last.at < TYPING_REPEAT_MS) return;
      if (!isTyping && (!last || !last.typing)) return;
      if (channel.trigger(t.typing_event || "client-typing", { typing: Boolean(isTyping) })) {
        sentTyping.set(peerId, { typing: Boolean(isTyping), at: now });
      }
    },
  };
}
