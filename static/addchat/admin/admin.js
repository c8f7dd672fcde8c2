// The admin panel: the notification_type switch, the run-time settings, the live dashboard.
// Everything goes through AddChat's JSON API; text is only ever set with textContent.
const group = document.querySelector(".switch");
const status = document.getElementById("admin-status");
const form = document.getElementById("settings-form");
const formStatus = document.getElementById("settings-status");
const dashboard = document.getElementById("dashboard");
const REFRESH_MS = 3000;

async function saveSettings(values) {
  const response = await fetch(group.dataset.endpoint, {
    method: "POST",
    headers: { "Content-Type": "application/json", "X-CSRFToken": group.dataset.csrf },
    body: JSON.stringify(values),
  });
  const data = await response.json().catch(() => ({}));
  if (!response.ok) throw new Error(data.error ? data.error.message : `The change failed (${response.status}).`);
  return data;
}

group?.addEventListener("click", async (event) => {
  const button = event.target.closest("button[data-value]");
  if (!button || button.disabled) return;
  try {
    const data = await saveSettings({ notification_type: button.dataset.value });
    for (const other of group.querySelectorAll("button")) {
      other.setAttribute("aria-checked", String(other === button));
    }
    status.textContent = `Live: ${data.notification_type}`;
  } catch (error) {
    status.textContent = error.message;
  }
});

form?.addEventListener("submit", async (event) => {
  event.preventDefault();
  const values = {
    poll_interval_ms: Number(form.elements.poll_interval_ms.value),
    max_body_length: Number(form.elements.max_body_length.value),
    widget_title: form.elements.widget_title.value,
    widget_color: form.elements.widget_color.value.trim(),
  };
  try {
    await saveSettings(values);
    formStatus.textContent = "Saved: every widget picks the settings up now.";
  } catch (error) {
    formStatus.textContent = error.message;
  }
});

function perMinute(counts) {
  // Last complete minute, then the running one: "12 (this minute so far: 3)".
  const done = counts.length > 1 ? counts[counts.length - 2] : 0;
  return `${done} (this minute so far: ${counts[counts.length - 1]})`;
}

function connections(stats) {
  if (!stats) return "-";
  if (stats.error) return `unavailable: ${stats.error}`;
  const count = (n) => (n === null || n === undefined ? "?" : String(n));
  return `${count(stats.connections)} / ${count(stats.online_users)} (${stats.scope})`;
}

function render(data) {
  const set = (name, text) => {
    const cell = dashboard.querySelector(`[data-stat="${name}"]`);
    if (cell) cell.textContent = text;
  };
  set("notification_type", data.notification_type);
  set("socketio", connections(data.transports.socketio));
  set("pusher", connections(data.transports.pusher));
  set("messages_per_minute", perMinute(data.messages_per_minute) + (data.capped ? " or more" : ""));
  set("feed_changes_per_minute", perMinute(data.feed_changes_per_minute));
  set("polls_per_minute", perMinute(data.polls_per_minute));
  const failures = Object.entries(data.push_failures);
  set("push_failures", failures.map(([name, f]) => `${name}: ${perMinute(f.per_minute)}`).join("; ") || "-");
  const errors = failures.flatMap(([name, f]) =>
    f.last_errors.map((e) => `${new Date(e.at * 1000).toLocaleTimeString()} ${name}: ${e.error}`),
  );
  set("push_errors", errors.join("\n") || "none");
  const newest = data.feed_newest;
  set("feed_newest", newest ? `#${newest.id} (seq ${newest.seq}) at ${new Date(newest.at).toLocaleTimeString()}` : "empty");
  document.getElementById("dashboard-note").textContent =
    `Updated ${new Date(data.at).toLocaleTimeString()}. Polls and push failures are counted ` +
    (data.counters_scope === "redis" ? "across every process (Redis)." : "by this process only (no Redis configured).");
}

async function refresh() {
  if (document.visibilityState === "visible") {
    try {
      const response = await fetch(dashboard.dataset.endpoint, { headers: { Accept: "application/json" } });
      if (response.ok) render(await response.json());
      else document.getElementById("dashboard-note").textContent = `Dashboard unavailable (${response.status}).`;
    } catch {
      document.getElementById("dashboard-note").textContent = "Dashboard unreachable; retrying.";
    }
  }
  setTimeout(refresh, REFRESH_MS);
}

if (dashboard) refresh();
