// Mounting: the isolated host element with its shadow root and CSS, the config read before
// anything shows, and the views appended into the shadow root.

import { h } from "../dom.js";
import { backoffDelay } from "../transports/backoff.js";
import { unlockAudio } from "../notify.js";
import { createShell } from "../views/shell.js";
import { createContactsView } from "../views/contacts.js";
import { createConversationView } from "../views/conversation.js";

export const TAG = "addchat-widget";

/** Isolation: everything lives in an open shadow root on one custom-named host element. */
export function mountHost(options) {
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
  return { host, shadow, cssReady };
}

/** GET config, retried with backoff; null when not signed in (the widget then leaves the page). */
export async function readConfig(api, host, emit) {
  for (let attempt = 0; ; attempt++) {
    try {
      return await api.get("config");
    } catch (err) {
      if (err.status === 401 || err.status === 403) {
        host.remove();
        emit("unauthorized", { status: err.status });
        return null;
      }
      await new Promise((r) => setTimeout(r, backoffDelay(attempt, 2000, err)));
    }
  }
}

/** Build the views (they read `w` as their context) and put them in the shadow root. */
export function mountViews(w) {
  w.contactsView = createContactsView(w);
  w.conversationView = createConversationView(w);
  w.shell = createShell(w, { contactsView: w.contactsView, conversationView: w.conversationView });
  w.shadow.append(w.shell.root);
  w.shadow.addEventListener("pointerdown", unlockAudio, { passive: true });
}
