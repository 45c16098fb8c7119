// Retry delays: exponential back-off with jitter, so that clients cut off
// together (a node restarting or draining) do not all come back at once.

const firstDelayMs = 500;
const maxDelayMs = 30000;

/// The wait before retry number `attempt` (0 for the first retry): a random
/// point in the upper half of an exponentially growing window.
export function backoffDelayMs(attempt, random = Math.random) {
  const window = Math.min(maxDelayMs, firstDelayMs * 2 ** Math.min(attempt, 16));
  return Math.round(window / 2 + (random() * window) / 2);
}
