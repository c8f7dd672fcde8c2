// Blocking from the widget: a menu in the conversation header ("Block {name}"), the people one
// blocked listed under the settings with "Unblock", and the feed changes "block" (this pair)
// and "access" (an admin changed groups) that make every open widget reload who it may chat with.

import { h, icon, show } from "../dom.js";

export function createBlocking(w) {
  const { t, api, store } = w;
  const els = buildDom(t);
  mount(w, els);
  let blocked = [];

  async function loadBlocked() {
    try {
      blocked = (await api.get("blocks")).blocked;
    } catch {
      blocked = [];
    }
    renderBlocked();
  }

  async function block(peerId) {
    els.menu.hidden = true;
    try {
      await api.post("blocks", { user_id: peerId });
      afterChange(peerId, true);
    } catch (err) {
      w.shell.announce(t("blockFailed"));
    }
  }

  async function unblock(peerId) {
    try {
      await api.del(`blocks/${peerId}`);
      afterChange(peerId);
    } catch {
      w.shell.announce(t("blockFailed"));
    }
  }

  /** Forget what the widget knew of the pair, leave their conversation, reload contacts. */
  function afterChange(peerId, blockedNow = false) {
    const transport = w.connection.transport();
    if (blockedNow && transport && transport.unwatch) transport.unwatch([peerId]);
    store.set((s) => ({
      presence: { ...s.presence, [peerId]: false },
      typing: { ...s.typing, [peerId]: null },
    }));
    if (store.get().peerId === peerId && store.get().view === "conversation") w.actions.back();
    w.chat.loadContacts();
    if (store.get().settingsOpen) loadBlocked();
  }

  function renderBlocked() {
    els.list.replaceChildren(
      ...blocked.map((person) => {
        const button = h("button", { class: "link-btn unblock", type: "button", text: t("unblock") });
        button.addEventListener("click", () => unblock(person.id));
        return h("li", { class: "blocked-person" }, h("span", { text: person.name }), button);
      }),
    );
    show(els.section, blocked.length > 0);
  }

  bind(w, els, { block, loadBlocked });

  return {
    /** Apply a feed change of this feature; false for other types. */
    apply(type, data) {
      if (type === "block") {
        const me = w.config.user.id;
        afterChange(data.blocker_id === me ? data.blocked_id : data.blocker_id, data.blocked);
        return true;
      }
      if (type === "access") {
        w.chat.loadContacts();
        return true;
      }
      return false;
    },
  };
}

/** The menu opens and closes; it shows in a conversation only; the blocked list loads with the settings. */
function bind(w, els, { block, loadBlocked }) {
  const { store, t } = w;
  els.menuBtn.addEventListener("click", () => {
    els.menu.hidden = !els.menu.hidden;
    els.menuBtn.setAttribute("aria-expanded", String(!els.menu.hidden));
  });
  els.blockBtn.addEventListener("click", () => block(store.get().peerId));
  let prev = {};
  store.subscribe((st) => {
    const inConv = st.view === "conversation" && st.peerId != null;
    show(els.menuBtn, inConv);
    if (!inConv) els.menu.hidden = true;
    if (inConv) els.blockBtn.textContent = t("blockUser", { name: w.chat.userInfo(st.peerId).name });
    if (st.settingsOpen && !prev.settingsOpen) loadBlocked();
    prev = st;
  });
}

function buildDom(t) {
  const menuBtn = h(
    "button",
    { class: "icon-btn conv-menu-btn", type: "button", "aria-label": t("moreActions"), title: t("moreActions"), "aria-haspopup": "true", "aria-expanded": "false", hidden: true },
    icon("more"),
  );
  const blockBtn = h("button", { class: "menu-item block-user", type: "button", role: "menuitem" });
  const menu = h("div", { class: "conv-menu", role: "menu", hidden: true }, blockBtn);
  const list = h("ul", { class: "blocked-list", role: "list" });
  const section = h("div", { class: "blocked", hidden: true }, h("p", { class: "hint", text: t("blockedPeople") }), list);
  return { menuBtn, blockBtn, menu, list, section };
}

/** The hook into the frame: the menu button before the settings button, the list in the settings. */
function mount(w, { menuBtn, menu, section }) {
  w.shadow.prepend(h("link", { rel: "stylesheet", href: new URL("./blocking.css", import.meta.url).href }));
  const head = w.shell.panel.querySelector(".head");
  head.insertBefore(menuBtn, head.querySelector('[aria-controls="addchat-settings"]'));
  head.after(menu);
  w.shell.panel.querySelector(".settings").append(section);
}
