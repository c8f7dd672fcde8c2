// Feed sync: the rules every push transport (socketio.js, pusher.js) obeys, kept in one place.
//  - The feed (GET poll?cursor=N -> {cursor, changes, more}) is the source of truth. The
//    confirmed cursor moves only on poll answers, never on pushes: two servers may publish
//    seq 11 before seq 10, so a push cannot prove that nothing before it was missed.
//  - After every (re)connect the transport calls connected(): a catch-up poll from the confirmed
//    cursor, pushes held meanwhile and released in seq order afterwards, then "online".
//  - Pushes apply at once; a "settle" poll settle_ms after the last unconfirmed push, and a
//    safety poll every safety_poll_ms while live, confirm them and fill any gap.
//  - A push {type: "ref"} (a change too large to push, e.g. over Pusher's 10 KB) is polled for.
//  - 401 means signed out: "offline" {reason: "unauthorized"} and no more retries; any other
//    failure reports "reconnecting" and retries with backoff, "online" again once a poll works.

import { backoffDelay } from "./backoff.js";
import { DEFAULT_TIMERS } from "../timers.js";

const MAX_PAGES = 100;

/**
 * Fetch every change after getCursor() through GET poll (following `more`) and hand them
 * to onChange. Resolves with the final cursor.
 */
export async function catchUp({ api, getCursor, onChange, signal }) {
  for (let i = 0; i < MAX_PAGES; i++) {
    const res = await api.get("poll", { cursor: getCursor() }, { signal });
    onChange(res.changes || [], res.cursor);
    if (!res.more) return res.cursor;
  }
  return getCursor();
}

/**
 * The feed sync of one push transport's life (start to stop).
 *   deliver(changes, cursor?)  hands changes on (in seq order) to the widget
 *   onStatus(status, detail?)  as in the transport interface
 *   isLive()                   true while the push connection is up (timers poll only then)
 *   onSignedOut(err)           after a 401: the transport tears itself down
 */
export function createFeedSync({
  api,
  startCursor,
  deliver,
  onStatus,
  isLive = () => true,
  onSignedOut = () => {},
  settleMs = DEFAULT_TIMERS.settle_ms,
  safetyPollMs = DEFAULT_TIMERS.safety_poll_ms,
  retryBaseMs = 1000,
}) {
  const s = {
    api, deliver, onStatus, isLive, onSignedOut, settleMs, retryBaseMs,
    confirmed: Number(startCursor) || 0, // every change up to here came through a poll
    running: true,
    held: null, // pushes held while a poll runs
    inFlight: null, // the poll in flight
    again: false, // poll once more when the one in flight is done
    unconfirmed: false, // pushes past `confirmed` arrived since the last poll began
    announce: false, // say "online" after the next successful poll (a (re)connect)
    failures: 0,
    controller: null,
    settleTimer: null,
    retryTimer: null,
  };
  s.safetyTimer = setInterval(() => s.running && s.isLive() && poll(s), safetyPollMs);
  return {
    /** The feed position proven by poll answers. */
    get confirmed() {
      return s.confirmed;
    },
    /** The push connection is (re)established: catch up, then report "online". */
    connected() {
      s.announce = true;
      return poll(s);
    },
    /** A change pushed by the server. */
    push: (change) => push(s, change),
    /** Poll now; resolves true when it worked (never rejects). */
    poll: () => poll(s),
    /** Something happened here (a send, the tab came back): poll if pushes are unconfirmed. */
    wake() {
      if (s.running && s.unconfirmed) poll(s);
    },
    /** Signed out (a 401 seen by the transport itself, e.g. on channel auth). */
    signedOut: (err) => signedOut(s, err),
    stop: () => stop(s),
  };
}

function push(s, change) {
  if (!s.running || !change) return;
  if (change.type === "ref") {
    s.unconfirmed = true;
    poll(s); // the change is in the feed; the push only names it
    return;
  }
  if (s.held) {
    s.held.push(change);
    return;
  }
  s.deliver([change]);
  if (change.seq == null || Number(change.seq) > s.confirmed) {
    s.unconfirmed = true;
    settleSoon(s);
  }
}

function settleSoon(s) {
  clearTimeout(s.settleTimer);
  s.settleTimer = setTimeout(() => s.running && s.isLive() && poll(s), s.settleMs);
}

/** One poll at a time; asked again meanwhile, it runs once more before resolving. */
function poll(s) {
  if (!s.running) return Promise.resolve(false);
  if (s.inFlight) {
    s.again = true;
    return s.inFlight;
  }
  clearTimeout(s.settleTimer);
  clearTimeout(s.retryTimer);
  s.retryTimer = null;
  s.held = [];
  s.inFlight = pollUntilDone(s).finally(() => release(s));
  return s.inFlight;
}

async function pollUntilDone(s) {
  try {
    do {
      s.again = false;
      s.unconfirmed = false;
      s.controller = new AbortController();
      await catchUp({
        api: s.api,
        signal: s.controller.signal,
        getCursor: () => s.confirmed,
        onChange: (changes, cursor) => {
          if (!s.running) return;
          s.deliver(changes, cursor);
          s.confirmed = Math.max(s.confirmed, Number(cursor) || 0);
        },
      });
    } while (s.again && s.running);
    const recovered = s.failures > 0;
    s.failures = 0;
    if ((recovered || s.announce) && s.running && s.isLive()) s.onStatus("online");
    s.announce = false;
    return true;
  } catch (err) {
    failed(s, err);
    return false;
  } finally {
    s.controller = null;
  }
}

/** Release the pushes held during a poll, in seq order; unconfirmed ones get a settle poll. */
function release(s) {
  const held = (s.held || []).sort((a, b) => Number(a.seq) - Number(b.seq));
  s.held = null;
  s.inFlight = null;
  if (!s.running) return;
  if (held.length) s.deliver(held);
  if (held.some((c) => c.seq == null || Number(c.seq) > s.confirmed)) s.unconfirmed = true;
  if (s.unconfirmed && !s.retryTimer) settleSoon(s);
}

function failed(s, err) {
  if (!s.running || (err && err.name === "AbortError")) return;
  if (err && err.status === 401) {
    signedOut(s, err);
    return;
  }
  s.failures += 1;
  s.unconfirmed = true;
  const retryIn = backoffDelay(s.failures - 1, s.retryBaseMs, err);
  s.onStatus("reconnecting", { error: err, attempt: s.failures, retryIn });
  clearTimeout(s.retryTimer);
  s.retryTimer = setTimeout(() => {
    s.retryTimer = null;
    if (s.running && s.isLive()) poll(s);
  }, retryIn);
}

function signedOut(s, err) {
  if (!s.running) return;
  s.onStatus("offline", { reason: "unauthorized", error: err });
  stop(s);
  s.onSignedOut(err);
}

function stop(s) {
  s.running = false;
  clearTimeout(s.settleTimer);
  clearTimeout(s.retryTimer);
  clearInterval(s.safetyTimer);
  s.settleTimer = s.retryTimer = null;
  if (s.controller) s.controller.abort();
  s.held = null;
}
