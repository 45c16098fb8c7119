// Client state of one signed-in user: the people we know, conversations,
// message threads, sends waiting for their id, receipts and typing. Views
// listen to its events ('conversations', 'thread', 'presence', 'typing',
// 'unknownpeer', each with detail.peerId); it touches neither DOM nor network.
import { Thread } from './thread.js';

// "is typing…" ends this long after the last start, in case no stop arrives.
const typingTimeoutMs = 5000;

export class Store extends EventTarget {
  constructor(me) {
    super();
    this.me = me;
    this.users = new Map(); // user id → { id, username, status }
    this.conversations = new Map(); // peer id → conversation, see conversation()
    this.threads = new Map(); // peer id → Thread
    this.pending = new Map(); // client_msg_id → send without an id yet, in send order
    this.typing = new Map(); // peer id → timer that ends their "typing…"
    this.highestSeenId = 0; // highest message id in any frame: the since= cursor
    this.openPeerId = null; // the chat on screen, if any
  }

  emit(type, peerId = null) {
    this.dispatchEvent(new CustomEvent(type, { detail: { peerId } }));
  }

  /// Subscribes; returns the unsubscribe function.
  on(type, listener) {
    this.addEventListener(type, listener);
    return () => this.removeEventListener(type, listener);
  }

  learnUser({ id, username, status }) {
    const user = this.users.get(id) ?? { id, username: null, status: 'offline' };
    if (typeof username === 'string') user.username = username;
    if (status === 'online' || status === 'offline') user.status = status;
    this.users.set(id, user);
    return user;
  }

  displayName(userId) {
    return this.users.get(userId)?.username ?? `user ${userId}`;
  }

  statusOf(userId) {
    return this.users.get(userId)?.status ?? 'offline';
  }

  thread(peerId) {
    if (!this.threads.has(peerId)) this.threads.set(peerId, new Thread());
    return this.threads.get(peerId);
  }

  conversation(peerId) {
    if (!this.conversations.has(peerId)) {
      this.conversations.set(peerId, {
        peerId,
        lastMessage: null,
        unreadCount: 0,
        readThrough: 0, // my read cursor on the peer's messages
        peerDeliveredThrough: 0, // how far the peer has received mine
        peerReadThrough: 0, // how far the peer has read mine
      });
    }
    return this.conversations.get(peerId);
  }

  /// Conversations with at least one message, newest last message first.
  listedConversations() {
    return [...this.conversations.values()]
      .filter((c) => c.lastMessage)
      .sort((a, b) => b.lastMessage.id - a.lastMessage.id);
  }

  /// Merges a GET /conversations answer (see conversationFromJson). A summary
  /// older than what frames already told us keeps our newer last message and
  /// unread count; cursors only ever move forward.
  mergeConversations(summaries) {
    for (const summary of summaries) {
      this.learnUser(summary.peer);
      const local = this.conversation(summary.peer.id);
      local.readThrough = Math.max(local.readThrough, summary.readThrough);
      const last = summary.lastMessage;
      if (last && (!local.lastMessage || last.id >= local.lastMessage.id)) {
        local.lastMessage = last;
        // Our read frame may not be stored yet when the summary is made.
        local.unreadCount = local.readThrough >= last.id ? 0 : summary.unreadCount;
      }
      local.peerDeliveredThrough = Math.max(local.peerDeliveredThrough, summary.peerDeliveredThrough);
      local.peerReadThrough = Math.max(local.peerReadThrough, summary.peerReadThrough);
      this.emit('thread', summary.peer.id);
    }
    this.emit('conversations');
  }

  noteSeenId(id) {
    if (id > this.highestSeenId) this.highestSeenId = id;
  }

  /// A message from a frame: incoming, outgoing from another device, or a
  /// send the server just confirmed.
  addLiveMessage(message, { fromOtherDevice = false } = {}) {
    const mine = message.senderId === this.me.id;
    const peerId = mine ? message.recipientId : message.senderId;
    if (!this.users.get(peerId)?.username) this.emit('unknownpeer', peerId);
    if (!mine) this.setTyping(peerId, false);
    if (!this.thread(peerId).add(message)) return;
    if (mine && fromOtherDevice) this.shadowPending(peerId, message);
    const conversation = this.conversation(peerId);
    // Only a message newer than the last one counted can add to unread: the
    // server's unread_count already covers everything up to its last message.
    if (!conversation.lastMessage || message.id > conversation.lastMessage.id) {
      conversation.lastMessage = message;
      if (!mine && message.id > conversation.readThrough) conversation.unreadCount += 1;
    }
    this.emit('thread', peerId);
    this.emit('conversations');
  }

  /// A page of GET /messages; `complete` when nothing older exists.
  addHistory(peerId, messages, complete) {
    const thread = this.thread(peerId);
    for (const message of messages) thread.add(message);
    thread.historyLoaded = true;
    if (complete) thread.reachedStart = true;
    this.emit('thread', peerId);
  }

  addPending(peerId, content, clientMsgId) {
    const send = { clientMsgId, peerId, content, attempts: 0, retries: 0, failure: null, storedAs: null };
    this.pending.set(clientMsgId, send);
    this.emit('thread', peerId);
    return send;
  }

  /// message_sent: the send is stored under `id`.
  confirmPending(clientMsgId, id, sentAt) {
    const send = this.pending.get(clientMsgId);
    if (!send) return;
    this.pending.delete(clientMsgId);
    this.addLiveMessage({
      id, senderId: this.me.id, recipientId: send.peerId, content: send.content, sentAt,
      clientMsgId, key: `send:${clientMsgId}`,
    });
    this.emit('thread', send.peerId);
  }

  failPending(clientMsgId, reason) {
    const send = this.pending.get(clientMsgId);
    if (!send) return;
    send.failure = reason;
    send.storedAs = null;
    this.emit('thread', send.peerId);
  }

  retryPending(clientMsgId) {
    const send = this.pending.get(clientMsgId);
    if (!send) return null;
    send.failure = null;
    this.emit('thread', send.peerId);
    return send;
  }

  /// A replay may carry, as outgoing_message, a send whose message_sent was
  /// lost with the old connection. Until the resend's message_sent settles
  /// it, the pending row is hidden behind a stored message with the same
  /// text, so the message is not shown twice.
  shadowPending(peerId, message) {
    for (const send of this.pending.values()) {
      if (send.peerId === peerId && send.attempts > 0 && !send.failure
          && send.storedAs === null && send.content === message.content) {
        send.storedAs = message.id;
        return;
      }
    }
  }

  pendingFor(peerId) {
    return [...this.pending.values()].filter((send) => send.peerId === peerId);
  }

  applyDelivered(peerId, upToId) {
    const conversation = this.conversation(peerId);
    conversation.peerDeliveredThrough = Math.max(conversation.peerDeliveredThrough, upToId);
    this.emit('thread', peerId);
  }

  /// A read counts as delivered too.
  applyRead(peerId, upToId) {
    const conversation = this.conversation(peerId);
    conversation.peerReadThrough = Math.max(conversation.peerReadThrough, upToId);
    conversation.peerDeliveredThrough = Math.max(conversation.peerDeliveredThrough, upToId);
    this.emit('thread', peerId);
  }

  /// I have read the peer's messages up to upToId (the newest one shown).
  markRead(peerId, upToId) {
    const conversation = this.conversation(peerId);
    conversation.readThrough = Math.max(conversation.readThrough, upToId);
    conversation.unreadCount = 0;
    this.emit('conversations');
  }

  setPresence(userId, status) {
    this.learnUser({ id: userId, status });
    this.emit('presence', userId);
  }

  setTyping(userId, typing) {
    const hadTimer = this.typing.has(userId);
    clearTimeout(this.typing.get(userId));
    this.typing.delete(userId);
    if (typing) {
      this.typing.set(userId, setTimeout(() => this.setTyping(userId, false), typingTimeoutMs));
    }
    if (typing || hadTimer) this.emit('typing', userId);
  }

  isTyping(userId) {
    return this.typing.has(userId);
  }

  /// Ends the timers; the store is not used after sign-out.
  stop() {
    for (const timer of this.typing.values()) clearTimeout(timer);
    this.typing.clear();
  }
}
