// Feed changes into the store: each change once (by seq), whatever transport brought it.

import { mergeMessages } from "./messages.js";

export function createFeed(c) {
  const { store, hooks, me, tracker } = c;
  const s = () => store.get();

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
    else if (type === "seen") c.applySeenLocally(data);
    else if (type === "message_deleted") onDeleted(data);
    else if (type === "message_edited") onEdited(data);
    else if (type === "config") hooks.onConfigChange(data);
    else if (hooks.onOtherChange) hooks.onOtherChange(type, data);
    // unknown types are ignored on purpose
  }

  function onMessage(m) {
    const peerId = c.peerOf(m);
    const incoming = m.to_id === me.id && m.from_id !== me.id;
    const conv = s().convs[peerId];
    const known = conv && conv.messages.some((x) => x.id === m.id);
    // Read right away when the conversation is on screen: no flash of an unread badge.
    const visible = incoming && hooks.inView(peerId);
    if (conv && conv.status !== "idle") c.setConv(peerId, (cur) => ({ messages: mergeMessages(cur.messages, [m]) }));
    if (!s().contacts[peerId]) {
      c.refreshContactsSoon();
    } else {
      c.setContact(peerId, (x) => {
        const patch = {};
        if (!x.last_message || x.last_message.id == null || x.last_message.id <= m.id) patch.last_message = m;
        if (incoming && !known && !visible && !m.seen_at) patch.unread = (x.unread || 0) + 1;
        return patch;
      });
      c.bumpContact(peerId);
    }
    const first = c.emitMessage(m);
    if (incoming && first && !known) hooks.onIncoming(m, c.userInfo(peerId));
  }

  function onDeleted({ id, from_id, to_id }) {
    const peerId = from_id === me.id ? to_id : from_id;
    if (s().convs[peerId]) {
      c.setConv(peerId, (cur) => ({
        messages: cur.messages.map((m) => (m.id === id ? { ...m, deleted: true, body: "" } : m)),
      }));
    }
    const contact = s().contacts[peerId];
    if (contact && contact.last_message && contact.last_message.id === id) {
      c.setContact(peerId, (x) => ({ last_message: { ...x.last_message, deleted: true, body: "" } }));
    }
    if (to_id === me.id) c.refreshContactsSoon(); // server recounts unread
  }

  /** My or the peer's message was edited: new body and edited_at, in the thread, in quotes of it, in the contact's preview. */
  function onEdited(m) {
    const peerId = c.peerOf(m);
    const requote = (x) => (x.reply_to && x.reply_to.id === m.id ? { ...x, reply_to: { ...x.reply_to, body: m.body } } : x);
    if (s().convs[peerId]) {
      c.setConv(peerId, (cur) => ({
        messages: mergeMessages(cur.messages, cur.messages.some((x) => x.id === m.id) ? [m] : []).map(requote),
      }));
    }
    c.setContact(peerId, (x) => (x.last_message && x.last_message.id === m.id ? { last_message: { ...x.last_message, body: m.body, edited_at: m.edited_at } } : {}));
  }

  return { applyChanges, onDeleted, onEdited };
}
