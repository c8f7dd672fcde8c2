// Seen-marking: when a conversation counts as read (open, tab visible, scrolled to the bottom).

export function createSeenMarking(w) {
  const { store } = w;

  function inView(peerId) {
    const st = store.get();
    return (
      st.isOpen &&
      st.view === "conversation" &&
      st.peerId === peerId &&
      document.visibilityState === "visible" &&
      (!w.conversationView || w.conversationView.atBottom())
    );
  }

  return {
    inView,
    /** Mark the shown conversation seen if it is in view now. */
    maybeMarkSeen() {
      const peerId = store.get().peerId;
      if (peerId != null && inView(peerId)) w.chat.markSeen(peerId);
    },
    /** Mark peerId's conversation seen after this task (the views render first), if it is in view then. */
    markSoon(peerId) {
      setTimeout(() => inView(peerId) && w.chat.markSeen(peerId), 0);
    },
  };
}
