// Tells the peer that I am typing: "start" at most once every few seconds
// while the composer changes, "stop" when I send, leave or empty it.

// The receiver shows "typing…" for 5 s after a start, so a start every 3 s
// keeps it steady while typing goes on.
const startIntervalMs = 3000;

export function createTypingNotifier({ send }) {
  let peerId = null; // whom the last start went to, while typing
  let lastStartAt = 0;

  function stop() {
    if (peerId === null) return;
    send({ type: 'typing', recipient_id: peerId, state: 'stop' });
    peerId = null;
    lastStartAt = 0;
  }

  return {
    /// The composer for `to` now holds `text`.
    input(to, text) {
      if (text.trim() === '') {
        stop();
        return;
      }
      if (peerId !== null && peerId !== to) stop();
      peerId = to;
      const now = Date.now();
      if (now - lastStartAt < startIntervalMs) return;
      lastStartAt = now;
      send({ type: 'typing', recipient_id: to, state: 'start' });
    },

    stop,
  };
}
