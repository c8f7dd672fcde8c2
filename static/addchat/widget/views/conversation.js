// One conversation: history (older pages load on scroll up), day separators, relative
// times, sent/seen ticks, the peer's typing dots, and the composer (./composer.js).
// The rows themselves are built in ./messages.js, their actions menu in ./message-menu.js.

import { h, icon, show, reconcile } from "../dom.js";
import { keyOf, createItem, updateItem, buildItems } from "./messages.js";
import { buildComposer, bindComposer, setMode, renderSendWait } from "./composer.js";

const NEAR_BOTTOM = 48;
const NEAR_TOP = 120;

export function createConversationView(ctx) {
  const v = { ctx, ...buildDom(ctx.t), nodes: new Map(), shownPeer: null, shownName: null, lastFirstKey: null, lastLastKey: null, mode: null };
  // Whether the list sat at the bottom when last laid out. While the panel is closed the list
  // has no size (every position reads as "bottom"), so opening it goes back by this instead.
  v.stuck = true;
  v.atBottom = () => v.scroller.scrollHeight - v.scroller.scrollTop - v.scroller.clientHeight < NEAR_BOTTOM;
  v.scrollToBottom = () => {
    v.scroller.scrollTop = v.scroller.scrollHeight;
  };
  v.setComposerError = (text) => {
    v.composerError.textContent = text;
    show(v.composerError, Boolean(text));
  };
  bindComposer(v);
  bindScrolling(v);
  return {
    el: v.el,
    render: (st, prev, force = false) => render(v, st, prev, force),
    atBottom: v.atBottom,
    focus: () => v.textarea.focus(),
    /** The peer's typing dots at the end of the thread (the header's line decides when). */
    showTyping(on) {
      if (on === !v.typingRow.hidden) return;
      const stay = on && v.atBottom();
      show(v.typingRow, on);
      if (stay) v.scrollToBottom();
    },
  };
}

/** The view's elements (built once; render() only updates them). */
function buildDom(t) {
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

  const typingRow = h("div", { class: "typing-row", "aria-hidden": "true", hidden: true }, h("span", { class: "dots" }, h("i"), h("i"), h("i")));
  scroller.append(typingRow);
  const c = buildComposer(t);
  const hint = h("p", { class: "sr-only", id: "addchat-hint", text: t("enterHint") });
  const el = h("div", { class: "view view-conversation" }, scroller, jump, c.composerError, c.sendNotice, c.bar, c.emojiPicker, c.form, hint);

  return { olderBtn, olderLoading, startNote, older, messages, loading, emptyText, empty, errorRetry, error, scroller, jump, typingRow, ...c, el };
}

// ── Scrolling: older pages, seen, the "new messages" button ─────────────────────
function bindScrolling(v) {
  const { ctx, scroller, jump } = v;
  const { store, chat } = ctx;
  const withPeer = (fn) => () => {
    const st = store.get();
    if (st.peerId != null) fn(st.peerId);
  };
  scroller.addEventListener(
    "scroll",
    () => {
      const st = store.get();
      if (st.peerId == null) return;
      if (scroller.clientHeight) v.stuck = v.atBottom();
      if (scroller.scrollTop < NEAR_TOP) chat.loadOlder(st.peerId);
      if (v.atBottom()) {
        show(jump, false);
        ctx.actions.maybeMarkSeen();
      }
    },
    { passive: true },
  );
  v.olderBtn.addEventListener("click", withPeer((peerId) => chat.loadOlder(peerId)));
  v.errorRetry.addEventListener("click", withPeer((peerId) => chat.loadNewest(peerId)));
  jump.addEventListener("click", () => {
    v.scrollToBottom();
    show(jump, false);
    v.textarea.focus();
  });
}

// ── Rendering ──────────────────────────────────────────────────────────────────
function render(v, st, prev, force) {
  if (st.view !== "conversation" || st.peerId == null) {
    v.shownPeer = null;
    return;
  }
  const peerId = st.peerId;
  const conv = st.convs[peerId] || { messages: [], status: "loading", hasMore: false, olderStatus: "idle" };
  const peerChanged = peerId !== v.shownPeer;
  const prevConv = prev.convs ? prev.convs[peerId] : null;
  const signedOut = Boolean(st.connectionDetail && st.connectionDetail.reason === "unauthorized");
  v.textarea.disabled = signedOut;
  v.sendBtn.disabled = signedOut;
  if (st.sendWait !== prev.sendWait) renderSendWait(v, st.sendWait);
  if (!force && !peerChanged && conv === prevConv && st.isOpen === prev.isOpen && st.contacts === prev.contacts) return;

  const peer = v.ctx.chat.userInfo(peerId);
  if (peerChanged) showPeer(v, peerId);
  if (peerChanged || peer.name !== v.shownName) nameThePeer(v, peer);

  const opening = st.isOpen && !prev.isOpen;
  const laidOut = v.scroller.clientHeight > 0;
  const wasAtBottom = peerChanged || (laidOut && !opening ? v.atBottom() : v.stuck);
  const fromBottom = v.scroller.scrollHeight - v.scroller.scrollTop;
  const items = buildItems(conv, peer.name, { meId: v.ctx.chat.me.id, you: v.ctx.t("you") });
  reconcile(v.messages, v.nodes, items, keyOf, (item) => createItem(v, item), (li, item) => updateItem(v, li, item));
  const msgs = items.filter((x) => x.kind === "msg");
  renderStates(v, conv, msgs, peer);
  keepScroll(v, msgs, { conv, opening, wasAtBottom, fromBottom });
  if (laidOut && st.isOpen) v.stuck = v.atBottom();
}

/** Another conversation is shown: start from an empty list. */
function showPeer(v, peerId) {
  v.shownPeer = peerId;
  v.nodes.clear();
  v.messages.replaceChildren();
  v.lastFirstKey = v.lastLastKey = null;
  v.setComposerError("");
  setMode(v, null);
  if (v.closeEmoji) v.closeEmoji();
  show(v.jump, false);
}

/** Label the list and the composer with the peer's name (it may arrive after the view). */
function nameThePeer(v, peer) {
  const { t } = v.ctx;
  v.shownName = peer.name;
  v.scroller.setAttribute("aria-label", t("messagesWith", { name: peer.name }));
  v.textarea.setAttribute("aria-label", t("messageTo", { name: peer.name }));
  v.textarea.placeholder = t("messageTo", { name: peer.name });
}

/** Loading, error and empty states, and the "older messages" row. */
function renderStates(v, conv, msgs, peer) {
  const { t } = v.ctx;
  const ready = conv.status === "ready";
  show(v.loading, conv.status === "loading" && msgs.length === 0);
  show(v.error, conv.status === "error" && msgs.length === 0);
  show(v.empty, ready && msgs.length === 0);
  v.emptyText.textContent = t("emptyConversation", { name: peer.name });
  show(v.olderBtn, ready && conv.hasMore && conv.olderStatus !== "loading");
  show(v.olderLoading, conv.olderStatus === "loading");
  show(v.startNote, ready && !conv.hasMore && msgs.length > 0);
  v.startNote.textContent = t("startOfConversation", { name: peer.name });
  show(v.older, ready && msgs.length > 0);
}

/** Keep the reader's place: stay at the bottom, keep position when older pages come in, or offer "new messages". */
function keepScroll(v, msgs, { conv, opening, wasAtBottom, fromBottom }) {
  const firstKey = msgs.length ? keyOf(msgs[0]) : null;
  const lastKey = msgs.length ? keyOf(msgs[msgs.length - 1]) : null;
  const prepended = v.lastFirstKey !== null && firstKey !== v.lastFirstKey && lastKey === v.lastLastKey;
  const appended = lastKey !== v.lastLastKey;
  const lastIsMine = msgs.length && msgs[msgs.length - 1].m.from_id === v.ctx.chat.me.id;
  if (v.lastFirstKey === null && msgs.length) v.scrollToBottom();
  else if (prepended) v.scroller.scrollTop = v.scroller.scrollHeight - fromBottom;
  else if (appended && (wasAtBottom || lastIsMine)) v.scrollToBottom();
  else if (appended && msgs.length) show(v.jump, true);
  if (opening && v.stuck) v.scrollToBottom(); // messages that came while closed are in view
  if (msgs.length || conv.status === "ready") {
    v.lastFirstKey = firstKey;
    v.lastLastKey = lastKey;
  }
  if (v.atBottom()) show(v.jump, false);
}
