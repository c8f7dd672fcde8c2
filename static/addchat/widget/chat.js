// The widget's behaviour: loads data through the API, applies feed changes to the store,
// sends messages (with safe retries), marks conversations seen. Views call these actions
// and render from the store; they never fetch anything themselves. Each part lives in chat/.

import { createSeqTracker } from "./store.js";
import { bodyLength, mergeMessages } from "./chat/messages.js";
import { createRecords } from "./chat/records.js";
import { createContacts } from "./chat/contacts.js";
import { createConversations } from "./chat/conversations.js";
import { createSeen } from "./chat/seen.js";
import { createSending } from "./chat/sending.js";
import { createFeed } from "./chat/feed.js";

export { bodyLength, mergeMessages };

export function createChat({ store, api, config, emit, hooks }) {
  const c = {
    store,
    api,
    emit,
    hooks,
    me: config.user,
    tracker: createSeqTracker(config.cursor),
    maxLength: Number(config.max_body_length) || 5000,
  };
  // The parts call each other through `c` (late-bound), so the order here does not matter.
  for (const part of [createRecords, createContacts, createConversations, createSeen, createSending, createFeed]) {
    Object.assign(c, part(c));
  }
  return {
    me: c.me,
    maxLength: c.maxLength,
    bodyLength,
    tracker: c.tracker,
    loadContacts: c.loadContacts,
    search: c.search,
    loadOlder: c.loadOlder,
    loadNewest: c.loadNewest,
    openConversation: c.openConversation,
    showContacts: c.showContacts,
    markSeen: c.markSeen,
    send: c.send,
    retry: c.retry,
    deleteMessage: c.deleteMessage,
    editMessage: c.editMessage,
    flushPending: c.flushPending,
    applyChanges: c.applyChanges,
    userInfo: c.userInfo,
  };
}
