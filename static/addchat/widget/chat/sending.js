// Sending: optimistic pending messages, one send at a time per conversation, safe retries
// (same client_id, so never a duplicate), waiting out a 429 in words (the queue is kept and
// goes out in order, each message once), replies, and editing or deleting my own messages.

import { backoffDelay } from "../transports/backoff.js";
import { uuid } from "../dom.js";
import { bodyLength, mergeMessages } from "./messages.js";

const MAX_ATTEMPTS = 6;

export function createSending(c) {
  const q = { c, retryTimers: new Map(), outbox: new Map() };
  // retryTimers: client_id -> {timer, wake} of a send waiting to retry;
  // outbox: peerId -> promise of that conversation's last queued send.
  const { store, api, me, maxLength } = c;

  function send(peerId, text, { replyTo = null } = {}) {
    const body = cleanBody(text);
    if (!body.trim()) return { ok: false };
    if (bodyLength(body) > maxLength) return { ok: false, error: "too_long" };
    const msg = pendingMessage(me, peerId, body, replyTo);
    c.setConv(peerId, (conv) => ({ messages: mergeMessages(conv.messages, [msg]) }));
    c.setContact(peerId, () => ({ last_message: msg }));
    c.bumpContact(peerId);
    enqueue(q, msg);
    return { ok: true };
  }

  /** Retry waiting sends at once (the browser came back online); same client_id, so no duplicates. */
  function flushPending() {
    for (const { timer, wake } of q.retryTimers.values()) {
      clearTimeout(timer);
      wake();
    }
  }

  function retry(peerId, clientId) {
    const conv = store.get().convs[peerId];
    const msg = conv && conv.messages.find((m) => m.client_id === clientId && m.id == null);
    if (!msg) return;
    const again = { ...msg, pending: true, failed: null };
    c.setConv(peerId, (cur) => ({ messages: mergeMessages(cur.messages, [again]) }));
    enqueue(q, again);
  }

  /** Delete one of my messages; shown deleted at once, the feed tells the other side. */
  async function deleteMessage(peerId, id) {
    const saved = await api.del(`messages/${id}`);
    c.onDeleted({ id, from_id: me.id, to_id: peerId });
    return saved;
  }

  /** Edit one of my messages; {ok} or {ok: false, error, message} (the server's reason, e.g. too late). */
  async function editMessage(peerId, id, text) {
    const body = cleanBody(text);
    if (!body.trim()) return { ok: false, error: "empty" };
    if (bodyLength(body) > maxLength) return { ok: false, error: "too_long" };
    try {
      const saved = await api.patch(`messages/${id}`, { body });
      c.onEdited(saved);
      return { ok: true };
    } catch (err) {
      c.hooks.onError(err);
      return { ok: false, error: err.code, message: err.status && err.status < 500 ? err.message : "" };
    }
  }

  return { send, retry, flushPending, deleteMessage, editMessage };
}

/** A body as sent: leading blank lines and trailing spaces dropped. */
function cleanBody(text) {
  return String(text).replace(/^\s*\n|\s+$/g, "");
}

/** My message as shown until the server has stored it. */
function pendingMessage(me, peerId, body, replyTo) {
  return {
    id: null,
    client_id: uuid(),
    from_id: me.id,
    to_id: peerId,
    body,
    created_at: new Date().toISOString(),
    seen_at: null,
    deleted: false,
    edited_at: null,
    reply_to: replyTo ? { id: replyTo.id, from_id: replyTo.from_id, body: replyTo.body, deleted: false } : null,
    pending: true,
    failed: null,
    _t: Date.now(),
  };
}

/**
 * Queue a send behind the earlier ones of the same conversation. Sends go out one at a time:
 * concurrent POSTs (fast typing, or retries after a 429) would be stored, and so shown to
 * both people, in whatever order the server happened to commit them.
 */
function enqueue(q, msg) {
  const peerId = msg.to_id;
  const next = (q.outbox.get(peerId) || Promise.resolve()).then(() => deliver(q, msg)).catch(() => {});
  q.outbox.set(peerId, next);
  next.then(() => {
    if (q.outbox.get(peerId) === next) q.outbox.delete(peerId);
  });
}

/** Wait before a retry; flushPending() cuts the wait short. */
function retryPause(q, clientId, ms) {
  return new Promise((resolve) => {
    const timer = setTimeout(resolve, ms);
    q.retryTimers.set(clientId, { timer, wake: resolve });
  }).finally(() => q.retryTimers.delete(clientId));
}

/**
 * A 429: the server said how long to wait (Retry-After). Say it in words (store.sendWait) and wait;
 * the queue behind this message waits too, so everything still goes out once and in order.
 */
async function waitOutLimit(q, msg, err, attempt) {
  const ms = backoffDelay(attempt, 1000, err, 60000);
  q.c.store.set({ sendWait: { until: Date.now() + ms } });
  await retryPause(q, msg.client_id, ms);
}

/** POST one message, retrying transient failures with the same client_id; settles when done. */
async function deliver(q, msg) {
  const { c } = q;
  const peerId = msg.to_id;
  const payload = { body: msg.body, client_id: msg.client_id };
  if (msg.reply_to) payload.reply_to_id = msg.reply_to.id;
  for (let attempt = 0, limited = 0; ; attempt++) {
    try {
      const saved = await c.api.post(`conversations/${peerId}/messages`, payload);
      if (c.store.get().sendWait) c.store.set({ sendWait: null });
      c.setConv(peerId, (conv) => ({ messages: mergeMessages(conv.messages, [{ ...saved, pending: false, failed: null }]) }));
      c.setContact(peerId, (x) =>
        !x.last_message || x.last_message.id == null || x.last_message.id <= saved.id ? { last_message: saved } : {},
      );
      c.emitMessage(saved);
      c.hooks.afterSend(peerId);
      return;
    } catch (err) {
      if (err.status === 429) {
        // Not a failure: the limit lifts. Waiting does not use up the attempts.
        await waitOutLimit(q, msg, err, limited++);
        attempt--;
        continue;
      }
      if (c.store.get().sendWait) c.store.set({ sendWait: null });
      if (err.transient && attempt < MAX_ATTEMPTS) {
        await retryPause(q, msg.client_id, backoffDelay(attempt, 1000, err, 15000));
        continue;
      }
      const failed = err.status === 413 ? "too_long" : err.message || err.code || "error";
      c.setConv(peerId, (conv) => ({ messages: mergeMessages(conv.messages, [{ ...msg, pending: false, failed }]) }));
      c.hooks.onError(err);
      return;
    }
  }
}
