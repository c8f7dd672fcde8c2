// Retry delays shared by the transports and the widget core.

/** Exponential backoff with jitter, honouring Retry-After (seconds) when the server sent one. */
export function backoffDelay(attempt, baseMs, error, maxMs = 60000) {
  const exp = Math.min(maxMs, baseMs * 2 ** Math.min(attempt, 8));
  const jittered = exp * (0.8 + Math.random() * 0.4);
  const retryAfter = error && error.retryAfter ? error.retryAfter * 1000 : 0;
  return Math.max(Math.min(jittered, maxMs), retryAfter);
}
