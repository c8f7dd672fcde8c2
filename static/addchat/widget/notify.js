// Sound and desktop notifications for new messages (both switchable, stored per browser).

const PREFS_KEY = "addchat:prefs";

export function loadPrefs(defaults) {
  try {
    const saved = JSON.parse(localStorage.getItem(PREFS_KEY) || "{}");
    return { ...defaults, ...saved };
  } catch {
    return { ...defaults };
  }
}

export function savePrefs(prefs) {
  try {
    localStorage.setItem(PREFS_KEY, JSON.stringify(prefs));
  } catch {
    /* storage may be disabled: prefs then last for the page */
  }
}

export function notificationPermission() {
  return "Notification" in window ? Notification.permission : "unsupported";
}

export async function requestNotificationPermission() {
  if (!("Notification" in window)) return "unsupported";
  if (Notification.permission !== "default") return Notification.permission;
  try {
    return await Notification.requestPermission();
  } catch {
    return Notification.permission;
  }
}

/** A short two-note chime made with Web Audio (no audio file to load, nothing for CSP to block). */
let audioCtx = null;
export function unlockAudio() {
  // Browsers only let audio start after a user gesture; called from the widget's click handlers.
  const Ctx = window.AudioContext || window.webkitAudioContext;
  if (!Ctx) return;
  if (!audioCtx) audioCtx = new Ctx();
  if (audioCtx.state === "suspended") audioCtx.resume().catch(() => {});
}

export function playChime() {
  if (!audioCtx || audioCtx.state !== "running") return false;
  const now = audioCtx.currentTime;
  [880, 1320].forEach((freq, i) => {
    const osc = audioCtx.createOscillator();
    const gain = audioCtx.createGain();
    osc.type = "sine";
    osc.frequency.value = freq;
    const t0 = now + i * 0.12;
    gain.gain.setValueAtTime(0.0001, t0);
    gain.gain.exponentialRampToValueAtTime(0.15, t0 + 0.02);
    gain.gain.exponentialRampToValueAtTime(0.0001, t0 + 0.25);
    osc.connect(gain).connect(audioCtx.destination);
    osc.start(t0);
    osc.stop(t0 + 0.3);
  });
  return true;
}

export function showNotification({ title, body, icon, tag, onclick }) {
  if (notificationPermission() !== "granted") return null;
  try {
    const n = new Notification(title, { body, icon: icon || undefined, tag, renotify: false });
    n.onclick = () => {
      window.focus();
      n.close();
      if (onclick) onclick();
    };
    return n;
  } catch {
    return null; // e.g. Android Chrome only allows notifications from a service worker
  }
}
