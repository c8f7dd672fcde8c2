// Store records the chat keeps: one conversation, one contact, who someone is, and the
// public "message" event (once per message).

export function createRecords(c) {
  const { store, me, emit } = c;
  const emitted = new Set(); // message ids already announced through emit("message")
  return {
    peerOf: (m) => (m.from_id === me.id ? m.to_id : m.from_id),

    /** Patch a conversation (created empty on first use). */
    setConv(peerId, fn) {
      store.set((st) => {
        const cur = st.convs[peerId] || { messages: [], hasMore: false, status: "idle", olderStatus: "idle" };
        return { convs: { ...st.convs, [peerId]: { ...cur, ...fn(cur) } } };
      });
    },

    /** Patch a known contact (unknown ones are left alone). */
    setContact(id, fn) {
      store.set((st) => {
        const cur = st.contacts[id];
        if (!cur) return null;
        return { contacts: { ...st.contacts, [id]: { ...cur, ...fn(cur) } } };
      });
    },

    /** Move a contact to the top of the list. */
    bumpContact(id) {
      store.set((st) => (st.order[0] === id ? null : { order: [id, ...st.order.filter((x) => x !== id)] }));
    },

    userInfo(id) {
      const st = store.get();
      return st.contacts[id] || st.users[id] || { id, name: `#${id}`, avatar: null };
    },

    /** Emit the public "message" event once per message; true the first time. */
    emitMessage(m) {
      if (m.id == null || emitted.has(m.id)) return false;
      emitted.add(m.id);
      emit("message", { ...m });
      return true;
    },
  };
}
