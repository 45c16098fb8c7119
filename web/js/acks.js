// Acknowledges received messages ({"type":"ack","up_to_id":N}) in batches: the
// server moves this device's delivery cursor, so what is acked is not pushed
// again. One ack covers every message up to N, so batching loses nothing; a
// crash only repeats what was not acked yet, and the store drops repeats.

// At most one ack a second, or sooner after this many messages.
const maxDelayMs = 1000;
const maxBatch = 20;

export function createAckBatcher({ send }) {
  let highest = 0; // highest id received on this connection
  let acked = 0;
  let unacked = 0;
  let timer = null;

  function flush() {
    clearTimeout(timer);
    timer = null;
    if (highest > acked && send({ type: 'ack', up_to_id: highest })) {
      acked = highest;
      unacked = 0;
    }
  }

  return {
    noteReceived(id) {
      if (id <= highest) return;
      highest = id;
      unacked += 1;
      if (unacked >= maxBatch) flush();
      else if (!timer) timer = setTimeout(flush, maxDelayMs);
    },

    /// Acks now: the page is going to the background or away.
    flush,

    /// A new connection: acks cannot confirm more than it was handed, so the
    /// count starts over. What the old one left unacked is covered by the
    /// resume: since= on a named device moves its cursor too.
    reset() {
      clearTimeout(timer);
      timer = null;
      highest = 0;
      acked = 0;
      unacked = 0;
    },

    stop() {
      clearTimeout(timer);
      timer = null;
    },
  };
}
