// Read receipts: posting "seen" for a conversation, and applying seen marks (mine or the peer's).

export function createSeen(c) {
  const { store, api, hooks, me } = c;
  const s = () => store.get();
  const seenPosted = new Map(); // peerId -> highest up_to_id posted

  /** The newest message of peerId's to mark seen (0: nothing to do). */
  function seenUpTo(peerId) {
    const conv = s().convs[peerId];
    if (!conv) return 0;
    let upTo = 0;
    for (const m of conv.messages) {
      if (m.from_id === peerId && m.id != null && !m.seen_at && m.id > upTo) upTo = m.id;
    }
    const contact = s().contacts[peerId];
    if (!upTo && contact && contact.unread > 0) {
      for (const m of conv.messages) if (m.from_id === peerId && m.id > upTo) upTo = m.id;
    }
    return upTo;
  }

  async function markSeen(peerId) {
    const upTo = seenUpTo(peerId);
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
    if (conv) c.setConv(peerId, (cur) => ({ messages: cur.messages.map(mark) }));
    c.setContact(peerId, (contact) => {
      const patch = {};
      if (contact.last_message) patch.last_message = mark(contact.last_message);
      if (reader_id === me.id) {
        const loaded = s().convs[peerId];
        const lastId = contact.last_message ? contact.last_message.id : 0;
        if (lastId && lastId <= up_to_id) patch.unread = 0;
        else if (loaded && loaded.status === "ready") {
          patch.unread = loaded.messages.filter((m) => m.from_id === peerId && m.id > up_to_id && !m.seen_at).length;
        }
      }
      return patch;
    });
  }

  return { markSeen, applySeenLocally };
}
