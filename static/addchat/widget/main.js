// Entry module (imported by ../widget.js): mounts the widget in a Shadow DOM, reads the
// config, and wires the store, the chat, the widget core (core/) and the views. `w` is the
// widget's context: the parts reach each other through it, and the views read it as `ctx`.

import { createApi } from "./api.js";
import { createStore } from "./store.js";
import { createChat } from "./chat.js";
import { createI18n } from "./i18n.js";
import { createTimeFormat } from "./time.js";
import { timersFrom } from "./timers.js";
import { loadPrefs } from "./notify.js";
import { TAG, mountHost, readConfig, mountViews } from "./core/mount.js";
import { initialState } from "./core/state.js";
import { createConnection } from "./core/connection.js";
import { createTyping } from "./core/typing.js";
import { createSeenMarking } from "./core/seen.js";
import { chatHooks } from "./core/incoming.js";
import { createActions } from "./core/actions.js";
import { startRendering, watchPage } from "./core/render.js";
import { createEmitter, exposeApi, runQueued } from "./core/public-api.js";
import { createNotifications } from "./notifications/core.js";
import { createBell } from "./notifications/view.js";
import { createBlocking } from "./blocking/index.js";
import { createDigests } from "./digests/index.js";

/** The admin's title and colour (GET config -> widget, when the server has them) unless the tag sets its own. */
function withSiteDefaults(options, config) {
  const site = (config && config.widget) || {};
  const color = /^#[0-9a-fA-F]{6}$/.test(site.color || "") ? site.color : "";
  return { ...options, title: options.title || site.title || "", color: options.color || color };
}

export async function boot({ options, publicApi, listeners, queue }) {
  if (document.querySelector(TAG)) return;
  const emit = createEmitter(listeners);
  const { host, shadow, cssReady } = mountHost(options);
  const api = createApi(options.apiUrl);
  const config = await readConfig(api, host, emit);
  if (!config) return; // not signed in: the widget stays out of the page
  api.setCsrfToken(config.csrf_token);
  options = withSiteDefaults(options, config);

  const { t, locale, dir } = await createI18n(options.locales || [options.locale]);
  const prefs = loadPrefs({ sound: options.sound, notifications: options.notifications });
  const store = createStore(initialState(config, prefs));
  const w = { store, api, config, emit, options, shadow, t, dir, fmt: createTimeFormat(locale, t), timers: timersFrom(config) };
  w.seen = createSeenMarking(w);
  w.typing = createTyping(w);
  w.connection = createConnection(w);
  w.chat = createChat({ store, api, config, emit, hooks: chatHooks(w) });
  w.actions = createActions(w);
  w.notifications = createNotifications(w);
  mountViews(w);
  w.bell = createBell(w);
  w.blocking = createBlocking(w);
  w.digests = createDigests(w);
  watchPage(w, startRendering(w));

  await cssReady;
  w.shell.root.hidden = false;
  exposeApi(w, publicApi);
  await w.connection.start();
  w.chat.loadContacts();
  w.notifications.start();
  emit("ready", { user: { ...w.config.user } });
  runQueued(publicApi, queue);
}
