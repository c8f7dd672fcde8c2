// The bell: a header button with the unread count, and a dropdown section in the panel listing
// notifications (newest first) with relative times, mark read, mark all read, delete and
// "load more". Everything is text (textContent); links are followed only through safeUrl.

import { h, icon, show } from "../dom.js";
import { parseTime } from "../time.js";
import { notificationText, safeUrl } from "./core.js";

const REFRESH_MS = 30000;

export function createBell(w) {
  const els = buildBell(w);
  mountBell(w, els);
  let prev = null;
  const render = (force = false) => {
    const st = w.store.get().notif;
    if (!st || (st === prev && !force)) return;
    prev = st;
    renderBell(w, els, st);
  };
  w.store.subscribe(() => render());
  setInterval(() => {
    if (w.store.get().isOpen && !document.hidden) render(true);
  }, REFRESH_MS);
  render(true);
  return { button: els.button, section: els.section, render };
}

/** The bell's elements (built once; renderBell only updates them). */
function buildBell(w) {
  const { t } = w;
  const count = h("span", { class: "bell-count", "aria-hidden": "true" });
  const button = h(
    "button",
    { class: "icon-btn bell-btn", type: "button", "aria-expanded": "false", "aria-controls": "addchat-notifications" },
    icon("bell"),
    count,
  );
  const list = h("ul", { class: "notif-list", role: "list" });
  const empty = h("p", { class: "hint notif-empty", text: t("noNotifications") });
  const status = h("p", { class: "hint notif-status", role: "status" });
  const more = h("button", { class: "link-btn notif-more", type: "button", text: t("loadMoreNotifications") });
  const readAll = h("button", { class: "link-btn notif-read-all", type: "button", text: t("markAllRead") });
  const section = h(
    "section",
    { class: "notifs", id: "addchat-notifications", "aria-label": t("notificationsTitle"), hidden: true },
    h("div", { class: "notif-head" }, h("h3", { class: "notif-title", text: t("notificationsTitle") }), readAll),
    list,
    empty,
    status,
    more,
  );
  return { count, button, list, empty, status, more, readAll, section };
}

/** The one hook into the frame: the bell sits before the settings button, its list under the header. */
function mountBell(w, { button, section, more, readAll }) {
  const n = w.notifications;
  // Beside this module (so under the same content version as the code that uses it).
  w.shadow.prepend(h("link", { rel: "stylesheet", href: new URL("./bell.css", import.meta.url).href }));
  const head = w.shell.panel.querySelector(".head");
  head.insertBefore(button, head.querySelector('[aria-controls="addchat-settings"]'));
  w.shell.panel.insertBefore(section, w.shell.panel.querySelector(".settings"));
  button.addEventListener("click", () => n.toggle());
  more.addEventListener("click", () => n.loadMore());
  readAll.addEventListener("click", () => n.markAllRead());
  section.addEventListener("keydown", (e) => {
    if (e.key === "Escape") {
      e.stopPropagation();
      n.toggle(false);
      button.focus();
    }
  });
}

function renderBell(w, els, st) {
  const { t } = w;
  const { count, button, section, list, empty, more, readAll, status } = els;
  count.textContent = st.unread > 99 ? "99+" : String(st.unread);
  show(count, st.unread > 0);
  button.setAttribute("aria-label", st.unread > 0 ? t("notificationsUnread", { n: st.unread }) : t("notificationsTitle"));
  button.title = t("notificationsTitle");
  button.setAttribute("aria-expanded", String(st.open));
  show(section, st.open);
  if (!st.open) return;
  list.replaceChildren(...st.items.map((x) => item(w, x)));
  show(empty, st.status === "ready" && st.items.length === 0);
  show(more, st.hasMore && st.status !== "loading");
  show(readAll, st.unread > 0);
  status.textContent = st.status === "loading" ? t("loading") : st.error ? t("notificationsError") : "";
  show(status, Boolean(status.textContent));
}

/** One notification: its text (a button that follows the link or marks it read), then actions. */
function item(w, x) {
  const { t } = w;
  const n = w.notifications;
  const { title, body } = notificationText(x);
  const url = safeUrl(x.url);
  const when = parseTime(x.created_at);
  const time = h("time", { class: "notif-time", datetime: x.created_at, title: w.fmt.full(when), text: w.fmt.relative(when) });
  const text = h(
    "span",
    { class: "notif-text" },
    h("strong", { class: "notif-item-title", text: title }),
    body ? h("span", { class: "notif-body", text: body }) : null,
    time,
  );
  const open = h("button", { class: "notif-open", type: "button", title: url || "" }, text);
  open.addEventListener("click", () => (url ? n.follow(x) : n.markRead(x.id)));
  const actions = h("span", { class: "notif-actions" });
  if (!x.read_at) {
    const read = h("button", { class: "icon-btn notif-mark", type: "button", "aria-label": t("markRead"), title: t("markRead") }, icon("tick"));
    read.addEventListener("click", () => n.markRead(x.id));
    actions.append(read);
  }
  const del = h("button", { class: "icon-btn notif-delete", type: "button", "aria-label": t("deleteNotification"), title: t("deleteNotification") }, icon("trash"));
  del.addEventListener("click", () => n.remove(x.id));
  actions.append(del);
  return h("li", { class: "notif" + (x.read_at ? " is-read" : " is-unread"), "data-id": String(x.id) }, open, actions);
}
