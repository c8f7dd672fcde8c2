// The widget's behaviour: loads data through the API, applies feed changes to the store,
// sends messages (with safe retries), marks conversations seen. Views call these actions
// and render from the store; they never fetch anything themselves.

import { backoffDelay } from "./transports/index.js";
import { createSeqTracker } from "./store.js";
import { uuid } from "./dom.js";

const PAGE = 30;

/** Messages by id (or client_id while pending), confirmed ones by id, pending ones last. */
export function mergeMessages(list, incoming) {
  const out = list.slice();
  const byId = new Map();
  const byClient = new Map();
  out.forEach((m, i) => {
    if (m.id != null) byId.set(m.id, i);
    if (m.client_id) byClient.set(m.client_id, i);
  });
  for (const m of incoming) {
    let i = m.id != null ? byId.get(m.id) : undefined;
    if (i === undefined && m.client_id) i = byClient.get(m.client_id);
    if (i === undefined) {
      out.push(m);
      i = out.length - 1;
    } else {
      const old = out[i];
      out[i] = {
        ...old,
        ...m,
        seen_at: m.seen_at || old.seen_at || null,
        deleted: Boolean(m.deleted || old.deleted),
        body: m.deleted || old.deleted ? "" : m.body,
        pending: m.pending || false,
        failed: m.failed || null,
      };
    }
    if (out[i].id != null) byId.set(out[i].id, i);
    if (out[i].client_id) byClient.set(out[i].client_id, i);
  }
  out.sort((a, b) => {
    if (a.id != null && b.id != null) return a.id - b.id;
    if (a.id != null) return -1;
    if (b.id != null) return 1;
    return (a._t || 0) - (b._t || 0);
  });
  return out;
}

/** Count a body as the server does: characters (code points), not UTF-16 units. */
export function bodyLength(text) {
  let n = 0;
  for (const _ of text) n += 1;
  return n;
}

export function createChat({ store, api, config, emit, hooks }) {
  const me = config.user;
  const tracker = createSeqTracker(config.cursor);
  const maxLength = Number(config.max_body_length) || 5000;
  let contactsRefreshTimer = null;
  let searchSeq = 0;
  const seenPosted = new Map(); // peerId -> highest up_to_id posted
  const retryTimers = new Map(); // client_id -> {timer, wake} of a send waiting to retry
  const outbox = new Map(); // peerId -> promise of that conversation's last queued send
  const emitted = new Set(); // message ids already announced through emit("message")

  /** Emit the public "message" event once per message; true the first time. */
  function emitMessage(m) {
    if (m.id == null || emitted.has(m.id)) return false;
    emitted.add(m.id);
    emit("message", { ...m });
    return true;
  }

  const s = () => store.get();
  const peerOf = (m) => (m.from_id === me.id ? m.to_id : m.from_id);

  function setConv(peerId, fn) {
    store.set((st) => {
      const cur = st.convs[peerId] || { messages: [], hasMore: false, status: "idle", olderStatus: "idle" };
      return { convs: { ...st.convs, [peerId]: { ...cur, ...fn(cur) } } };
    });
  }

  function setContact(id, fn) {
    store.set((st) => {
      const cur = st.contacts[id];
      if (!cur) return null;
      return { contacts: { ...st.contacts, [id]: { ...cur, ...fn(cur) } } };
    });
  }

  function bumpContact(id) {
    store.set((st) => (st.order[0] === id ? null : { order: [id, ...st.order.filter((x) => x !== id)] }));
  }

  function userInfo(id) {
    const st = s();
    return st.contacts[id] || st.users[id] || { id, name: `#${id}`, avatar: null };
  }

  // ── Contacts ────────────────────────────────────────────────────────────────
  async function loadContacts() {
    if (!s().order.length) store.set({ contactsStatus: "loading" });
    try {
      const res = await api.get("contacts");
      const list = res.contacts || [];
      store.set((st) => {
        const contacts = { ...st.contacts };
        const users = { ...st.users };
        for (const c of list) {
          contacts[c.id] = { ...c };
          users[c.id] = { id: c.id, name: c.name, avatar: c.avatar };
        }
        return { contacts, users, order: list.map((c) => c.id), contactsStatus: "ready" };
      });
    } catch (err) {
      if (!s().order.length) store.set({ contactsStatus: "error" });
      hooks.onError(err);
    }
  }

  function refreshContactsSoon() {
    clearTimeout(contactsRefreshTimer);
    contactsRefreshTimer = setTimeout(loadContacts, 300);
  }

  async function search(q) {
    const query = q.trim();
    const mySeq = ++searchSeq;
    if (!query) {
      store.set({ search: null });
      return;
    }
    store.set((st) => ({ search: { q: query, ids: st.search ? st.search.ids : null, status: "loading" } }));
    try {
      const res = await api.get("contacts", { q: query });
      if (mySeq !== searchSeq) return;
      const list = res.contacts || [];
      store.set((st) => {
        const contacts = { ...st.contacts };
        for (const c of list) contacts[c.id] = { ...(contacts[c.id] || {}), ...c };
        return { contacts, search: { q: query, ids: list.map((c) => c.id), status: "ready" } };
      });
    } catch (err) {
      if (mySeq === searchSeq) store.set({ search: { q: query, ids: [], status: "error" } });
      hooks.onError(err);
    }
  }

  // ── Conversations ───────────────────────────────────────────────────────────
  async function loadNewest(peerId) {
    setConv(peerId, () => ({ status: "loading" }));
    try {
      const res = await api.get(`conversations/${peerId}/messages`, { limit: PAGE });
      setConv(peerId, (c) => ({
        messages: mergeMessages(c.messages, res.messages || []),
        hasMore: Boolean(res.has_more),
        status: "ready",
      }));
      hooks.afterMessages(peerId);
    } catch (err) {
      setConv(peerId, () => ({ status: "error" }));
      hooks.onError(err);
    }
  }

  async function loadOlder(peerId) {
    const conv = s().convs[peerId];
    if (!conv || !conv.hasMore || conv.olderStatus === "loading" || conv.status !== "ready") return;
    const oldest = conv.messages.find((m) => m.id != null);
    if (!oldest) return;
    setConv(peerId, () => ({ olderStatus: "loading" }));
    try {
      const res = await api.get(`conversations/${peerId}/messages`, { before: oldest.id, limit: PAGE });
      setConv(peerId, (c) => ({
        messages: mergeMessages(c.messages, res.messages || []),
        hasMore: Boolean(res.has_more),
        olderStatus: "idle",
      }));
    } catch (err) {
      setConv(peerId, () => ({ olderStatus: "error" }));
      hooks.onError(err);
    }
  }

  function openConversation(peerId) {
    peerId = Number(peerId);
    if (!Number.isFinite(peerId) || peerId === me.id) return;
    if (!s().contacts[peerId] && !s().users[peerId]) refreshContactsSoon();
    store.set({ view: "conversation", peerId });
    const conv = s().convs[peerId];
    if (!conv || conv.status === "idle" || conv.status === "error") loadNewest(peerId);
    else hooks.afterMessages(peerId);
  }

  function showContacts() {
    store.set({ view: "contacts" });
  }

  // ── Seen ────────────────────────────────────────────────────────────────────
  async function markSeen(peerId) {
    const conv = s().convs[peerId];
    if (!conv) return;
    let upTo = 0;
    for (const m of conv.messages) {
      if (m.from_id === peerId && m.id != null && !m.seen_at && m.id > upTo) upTo = m.id;
    }
    const contact = s().contacts[peerId];
    if (!upTo && contact && contact.unread > 0) {
      for (const m of conv.messages) if (m.from_id === peerId && m.id > upTo) upTo = m.id;
    }
    if (!upTo || upTo <= (seenPosted.get(peerId) || 0)) return;
    seenPosted.set(peerId, upTo);
    const now = new Date().toISOString();
    applySeenLocally({ reader_id: me.id, sender_id: peerId, up_to_id: upTo, seen_at: now });
    try {
      await api.post(`conversations/${peerId}/seen`, { up_to_id: upTo });
    } catch (err) {
      seenPosted.set(peerId, 0);
      hooks.onError(err);
    }
  }

  function applySeenLocally({ reader_id, sender_id, up_to_id, seen_at }) {
    const peerId = reader_id === me.id ? sender_id : reader_id;
    const mark = (m) =>
      m.from_id === sender_id && m.id != null && m.id <= up_to_id && !m.seen_at ? { ...m, seen_at } : m;
    const conv = s().convs[peerId];
    if (conv) setConv(peerId, (c) => ({ messages: c.messages.map(mark) }));
    setContact(peerId, (c) => {
      const patch = {};
      if (c.last_message) patch.last_message = mark(c.last_message);
      if (reader_id === me.id) {
        const loaded = s().convs[peerId];
        const lastId = c.last_message ? c.last_message.id : 0;
        if (lastId && lastId <= up_to_id) patch.unread = 0;
        else if (loaded && loaded.status === "ready") {
          patch.unread = loaded.messages.filter((m) => m.from_id === peerId && m.id > up_to_id && !m.seen_at).length;
        }
      }
      return patch;
    });
  }

  // ── Sending ─────────────────────────────────────────────────────────────────
  function send(peerId, text) {
    const body = String(text).replace(/^\s*\n|\s+$/g, "");
    if (!body.trim()) return { ok: false };
    if (bodyLength(body) > maxLength) return { ok: false, error: "too_long" };
    const msg = {
      id: null,
      client_id: uuid(),
      from_id: me.id,
      to_id: peerId,
      body,
      created_at: new Date().toISOString(),
      seen_at: null,
      deleted: false,
      pending: true,
      failed: null,
      _t: Date.now(),
    };
    setConv(peerId, (c) => ({ messages: mergeMessages(c.messages, [msg]) }));
    setContact(peerId, () => ({ last_message: msg }));
    bumpContact(peerId);
    enqueue(msg);
    return { ok: true };
  }

  /**
   * Queue a send behind the earlier ones of the same conversation. Sends go out one at a time:
   * concurrent POSTs (fast typing, or retries after a 429) would be stored, and so shown to
   * both people, in whatever order the server happened to commit them.
   */
  function enqueue(msg) {
    const peerId = msg.to_id;
    const next = (outbox.get(peerId) || Promise.resolve()).then(() => deliver(msg)).catch(() => {});
    outbox.set(peerId, next);
    next.then(() => {
      if (outbox.get(peerId) === next) outbox.delete(peerId);
    });
  }

  /** Wait before a retry; flushPending() cuts the wait short. */
  function retryPause(clientId, ms) {
    return new Promise((resolve) => {
      const timer = setTimeout(resolve, ms);
      retryTimers.set(clientId, { timer, wake: resolve });
    }).finally(() => retryTimers.delete(clientId));
  }

  /** POST one message, retrying transient failures with the same client_id; settles when done. */
  async function deliver(msg) {
    const peerId = msg.to_id;
    for (let attempt = 0; ; attempt++) {
      try {
        const saved = await api.post(`conversations/${peerId}/messages`, { body: msg.body, client_id: msg.client_id });
        setConv(peerId, (c) => ({ messages: mergeMessages(c.messages, [{ ...saved, pending: false, failed: null }]) }));
        setContact(peerId, (c) =>
          !c.last_message || c.last_message.id == null || c.last_message.id <= saved.id ? { last_message: saved } : {},
        );
        emitMessage(saved);
        hooks.afterSend(peerId);
        return;
      } catch (err) {
        if (err.transient && attempt < 6) {
          await retryPause(msg.client_id, backoffDelay(attempt, 1000, err, 15000));
          continue;
        }
        const failed = err.status === 413 ? "too_long" : err.message || err.code || "error";
        setConv(peerId, (c) => ({ messages: mergeMessages(c.messages, [{ ...msg, pending: false, failed }]) }));
        hooks.onError(err);
        return;
      }
    }
  }

  /** Retry waiting sends at once (the browser came back online); same client_id, so no duplicates. */
  function flushPending() {
    for (const { timer, wake } of retryTimers.values()) {
      clearTimeout(timer);
      wake();
    }
  }

  function retry(peerId, clientId) {
    const conv = s().convs[peerId];
    const msg = conv && conv.messages.find((m) => m.client_id === clientId && m.id == null);
    if (!msg) return;
    const again = { ...msg, pending: true, failed: null };
    setConv(peerId, (c) => ({ messages: mergeMessages(c.messages, [again]) }));
    enqueue(again);
  }

  /** Delete one of my messages; shown deleted at once, the feed tells the other side. */
  async function deleteMessage(peerId, id) {
    const saved = await api.del(`messages/${id}`);
    onDeleted({ id, from_id: me.id, to_id: peerId });
    return saved;
  }

  // ── Feed changes ────────────────────────────────────────────────────────────
  function applyChanges(changes, cursor) {
    for (const change of changes || []) {
      if (!change || !tracker.accept(change.seq)) continue;
      try {
        applyChange(change);
      } catch (err) {
        console.error("[AddChat] could not apply change", change, err);
      }
    }
    tracker.advance(cursor);
  }

  function applyChange({ type, data }) {
    if (!data) return;
    if (type === "message") onMessage(data);
    else if (type === "seen") applySeenLocally(data);
    else if (type === "message_deleted") onDeleted(data);
    else if (type === "config") hooks.onConfigChange(data);
    // unknown types are ignored on purpose
  }

  function onMessage(m) {
    const peerId = peerOf(m);
    const incoming = m.to_id === me.id && m.from_id !== me.id;
    const conv = s().convs[peerId];
    const known = conv && conv.messages.some((x) => x.id === m.id);
    // Read right away when the conversation is on screen: no flash of an unread badge.
    const visible = incoming && hooks.inView(peerId);
    if (conv && conv.status !== "idle") setConv(peerId, (c) => ({ messages: mergeMessages(c.messages, [m]) }));
    if (!s().contacts[peerId]) {
      refreshContactsSoon();
    } else {
      setContact(peerId, (c) => {
        const patch = {};
        if (!c.last_message || c.last_message.id == null || c.last_message.id <= m.id) patch.last_message = m;
        if (incoming && !known && !visible && !m.seen_at) patch.unread = (c.unread || 0) + 1;
        return patch;
      });
      bumpContact(peerId);
    }
    const first = emitMessage(m);
    if (incoming && first && !known) hooks.onIncoming(m, userInfo(peerId));
  }

  function onDeleted({ id, from_id, to_id }) {
    const peerId = from_id === me.id ? to_id : from_id;
    const conv = s().convs[peerId];
    if (conv) {
      setConv(peerId, (c) => ({
        messages: c.messages.map((m) => (m.id === id ? { ...m, deleted: true, body: "" } : m)),
      }));
    }
    const contact = s().contacts[peerId];
    if (contact && contact.last_message && contact.last_message.id === id) {
      setContact(peerId, (c) => ({ last_message: { ...c.last_message, deleted: true, body: "" } }));
    }
    if (to_id === me.id) refreshContactsSoon(); // server recounts unread
  }

  return {
    me,
    maxLength,
    bodyLength,
    tracker,
    loadContacts,
    search,
    loadOlder,
    loadNewest,
    openConversation,
    showContacts,
    markSeen,
    send,
    retry,
    deleteMessage,
    flushPending,
    applyChanges,
    userInfo,
  };
}
