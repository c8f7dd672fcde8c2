// The widget's state: one object, replaced (never mutated) on each change, so views can
// compare slices by reference. The store owns the change-feed cursor and dedupes by seq.

export function createStore(initial) {
  let state = initial;
  const subscribers = new Set();
  let scheduled = false;

  function flush() {
    scheduled = false;
    for (const fn of subscribers) fn(state);
  }

  return {
    get: () => state,
    /** Shallow-merge a patch (or the result of fn(state)) and notify subscribers once per microtask. */
    set(patch) {
      const next = typeof patch === "function" ? patch(state) : patch;
      if (!next) return;
      state = { ...state, ...next };
      if (!scheduled) {
        scheduled = true;
        queueMicrotask(flush);
      }
    },
    subscribe(fn) {
      subscribers.add(fn);
      return () => subscribers.delete(fn);
    },
  };
}

/**
 * Tracks applied feed sequence numbers. cursor = highest seq applied (or advanced to);
 * a seq is applied once (recent seqs are remembered), and seqs at or below the starting
 * cursor are already reflected in what the widget loaded, so they are skipped.
 */
export function createSeqTracker(startCursor) {
  const seen = new Set();
  let floor = Number(startCursor) || 0;
  let current = floor;
  return {
    get cursor() {
      return current;
    },
    /** True the first time a seq is offered; false for a duplicate or an old one. */
    accept(seq) {
      if (seq == null) return true; // cannot dedupe a change without seq: apply it
      if (seq <= floor || seen.has(seq)) return false;
      seen.add(seq);
      if (seq > current) current = seq;
      if (seen.size > 2000) {
        floor = current - 1000;
        for (const s of seen) if (s <= floor) seen.delete(s);
      }
      return true;
    },
    /** Move the cursor forward (e.g. to a poll response's cursor); never backwards. */
    advance(to) {
      if (Number(to) > current) current = Number(to);
    },
  };
}
