// The composer of a conversation: Enter sends, Shift+Enter adds a line; an emoji picker (a
// compact built-in set, no dependency); replying to a message (quoted) and editing my own;
// the length counter; and, while the server asks us to slow down (429), a notice in words that
// says how long the queue waits. `v` is the conversation view's state (see ./conversation.js).

import { h, icon, show } from "../dom.js";

const EMOJI = [..."😀😂😊😍🤔😅😉😎😢😮😡🥳👍👎👏🙏👋💪🙌👀❤️🔥🎉✅❌⭐☕🍕🚀💡"].filter((c) => c.trim());

/** The composer's elements (built once). */
export function buildComposer(t) {
  const textarea = h("textarea", { class: "input", rows: "1", enterkeyhint: "send", "aria-describedby": "addchat-hint" });
  const sendBtn = h("button", { class: "send", type: "submit", "aria-label": t("send"), title: t("send") }, icon("send"));
  const emojiBtn = h("button", { class: "emoji-btn", type: "button", "aria-label": t("emoji"), title: t("emoji"), "aria-expanded": "false", "aria-controls": "addchat-emoji" }, icon("smile"));
  const emojiPicker = h("div", { class: "emoji-picker", id: "addchat-emoji", role: "group", "aria-label": t("emoji"), hidden: true }, EMOJI.map((e) => h("button", { type: "button", text: e })));
  const counter = h("span", { class: "counter", "aria-live": "polite", hidden: true });
  const composerError = h("p", { class: "composer-error", role: "alert", hidden: true });
  // Read out once per wait (sr-only sentence); the countdown beside it is for the eyes only.
  const sendNoticeSaid = h("span", { class: "sr-only" });
  const sendNoticeShown = h("span", { "aria-hidden": "true" });
  const sendNotice = h("p", { class: "send-notice", role: "status", hidden: true }, sendNoticeSaid, sendNoticeShown);
  const barTitle = h("strong");
  const barText = h("span");
  const barCancel = h("button", { class: "icon-btn", type: "button", "aria-label": t("cancel"), title: t("cancel") }, icon("close", "icon icon-sm"));
  const bar = h("div", { class: "compose-bar", hidden: true }, h("span", { class: "compose-bar-text" }, barTitle, barText), barCancel);
  const form = h("form", { class: "composer" }, textarea, emojiBtn, counter, sendBtn);
  return { textarea, sendBtn, emojiBtn, emojiPicker, counter, composerError, sendNotice, sendNoticeSaid, sendNoticeShown, bar, barTitle, barText, barCancel, form };
}

/** Reply to or edit a message: the bar over the composer says which; null goes back to a new message. */
export function setMode(v, mode) {
  const { t, chat } = v.ctx;
  const was = v.mode;
  v.mode = mode;
  show(v.bar, Boolean(mode));
  // Leaving an edit: its text was the old message, not a draft to keep.
  if (was && was.kind === "edit" && !(mode && mode.kind === "edit")) v.textarea.value = "";
  if (!mode) {
    updateCounter(v);
    return;
  }
  const m = mode.m;
  v.barTitle.textContent = mode.kind === "edit" ? t("editing") : t("replyingTo", { name: m.from_id === chat.me.id ? t("you") : chat.userInfo(m.from_id).name });
  v.barText.textContent = String(m.body || "").replace(/\s+/g, " ").slice(0, 140);
  if (mode.kind === "edit") v.textarea.value = m.body;
  updateCounter(v);
  v.textarea.focus();
}

async function submitEdit(v, peerId) {
  const { chat, t } = v.ctx;
  const m = v.mode.m;
  const text = v.textarea.value;
  if (text.trim() === String(m.body).trim()) return setMode(v, null);
  const res = await chat.editMessage(peerId, m.id, text);
  if (res.ok) setMode(v, null);
  else v.setComposerError(res.error === "too_long" ? t("tooLong", { n: chat.maxLength }) : res.message || t("editFailed"));
}

function submit(v) {
  const { store, chat, t } = v.ctx;
  const st = store.get();
  if (st.peerId == null) return;
  if (v.mode && v.mode.kind === "edit") return void submitEdit(v, st.peerId).then(() => v.textarea.focus());
  const replyTo = v.mode && v.mode.kind === "reply" ? v.mode.m : null;
  const res = chat.send(st.peerId, v.textarea.value, { replyTo });
  if (res.ok) {
    v.ctx.actions.typing(st.peerId, false);
    v.textarea.value = "";
    setMode(v, null);
    v.setComposerError("");
    v.scrollToBottom();
  } else if (res.error === "too_long") {
    v.setComposerError(t("tooLong", { n: chat.maxLength }));
  }
  v.textarea.focus();
}

function insertEmoji(v, text) {
  const box = v.textarea;
  const start = box.selectionStart ?? box.value.length;
  const end = box.selectionEnd ?? start;
  box.setRangeText(text, start, end, "end");
  box.dispatchEvent(new Event("input", { bubbles: true }));
  box.focus();
}

function bindEmoji(v) {
  const toggle = (open) => {
    show(v.emojiPicker, open);
    v.emojiBtn.setAttribute("aria-expanded", String(open));
  };
  v.emojiBtn.addEventListener("click", () => toggle(v.emojiPicker.hidden));
  v.emojiPicker.addEventListener("click", (e) => {
    if (e.target.tagName === "BUTTON") insertEmoji(v, e.target.textContent);
  });
  v.emojiPicker.addEventListener("keydown", (e) => {
    if (e.key !== "Escape") return;
    e.stopPropagation(); // close the picker, not the panel
    toggle(false);
    v.emojiBtn.focus();
  });
  v.closeEmoji = () => toggle(false);
}

export function bindComposer(v) {
  const { ctx, form, textarea } = v;
  form.addEventListener("submit", (e) => {
    e.preventDefault();
    submit(v);
  });
  textarea.addEventListener("keydown", (e) => {
    if (e.key === "Enter" && !e.shiftKey && !e.isComposing && e.keyCode !== 229) {
      e.preventDefault();
      submit(v);
    } else if (e.key === "Escape" && v.mode) {
      e.stopPropagation(); // leave reply / edit, not the panel
      setMode(v, null);
    }
  });
  textarea.addEventListener("input", () => {
    updateCounter(v);
    const peerId = ctx.store.get().peerId;
    if (peerId != null && !(v.mode && v.mode.kind === "edit")) ctx.actions.typing(peerId, textarea.value.trim() !== "");
  });
  v.barCancel.addEventListener("click", () => setMode(v, null));
  bindEmoji(v);
  v.startReply = (m) => setMode(v, { kind: "reply", m });
  v.startEdit = (m) => setMode(v, { kind: "edit", m });
}

// No maxlength attribute: it would cut a long paste silently and counts UTF-16 units, not
// the characters the server counts. Over the limit, the counter turns to an error instead.
export function updateCounter(v) {
  const { chat, t } = v.ctx;
  const { counter } = v;
  const n = chat.bodyLength(v.textarea.value);
  const near = n >= chat.maxLength * 0.9;
  show(counter, near);
  counter.textContent = near ? `${n}/${chat.maxLength}` : "";
  counter.classList.toggle("over", n > chat.maxLength);
  if (n > chat.maxLength) v.setComposerError(t("tooLong", { n: chat.maxLength }));
  else if (v.composerError.textContent === t("tooLong", { n: chat.maxLength })) v.setComposerError("");
}

/** While sends wait out a 429: "Sending too fast: waiting N seconds…", counted down each second. */
export function renderSendWait(v, sendWait) {
  clearInterval(v.sendWaitTimer);
  const secondsLeft = () => (sendWait ? Math.ceil((sendWait.until - Date.now()) / 1000) : 0);
  v.sendNoticeSaid.textContent = secondsLeft() > 0 ? v.ctx.t("rateLimited", { n: secondsLeft() }) : "";
  const tick = () => {
    const left = secondsLeft();
    show(v.sendNotice, left > 0);
    const text = left > 0 ? v.ctx.t("rateLimited", { n: left }) : "";
    if (v.sendNoticeShown.textContent !== text) v.sendNoticeShown.textContent = text;
    if (left <= 0) clearInterval(v.sendWaitTimer);
  };
  tick();
  if (sendWait) v.sendWaitTimer = setInterval(tick, 1000);
}
