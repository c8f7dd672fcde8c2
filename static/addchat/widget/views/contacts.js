// Contacts list: search, avatars (with online dot), last-message preview, time, unread count.

import { h, icon, avatar, show, reconcile } from "../dom.js";
import { parseTime } from "../time.js";

const SEARCH_DEBOUNCE_MS = 200;

export function createContactsView(ctx) {
  const v = { ctx, ...buildDom(ctx.t), nodes: new Map() };
  bindSearch(v);
  bindListKeys(v);
  v.errorRetry.addEventListener("click", () => ctx.chat.loadContacts());
  return {
    el: v.el,
    render: (st, prev, force = false) => render(v, st, prev, force),
    focus: (peerId) => {
      const btn = peerId != null && v.list.querySelector(`button[data-id="${Number(peerId)}"]`);
      (btn || v.input).focus();
    },
  };
}

/** The view's elements (built once; render() only updates them). */
function buildDom(t) {
  const input = h("input", {
    type: "search",
    class: "search-input",
    "aria-label": t("search"),
    placeholder: t("search"),
    autocomplete: "off",
    spellcheck: "false",
    enterkeyhint: "search",
  });
  const list = h("ul", { class: "contact-list", "aria-label": t("contacts") });
  const loading = h("div", { class: "state", role: "status" }, h("span", { class: "spinner spinner-lg" }), h("span", { text: t("loading") }));
  const emptyText = h("p");
  const empty = h("div", { class: "state state-empty" }, icon("chat", "icon state-icon"), emptyText);
  const errorRetry = h("button", { class: "link-btn", type: "button", text: t("retry") });
  const error = h("div", { class: "state", role: "alert" }, h("p", {}, h("span", { text: t("errorLoading") }), errorRetry));
  const el = h(
    "div",
    { class: "view view-contacts" },
    h("div", { class: "searchbar" }, icon("search", "icon search-icon"), input),
    h("div", { class: "scroll" }, list, loading, empty, error),
  );
  return { input, list, loading, emptyText, empty, errorRetry, error, el };
}

/** Search as you type (debounced); ArrowDown goes into the list, Enter opens the first match. */
function bindSearch({ ctx, input, list }) {
  let debounce = null;
  input.addEventListener("input", () => {
    clearTimeout(debounce);
    const q = input.value;
    debounce = setTimeout(() => ctx.chat.search(q), SEARCH_DEBOUNCE_MS);
  });
  input.addEventListener("keydown", (e) => {
    const first = list.querySelector("button");
    if (!first || (e.key !== "ArrowDown" && e.key !== "Enter")) return;
    e.preventDefault();
    if (e.key === "ArrowDown") first.focus();
    else first.click();
  });
}

/** Arrow keys, Home and End move between contacts; up from the first goes back to search. */
function bindListKeys({ ctx, input, list }) {
  list.addEventListener("keydown", (e) => {
    if (e.key !== "ArrowDown" && e.key !== "ArrowUp" && e.key !== "Home" && e.key !== "End") return;
    const buttons = [...list.querySelectorAll("button")];
    const i = buttons.indexOf(ctx.shadow.activeElement);
    if (i < 0) return;
    e.preventDefault();
    let next = e.key === "ArrowDown" ? i + 1 : e.key === "ArrowUp" ? i - 1 : e.key === "Home" ? 0 : buttons.length - 1;
    if (next < 0) return input.focus();
    next = Math.min(next, buttons.length - 1);
    buttons[next].focus();
  });
}

// The button's name is its own text, in reading order (name, online, time, preview, unread),
// never an aria-label: a label that does not start with the visible name fails voice control
// users ("click Bob Chen") and axe's label-content-name-mismatch.
function createRow(ctx, c) {
  const name = h("span", { class: "c-name" });
  const status = h("span", { class: "sr-only" });
  const time = h("time", { class: "c-time" });
  const preview = h("span", { class: "c-preview" });
  const count = h("span", { class: "c-unread", "aria-hidden": "true" });
  const countText = h("span", { class: "sr-only" });
  const btn = h(
    "button",
    { class: "contact", type: "button", "data-id": c.id, onclick: () => ctx.actions.openConversation(c.id) },
    h("span", { class: "c-avatar" }),
    h("span", { class: "c-main" }, h("span", { class: "c-row" }, name, status, time), h("span", { class: "c-row" }, preview, count, countText)),
  );
  const li = h("li", {}, btn);
  li._parts = { btn, name, status, time, preview, count, countText, av: btn.firstChild };
  return li;
}

function updateRow(ctx, li, { c, online, now }) {
  const { t, fmt } = ctx;
  const p = li._parts;
  if (li._c !== c) {
    li._c = c;
    updateContact(ctx, p, c);
  }
  const last = c.last_message;
  const when = last ? parseTime(last.created_at) : null;
  p.time.textContent = when ? fmt.short(when, now) : "";
  if (when) p.time.dateTime = when.toISOString();
  p.av.firstChild.classList.toggle("is-online", online);
  p.status.textContent = online ? `, ${t("online")}, ` : ", ";
}

/** Name, avatar, preview and unread count (run when the contact record changed). */
function updateContact({ t, chat }, p, c) {
  p.name.textContent = c.name;
  p.av.replaceChildren(avatar(c, "md"));
  const last = c.last_message;
  let previewText = "";
  if (last) {
    const prefix = last.from_id === chat.me.id ? t("youPrefix") : "";
    previewText = prefix + (last.deleted ? t("deleted") : String(last.body || "").replace(/\s+/g, " "));
  }
  p.preview.textContent = previewText || t("noMessagesYet");
  p.preview.classList.toggle("is-empty", !previewText);
  // Seen: the number in a badge; read: "…, 2 unread" at the end of the name.
  p.count.textContent = c.unread > 99 ? "99+" : String(c.unread || 0);
  p.countText.textContent = c.unread > 0 ? `, ${t("unread", { n: c.unread })}` : "";
  show(p.count, c.unread > 0);
  p.btn.classList.toggle("has-unread", c.unread > 0);
}

function render(v, st, prev, force) {
  const { ctx, list } = v;
  const { t } = ctx;
  if (!force && st.contacts === prev.contacts && st.order === prev.order && st.search === prev.search && st.presence === prev.presence && st.contactsStatus === prev.contactsStatus) return;
  const ids = st.search ? st.search.ids || [] : st.order;
  const now = new Date();
  const items = ids.filter((id) => st.contacts[id]).map((id) => ({ c: st.contacts[id], online: Boolean(st.presence[id]), now }));
  reconcile(list, v.nodes, items, (x) => x.c.id, (x) => createRow(ctx, x.c), (li, item) => updateRow(ctx, li, item));
  const isLoading = st.search ? st.search.status === "loading" && !st.search.ids : st.contactsStatus === "loading";
  const isError = !st.search && st.contactsStatus === "error";
  show(v.loading, isLoading);
  show(v.error, isError);
  show(v.empty, !isLoading && !isError && items.length === 0);
  v.emptyText.textContent = st.search ? t("noMatches", { q: st.search.q }) : t("noContacts");
  show(list, items.length > 0);
}
