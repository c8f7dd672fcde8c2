// Rendering: the views follow the store; the unread total, its public event and the page title
// follow the contacts; relative times refresh while the panel is open.

const REFRESH_MS = 30000;

export function startRendering(w) {
  const { store, emit } = w;
  let prev = {};
  let baseTitle = document.title;
  let lastTitle = null;

  function render(st, force = false) {
    // Unread messages and unread notifications both count on the launcher and in the title.
    const notifUnread = (st.notif && st.notif.unread) || 0;
    const unreadTotal = Object.values(st.contacts).reduce((n, c) => n + (c.unread || 0), notifUnread);
    if (unreadTotal !== st.unreadTotal) {
      store.set({ unreadTotal });
      emit("unread", { count: unreadTotal });
      return; // the store calls render again with the new total
    }
    w.shell.render(st, prev);
    w.contactsView.render(st, prev, force);
    w.conversationView.render(st, prev, force);
    if (document.title !== lastTitle) baseTitle = document.title;
    lastTitle = unreadTotal > 0 ? `(${unreadTotal > 99 ? "99+" : unreadTotal}) ${baseTitle}` : baseTitle;
    if (document.title !== lastTitle) document.title = lastTitle;
    prev = st;
  }
  store.subscribe((st) => render(st));
  render(store.get());
  return (force) => render(store.get(), force);
}

/** The page around the widget: visibility, network and the clock. */
export function watchPage(w, rerender) {
  const { store } = w;
  // Relative times ("2 minutes ago") refresh every 30 s while the panel is open.
  setInterval(() => {
    if (store.get().isOpen && !document.hidden) rerender(true);
  }, REFRESH_MS);
  document.addEventListener("visibilitychange", () => {
    if (!document.hidden) w.seen.maybeMarkSeen();
  });
  window.addEventListener("online", () => {
    w.chat.flushPending();
    rerender(true);
  });
  window.addEventListener("offline", () => rerender(true));
}
