// Email digests: the widget's activity heartbeat (while it comes, the server sends no digest
// email to this person) and the "Email me what I miss" switch in the settings.

import { h } from "../dom.js";

// The server counts a person as away ADDCHAT_AWAY_AFTER_S (150 s by default) after the last beat.
const HEARTBEAT_MS = 60000;

export function createDigests(w) {
  const { t, api, store } = w;
  const box = h("input", { type: "checkbox", role: "switch", class: "email-digests" });
  const row = h("label", { class: "setting" }, box, h("span", { text: t("emailDigests") }));
  w.shell.panel.querySelector(".settings").append(row);

  const beat = () => api.post("activity", {}).catch(() => {});
  beat();
  setInterval(beat, HEARTBEAT_MS);

  async function load() {
    try {
      box.checked = (await api.get("preferences")).email_digests;
    } catch {
      /* keeps the last known state */
    }
  }
  box.addEventListener("change", async () => {
    const wanted = box.checked;
    try {
      box.checked = (await api.post("preferences", { email_digests: wanted })).email_digests;
    } catch {
      box.checked = !wanted;
    }
  });
  let wasOpen = false;
  store.subscribe((st) => {
    if (st.settingsOpen && !wasOpen) load();
    wasOpen = st.settingsOpen;
  });
  return { beat };
}
