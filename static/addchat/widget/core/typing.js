// Typing, both ways, in one place: when to tell a peer I am typing (the only throttle; the
// transport just sends), and how long a peer's "is typing" shows.

export function createTyping(w) {
  const { store } = w;
  let told = { peer: null, at: 0 }; // what the transport was last asked to send
  let idleTimer = null;
  const expiry = new Map(); // userId -> timeout that clears their "is typing"

  function send(peerId, active) {
    const transport = w.connection.transport();
    if (!transport || !transport.sendTyping) return;
    const now = Date.now();
    if (active && told.peer === peerId && now - told.at < w.timers.typing_repeat_ms) return;
    if (!active && told.peer !== peerId) return;
    told = active ? { peer: peerId, at: now } : { peer: null, at: 0 };
    try {
      transport.sendTyping(peerId, active);
    } catch (err) {
      console.warn("[AddChat] sendTyping failed", err);
    }
  }

  function remote(userId, isTyping) {
    clearTimeout(expiry.get(userId));
    expiry.delete(userId);
    if (isTyping) expiry.set(userId, setTimeout(() => remote(userId, false), w.timers.typing_expires_ms));
    store.set((st) => ({ typing: { ...st.typing, [userId]: Boolean(isTyping) } }));
  }

  return {
    /** My composer changed (active: it holds text) or was sent/cleared (active false). */
    local(peerId, active) {
      clearTimeout(idleTimer);
      send(peerId, active);
      if (active) idleTimer = setTimeout(() => send(peerId, false), w.timers.typing_idle_ms);
    },
    /** A peer's typing state, from the transport; "is typing" fades by itself if "stopped" is lost. */
    remote,
    /** The message they were typing has arrived: no longer typing. */
    messagesArrived(changes) {
      const typing = store.get().typing;
      for (const change of changes || []) {
        const m = change && change.type === "message" ? change.data : null;
        if (m && typing[m.from_id]) remote(m.from_id, false);
      }
    },
    /** Clear every peer's "is typing" (the connection dropped or the transport changed). */
    clearAll() {
      for (const [userId, isTyping] of Object.entries(store.get().typing)) if (isTyping) remote(Number(userId), false);
    },
  };
}
