// Routes each server frame to the part of the client it concerns. Unknown
// frame types are ignored (a newer server may send more); frames missing the
// fields we need are dropped.
import { isId, messageFromIncoming, messageFromOutgoing } from './wire.js';

export function createFrameRouter({ store, outbox, acks }) {
  const handlers = {
    incoming_message(frame) {
      const message = messageFromIncoming(frame, store.me.id);
      if (!message) return;
      store.noteSeenId(message.id);
      acks.noteReceived(message.id);
      if (typeof frame.sender_username === 'string') {
        store.learnUser({ id: message.senderId, username: frame.sender_username });
      }
      store.addLiveMessage(message);
    },

    // My own message, sent from another device (or replayed on resume).
    outgoing_message(frame) {
      const message = messageFromOutgoing(frame, store.me.id);
      if (!message) return;
      store.noteSeenId(message.id);
      store.addLiveMessage(message, { fromOtherDevice: true });
    },

    message_sent(frame) {
      if (!isId(frame.id)) return;
      store.noteSeenId(frame.id);
      outbox.onSent(frame);
    },

    sync_complete(frame) {
      if (isId(frame.last_id)) store.noteSeenId(frame.last_id);
    },

    delivered(frame) {
      if (isId(frame.recipient_id) && isId(frame.up_to_id)) store.applyDelivered(frame.recipient_id, frame.up_to_id);
    },

    read(frame) {
      if (isId(frame.reader_id) && isId(frame.up_to_id)) store.applyRead(frame.reader_id, frame.up_to_id);
    },

    presence(frame) {
      if (isId(frame.user_id) && (frame.status === 'online' || frame.status === 'offline')) {
        store.setPresence(frame.user_id, frame.status);
      }
    },

    typing(frame) {
      if (isId(frame.sender_id)) store.setTyping(frame.sender_id, frame.state === 'start');
    },

    error(frame) {
      if (!outbox.onError(frame)) console.warn('parley: server error', frame.code, frame.message);
    },
  };

  return function route(frame) {
    if (Object.hasOwn(handlers, frame.type)) handlers[frame.type](frame);
  };
}
