// Notifications (the bell): the unread count and the loaded list in the store under `notif`,
// kept live by the feed changes "notification", "notification_read" and "notification_deleted"
// (each applied once by seq like every change), and the actions the bell's view calls.

import { showNotification } from "../notify.js";

const PAGE = 15;

/** Follow only http(s) URLs and same-origin paths; anything else (javascript:, data:) is refused. */
export function safeUrl(url) {
  if (typeof url !== "string" || !url) return null;
  if (url.startsWith("/") && !url.startsWith("//") && !url.includes("\\")) return url;
  try {
    const parsed = new URL(url);
    return parsed.protocol === "http:" || parsed.protocol === "https:" ? parsed.href : null;
  } catch {
    return null;
  }
}

/** The text a notification shows: the host's title (or its type) and an optional body. */
export function notificationText(n) {
  const d = (n && n.data) || {};
  const pick = (...keys) => keys.map((k) => d[k]).find((v) => typeof v === "string" && v.trim());
  return { title: pick("title", "subject") || String(n.type || ""), body: pick("body", "message", "text") || "" };
}

export function createNotifications(w) {
  const { store } = w;
  const n = {
    w,
    api: w.api,
    get: () => store.get().notif,
    set: (patch) =>
      store.set((s) => ({ notif: { ...s.notif, ...(typeof patch === "function" ? patch(s.notif) : patch) } })),
  };
  store.set({ notif: { items: [], hasMore: false, status: "idle", unread: 0, open: false, error: null } });
  // The parts call each other through `n` (late-bound), as chat.js's parts do.
  Object.assign(n, createLoading(n), createFeedPart(n), createActions(n));
  return {
    start: n.refreshCount,
    apply: n.apply,
    toggle: n.toggle,
    loadMore: () => n.loadPage(lastId(n.get().items)),
    retry: () => n.loadPage(),
    markRead: n.markRead,
    markAllRead: n.markAllRead,
    remove: n.remove,
    follow: n.follow,
  };
}

/** The unread count and pages of the list, from the API. */
function createLoading(n) {
  let countTimer = null;
  async function refreshCount() {
    try {
      const { unread } = await n.api.get("notifications/unread-count");
      n.set({ unread });
    } catch {
      /* the next change or reload corrects it */
    }
  }
  async function loadPage(before) {
    n.set({ status: "loading", error: null });
    try {
      const page = await n.api.get("notifications", { before, limit: PAGE });
      n.set((x) => ({ items: merge(before ? x.items : [], page.notifications), hasMore: page.has_more, status: "ready" }));
    } catch (err) {
      n.set({ status: "error", error: err });
    }
  }
  return {
    refreshCount,
    loadPage,
    /** Recount from the server soon (a read or a delete elsewhere: only the server knows the rest). */
    recountSoon() {
      clearTimeout(countTimer);
      countTimer = setTimeout(refreshCount, 150);
    },
    upsert: (item) => n.set((x) => ({ items: merge(x.items, [item]) })),
    toggle(open = !n.get().open) {
      n.set({ open });
      if (open && n.get().status === "idle") loadPage();
    },
  };
}

/** Feed changes of this feature (each arrives once, by seq, whatever the transport). */
function createFeedPart(n) {
  function announce(item) {
    const { title, body } = notificationText(item);
    n.w.shell.announce(body ? `${title}: ${body}` : title);
    const st = n.w.store.get();
    if (st.prefs.notifications && (document.hidden || !st.isOpen || !n.get().open)) {
      showNotification({ title, body, tag: `addchat-notification-${item.id}`, onclick: () => n.follow(item) });
    }
  }
  /** Apply one change; returns false for types that are not this feature's. */
  function apply(type, data) {
    if (type === "notification") {
      const known = n.get().items.some((x) => x.id === data.id);
      if (n.get().status !== "idle") n.upsert(data);
      if (!known && !data.read_at) {
        n.set((x) => ({ unread: x.unread + 1 }));
        announce(data);
      }
      return true;
    }
    if (type === "notification_read") {
      const ids = new Set(data.ids || []);
      const read = (x) => x.read_at || !(data.all || ids.has(x.id));
      n.set((x) => ({ items: x.items.map((i) => (read(i) ? i : { ...i, read_at: data.read_at })) }));
      n.recountSoon();
      return true;
    }
    if (type === "notification_deleted") {
      n.set((x) => ({ items: x.items.filter((i) => i.id !== data.id) }));
      n.recountSoon();
      return true;
    }
    return false;
  }
  return { apply };
}

/** What the person does in the bell's list. */
function createActions(n) {
  async function markRead(id) {
    const item = n.get().items.find((x) => x.id === id);
    if (item && item.read_at) return;
    try {
      const res = await n.api.post(`notifications/${id}/read`, {});
      n.upsert(res.notification);
      n.set({ unread: res.unread });
    } catch (err) {
      n.set({ error: err });
    }
  }
  async function markAllRead() {
    try {
      const res = await n.api.post("notifications/read-all", {});
      const now = new Date().toISOString();
      n.set((x) => ({ unread: res.unread, items: x.items.map((i) => (i.read_at ? i : { ...i, read_at: now })) }));
    } catch (err) {
      n.set({ error: err });
    }
  }
  async function remove(id) {
    try {
      const res = await n.api.del(`notifications/${id}`);
      n.set((x) => ({ unread: res.unread, items: x.items.filter((i) => i.id !== id) }));
    } catch (err) {
      if (err.status === 404) n.set((x) => ({ items: x.items.filter((i) => i.id !== id) }));
      else n.set({ error: err });
    }
  }
  /** Open a notification: mark it read, then go to its URL when it has a safe one. */
  async function follow(item) {
    await markRead(item.id);
    const url = safeUrl(item.url);
    if (url) window.location.assign(url);
  }
  return { markRead, markAllRead, remove, follow };
}

/** Merge notifications by id, newest (highest id) first. */
function merge(items, incoming) {
  const byId = new Map(items.map((x) => [x.id, x]));
  for (const x of incoming) byId.set(x.id, { ...byId.get(x.id), ...x });
  return [...byId.values()].sort((a, b) => b.id - a.id);
}

function lastId(items) {
  return items.length ? items[items.length - 1].id : undefined;
}
