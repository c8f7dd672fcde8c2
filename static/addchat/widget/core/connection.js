// Transport lifecycle: start the configured transport, switch on a "config" change, keep the
// connection status, and hand the transport the contact ids whose presence it watches and how
// active the widget is (a poller polls faster while a conversation is open in a focused tab).

import { loadTransport } from "../transports/index.js";
import { timersFrom } from "../timers.js";

/**
 * How active the widget is: "active" (a conversation open in a focused, visible tab), "idle" or
 * "hidden". The transport hears of each change through setActivity() (a poller polls faster when active).
 */
function watchActivity(store, getTransport) {
  let level = null;
  function update(force = false) {
    const st = store.get();
    const next = document.hidden ? "hidden" : st.isOpen && st.view === "conversation" && document.hasFocus() ? "active" : "idle";
    if (next === level && !force) return;
    level = next;
    const transport = getTransport();
    if (transport && transport.setActivity) transport.setActivity(level);
  }
  store.subscribe(() => update());
  for (const type of ["focus", "blur"]) window.addEventListener(type, () => update());
  document.addEventListener("visibilitychange", () => update());
  return { tell: () => update(true) };
}

export function createConnection(w) {
  const { store, api, emit, options } = w;
  let transport = null;
  let gen = 0; // callbacks of a stopped transport are ignored
  let watchedKey = "";
  let seenOrder = null;

  function setStatus(status, detail) {
    const st = store.get();
    if (st.connection === "offline" && st.connectionDetail && st.connectionDetail.reason === "unauthorized") return;
    if (st.connection !== status) emit("status", { status, detail: detail || null });
    store.set({ connection: status, connectionDetail: detail || null });
    if (status !== "online") w.typing.clearAll(); // no live "is typing" without a live connection
  }

  /** Give the transport the contact ids (no second GET /contacts in a transport), when the set changes. */
  function watchContacts(st) {
    if (!transport || !transport.watch || !st.order.length || st.order === seenOrder) return;
    seenOrder = st.order;
    const key = [...st.order].sort((a, b) => a - b).join(",");
    if (key === watchedKey) return;
    watchedKey = key;
    transport.watch(st.order.slice());
  }
  store.subscribe(watchContacts);

  const activity = watchActivity(store, () => transport);

  async function start(cfg = w.config) {
    const mine = ++gen;
    const mod = await loadTransport(cfg.notification_type);
    if (mine !== gen) return;
    transport = mod.createTransport({
      config: cfg,
      api,
      getCursor: () => w.chat.tracker.cursor,
      onChange: (changes, cursor) => {
        if (mine !== gen) return;
        w.chat.applyChanges(changes, cursor);
        w.typing.messagesArrived(changes);
      },
      onStatus: (status, detail) => mine === gen && setStatus(status, detail),
      onTyping: ({ userId, isTyping }) => mine === gen && w.typing.remote(userId, isTyping),
      onPresence: ({ userId, online }) =>
        store.set((st) => ({ presence: { ...st.presence, [userId]: Boolean(online) } })),
      vendorUrl: (file) => options.staticUrl + "vendor/" + file,
    });
    watchedKey = "";
    seenOrder = null;
    watchContacts(store.get());
    activity.tell();
    transport.start(w.chat.tracker.cursor);
  }

  /** A "config" change: stop the transport, re-read config, start the new one from the store's cursor. */
  async function switchTo(type) {
    ++gen;
    if (transport) transport.stop();
    transport = null;
    w.typing.clearAll();
    let cfg = { ...w.config, notification_type: type || w.config.notification_type };
    try {
      const fresh = await api.get("config");
      api.setCsrfToken(fresh.csrf_token);
      cfg = fresh;
    } catch {
      /* keep the old transport info; the new transport reports its own errors */
    }
    w.config = cfg;
    w.timers = timersFrom(cfg);
    await start(cfg); // from the store's cursor, not cfg.cursor: nothing is skipped
  }

  return {
    start,
    switchTo,
    setStatus,
    transport: () => transport,
  };
}
