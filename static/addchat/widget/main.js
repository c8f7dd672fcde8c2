// Entry module (imported by ../widget.js): mounts the widget in a Shadow DOM, reads the
// config, starts the configured transport, and wires the store, actions and views.

import { h } from "./dom.js";
import { createApi } from "./api.js";
import { createStore } from "./store.js";
import { createChat } from "./chat.js";
import { createI18n } from "./i18n.js";
import { createTimeFormat } from "./time.js";
import { loadTransport, backoffDelay } from "./transports/index.js";
import { loadPrefs, savePrefs, requestNotificationPermission, notificationPermission, unlockAudio, playChime, showNotification } from "./notify.js";
import { createShell } from "./views/shell.js";
import { createContactsView } from "./views/contacts.js";
import { createConversationView } from "./views/conversation.js";

const TAG = "addchat-widget";

export async function boot({ options, publicApi, listeners, queue }) {
  if (document.querySelector(TAG)) return;
  const emit = (type, detail) => {
    for (const fn of (listeners[type] || []).slice()) {
      try {
        fn(detail);
      } catch (err) {
        console.error("[AddChat] listener failed", err);
      }
    }
  };

  // Isolation: everything lives in an open shadow root on one custom-named host element.
  const host = document.createElement(TAG);
  host.setAttribute("data-addchat", "");
  const shadow = host.attachShadow({ mode: "open" });
  const link = h("link", { rel: "stylesheet", href: options.staticUrl + "widget/widget.css" });
  const cssReady = new Promise((resolve) => {
    link.addEventListener("load", resolve, { once: true });
    link.addEventListener("error", resolve, { once: true });
    setTimeout(resolve, 5000);
  });
  shadow.append(link);
  // A child of <html>, not <body>: body transforms cannot trap the fixed panel, and sites that
  // swap <body> (Turbo, pjax) keep the widget. Attached now (still empty) so the CSS loads while
  // the config is read.
  document.documentElement.append(host);

  const api = createApi(options.apiUrl);
  let config;
  for (let attempt = 0; ; attempt++) {
    try {
      config = await api.get("config");
      break;
    } catch (err) {
      if (err.status === 401 || err.status === 403) {
        // Not signed in: the widget stays out of the page.
        host.remove();
        emit("unauthorized", { status: err.status });
        return;
      }
      await new Promise((r) => setTimeout(r, backoffDelay(attempt, 2000, err)));
    }
  }
  api.setCsrfToken(config.csrf_token);

  const { t, locale } = createI18n(options.locale);
  const fmt = createTimeFormat(locale, t);
  const prefs = loadPrefs({ sound: options.sound, notifications: options.notifications });

  const store = createStore({
    me: config.user,
    isOpen: false,
    view: "contacts",
    peerId: null,
    settingsOpen: false,
    contacts: {},
    users: { [config.user.id]: config.user },
    order: [],
    contactsStatus: "loading",
    search: null,
    convs: {},
    typing: {},
    presence: {},
    connection: "connecting",
    connectionDetail: null,
    prefs,
    unreadTotal: 0,
  });

  const ctx = { store, t, fmt, options, shadow };
  let conversationView = null;
  let shell = null;

  const inView = (peerId) => {
    const st = store.get();
    return (
      st.isOpen &&
      st.view === "conversation" &&
      st.peerId === peerId &&
      document.visibilityState === "visible" &&
      (!conversationView || conversationView.atBottom())
    );
  };

  const chat = createChat({
    store,
    api,
    config,
    emit,
    hooks: {
      inView,
      onError(err) {
        if (err && err.status === 401) setStatus("offline", { reason: "unauthorized" });
      },
      afterMessages(peerId) {
        queueMicrotask(() => setTimeout(() => inView(peerId) && chat.markSeen(peerId), 0));
      },
      afterSend() {
        if (transport && transport.wake) transport.wake();
      },
      onIncoming(m, sender) {
        if (inView(m.from_id)) {
          setTimeout(() => inView(m.from_id) && chat.markSeen(m.from_id), 0);
        } else {
          const st = store.get();
          if (st.prefs.sound) playChime();
          if (st.prefs.notifications && (document.hidden || !st.isOpen || st.peerId !== m.from_id)) {
            showNotification({
              title: sender.name,
              body: m.body,
              icon: sender.avatar,
              tag: `addchat-${m.from_id}`,
              onclick: () => actions.openConversation(m.from_id),
            });
          }
        }
        shell.announce(t("newMessageFrom", { name: sender.name, body: String(m.body).slice(0, 140) }));
      },
      onConfigChange(data) {
        switchTransport(data && data.notification_type);
      },
    },
  });
  ctx.chat = chat;

  // ── Transport (interface documented in transports/index.js) ─────────────────
  let transport = null;
  let transportGen = 0;
  let typingState = { peer: null, at: 0 };

  function setStatus(status, detail) {
    const st = store.get();
    if (st.connection === "offline" && st.connectionDetail && st.connectionDetail.reason === "unauthorized") return;
    if (st.connection !== status) emit("status", { status, detail: detail || null });
    store.set({ connection: status, connectionDetail: detail || null });
  }

  // "… is typing": shown from store state; expires on its own if the "stopped" event is lost.
  const typingTimers = new Map();
  function setTyping(userId, isTyping) {
    clearTimeout(typingTimers.get(userId));
    if (isTyping) typingTimers.set(userId, setTimeout(() => setTyping(userId, false), 6000));
    store.set((st) => ({ typing: { ...st.typing, [userId]: Boolean(isTyping) } }));
  }

  async function startTransport(cfg) {
    const gen = ++transportGen;
    const mod = await loadTransport(cfg.notification_type);
    if (gen !== transportGen) return;
    transport = mod.createTransport({
      config: cfg,
      api,
      getCursor: () => chat.tracker.cursor,
      onChange: (changes, cursor) => gen === transportGen && chat.applyChanges(changes, cursor),
      onStatus: (status, detail) => gen === transportGen && setStatus(status, detail),
      onTyping: ({ userId, isTyping }) => setTyping(userId, isTyping),
      onPresence: ({ userId, online }) =>
        store.set((st) => ({ presence: { ...st.presence, [userId]: Boolean(online) } })),
      vendorUrl: (file) => options.staticUrl + "vendor/" + file,
    });
    transport.start(chat.tracker.cursor);
  }

  async function switchTransport(type) {
    ++transportGen;
    if (transport) transport.stop();
    transport = null;
    let cfg = { ...config, notification_type: type || config.notification_type };
    try {
      const fresh = await api.get("config");
      api.setCsrfToken(fresh.csrf_token);
      cfg = fresh;
    } catch {
      /* keep the old transport info; the new transport reports its own errors */
    }
    config = cfg;
    await startTransport(cfg); // from the store's cursor, not cfg.cursor: nothing is skipped
  }

  // ── Actions used by the views and the public API ─────────────────────────────
  const actions = {
    open({ viaUser = false } = {}) {
      if (store.get().isOpen) return;
      store.set({ isOpen: true });
      emit("open");
      afterRender(() => {
        const st = store.get();
        if (viaUser || shadow.activeElement || document.activeElement === document.body) focusView(st);
        if (st.view === "conversation") actions.maybeMarkSeen();
      });
    },
    close({ focusLauncher = false } = {}) {
      if (!store.get().isOpen) return;
      const hadFocus = Boolean(shadow.activeElement);
      store.set({ isOpen: false, settingsOpen: false });
      emit("close");
      if (focusLauncher || hadFocus) afterRender(() => shell.focusLauncher());
    },
    toggle(opts) {
      unlockAudio();
      if (store.get().isOpen) actions.close({ focusLauncher: true });
      else actions.open(opts);
    },
    openConversation(userId) {
      unlockAudio();
      chat.openConversation(userId);
      if (!store.get().isOpen) actions.open({ viaUser: true });
      else afterRender(() => focusView(store.get()));
    },
    back() {
      const peerId = store.get().peerId;
      chat.showContacts();
      afterRender(() => contactsView.focus(peerId));
    },
    /** The composer changed: tell the peer I am typing (transports that support it), throttled. */
    typing(peerId, active) {
      if (!transport || !transport.sendTyping) return;
      const now = Date.now();
      if (active && typingState.peer === peerId && now - typingState.at < 3000) return;
      if (!active && typingState.peer !== peerId) return;
      typingState = active ? { peer: peerId, at: now } : { peer: null, at: 0 };
      try {
        transport.sendTyping(peerId, active);
      } catch (err) {
        console.warn("[AddChat] sendTyping failed", err);
      }
    },
    maybeMarkSeen() {
      const peerId = store.get().peerId;
      if (peerId != null && inView(peerId)) chat.markSeen(peerId);
    },
    async setPref(key, value) {
      if (key === "notifications" && value && notificationPermission() !== "granted") {
        const perm = await requestNotificationPermission();
        value = perm === "granted";
      }
      if (key === "sound" && value) unlockAudio();
      const next = { ...store.get().prefs, [key]: value };
      savePrefs(next);
      store.set({ prefs: next });
    },
  };
  ctx.actions = actions;

  function focusView(st) {
    // On touch screens, focusing a text field would pop the on-screen keyboard over the list.
    if (window.matchMedia("(pointer: coarse)").matches) shell.focusPanel();
    else if (st.view === "conversation") conversationView.focus();
    else contactsView.focus(null);
  }
  function afterRender(fn) {
    // Store notifications are batched in a microtask; run after the views have rendered.
    queueMicrotask(() => queueMicrotask(fn));
  }

  // ── Views ────────────────────────────────────────────────────────────────────
  const contactsView = createContactsView(ctx);
  conversationView = createConversationView(ctx);
  shell = createShell(ctx, { contactsView, conversationView });
  shadow.append(shell.root);
  shadow.addEventListener("pointerdown", unlockAudio, { passive: true });

  let prev = {};
  let baseTitle = document.title;
  let lastTitle = null;
  function render(st, force = false) {
    const unreadTotal = Object.values(st.contacts).reduce((n, c) => n + (c.unread || 0), 0);
    if (unreadTotal !== st.unreadTotal) {
      store.set({ unreadTotal });
      emit("unread", { count: unreadTotal });
      return; // the store calls render again with the new total
    }
    shell.render(st, prev);
    contactsView.render(st, prev, force);
    conversationView.render(st, prev, force);
    if (document.title !== lastTitle) baseTitle = document.title;
    lastTitle = unreadTotal > 0 ? `(${unreadTotal > 99 ? "99+" : unreadTotal}) ${baseTitle}` : baseTitle;
    if (document.title !== lastTitle) document.title = lastTitle;
    prev = st;
  }
  store.subscribe((st) => render(st));
  render(store.get());

  // Relative times ("2 minutes ago") refresh every 30 s while the panel is open.
  setInterval(() => {
    if (store.get().isOpen && !document.hidden) render(store.get(), true);
  }, 30000);
  document.addEventListener("visibilitychange", () => {
    if (!document.hidden) actions.maybeMarkSeen();
  });
  window.addEventListener("online", () => {
    chat.flushPending();
    render(store.get(), true);
  });
  window.addEventListener("offline", () => render(store.get(), true));

  await cssReady;
  shell.root.hidden = false;

  // ── Public API: replace the loader's queueing stubs ────────────────────────────
  Object.assign(publicApi, {
    ready: true,
    open: () => actions.open({ viaUser: true }),
    close: () => actions.close(),
    toggle: () => actions.toggle({ viaUser: true }),
    openConversation: (userId) => actions.openConversation(userId),
    unreadCount: () => store.get().unreadTotal,
  });

  await startTransport(config);
  chat.loadContacts();
  emit("ready", { user: { ...config.user } });
  for (const [name, args] of queue.splice(0)) {
    if (typeof publicApi[name] === "function") publicApi[name](...args);
  }
}
