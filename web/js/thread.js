// The messages of one conversation as this client knows them, kept by id: a
// message that arrives by history page, replay and live push is held once.

export class Thread {
  constructor() {
    this.messages = new Map(); // message id → message record
    this.historyLoaded = false; // the newest page of GET /messages is in
    this.reachedStart = false; // a page came back short: nothing older exists
    this.loading = false;
    this.loadError = null;
  }

  /// Adds a message; false when its id was already here. A known message may
  /// still learn the client_msg_id it was sent with (a replay came first).
  add(message) {
    const known = this.messages.get(message.id);
    if (known) {
      if (!known.clientMsgId && message.clientMsgId) known.clientMsgId = message.clientMsgId;
      return false;
    }
    // The key names the row on screen; a confirmed send keeps its pending key
    // so its row is updated in place rather than replaced.
    this.messages.set(message.id, { ...message, key: message.key ?? `id:${message.id}` });
    return true;
  }

  /// The smallest id seen: the before_id of the next older page.
  oldestId() {
    let oldest = null;
    for (const id of this.messages.keys()) if (oldest === null || id < oldest) oldest = id;
    return oldest;
  }

  /// The highest id of a message sent by userId, or 0.
  newestFrom(userId) {
    let newest = 0;
    for (const message of this.messages.values()) {
      if (message.senderId === userId && message.id > newest) newest = message.id;
    }
    return newest;
  }

  sorted() {
    return [...this.messages.values()].sort((a, b) => a.id - b.id);
  }
}
