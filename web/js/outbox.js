// Sends messages and sees each through to its id. Every send carries a fresh
// client_msg_id and stays pending until message_sent; pending sends go out
// again, with the same id, after every reconnect (the server stores a
// client_msg_id once). "unavailable" (not stored, database busy) is retried
// with back-off; other errors mark the send failed.
import { backoffDelayMs } from './backoff.js';
import { randomId } from './ids.js';

export function createOutbox({ store, send }) {
  const retryTimers = new Map(); // client_msg_id → timer of an "unavailable" retry

  function transmit(pending) {
    if (pending.failure) return;
    const frame = {
      type: 'private_message',
      recipient_id: pending.peerId,
      content: pending.content,
      client_msg_id: pending.clientMsgId,
    };
    if (send(frame)) pending.attempts += 1;
  }

  function clearRetry(clientMsgId) {
    clearTimeout(retryTimers.get(clientMsgId));
    retryTimers.delete(clientMsgId);
  }

  return {
    send(peerId, content) {
      transmit(store.addPending(peerId, content, randomId()));
    },

    /// The connection (re)opened: everything still waiting goes out again.
    resendAll() {
      for (const clientMsgId of retryTimers.keys()) clearRetry(clientMsgId);
      for (const pending of store.pending.values()) transmit(pending);
    },

    /// The user asked to try a failed send again.
    retry(clientMsgId) {
      const pending = store.retryPending(clientMsgId);
      if (pending) transmit(pending);
    },

    onSent(frame) {
      if (typeof frame.client_msg_id !== 'string') return;
      clearRetry(frame.client_msg_id);
      store.confirmPending(frame.client_msg_id, frame.id, frame.sent_at ?? null);
    },

    /// An error frame; false when it concerns none of our sends.
    onError(frame) {
      const clientMsgId = frame.client_msg_id;
      const pending = typeof clientMsgId === 'string' ? store.pending.get(clientMsgId) : null;
      if (!pending) return false;
      if (frame.code === 'unavailable') {
        clearRetry(clientMsgId);
        retryTimers.set(clientMsgId, setTimeout(() => {
          retryTimers.delete(clientMsgId);
          if (store.pending.has(clientMsgId)) transmit(pending);
        }, backoffDelayMs(pending.retries)));
        pending.retries += 1;
      } else {
        clearRetry(clientMsgId);
        const reason = typeof frame.message === 'string' && frame.message ? frame.message : frame.code;
        store.failPending(clientMsgId, String(reason ?? 'not sent'));
      }
      return true;
    },

    stop() {
      for (const clientMsgId of [...retryTimers.keys()]) clearRetry(clientMsgId);
    },
  };
}
