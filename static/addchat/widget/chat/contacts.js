// The contact list and contact search, loaded through GET contacts.

const REFRESH_MS = 300;

export function createContacts(c) {
  const { store, api, hooks } = c;
  const s = () => store.get();
  let refreshTimer = null;
  let searchSeq = 0;

  async function loadContacts() {
    if (!s().order.length) store.set({ contactsStatus: "loading" });
    try {
      const res = await api.get("contacts");
      const list = res.contacts || [];
      store.set((st) => {
        const contacts = { ...st.contacts };
        const users = { ...st.users };
        for (const x of list) {
          contacts[x.id] = { ...x };
          users[x.id] = { id: x.id, name: x.name, avatar: x.avatar };
        }
        return { contacts, users, order: list.map((x) => x.id), contactsStatus: "ready" };
      });
    } catch (err) {
      if (!s().order.length) store.set({ contactsStatus: "error" });
      hooks.onError(err);
    }
  }

  /** Reload the list shortly (an unknown person wrote, or the server recounts unread). */
  function refreshContactsSoon() {
    clearTimeout(refreshTimer);
    refreshTimer = setTimeout(loadContacts, REFRESH_MS);
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
        for (const x of list) contacts[x.id] = { ...(contacts[x.id] || {}), ...x };
        return { contacts, search: { q: query, ids: list.map((x) => x.id), status: "ready" } };
      });
    } catch (err) {
      if (mySeq === searchSeq) store.set({ search: { q: query, ids: [], status: "error" } });
      hooks.onError(err);
    }
  }

  return { loadContacts, refreshContactsSoon, search };
}
