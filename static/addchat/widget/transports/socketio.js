// "socketio" transport: Socket.IO (socket.io-client from npm, served locally from
// /addchat/static/vendor/) pushes every committed feed change into the user's room.
// Interface: see ./index.js. The feed stays the source of truth:
//  - after every (re)connect it first catches up with the poll from its confirmed cursor,
//    holding pushes that arrive meanwhile, then releases them (the store drops duplicates);
//  - the confirmed cursor only moves on poll answers, never on pushes: two servers may publish
//    seq 11 before seq 10, so a push cannot prove that nothing before it was missed. A quiet
//    "settle" poll after pushes (and a slow safety poll) confirms and fills any gap;
//  - the "reconnecting" banner follows the real socket: disconnect -> "reconnecting",
//    connected and caught up -> "online", refused as signed out -> "offline".
// Typing: the widget throttles sendTyping (see ./index.js) and expires a peer's "is typing";
// here a peer's indicator also clears when their message arrives or the socket drops.
// Presence: the contacts (and anyone who writes) are watched; online dots follow live.

import { backoffDelay, catchUp } from "./index.js";

const SETTLE_MS = 1500;
const SAFETY_POLL_MS = 60000;
const WATCH_MAX = 200;

export function createTransport({
  config,
  api,
  getCursor,
  onChange,
  onStatus,
  onTyping = () => {},
  onPresence = () => {},
  vendorUrl,
}) {
  const info = config.transport || {};
  const me = config.user && config.user.id;
  let socket = null;
  let running = false;
  let confirmed = 0; // feed position proven by a poll answer
  let buffer = null; // pushes held while a catch-up runs
  let syncing = null; // the catch-up in flight
  let controller = null;
  let settleTimer = null;
  let safetyTimer = null;
  let retryTimer = null;
  let failures = 0;
  const watched = new Set();
  const typingIn = new Set(); // peers shown as typing

  function deliver(changes, cursor) {
    onChange(changes, cursor);
    for (const change of changes) {
      const m = change && change.type === "message" ? change.data : null;
      if (!m || m.from_id === me) continue;
      showTyping(m.from_id, false); // the message they were typing has arrived
      if (!watched.has(m.from_id)) watch([m.from_id]);
    }
  }

  /** Catch up from the confirmed cursor, then release the pushes held meanwhile. */
  function sync() {
    if (syncing) return syncing;
    buffer = [];
    controller = new AbortController();
    syncing = catchUp({
      api,
      signal: controller.signal,
      getCursor: () => confirmed,
      onChange: (changes, cursor) => {
        deliver(changes, cursor);
        if (Number(cursor) > confirmed) confirmed = Number(cursor);
      },
    }).finally(() => {
      const held = (buffer || []).sort((a, b) => a.seq - b.seq);
      buffer = null;
      syncing = null;
      controller = null;
      if (held.length && running) deliver(held);
    });
    return syncing;
  }

  function settleSoon(ms = SETTLE_MS) {
    clearTimeout(settleTimer);
    settleTimer = setTimeout(() => running && socket && socket.connected && sync().catch(onSyncError), ms);
  }

  function onSyncError(err) {
    if (!running || (err && err.name === "AbortError")) return;
    if (err && err.status === 401) {
      signedOut(err);
      return;
    }
    failures += 1;
    const retryIn = backoffDelay(failures - 1, 1000, err);
    onStatus("reconnecting", { error: err, attempt: failures, retryIn });
    clearTimeout(retryTimer);
    retryTimer = setTimeout(() => running && socket && socket.connected && onConnect(), retryIn);
  }

  function signedOut(err) {
    onStatus("offline", { reason: "unauthorized", error: err });
    stop();
  }

  async function onConnect() {
    try {
      await sync();
    } catch (err) {
      onSyncError(err);
      return;
    }
    if (!running || !socket.connected) return;
    failures = 0;
    onStatus("online");
    watchContacts();
  }

  async function watchContacts() {
    try {
      const res = await api.get("contacts");
      watch([...(res.contacts || []).map((c) => c.id), ...watched]);
    } catch {
      watch([...watched]);
    }
  }

  function watch(ids) {
    const list = [...new Set(ids)].filter((id) => id !== me).slice(0, WATCH_MAX);
    list.forEach((id) => watched.add(id));
    if (!list.length || !socket || !socket.connected) return;
    socket.emit("presence:watch", { ids: list }, (ack) => {
      if (!ack || !ack.ok) return;
      const online = new Set(ack.online);
      for (const id of list) onPresence({ userId: id, online: online.has(id) });
    });
  }

  function showTyping(userId, isTyping) {
    const shown = typingIn.has(userId);
    if (isTyping) typingIn.add(userId);
    else typingIn.delete(userId);
    if (isTyping || shown) onTyping({ userId, isTyping });
  }

  /** Tell the peer (only them: the server relays to their room) whether I am typing. */
  function sendTyping(peerId, isTyping) {
    if (peerId == null || !socket || !socket.connected) return;
    socket.emit("typing", { to: peerId, typing: Boolean(isTyping) });
  }

  async function start(cursor) {
    if (running) return;
    running = true;
    confirmed = Number(getCursor ? getCursor() : cursor) || 0;
    onStatus("connecting");
    let io;
    try {
      ({ io } = await import(vendorUrl("socket.io.esm.min.js")));
    } catch (err) {
      if (running) onStatus("reconnecting", { error: err });
      return;
    }
    if (!running) return;
    socket = io({ path: info.path || "/socket.io", withCredentials: true, reconnectionDelayMax: 15000 });
    socket.on("connect", onConnect);
    socket.on("disconnect", (reason) => {
      if (!running) return;
      for (const id of [...typingIn.keys()]) showTyping(id, false);
      onStatus("reconnecting", { reason });
      if (reason === "io server disconnect") socket.connect(); // the server dropped us: try again
    });
    socket.on("connect_error", async (err) => {
      if (!running) return;
      failures += 1;
      onStatus("reconnecting", { error: err, attempt: failures });
      if (!socket.active) {
        // Refused by the server (not a network failure): signed out, or retry later.
        try {
          await api.get("config");
          clearTimeout(retryTimer);
          retryTimer = setTimeout(() => running && socket.connect(), backoffDelay(failures - 1, 1000, err));
        } catch (authErr) {
          if (authErr.status === 401) signedOut(authErr);
          else retryTimer = setTimeout(() => running && socket.connect(), backoffDelay(failures - 1, 1000, authErr));
        }
      }
    });
    socket.on("change", (change) => {
      if (!running) return;
      if (buffer) buffer.push(change);
      else {
        deliver([change]);
        settleSoon();
      }
    });
    socket.on("typing", (data) => running && data && showTyping(data.user_id, Boolean(data.typing)));
    socket.on("presence", (data) => running && data && onPresence({ userId: data.user_id, online: Boolean(data.online) }));
    safetyTimer = setInterval(() => socket && socket.connected && sync().catch(onSyncError), SAFETY_POLL_MS);
  }

  function stop() {
    if (!running) return;
    running = false;
    clearTimeout(settleTimer);
    clearTimeout(retryTimer);
    clearInterval(safetyTimer);
    for (const id of [...typingIn.keys()]) showTyping(id, false);
    if (controller) controller.abort();
    if (socket) {
      socket.removeAllListeners();
      socket.disconnect();
      socket = null;
    }
  }

  return {
    start,
    stop,
    /** Something happened (e.g. a send): nothing to fetch now, pushes follow; reconnect if idle. */
    wake() {
      if (running && socket && !socket.connected && !socket.active) socket.connect();
    },
    sendTyping,
  };
}
