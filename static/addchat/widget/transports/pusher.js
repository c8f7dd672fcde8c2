// "pusher" transport: pusher-js (npm, served from /addchat/static/vendor/pusher.min.js) on
// Pusher Channels or the built-in Pusher-protocol server. Interface: see ./index.js.
//
// Channels, named by config.transport (README, "Pusher mode"), used exactly as given:
//   user_channel            my feed changes ("change" events)
//   everyone_channel        changes for everyone (e.g. a notification_type switch)
//   chat_channel_template   one presence channel per contact, "{low}"/"{high}" filled with the
//                           lower and higher user id: online dot + "client-typing" events
// Channels are authorised in batches by POST /addchat/pusher/auth/batch (session cookie +
// X-CSRFToken through the api client); /addchat/pusher/auth is the one-channel form fallback.
//
// The feed stays the truth (./sync.js): once my feed channel is subscribed on a (re)connection
// the transport catches up from the confirmed cursor before going "online"; pushes are
// confirmed by a settle poll; {type: "ref"} (too large for Pusher) is fetched through the poll.

import { createFeedSync } from "./sync.js";
import { backoffDelay } from "./backoff.js";
import { timersFrom } from "../timers.js";

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

/** The presence channel of me and peerId, from the server's template (lower id first). */
export function pairChannelName(template, me, peerId) {
  if (!template) return null;
  return template.replace("{low}", String(Math.min(me, peerId))).replace("{high}", String(Math.max(me, peerId)));
}

export function createTransport(deps) {
  const p = {
    deps,
    t: deps.config.transport || {},
    me: Number(deps.config.user && deps.config.user.id),
    running: false,
    pusher: null,
    feed: null,
    everOnline: false,
    feedRetry: null,
    feedFailures: 0,
    feedReady: false, // my feed channel is subscribed on the current connection
    watched: new Map(), // peerId -> presence channel
    wanted: new Set(), // contact ids the widget asked to watch
    onVisible: () => p.feed && !document.hidden && p.feed.wake(),
  };
  return {
    start: (cursor) => start(p, cursor),
    stop: () => stop(p),
    /** Something happened here (e.g. a send): make sure nothing was missed. */
    wake: () => p.feed && p.feed.wake(),
    /** Tell the peer whether I am typing, as a client event on our pair's presence channel. */
    sendTyping(peerId, isTyping) {
      const channel = watch(p, Number(peerId));
      if (channel && channel.subscribed) channel.trigger(p.t.typing_event || "client-typing", { typing: Boolean(isTyping) });
    },
    /** Watch these users' presence (the widget's contacts). */
    watch(ids) {
      for (const id of ids) p.wanted.add(Number(id));
      for (const id of ids) watch(p, Number(id));
    },
    /** Stop watching these users (a block): leave our pair's channel, so no presence or typing flows. */
    unwatch(ids) {
      for (const id of ids.map(Number)) {
        p.wanted.delete(id);
        if (!p.watched.has(id)) continue;
        p.watched.delete(id);
        if (p.pusher) p.pusher.unsubscribe(pairChannelName(p.t.chat_channel_template, p.me, id));
      }
    },
  };
}

const connectedNow = (p) => Boolean(p.running && p.pusher && p.pusher.connection.state === "connected");

async function start(p, cursor) {
  if (p.running) return;
  const { config, getCursor, onStatus, vendorUrl } = p.deps;
  p.running = true;
  p.feed = createFeed(p, getCursor ? getCursor() : cursor, timersFrom(config));
  onStatus("connecting");
  let Pusher;
  try {
    Pusher = await loadPusher(vendorUrl);
  } catch (error) {
    if (p.running) onStatus("offline", { reason: "unavailable", error });
    return;
  }
  if (!p.running) return;
  p.pusher = new Pusher(p.t.key, pusherOptions(p));
  p.pusher.connection.bind("state_change", (change) => onState(p, change));
  subscribeFeed(p);
  document.addEventListener("visibilitychange", p.onVisible);
  window.addEventListener("online", p.onVisible);
  for (const id of p.wanted) watch(p, id);
}

function createFeed(p, startCursor, timers) {
  const { api, onStatus } = p.deps;
  return createFeedSync({
    api,
    startCursor,
    deliver: (changes, cursor) => deliver(p, changes, cursor),
    onStatus: (status, detail) => {
      if (status === "online") p.everOnline = true;
      onStatus(status, detail);
    },
    isLive: () => p.feedReady && connectedNow(p),
    onSignedOut: () => teardown(p),
    settleMs: timers.settle_ms,
    safetyPollMs: timers.safety_poll_ms,
    retryBaseMs: 2000,
  });
}

/** Hand changes to the widget; the peer of every message gets watched. */
function deliver(p, changes, cursor) {
  p.deps.onChange(changes, cursor);
  for (const change of changes) {
    if (!change || change.type !== "message" || !change.data) continue;
    const m = change.data;
    watch(p, Number(Number(m.from_id) === p.me ? m.to_id : m.from_id));
  }
}

function pusherOptions(p) {
  const { t } = p;
  const options = {
    cluster: t.cluster,
    forceTLS: Boolean(t.force_tls),
    disableStats: true, // stats go to stats.pusher.com through a script tag: not under our CSP
    channelAuthorization: t.auth_batch_endpoint
      ? { customHandler: batchAuthorizer(p) }
      : {
          // The standard form post (one channel per request), with the session's CSRF token.
          endpoint: t.auth_endpoint,
          transport: "ajax",
          headersProvider: () => ({ "X-CSRFToken": p.deps.config.csrf_token || "" }),
        },
  };
  if (t.ws_host) {
    // A self-hosted Pusher-protocol server: WebSocket only, on its own host and port.
    Object.assign(options, { wsHost: t.ws_host, wsPort: t.ws_port, wssPort: t.ws_port, enabledTransports: ["ws", "wss"] });
  }
  return options;
}

// ── My feed ─────────────────────────────────────────────────────────────────────
function subscribeFeed(p) {
  const { t, pusher, feed } = p;
  const channel = pusher.subscribe(t.user_channel);
  channel.bind(t.change_event || "change", (change) => p.running && feed.push(change));
  channel.bind("pusher:subscription_succeeded", () => {
    p.feedFailures = 0;
    p.feedReady = true;
    feed.connected(); // catch up, then "online"
  });
  channel.bind("pusher:subscription_error", (error) => {
    if (error && error.status === 401) return feed.signedOut(error);
    p.feedFailures += 1;
    const retryIn = backoffDelay(p.feedFailures - 1, 2000, null);
    p.deps.onStatus("reconnecting", { error, attempt: p.feedFailures, retryIn });
    clearTimeout(p.feedRetry);
    p.feedRetry = setTimeout(() => {
      if (!p.running) return;
      pusher.unsubscribe(t.user_channel);
      subscribeFeed(p);
    }, retryIn);
  });
  if (t.everyone_channel) pusher.subscribe(t.everyone_channel).bind(t.change_event || "change", (change) => p.running && feed.push(change));
}

// ── Presence and typing, one presence channel per contact ───────────────────────
function watch(p, peerId) {
  const { t, pusher, me, watched } = p;
  if (!p.running || !pusher || !t.chat_channel_template) return null;
  if (!Number.isInteger(peerId) || peerId <= 0 || peerId === me) return null;
  if (watched.has(peerId)) return watched.get(peerId);
  if (watched.size >= MAX_WATCHED) return null;
  const name = pairChannelName(t.chat_channel_template, me, peerId);
  const channel = pusher.subscribe(name);
  watched.set(peerId, channel);
  const onPresence = (online) => p.deps.onPresence && p.deps.onPresence({ userId: peerId, online });
  const onTyping = (isTyping) => p.deps.onTyping && p.deps.onTyping({ userId: peerId, isTyping });
  channel.bind("pusher:subscription_succeeded", (members) => onPresence(Boolean(members && members.get(String(peerId)) != null)));
  channel.bind("pusher:member_added", (m) => String(m.id) === String(peerId) && onPresence(true));
  channel.bind("pusher:member_removed", (m) => {
    if (String(m.id) !== String(peerId)) return;
    onPresence(false);
    onTyping(false);
  });
  channel.bind(t.typing_event || "client-typing", (data, meta) => {
    // On a presence channel the server names the sender: only the peer can be typing here.
    if (meta && String(meta.user_id) !== String(peerId)) return;
    onTyping(Boolean(data && data.typing));
  });
  channel.bind("pusher:subscription_error", () => {
    // Not allowed (the host's policy changed) or the endpoint failed: no dot, no typing.
    watched.delete(peerId);
    pusher.unsubscribe(name);
  });
  return channel;
}

// ── Channel authorisation, batched ──────────────────────────────────────────────
/**
 * pusher-js asks for one channel at a time; the asks of one moment (the feed and a presence
 * channel per contact, at every (re)connect) go out as one POST to the batch endpoint.
 */
function batchAuthorizer(p) {
  const queue = [];
  let flushTimer = null;
  function flush() {
    flushTimer = null;
    const bySocket = new Map();
    for (const item of queue.splice(0)) {
      if (!bySocket.has(item.socketId)) bySocket.set(item.socketId, []);
      bySocket.get(item.socketId).push(item);
    }
    for (const [socketId, items] of bySocket) {
      for (let i = 0; i < items.length; i += 100) authorise(p, socketId, items.slice(i, i + 100));
    }
  }
  return ({ socketId, channelName }, callback) => {
    queue.push({ socketId, channelName, callback });
    if (!flushTimer) flushTimer = setTimeout(flush, 20);
  };
}

async function authorise(p, socketId, items) {
  try {
    const res = await p.deps.api.post(p.t.auth_batch_endpoint, { socket_id: socketId, channel_names: items.map((i) => i.channelName) });
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
    if (err && err.status === 401 && p.feed) p.feed.signedOut(err);
    for (const { callback } of items) callback(err, null);
  }
}

// ── Connection ──────────────────────────────────────────────────────────────────
function onState(p, { current }) {
  if (!p.running) return;
  const { api, onStatus } = p.deps;
  if (current === "connected") {
    if (api.setHeader) api.setHeader("X-Socket-Id", p.pusher.connection.socket_id);
    return; // "online" once the feed channel is subscribed and the poll caught up
  }
  if (api.setHeader) api.setHeader("X-Socket-Id", null);
  p.feedReady = false;
  if (current === "connecting" || current === "unavailable") {
    onStatus(p.everOnline || current === "unavailable" ? "reconnecting" : "connecting", { reason: current });
  } else if (current === "failed") {
    onStatus("offline", { reason: "unsupported" });
  }
}

function teardown(p) {
  p.running = false;
  if (p.feed) p.feed.stop();
  clearTimeout(p.feedRetry);
  p.feedRetry = null;
  document.removeEventListener("visibilitychange", p.onVisible);
  window.removeEventListener("online", p.onVisible);
  if (p.deps.api.setHeader) p.deps.api.setHeader("X-Socket-Id", null);
  if (p.pusher) p.pusher.disconnect();
  p.pusher = null;
  p.watched.clear();
}

function stop(p) {
  if (!p.running && !p.pusher) return;
  p.running = false;
  for (const peerId of p.watched.keys()) {
    if (p.deps.onPresence) p.deps.onPresence({ userId: peerId, online: false });
    if (p.deps.onTyping) p.deps.onTyping({ userId: peerId, isTyping: false });
  }
  teardown(p);
}
