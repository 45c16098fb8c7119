// Read receipts: while a chat is on screen and the window has focus, tells
// the server how far the peer's messages were seen
// ({"type":"read","peer_id","up_to_id"}), only when that point moves forward.

export function createReadReporter({ store, send }) {
  const reported = new Map(); // peer id → highest up_to_id sent

  function someoneIsLooking() {
    return document.visibilityState === 'visible' && document.hasFocus();
  }

  return {
    /// Call whenever any of the conditions may have changed: a chat opened,
    /// messages arrived, focus came back, the connection reopened.
    report() {
      const peerId = store.openPeerId;
      if (peerId === null || !someoneIsLooking()) return;
      const upToId = store.thread(peerId).newestFrom(peerId);
      if (upToId === 0) return;
      const conversation = store.conversation(peerId);
      const already = Math.max(reported.get(peerId) ?? 0, conversation.readThrough);
      if (upToId <= already) {
        if (conversation.unreadCount > 0) store.markRead(peerId, already);
        return;
      }
      // Not connected: nothing recorded, so the next report() tries again.
      if (!send({ type: 'read', peer_id: peerId, up_to_id: upToId })) return;
      reported.set(peerId, upToId);
      store.markRead(peerId, upToId);
    },
  };
}
