// A new message from someone else: read at once when in view, otherwise a chime and a desktop
// notification (as the person's prefs allow); always an announcement for screen readers.

import { playChime, showNotification } from "../notify.js";

export function onIncoming(w, m, sender) {
  const { store, t } = w;
  if (w.seen.inView(m.from_id)) {
    w.seen.markSoon(m.from_id);
  } else {
    const st = store.get();
    if (st.prefs.sound) playChime();
    if (st.prefs.notifications && (document.hidden || !st.isOpen || st.peerId !== m.from_id)) {
      showNotification({
        title: sender.name,
        body: m.body,
        icon: sender.avatar,
        tag: `addchat-${m.from_id}`,
        onclick: () => w.actions.openConversation(m.from_id),
      });
    }
  }
  w.shell.announce(t("newMessageFrom", { name: sender.name, body: String(m.body).slice(0, 140) }));
}

/** The hooks createChat calls back into the widget core with. */
export function chatHooks(w) {
  return {
    inView: (peerId) => w.seen.inView(peerId),
    onError(err) {
      if (err && err.status === 401) w.connection.setStatus("offline", { reason: "unauthorized" });
    },
    afterMessages(peerId) {
      queueMicrotask(() => w.seen.markSoon(peerId));
    },
    afterSend() {
      const transport = w.connection.transport();
      if (transport && transport.wake) transport.wake();
    },
    onIncoming: (m, sender) => onIncoming(w, m, sender),
    onConfigChange(data) {
      w.connection.switchTo(data && data.notification_type);
    },
    onOtherChange(type, data) {
      for (const part of [w.notifications, w.blocking]) if (part && part.apply(type, data)) return;
    },
  };
}
