// "socketio" transport: Socket.IO (socket.io-client from npm, served locally from
// /addchat/static/vendor/) pushes every committed feed change into the user's room.
// Interface: see ./index.js. Catch-up, push verification and 401 handling: ./sync.js.
// The "reconnecting" banner follows the real socket: disconnect -> "reconnecting",
// connected and caught up -> "online", refused as signed out -> "offline".
// Typing: sendTyping only sends (the widget decides when); the server relays to the peer's room.
// Presence: the ids the widget passes to watch() (its contacts), and anyone who writes.

import { backoffDelay } from "./backoff.js";
import { createFeedSync } from "./sync.js";
import { timersFrom } from "../timers.js";

const WATCH_MAX = 200;

export function createTransport(deps) {
  const t = {
    deps,
    info: deps.config.transport || {},
    me: deps.config.user && deps.config.user.id,
    onTyping: deps.onTyping || (() => {}),
    onPresence: deps.onPresence || (() => {}),
    socket: null,
    running: false,
    feed: null,
    retryTimer: null,
    failures: 0,
    watched: new Set(),
  };
  return {
    start: (cursor) => start(t, cursor),
    stop: () => stop(t),
    /** Something happened (e.g. a send): pushes follow; confirm any unconfirmed ones; reconnect if idle. */
    wake() {
      if (t.feed) t.feed.wake();
      if (t.running && t.socket && !t.socket.connected && !t.socket.active) t.socket.connect();
    },
    /** Tell the peer (only them: the server relays to their room) whether I am typing. */
    sendTyping(peerId, isTyping) {
      if (peerId == null || !live(t)) return;
      t.socket.emit("typing", { to: peerId, typing: Boolean(isTyping) });
    },
    /** Watch these users' presence (the widget's contacts). */
    watch: (ids) => watch(t, ids),
  };
}

const live = (t) => Boolean(t.running && t.socket && t.socket.connected);

/** Hand changes to the widget; whoever writes to me gets watched too. */
function deliver(t, changes, cursor) {
  t.deps.onChange(changes, cursor);
  for (const change of changes) {
    const m = change && change.type === "message" ? change.data : null;
    if (m && m.from_id !== t.me && !t.watched.has(m.from_id)) watch(t, [m.from_id]);
  }
}

function watch(t, ids, all = false) {
  const list = [];
  for (const id of new Set(ids)) {
    if (id == null || id === t.me) continue;
    if (t.watched.has(id)) {
      if (all) list.push(id); // a (re)connect: tell the new socket again
    } else if (t.watched.size < WATCH_MAX) {
      t.watched.add(id);
      list.push(id);
    }
  }
  if (!list.length || !live(t)) return;
  t.socket.emit("presence:watch", { ids: list }, (ack) => {
    if (!ack || !ack.ok) return;
    const online = new Set(ack.online);
    for (const id of list) t.onPresence({ userId: id, online: online.has(id) });
  });
}

async function start(t, cursor) {
  if (t.running) return;
  const { config, api, getCursor, onStatus, vendorUrl } = t.deps;
  const timers = timersFrom(config);
  t.running = true;
  t.feed = createFeedSync({
    api,
    startCursor: getCursor ? getCursor() : cursor,
    deliver: (changes, at) => deliver(t, changes, at),
    onStatus,
    isLive: () => live(t),
    onSignedOut: () => stop(t),
    settleMs: timers.settle_ms,
    safetyPollMs: timers.safety_poll_ms,
  });
  onStatus("connecting");
  let io;
  try {
    ({ io } = await import(vendorUrl("socket.io.esm.min.js")));
  } catch (err) {
    if (t.running) onStatus("reconnecting", { error: err });
    return;
  }
  if (!t.running) return;
  t.socket = io({ path: t.info.path || "/socket.io", withCredentials: true, reconnectionDelayMax: 15000 });
  bindSocket(t);
}

function bindSocket(t) {
  const { socket, feed } = t;
  const { onStatus } = t.deps;
  socket.on("connect", () => {
    t.failures = 0;
    watch(t, [...t.watched], true);
    feed.connected();
  });
  socket.on("disconnect", (reason) => {
    if (!t.running) return;
    onStatus("reconnecting", { reason });
    if (reason === "io server disconnect") socket.connect(); // the server dropped us: try again
  });
  socket.on("connect_error", (err) => t.running && refused(t, err));
  socket.on("change", (change) => t.running && feed.push(change));
  socket.on("typing", (data) => t.running && data && t.onTyping({ userId: data.user_id, isTyping: Boolean(data.typing) }));
  socket.on("presence", (data) => t.running && data && t.onPresence({ userId: data.user_id, online: Boolean(data.online) }));
}

/** The socket could not connect. Refused by the server (not a network failure): signed out, or retry later. */
async function refused(t, err) {
  t.failures += 1;
  t.deps.onStatus("reconnecting", { error: err, attempt: t.failures });
  if (t.socket.active) return; // socket.io retries network failures by itself
  const retry = (cause) => {
    clearTimeout(t.retryTimer);
    t.retryTimer = setTimeout(() => t.running && t.socket.connect(), backoffDelay(t.failures - 1, 1000, cause));
  };
  try {
    await t.deps.api.get("config");
    retry(err);
  } catch (authErr) {
    if (authErr.status === 401) t.feed.signedOut(authErr);
    else retry(authErr);
  }
}

function stop(t) {
  if (!t.running) return;
  t.running = false;
  clearTimeout(t.retryTimer);
  if (t.feed) t.feed.stop();
  if (t.socket) {
    t.socket.removeAllListeners();
    t.socket.disconnect();
    t.socket = null;
  }
}
