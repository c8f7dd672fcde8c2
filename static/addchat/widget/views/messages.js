// Message rows of a conversation: day separators, grouping, body (text only, links made
// safe by linkify), time, sent/seen ticks, retry of a failed send, and delete with a confirm.
// `v` is the conversation view's state (see ./conversation.js).

import { h, icon, show, linkify } from "../dom.js";
import { parseTime, dayKey } from "../time.js";

const GROUP_MS = 5 * 60 * 1000;

export function keyOf(item) {
  return item.kind === "day" ? `d${item.key}` : item.m.client_id ? `c${item.m.client_id}` : `m${item.m.id}`;
}

export function createItem(v, item) {
  const { t, chat } = v.ctx;
  if (item.kind === "day") return h("li", { class: "day" }, h("span", { class: "day-label" }));
  const body = h("p", { class: "body" });
  const who = h("span", { class: "sr-only" });
  const time = h("time", { class: "time" });
  const ticks = h("span", { class: "ticks", role: "img" });
  const meta = h("span", { class: "meta" }, time, ticks);
  const retryBtn = h("button", { class: "link-btn", type: "button", text: t("retry") });
  const failText = h("span");
  const fail = h("p", { class: "fail", hidden: true }, icon("alert", "icon icon-sm"), failText, retryBtn);
  const bubble = h("div", { class: "bubble" }, who, body, meta);
  const delBtn = h("button", { class: "msg-action", type: "button", "aria-label": t("deleteMessage"), title: t("deleteMessage"), hidden: true }, icon("trash", "icon icon-sm"));
  const line = h("div", { class: "msg-line" }, delBtn, bubble);
  const confirmYes = h("button", { class: "link-btn danger", type: "button", text: t("delete") });
  const confirmNo = h("button", { class: "link-btn", type: "button", text: t("cancel") });
  const confirm = h("div", { class: "confirm", role: "group", "aria-label": t("deleteConfirm"), hidden: true }, h("span", { text: t("deleteConfirm") }), confirmYes, confirmNo);
  const li = h("li", { class: "msg" }, line, fail, confirm);
  retryBtn.addEventListener("click", () => chat.retry(li._m.to_id, li._m.client_id));
  li._parts = { body, who, time, ticks, fail, failText, delBtn, confirm, confirmYes };
  bindDelete(v, li, confirmNo);
  return li;
}

/** The delete button and its inline confirm (the harmless choice first). */
function bindDelete(v, li, confirmNo) {
  const { t, chat } = v.ctx;
  const { delBtn, confirm, confirmYes } = li._parts;
  const cancel = () => {
    setConfirm(li, false);
    delBtn.focus();
  };
  delBtn.addEventListener("click", () => {
    setConfirm(li, true);
    confirmNo.focus();
  });
  confirmNo.addEventListener("click", cancel);
  confirm.addEventListener("keydown", (e) => {
    if (e.key !== "Escape") return;
    e.stopPropagation(); // close the confirm, not the panel
    cancel();
  });
  confirmYes.addEventListener("click", async () => {
    const m = li._m;
    confirmYes.disabled = true;
    try {
      await chat.deleteMessage(m.to_id, m.id);
      v.setComposerError("");
      v.scroller.focus(); // the buttons are gone with the message: keep focus in the list
    } catch {
      v.setComposerError(t("deleteFailed"));
      cancel();
    } finally {
      confirmYes.disabled = false;
    }
  });
}

function setConfirm(li, open) {
  show(li._parts.confirm, open);
  li.classList.toggle("confirming", open);
}

export function updateItem(v, li, item) {
  const { fmt } = v.ctx;
  if (item.kind === "day") {
    li.firstChild.textContent = fmt.day(item.date, item.now);
    return;
  }
  const m = item.m;
  const p = li._parts;
  if (li._m !== m) {
    li._m = m;
    updateMessage(v, li, item);
  }
  li.classList.toggle("cont", item.cont);
  li.classList.toggle("more", item.more);
  const when = parseTime(m.created_at);
  p.time.textContent = fmt.relative(when, item.now);
  p.time.dateTime = when.toISOString();
  p.time.title = fmt.full(when);
}

/** Everything of an item that depends on the message itself (run when the message changed). */
function updateMessage(v, li, item) {
  const { t, chat } = v.ctx;
  const m = item.m;
  const p = li._parts;
  const mine = m.from_id === chat.me.id;
  li.className = "msg " + (mine ? "mine" : "theirs");
  li.classList.toggle("pending", Boolean(m.pending));
  li.classList.toggle("failed", Boolean(m.failed));
  li.classList.toggle("deleted", Boolean(m.deleted));
  p.who.textContent = mine ? t("said", { name: t("you") }) : t("said", { name: item.peerName });
  if (m.deleted) p.body.textContent = t("deleted");
  else p.body.replaceChildren(...linkify(String(m.body ?? "")));
  // Only my stored messages can be deleted (the server checks it again).
  const deletable = mine && m.id != null && !m.deleted;
  show(p.delBtn, deletable);
  if (deletable) {
    p.body.id = `addchat-body-${m.id}`;
    p.delBtn.setAttribute("aria-describedby", p.body.id);
  }
  setConfirm(li, deletable && !p.confirm.hidden); // className was just reset
  show(p.ticks, mine && !m.deleted);
  if (mine) updateTicks(t, p.ticks, m);
  show(p.fail, Boolean(m.failed));
  p.failText.textContent = m.failed === "too_long" ? t("tooLong", { n: chat.maxLength }) : t("failed");
}

/** Ticks: clock while sending, one tick when stored, two when seen. */
function updateTicks(t, ticks, m) {
  const state = m.pending ? "sending" : m.failed ? "failed" : m.seen_at ? "seen" : "sent";
  if (ticks.dataset.state === state) return;
  ticks.dataset.state = state;
  ticks.replaceChildren(icon(state === "sending" ? "clock" : state === "seen" ? "ticks" : state === "failed" ? "alert" : "tick", "icon icon-tick"));
  ticks.setAttribute("aria-label", t(state === "sending" ? "sending" : state === "seen" ? "seen" : state === "failed" ? "failed" : "sent"));
}

/** The rows of a conversation: day separators, and messages grouped by sender within 5 minutes. */
export function buildItems(conv, peerName) {
  const items = [];
  const now = new Date();
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
    items.push({ kind: "msg", m, cont, more: false, now, peerName });
    prev = m;
  }
  return items;
}
