// Turns the server's JSON (history pages, conversation summaries, frames) into
// the client's message records, and rejects any that lack the fields the UI
// relies on: bad input from the network is dropped, never thrown.

export function isId(value) {
  return Number.isSafeInteger(value) && value >= 0;
}

/// {"id","sender_id","recipient_id","content","sent_at"} → message record, or null.
export function messageFromJson(json) {
  if (!json || !isId(json.id) || !isId(json.sender_id) || !isId(json.recipient_id)) return null;
  if (typeof json.content !== 'string') return null;
  return {
    id: json.id,
    senderId: json.sender_id,
    recipientId: json.recipient_id,
    content: json.content,
    sentAt: typeof json.sent_at === 'string' ? json.sent_at : null,
  };
}

/// incoming_message names no recipient: it is always the signed-in user.
export function messageFromIncoming(frame, myId) {
  return messageFromJson({ ...frame, recipient_id: myId });
}

/// outgoing_message (sent from another of my devices) names no sender: it is me.
export function messageFromOutgoing(frame, myId) {
  return messageFromJson({ ...frame, sender_id: myId });
}

/// A GET /conversations entry → { peer, lastMessage, unreadCount, readThrough,
/// peerDeliveredThrough, peerReadThrough }, or null without a usable peer.
export function conversationFromJson(json) {
  const peer = json?.peer;
  if (!peer || !isId(peer.id) || typeof peer.username !== 'string') return null;
  const cursor = (value) => (isId(value) ? value : 0);
  return {
    peer: { id: peer.id, username: peer.username, status: peer.status },
    lastMessage: messageFromJson(json.last_message),
    unreadCount: cursor(json.unread_count),
    readThrough: cursor(json.read_through),
    peerDeliveredThrough: cursor(json.peer_delivered_through),
    peerReadThrough: cursor(json.peer_read_through),
  };
}
