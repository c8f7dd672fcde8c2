// Conversations: which one is shown, and loading its newest and older pages of history.

import { mergeMessages } from "./messages.js";

const PAGE = 30;

export function createConversations(c) {
  const { store, api, hooks, me } = c;
  const s = () => store.get();

  async function loadNewest(peerId) {
    c.setConv(peerId, () => ({ status: "loading" }));
    try {
      const res = await api.get(`conversations/${peerId}/messages`, { limit: PAGE });
      c.setConv(peerId, (conv) => ({
        messages: mergeMessages(conv.messages, res.messages || []),
        hasMore: Boolean(res.has_more),
        status: "ready",
      }));
      hooks.afterMessages(peerId);
    } catch (err) {
      c.setConv(peerId, () => ({ status: "error" }));
      hooks.onError(err);
    }
  }

  async function loadOlder(peerId) {
    const conv = s().convs[peerId];
    if (!conv || !conv.hasMore || conv.olderStatus === "loading" || conv.status !== "ready") return;
    const oldest = conv.messages.find((m) => m.id != null);
    if (!oldest) return;
    c.setConv(peerId, () => ({ olderStatus: "loading" }));
    try {
      const res = await api.get(`conversations/${peerId}/messages`, { before: oldest.id, limit: PAGE });
      c.setConv(peerId, (cur) => ({
        messages: mergeMessages(cur.messages, res.messages || []),
        hasMore: Boolean(res.has_more),
        olderStatus: "idle",
      }));
    } catch (err) {
      c.setConv(peerId, () => ({ olderStatus: "error" }));
      hooks.onError(err);
    }
  }

  function openConversation(peerId) {
    peerId = Number(peerId);
    if (!Number.isFinite(peerId) || peerId === me.id) return;
    if (!s().contacts[peerId] && !s().users[peerId]) c.refreshContactsSoon();
    store.set({ view: "conversation", peerId });
    const conv = s().convs[peerId];
    if (!conv || conv.status === "idle" || conv.status === "error") loadNewest(peerId);
    else hooks.afterMessages(peerId);
  }

  function showContacts() {
    store.set({ view: "contacts" });
  }

  return { loadNewest, loadOlder, openConversation, showContacts };
}
