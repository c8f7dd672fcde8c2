// The widget's frame: launcher button with unread badge, the panel (a non-modal dialog)
// with its header, connection banner and settings, and the aria-live announcer.

import { h, icon, avatar, show } from "../dom.js";
import { notificationPermission } from "../notify.js";
import { applyLook } from "../theme.js";

// A peer's "typing" stays shown this long after it stops, so quick sends do not make it flicker.
const TYPING_HOLD_MS = 1500;

export function createShell(ctx, { contactsView, conversationView }) {
  const els = buildDom(ctx, contactsView, conversationView);
  bindShell(ctx, els);
  els.typingHold = createTypingHold(els);
  return {
    root: els.root,
    launcher: els.launcher,
    panel: els.panel,
    announce: createAnnouncer(els.announcer),
    render: (st, prev) => render(ctx, els, st, prev),
    focusLauncher: () => els.launcher.focus(),
    focusPanel: () => els.panel.focus({ preventScroll: true }),
  };
}

/** The frame's elements (built once; render() only updates them). */
function buildDom(ctx, contactsView, conversationView) {
  const { t, options } = ctx;
  const badge = h("span", { class: "badge", "aria-hidden": "true" });
  const launcher = h(
    "button",
    { class: "launcher", type: "button", "aria-expanded": "false", "aria-controls": "addchat-panel", "aria-haspopup": "dialog" },
    icon("chat", "icon icon-lg when-closed"),
    icon("close", "icon icon-lg when-open"),
    badge,
  );

  const title = h("h2", { class: "title", id: "addchat-title" });
  const subtitle = h("p", { class: "subtitle", "aria-live": "polite" });
  const headAvatar = h("span", { class: "head-avatar" });
  const backBtn = h("button", { class: "icon-btn back", type: "button", "aria-label": t("back"), title: t("back") }, icon("back"));
  const settingsBtn = h(
    "button",
    { class: "icon-btn", type: "button", "aria-label": t("settings"), title: t("settings"), "aria-expanded": "false", "aria-controls": "addchat-settings" },
    icon("sliders"),
  );
  const closeBtn = h("button", { class: "icon-btn", type: "button", "aria-label": t("closeChat"), title: t("closeChat") }, icon("close"));

  // A plain div: a <header> inside the page would count as a second banner landmark.
  const header = h(
    "div",
    { class: "head" },
    backBtn,
    headAvatar,
    h("div", { class: "head-text" }, title, subtitle),
    settingsBtn,
    closeBtn,
  );

  const bannerText = h("span");
  const banner = h("div", { class: "banner", role: "status", hidden: true }, h("span", { class: "spinner" }), bannerText);

  // Settings: sound and desktop notifications, remembered in localStorage.
  const soundBox = h("input", { type: "checkbox", role: "switch" });
  const notifBox = h("input", { type: "checkbox", role: "switch" });
  const notifHint = h("p", { class: "hint", hidden: true, text: t("notificationsBlocked") });
  const notifRow = h("label", { class: "setting" }, notifBox, h("span", { text: t("notifications") }));
  const settings = h(
    "div",
    { class: "settings", id: "addchat-settings", role: "group", "aria-label": t("settings"), hidden: true },
    h("label", { class: "setting" }, soundBox, h("span", { text: t("sound") })),
    notifRow,
    notifHint,
  );

  const panel = h(
    "section",
    { class: "panel", id: "addchat-panel", role: "dialog", "aria-labelledby": "addchat-title", tabindex: "-1", hidden: true },
    header,
    banner,
    settings,
    contactsView.el,
    conversationView.el,
  );

  const announcer = h("div", { class: "sr-only", "aria-live": "polite", "aria-atomic": "true" });

  const root = h("div", {
    class: "root",
    "data-theme": options.theme,
    "data-position": options.position || (ctx.dir === "rtl" ? "left" : "right"),
    hidden: true,
  }, panel, launcher, announcer);
  applyLook(root, options, ctx.dir);
  return { badge, launcher, title, subtitle, headAvatar, backBtn, settingsBtn, closeBtn, bannerText, banner, soundBox, notifBox, notifHint, notifRow, settings, panel, announcer, root };
}

function bindShell(ctx, { launcher, closeBtn, backBtn, settingsBtn, soundBox, notifBox, panel }) {
  const { store } = ctx;
  launcher.addEventListener("click", () => ctx.actions.toggle({ viaUser: true }));
  closeBtn.addEventListener("click", () => ctx.actions.close({ focusLauncher: true }));
  backBtn.addEventListener("click", () => ctx.actions.back());
  settingsBtn.addEventListener("click", () => store.set((s) => ({ settingsOpen: !s.settingsOpen })));
  soundBox.addEventListener("change", () => ctx.actions.setPref("sound", soundBox.checked));
  notifBox.addEventListener("change", () => ctx.actions.setPref("notifications", notifBox.checked));
  panel.addEventListener("keydown", (e) => {
    if (e.key === "Escape" && !e.isComposing) {
      e.preventDefault();
      e.stopPropagation();
      ctx.actions.close({ focusLauncher: true });
    }
  });
}

/** Read text out through the aria-live region. */
function createAnnouncer(announcer) {
  let lastAnnouncement = 0;
  return (text) => {
    // Clear first so the same text twice in a row is still read out.
    announcer.textContent = "";
    const id = ++lastAnnouncement;
    setTimeout(() => {
      if (id === lastAnnouncement) announcer.textContent = text;
    }, 50);
  };
}

function render(ctx, els, st, prev) {
  const { t } = ctx;
  const { panel, root, launcher, badge } = els;
  if (st.isOpen !== prev.isOpen) {
    show(panel, st.isOpen);
    root.classList.toggle("is-open", st.isOpen);
    launcher.setAttribute("aria-expanded", String(st.isOpen));
  }
  const unread = st.unreadTotal;
  badge.textContent = unread > 99 ? "99+" : String(unread);
  show(badge, unread > 0 && !st.isOpen); // open, the list shows the counts; the launcher only closes
  // The label says what a press does now: open (with the unread count) or close.
  const label = st.isOpen ? t("closeChat") : unread > 0 ? t("openChatUnread", { n: unread }) : t("openChat");
  launcher.setAttribute("aria-label", label);
  launcher.title = label;
  renderHeader(ctx, els, st, prev);
  renderBanner(t, els, st);
  renderSettings(els, st);
  root.dataset.view = st.view;
}

/**
 * The peer's typing state as shown: on at once, off only after TYPING_HOLD_MS without typing, so
 * "stopped" on each quick send followed by "typing" again shows one steady line.
 */
function createTypingHold(els) {
  let shown = false;
  let timer = null;
  return {
    get shown() {
      return shown;
    },
    set(typing, rerender) {
      if (typing) {
        clearTimeout(timer);
        timer = null;
        shown = true;
      } else if (shown && !timer) {
        timer = setTimeout(() => {
          timer = null;
          shown = false;
          rerender();
        }, TYPING_HOLD_MS);
      }
    },
    reset() {
      clearTimeout(timer);
      timer = null;
      shown = false;
    },
    els,
  };
}

/** Header: contacts title, or the peer's name with one line under it: "typing" with dots, or "Online". */
function renderHeader(ctx, els, st, prev) {
  const { backBtn, headAvatar, title, subtitle, typingHold } = els;
  const { t, options } = ctx;
  const inConv = st.view === "conversation" && st.peerId != null;
  show(backBtn, inConv);
  if (st.peerId !== prev.peerId || st.view !== prev.view) typingHold.reset();
  if (inConv) {
    const peer = ctx.chat.userInfo(st.peerId);
    if (!headAvatar.firstChild || headAvatar.dataset.id !== String(peer.id)) {
      headAvatar.replaceChildren(avatar(peer, "sm"));
      headAvatar.dataset.id = String(peer.id);
    }
    headAvatar.firstChild.classList.toggle("is-online", Boolean(st.presence[st.peerId]));
    title.textContent = peer.name;
    typingHold.set(Boolean(st.typing[st.peerId]), () => renderHeader(ctx, els, ctx.store.get(), ctx.store.get()));
    renderSubtitle(t, subtitle, typingHold.shown, Boolean(st.presence[st.peerId]));
  } else {
    headAvatar.replaceChildren();
    delete headAvatar.dataset.id;
    title.textContent = options.title || t("chat");
    renderSubtitle(t, subtitle, false, false);
  }
  if (ctx.conversationView) ctx.conversationView.showTyping(inConv && typingHold.shown);
}

function renderSubtitle(t, subtitle, typing, online) {
  const text = typing ? t("typing") : online ? t("online") : "";
  if (subtitle.dataset.text === text) return; // unchanged: no DOM write, no re-announcement
  subtitle.dataset.text = text;
  subtitle.replaceChildren(text);
  if (typing) subtitle.append(h("span", { class: "dots", "aria-hidden": "true" }, h("i"), h("i"), h("i")));
  subtitle.classList.toggle("is-typing", typing);
  show(subtitle, Boolean(text));
}

/** Connection banner: reconnecting, or signed out. */
function renderBanner(t, { banner, bannerText, root }, st) {
  const signedOut = st.connection === "offline" && st.connectionDetail && st.connectionDetail.reason === "unauthorized";
  const reconnecting = st.connection === "reconnecting";
  show(banner, reconnecting || signedOut);
  banner.classList.toggle("is-error", signedOut);
  bannerText.textContent = signedOut ? t("signedOut") : reconnecting ? (navigator.onLine === false ? t("offline") : t("reconnecting")) : "";
  root.classList.toggle("is-reconnecting", reconnecting);
}

function renderSettings({ settings, settingsBtn, soundBox, notifBox, notifRow, notifHint }, st) {
  show(settings, st.settingsOpen);
  settingsBtn.setAttribute("aria-expanded", String(st.settingsOpen));
  soundBox.checked = st.prefs.sound;
  const perm = notificationPermission();
  show(notifRow, perm !== "unsupported");
  notifBox.checked = st.prefs.notifications && perm === "granted";
  notifBox.disabled = perm === "denied";
  show(notifHint, perm === "denied");
}
