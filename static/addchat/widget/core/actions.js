// Actions used by the views and the public API: open/close the panel, open a conversation,
// go back, typing, seen, settings; and where focus goes after each.

import { requestNotificationPermission, notificationPermission, unlockAudio, savePrefs } from "../notify.js";

/** Store notifications are batched in a microtask; run fn after the views have rendered. */
export function afterRender(fn) {
  queueMicrotask(() => queueMicrotask(fn));
}

function focusView(w, st) {
  // On touch screens, focusing a text field would pop the on-screen keyboard over the list.
  if (window.matchMedia("(pointer: coarse)").matches) w.shell.focusPanel();
  else if (st.view === "conversation") w.conversationView.focus();
  else w.contactsView.focus(null);
}

async function setPref(w, key, value) {
  if (key === "notifications" && value && notificationPermission() !== "granted") {
    const perm = await requestNotificationPermission();
    value = perm === "granted";
  }
  if (key === "sound" && value) unlockAudio();
  const next = { ...w.store.get().prefs, [key]: value };
  savePrefs(next);
  w.store.set({ prefs: next });
}

export function createActions(w) {
  const { store, shadow, emit } = w;
  const actions = {
    open({ viaUser = false } = {}) {
      if (store.get().isOpen) return;
      store.set({ isOpen: true });
      emit("open");
      afterRender(() => {
        const st = store.get();
        if (viaUser || shadow.activeElement || document.activeElement === document.body) focusView(w, st);
        if (st.view === "conversation") w.seen.maybeMarkSeen();
      });
    },
    close({ focusLauncher = false } = {}) {
      if (!store.get().isOpen) return;
      const hadFocus = Boolean(shadow.activeElement);
      store.set({ isOpen: false, settingsOpen: false });
      emit("close");
      if (focusLauncher || hadFocus) afterRender(() => w.shell.focusLauncher());
    },
    toggle(opts) {
      unlockAudio();
      if (store.get().isOpen) actions.close({ focusLauncher: true });
      else actions.open(opts);
    },
    openConversation(userId) {
      unlockAudio();
      w.chat.openConversation(userId);
      if (!store.get().isOpen) actions.open({ viaUser: true });
      else afterRender(() => focusView(w, store.get()));
    },
    back() {
      const peerId = store.get().peerId;
      w.chat.showContacts();
      afterRender(() => w.contactsView.focus(peerId));
    },
    /** The composer changed (active: it holds text) or was sent: the typing rules decide what to send. */
    typing: (peerId, active) => w.typing.local(peerId, active),
    maybeMarkSeen: () => w.seen.maybeMarkSeen(),
    setPref: (key, value) => setPref(w, key, value),
  };
  return actions;
}
