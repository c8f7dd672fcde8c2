// One conversation: history (older pages load on scroll up), day separators, relative
// times, sent/seen ticks, the composer (Enter sends, Shift+Enter adds a line).
// My own stored messages get a delete button (shown on hover or focus) and an inline confirm.

import { h, icon, show, reconcile, linkify } from "../dom.js";
import { parseTime, dayKey } from "../time.js";

const GROUP_MS = 5 * 60 * 1000;
const NEAR_BOTTOM = 48;
const NEAR_TOP = 120;

export function createConversationView(ctx) {
  const { t, fmt, chat, store } = ctx;

  const olderBtn = h("button", { class: "link-btn", type: "button", text: t("loadOlder") });
  const olderLoading = h("span", { class: "older-loading", role: "status" }, h("span", { class: "spinner" }), h("span", { text: t("loadingOlder") }));
  const startNote = h("p", { class: "start-note" });
  const older = h("div", { class: "older" }, olderBtn, olderLoading, startNote);
  const messages = h("ol", { class: "messages" });
  const loading = h("div", { class: "state", role: "status" }, h("span", { class: "spinner spinner-lg" }), h("span", { text: t("loading") }));
  const emptyText = h("p");
  const empty = h("div", { class: "state state-empty" }, icon("chat", "icon state-icon"), emptyText);
  const errorRetry = h("button", { class: "link-btn", type: "button", text: t("retry") });
  const error = h("div", { class: "state", role: "alert" }, h("p", {}, h("span", { text: t("loadError") + " " }), errorRetry));
  const scroller = h("div", { class: "scroll log", tabindex: "0", role: "log", "aria-live": "off" }, older, messages, loading, empty, error);
  const jump = h("button", { class: "jump", type: "button", hidden: true }, h("span", { text: t("newMessages") }), icon("down"));

  const textarea = h("textarea", {
    class: "input",
    rows: "1",
    enterkeyhint: "send",
    "aria-describedby": "addchat-hint",
  });
  const sendBtn = h("button", { class: "send", type: "submit", "aria-label": t("send"), title: t("send") }, icon("send"));
  const counter = h("span", { class: "counter", "aria-live": "polite", hidden: true });
  const composerError = h("p", { class: "composer-error", role: "alert", hidden: true });
  const form = h("form", { class: "composer" }, textarea, counter, sendBtn);
  const hint = h("p", { class: "sr-only", id: "addchat-hint", text: t("enterHint") });
  const el = h("div", { class: "view view-conversation" }, scroller, jump, composerError, form, hint);

  const nodes = new Map();
  let shownPeer = null;
  let shownName = null;
  let lastFirstKey = null;
  let lastLastKey = null;
  // Whether the list sat at the bottom when last laid out. While the panel is closed the list
  // has no size (every position reads as "bottom"), so opening it goes back by this instead.
  let stuck = true;

  const atBottom = () => scroller.scrollHeight - scroller.scrollTop - scroller.clientHeight < NEAR_BOTTOM;
  const scrollToBottom = () => {
    scroller.scrollTop = scroller.scrollHeight;
  };

  // ── Composer ───────────────────────────────────────────────────────────────
  function submit() {
    const st = store.get();
    if (st.peerId == null) return;
    const res = chat.send(st.peerId, textarea.value);
    if (res.ok) {
      clearTimeout(typingIdle);
      ctx.actions.typing(st.peerId, false);
      textarea.value = "";
      updateCounter();
      setComposerError("");
      scrollToBottom();
    } else if (res.error === "too_long") {
      setComposerError(t("tooLong", { n: chat.maxLength }));
    }
    textarea.focus();
  }
  form.addEventListener("submit", (e) => {
    e.preventDefault();
    submit();
  });
  textarea.addEventListener("keydown", (e) => {
    if (e.key === "Enter" && !e.shiftKey && !e.isComposing && e.keyCode !== 229) {
      e.preventDefault();
      submit();
    }
  });
  let typingIdle = null;
  textarea.addEventListener("input", () => {
    updateCounter();
    const peerId = store.get().peerId;
    if (peerId == null) return;
    clearTimeout(typingIdle);
    const active = textarea.value.trim() !== "";
    ctx.actions.typing(peerId, active);
    if (active) typingIdle = setTimeout(() => ctx.actions.typing(peerId, false), 4000);
  });

  // No maxlength attribute: it would cut a long paste silently and counts UTF-16 units, not
  // the characters the server counts. Over the limit, the counter turns to an error instead.
  function updateCounter() {
    const n = chat.bodyLength(textarea.value);
    const near = n >= chat.maxLength * 0.9;
    show(counter, near);
    counter.textContent = near ? `${n}/${chat.maxLength}` : "";
    counter.classList.toggle("over", n > chat.maxLength);
    if (n > chat.maxLength) setComposerError(t("tooLong", { n: chat.maxLength }));
    else if (composerError.textContent === t("tooLong", { n: chat.maxLength })) setComposerError("");
  }
  function setComposerError(text) {
    composerError.textContent = text;
    show(composerError, Boolean(text));
  }

  // ── Scrolling: older pages, seen, the "new messages" button ───────────────────
  scroller.addEventListener(
    "scroll",
    () => {
      const st = store.get();
      if (st.peerId == null) return;
      if (scroller.clientHeight) stuck = atBottom();
      if (scroller.scrollTop < NEAR_TOP) chat.loadOlder(st.peerId);
      if (atBottom()) {
        show(jump, false);
        ctx.actions.maybeMarkSeen();
      }
    },
    { passive: true },
  );
  olderBtn.addEventListener("click", () => {
    const st = store.get();
    if (st.peerId != null) chat.loadOlder(st.peerId);
  });
  errorRetry.addEventListener("click", () => {
    const st = store.get();
    if (st.peerId != null) chat.loadNewest(st.peerId);
  });
  jump.addEventListener("click", () => {
    scrollToBottom();
    show(jump, false);
    textarea.focus();
  });

  // ── Rendering ────────────────────────────────────────────────────────────────
  function keyOf(item) {
    return item.kind === "day" ? `d${item.key}` : item.m.client_id ? `c${item.m.client_id}` : `m${item.m.id}`;
  }

  function createItem(item) {
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
    delBtn.addEventListener("click", () => {
      setConfirm(li, true);
      confirmNo.focus(); // the harmless choice first
    });
    confirmNo.addEventListener("click", () => {
      setConfirm(li, false);
      delBtn.focus();
    });
    confirm.addEventListener("keydown", (e) => {
      if (e.key !== "Escape") return;
      e.stopPropagation(); // close the confirm, not the panel
      setConfirm(li, false);
      delBtn.focus();
    });
    confirmYes.addEventListener("click", async () => {
      const m = li._m;
      confirmYes.disabled = true;
      try {
        await chat.deleteMessage(m.to_id, m.id);
        setComposerError("");
        scroller.focus(); // the buttons are gone with the message: keep focus in the list
      } catch {
        setComposerError(t("deleteFailed"));
        setConfirm(li, false);
        delBtn.focus();
      } finally {
        confirmYes.disabled = false;
      }
    });
    return li;
  }

  function setConfirm(li, open) {
    show(li._parts.confirm, open);
    li.classList.toggle("confirming", open);
  }

  function updateItem(li, item) {
    if (item.kind === "day") {
      li.firstChild.textContent = fmt.day(item.date, item.now);
      return;
    }
    const m = item.m;
    const p = li._parts;
    const mine = m.from_id === chat.me.id;
    if (li._m !== m) {
      li._m = m;
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
      // Ticks: clock while sending, one tick when stored, two when seen.
      show(p.ticks, mine && !m.deleted);
      if (mine) {
        const state = m.pending ? "sending" : m.failed ? "failed" : m.seen_at ? "seen" : "sent";
        if (p.ticks.dataset.state !== state) {
          p.ticks.dataset.state = state;
          p.ticks.replaceChildren(icon(state === "sending" ? "clock" : state === "seen" ? "ticks" : state === "failed" ? "alert" : "tick", "icon icon-tick"));
          p.ticks.setAttribute("aria-label", t(state === "sending" ? "sending" : state === "seen" ? "seen" : state === "failed" ? "failed" : "sent"));
        }
      }
      show(p.fail, Boolean(m.failed));
      p.failText.textContent = m.failed === "too_long" ? t("tooLong", { n: chat.maxLength }) : t("failed");
    }
    li.classList.toggle("cont", item.cont);
    li.classList.toggle("more", item.more);
    const when = parseTime(m.created_at);
    p.time.textContent = fmt.relative(when, item.now);
    p.time.dateTime = when.toISOString();
    p.time.title = fmt.full(when);
  }

  function buildItems(conv, peerName) {
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

  function render(st, prev, force = false) {
    if (st.view !== "conversation" || st.peerId == null) {
      shownPeer = null;
      return;
    }
    const peerId = st.peerId;
    const conv = st.convs[peerId] || { messages: [], status: "loading", hasMore: false, olderStatus: "idle" };
    const peerChanged = peerId !== shownPeer;
    const prevConv = prev.convs ? prev.convs[peerId] : null;
    const signedOut = Boolean(st.connectionDetail && st.connectionDetail.reason === "unauthorized");
    textarea.disabled = signedOut;
    sendBtn.disabled = signedOut;
    if (!force && !peerChanged && conv === prevConv && st.isOpen === prev.isOpen && st.contacts === prev.contacts) return;

    const peer = chat.userInfo(peerId);
    if (peerChanged) {
      shownPeer = peerId;
      nodes.clear();
      messages.replaceChildren();
      lastFirstKey = lastLastKey = null;
      setComposerError("");
      show(jump, false);
    }
    if (peerChanged || peer.name !== shownName) {
      shownName = peer.name; // the name may arrive after the view (a peer not yet in contacts)
      scroller.setAttribute("aria-label", t("messagesWith", { name: peer.name }));
      textarea.setAttribute("aria-label", t("messageTo", { name: peer.name }));
      textarea.placeholder = t("messageTo", { name: peer.name });
    }

    const opening = st.isOpen && !prev.isOpen;
    const laidOut = scroller.clientHeight > 0;
    const wasAtBottom = peerChanged || (laidOut && !opening ? atBottom() : stuck);
    const fromBottom = scroller.scrollHeight - scroller.scrollTop;
    const items = buildItems(conv, peer.name);
    reconcile(messages, nodes, items, keyOf, createItem, updateItem);

    const msgs = items.filter((x) => x.kind === "msg");
    const firstKey = msgs.length ? keyOf(msgs[0]) : null;
    const lastKey = msgs.length ? keyOf(msgs[msgs.length - 1]) : null;
    const prepended = lastFirstKey !== null && firstKey !== lastFirstKey && lastKey === lastLastKey;
    const appended = lastKey !== lastLastKey;
    const lastIsMine = msgs.length && msgs[msgs.length - 1].m.from_id === chat.me.id;

    const ready = conv.status === "ready";
    show(loading, conv.status === "loading" && msgs.length === 0);
    show(error, conv.status === "error" && msgs.length === 0);
    show(empty, ready && msgs.length === 0);
    emptyText.textContent = t("emptyConversation", { name: peer.name });
    show(olderBtn, ready && conv.hasMore && conv.olderStatus !== "loading");
    show(olderLoading, conv.olderStatus === "loading");
    show(startNote, ready && !conv.hasMore && msgs.length > 0);
    startNote.textContent = t("startOfConversation", { name: peer.name });
    show(older, ready && msgs.length > 0);

    if (lastFirstKey === null && msgs.length) scrollToBottom();
    else if (prepended) scroller.scrollTop = scroller.scrollHeight - fromBottom;
    else if (appended && (wasAtBottom || lastIsMine)) scrollToBottom();
    else if (appended && msgs.length) show(jump, true);
    if (opening && stuck) scrollToBottom(); // messages that came while closed are in view
    if (msgs.length || ready) {
      lastFirstKey = firstKey;
      lastLastKey = lastKey;
    }
    if (atBottom()) show(jump, false);
    if (laidOut && st.isOpen) stuck = atBottom();
  }

  return {
    el,
    render,
    atBottom,
    focus: () => textarea.focus(),
  };
}
