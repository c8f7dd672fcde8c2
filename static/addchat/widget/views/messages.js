// Message rows of a conversation: day separators, grouping, body (text only, links made
// safe by linkify), the quote of the message it replies to, "edited", time, sent/seen ticks and
// "Seen" in words under my last seen message, retry of a failed send; the actions menu and the
// delete confirm are in ./message-menu.js. `v` is the conversation view's state (./conversation.js).

import { h, icon, show, linkify } from "../dom.js";
import { parseTime, dayKey } from "../time.js";
import { buildMenu, bindMenu, bindDelete, setConfirm, setMenu } from "./message-menu.js";

const GROUP_MS = 5 * 60 * 1000;

export function keyOf(item) {
  return item.kind === "day" ? `d${item.key}` : item.m.client_id ? `c${item.m.client_id}` : `m${item.m.id}`;
}

export function createItem(v, item) {
  const { t, chat } = v.ctx;
  if (item.kind === "day") return h("li", { class: "day" }, h("span", { class: "day-label" }));
  const body = h("p", { class: "body" });
  const who = h("span", { class: "sr-only" });
  const quote = h("span", { class: "quote", hidden: true });
  const edited = h("span", { class: "edited", hidden: true, text: t("edited") });
  const time = h("time", { class: "time" });
  const ticks = h("span", { class: "ticks", role: "img" });
  const meta = h("span", { class: "meta" }, edited, time, ticks);
  const retryBtn = h("button", { class: "link-btn", type: "button", text: t("retry") });
  const failText = h("span");
  const fail = h("p", { class: "fail", hidden: true }, icon("alert", "icon icon-sm"), failText, retryBtn);
  const bubble = h("div", { class: "bubble" }, who, quote, body, meta);
  const delBtn = h("button", { class: "msg-action del", type: "button", "aria-label": t("deleteMessage"), title: t("deleteMessage"), hidden: true }, icon("trash", "icon icon-sm"));
  const moreBtn = h("button", { class: "msg-action more", type: "button", "aria-label": t("messageActions"), title: t("messageActions"), "aria-haspopup": "menu", "aria-expanded": "false", hidden: true }, icon("more", "icon icon-sm"));
  const line = h("div", { class: "msg-line" }, moreBtn, delBtn, bubble);
  const menu = buildMenu(t);
  const confirmYes = h("button", { class: "link-btn danger", type: "button", text: t("delete") });
  const confirmNo = h("button", { class: "link-btn", type: "button", text: t("cancel") });
  const confirm = h("div", { class: "confirm", role: "group", "aria-label": t("deleteConfirm"), hidden: true }, h("span", { text: t("deleteConfirm") }), confirmYes, confirmNo);
  const receipt = h("p", { class: "receipt", hidden: true });
  const li = h("li", { class: "msg" }, line, menu.menu, fail, confirm, receipt);
  retryBtn.addEventListener("click", () => chat.retry(li._m.to_id, li._m.client_id));
  li._parts = { body, who, quote, edited, time, ticks, fail, failText, delBtn, moreBtn, menu, confirm, confirmYes, confirmNo, receipt };
  bindDelete(v, li);
  bindMenu(v, li, bubble);
  return li;
}

export function updateItem(v, li, item) {
  const { fmt, t } = v.ctx;
  if (item.kind === "day") {
    li.firstChild.textContent = fmt.day(item.date, item.now);
    return;
  }
  const m = item.m;
  const p = li._parts;
  if (li._m !== m || li._quoteName !== item.quoteName) {
    li._m = m;
    li._quoteName = item.quoteName;
    updateMessage(v, li, item);
  }
  li.classList.toggle("cont", item.cont);
  li.classList.toggle("more", item.more);
  const when = parseTime(m.created_at);
  p.time.textContent = fmt.relative(when, item.now);
  p.time.dateTime = when.toISOString();
  p.time.title = fmt.full(when);
  if (p.receipt.dataset.state !== (item.receipt || "")) {
    p.receipt.dataset.state = item.receipt || "";
    p.receipt.textContent = item.receipt ? t(item.receipt) : "";
    show(p.receipt, Boolean(item.receipt));
  }
}

/** Everything of an item that depends on the message itself (run when the message changed). */
function updateMessage(v, li, item) {
  const { t, chat } = v.ctx;
  const m = item.m;
  const p = li._parts;
  const mine = m.from_id === chat.me.id;
  const menuOpen = li.classList.contains("menu-open");
  li.className = "msg " + (mine ? "mine" : "theirs");
  li.classList.toggle("pending", Boolean(m.pending));
  li.classList.toggle("failed", Boolean(m.failed));
  li.classList.toggle("deleted", Boolean(m.deleted));
  p.who.textContent = mine ? t("said", { name: t("you") }) : t("said", { name: item.peerName });
  if (m.deleted) p.body.textContent = t("deleted");
  else p.body.replaceChildren(...linkify(String(m.body ?? "")));
  updateQuote(t, p.quote, m.deleted ? null : m.reply_to, item.quoteName);
  show(p.edited, Boolean(m.edited_at) && !m.deleted);
  // Only my stored messages can be deleted (the server checks it again).
  const deletable = mine && m.id != null && !m.deleted;
  show(p.delBtn, deletable);
  show(p.moreBtn, m.id != null && !m.deleted);
  if (m.id != null) {
    p.body.id = `addchat-body-${m.id}`;
    p.delBtn.setAttribute("aria-describedby", p.body.id);
    p.moreBtn.setAttribute("aria-describedby", p.body.id);
  }
  setConfirm(li, deletable && !p.confirm.hidden); // className was just reset
  setMenu(li, menuOpen && m.id != null && !m.deleted);
  show(p.ticks, mine && !m.deleted);
  if (mine) updateTicks(t, p.ticks, m);
  show(p.fail, Boolean(m.failed));
  p.failText.textContent = m.failed === "too_long" ? t("tooLong", { n: chat.maxLength }) : t("failed");
}

/** The quoted message a reply answers: who wrote it and the start of its text (text only). */
function updateQuote(t, quote, reply, name) {
  show(quote, Boolean(reply));
  if (!reply) return;
  const text = reply.deleted ? t("quoteDeleted") : String(reply.body || "").replace(/\s+/g, " ").slice(0, 140) || t("quoteMissing");
  quote.replaceChildren(h("span", { class: "quote-name", text: name || "" }), text);
}

/** Ticks: clock while sending, one tick when stored, two when seen. */
function updateTicks(t, ticks, m) {
  const state = m.pending ? "sending" : m.failed ? "failed" : m.seen_at ? "seen" : "sent";
  if (ticks.dataset.state === state) return;
  ticks.dataset.state = state;
  ticks.replaceChildren(icon(state === "sending" ? "clock" : state === "seen" ? "ticks" : state === "failed" ? "alert" : "tick", "icon icon-tick"));
  ticks.setAttribute("aria-label", t(state === "sending" ? "sending" : state === "seen" ? "seen" : state === "failed" ? "failed" : "sent"));
}

/** Which of my messages say "Seen" (the last one seen) and "Sent" (the last one, when not seen yet). */
function receipts(messages, meId) {
  const out = new Map();
  let lastMine = null;
  let lastSeen = null;
  for (const m of messages) {
    if (m.from_id !== meId || m.id == null || m.deleted) continue;
    lastMine = m;
    if (m.seen_at) lastSeen = m;
  }
  if (lastSeen) out.set(lastSeen, "seen");
  if (lastMine && lastMine !== lastSeen) out.set(lastMine, "sent");
  return out;
}

/** The rows of a conversation: day separators, and messages grouped by sender within 5 minutes. */
export function buildItems(conv, peerName, names = {}) {
  const items = [];
  const now = new Date();
  const marks = names.meId != null ? receipts(conv.messages, names.meId) : new Map();
  let lastDay = null;
  let prev = null;
  for (const m of conv.messages) {
    const date = parseTime(m.created_at);
    const dk = dayKey(date);
    if (dk !== lastDay) {
      items.push({ kind: "day", key: dk, date, now });
      lastDay = dk;
      prev = null;
    }
    const cont = Boolean(prev && prev.from_id === m.from_id && date - parseTime(prev.created_at) < GROUP_MS);
    if (cont) items[items.length - 1].more = true; // the previous one is not the last of its group
    const quoteName = m.reply_to ? (m.reply_to.from_id === names.meId ? names.you : peerName) : null;
    items.push({ kind: "msg", m, cont, more: false, now, peerName, quoteName, receipt: marks.get(m) || null });
    prev = m;
  }
  return items;
}
