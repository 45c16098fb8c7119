// The rows of one chat, oldest first: stored messages in id order, then the
// sends still waiting for their id. Each row says what the message list shows.

export function timeline(store, peerId) {
  const thread = store.thread(peerId);
  const conversation = store.conversations.get(peerId);
  const myId = store.me.id;
  const rows = thread.sorted().map((message) => {
    const mine = message.senderId === myId;
    return {
      key: message.key,
      id: message.id,
      clientMsgId: message.clientMsgId ?? null,
      direction: mine ? 'out' : 'in',
      status: mine ? receiptStatus(message.id, conversation) : null,
      content: message.content,
      sentAt: message.sentAt,
      failure: null,
    };
  });
  for (const send of store.pendingFor(peerId)) {
    // Hidden while a replayed copy stands in for it (Store.shadowPending).
    if (send.storedAs !== null && thread.messages.has(send.storedAs)) continue;
    rows.push({
      key: `send:${send.clientMsgId}`,
      id: null,
      clientMsgId: send.clientMsgId,
      direction: 'out',
      status: send.failure ? 'failed' : 'pending',
      content: send.content,
      sentAt: null,
      failure: send.failure,
    });
  }
  return rows;
}

/// My message's tick state from the peer's receipt cursors.
function receiptStatus(id, conversation) {
  if (!conversation) return 'sent';
  if (id <= conversation.peerReadThrough) return 'read';
  if (id <= conversation.peerDeliveredThrough) return 'delivered';
  return 'sent';
}
