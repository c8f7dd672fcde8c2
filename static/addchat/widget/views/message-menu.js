// A message's actions: the "⋯" menu (Reply; Edit and Delete on my own messages), opened by its
// button or a long-press on touch screens, and the inline "Delete for everyone?" confirm.
// On fine pointers a trash button also sits beside my messages (shown on hover or focus).
// `v` is the conversation view's state, `li` a message row (see ./messages.js).

import { h, show } from "../dom.js";

const LONG_PRESS_MS = 500;

/** Whether my message may still be edited (the server checks again: own, in the window, not deleted). */
export function editable(v, m) {
  const windowMs = (Number(v.ctx.config.edit_window_s) || 900) * 1000;
  return m.from_id === v.ctx.chat.me.id && m.id != null && !m.deleted && Date.now() - Date.parse(m.created_at) < windowMs;
}

/** The menu element of a row; its buttons are shown per message when it opens. */
export function buildMenu(t) {
  const reply = h("button", { type: "button", role: "menuitem", text: t("reply") });
  const edit = h("button", { type: "button", role: "menuitem", text: t("edit") });
  const del = h("button", { type: "button", role: "menuitem", class: "danger", text: t("deleteMessage") });
  const menu = h("div", { class: "msg-menu", role: "menu", "aria-label": t("messageActions"), hidden: true }, reply, edit, del);
  return { menu, reply, edit, del };
}

export function setMenu(li, open) {
  const p = li._parts;
  show(p.menu.menu, open);
  p.moreBtn.setAttribute("aria-expanded", String(open));
  li.classList.toggle("menu-open", open);
}

function openMenu(v, li) {
  const m = li._m;
  const mine = m.from_id === v.ctx.chat.me.id && m.id != null && !m.deleted;
  const { reply, edit, del } = li._parts.menu;
  show(reply, m.id != null && !m.deleted);
  show(edit, editable(v, m));
  show(del, mine);
  setMenu(li, true);
  const first = [reply, edit, del].find((b) => !b.hidden);
  if (first) first.focus();
}

export function setConfirm(li, open) {
  show(li._parts.confirm, open);
  li.classList.toggle("confirming", open);
}

/** Arrow keys move through the menu; Escape closes it (not the panel). */
function bindMenuKeys(li) {
  const p = li._parts;
  p.menu.menu.addEventListener("keydown", (e) => {
    const items = [...p.menu.menu.querySelectorAll("button:not([hidden])")];
    const i = items.indexOf(e.target);
    if (e.key === "Escape") {
      e.stopPropagation();
      setMenu(li, false);
      p.moreBtn.focus();
    } else if (e.key === "ArrowDown" || e.key === "ArrowUp") {
      e.preventDefault();
      items[(i + (e.key === "ArrowDown" ? 1 : items.length - 1)) % items.length].focus();
    }
  });
}

/**
 * A touch held still on the bubble opens the menu (the browser's own long-press "contextmenu"
 * does too, and so does a right click); links keep the browser's menu.
 */
function bindLongPress(v, li, bubble) {
  let timer = null;
  let pressed = false; // the press opened the menu: its lifting must not click what moved under it
  const actionable = () => li._m.id != null && !li._m.deleted;
  const open = () => !li.classList.contains("menu-open") && openMenu(v, li);
  const cancel = () => clearTimeout(timer);
  bubble.addEventListener("pointerdown", (e) => {
    pressed = false;
    if (e.pointerType !== "touch" || !actionable()) return;
    timer = setTimeout(() => {
      pressed = true;
      open();
    }, LONG_PRESS_MS);
  });
  for (const type of ["pointerup", "pointercancel", "pointerleave"]) bubble.addEventListener(type, cancel);
  bubble.addEventListener("touchend", (e) => pressed && e.cancelable && e.preventDefault());
  bubble.addEventListener("contextmenu", (e) => {
    if (!actionable() || e.target.closest("a")) return;
    e.preventDefault();
    cancel();
    open();
  });
}

/** The menu's actions: reply and edit go to the composer, delete asks first. */
export function bindMenu(v, li, bubble) {
  const p = li._parts;
  p.moreBtn.addEventListener("click", () => (li.classList.contains("menu-open") ? setMenu(li, false) : openMenu(v, li)));
  p.menu.reply.addEventListener("click", () => {
    setMenu(li, false);
    v.startReply(li._m);
  });
  p.menu.edit.addEventListener("click", () => {
    setMenu(li, false);
    v.startEdit(li._m);
  });
  p.menu.del.addEventListener("click", () => {
    setMenu(li, false);
    askDelete(li);
  });
  p.menu.menu.addEventListener("focusout", (e) => {
    if (!li.contains(e.relatedTarget)) setMenu(li, false);
  });
  bindMenuKeys(li);
  bindLongPress(v, li, bubble);
}

function askDelete(li) {
  setConfirm(li, true);
  li._parts.confirmNo.focus();
}

/** The delete button and its inline confirm (the harmless choice first). */
export function bindDelete(v, li) {
  const { t, chat } = v.ctx;
  const { delBtn, confirm, confirmYes, confirmNo } = li._parts;
  const cancel = () => {
    setConfirm(li, false);
    (delBtn.offsetParent ? delBtn : li._parts.moreBtn).focus();
  };
  delBtn.addEventListener("click", () => askDelete(li));
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
