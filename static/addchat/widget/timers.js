// The widget's timers: GET config's `sync` block (the server's ADDCHAT_* keys), these defaults otherwise.

export const DEFAULT_TIMERS = {
  settle_ms: 1500, // confirm pushes with a poll this long after the last one
  safety_poll_ms: 60000, // and poll at least this often while connected
  typing_repeat_ms: 3000, // re-send "typing" at most this often while typing
  typing_idle_ms: 4000, // send "stopped" after this long without typing
  typing_expires_ms: 6000, // a peer's "is typing" fades after this without an update
};

/** The timers from a GET config answer, each a positive number of ms (a default when missing). */
export function timersFrom(config) {
  const given = (config && config.sync) || {};
  const timers = {};
  for (const [key, fallback] of Object.entries(DEFAULT_TIMERS)) {
    const value = Number(given[key]);
    timers[key] = Number.isFinite(value) && value > 0 ? value : fallback;
  }
  return timers;
}
