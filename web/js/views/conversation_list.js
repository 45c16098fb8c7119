// The conversations column: one button per peer, newest last message first,
// with presence dot, last message preview and unread badge, kept current by
// store events. Rows are reused, so focus survives updates.
import { h, placeInOrder, srOnly } from './dom.js';
import { presenceDot, updatePresenceDot } from './presence.js';

export function mountConversationList(container, { store, onOpen }) {
  const list = h('ul', { class: 'conversations', 'aria-label': 'Conversation list' });
  const empty = h('p', { class: 'empty', text: 'No conversations yet. Find someone above to start one.' });
  container.append(list, empty);
  const rows = new Map(); // peer id → row parts

  function createRow(peerId) {
    const parts = {
      dot: presenceDot('offline'),
      name: h('span', { class: 'conversation-name' }),
      unreadLabel: srOnly(', unread messages: '),
      badge: h('span', { class: 'unread', 'data-testid': 'unread' }),
      preview: h('span', { class: 'conversation-preview' }),
    };
    parts.button = h('button', {
      type: 'button', class: 'conversation', 'data-testid': 'conversation',
      onclick: () => onOpen(peerId),
    }, h('span', { class: 'conversation-top' }, parts.dot, parts.name, parts.unreadLabel, parts.badge),
    parts.preview);
    parts.item = h('li', {}, parts.button);
    rows.set(peerId, parts);
    return parts;
  }

  function updateRow(parts, conversation) {
    const { peerId, lastMessage, unreadCount } = conversation;
    const name = store.displayName(peerId);
    parts.button.dataset.peer = name;
    parts.name.textContent = name;
    updatePresenceDot(parts.dot, store.statusOf(peerId));
    const mine = lastMessage.senderId === store.me.id;
    parts.preview.textContent = `${mine ? 'You: ' : ''}${firstLine(lastMessage.content)}`;
    parts.badge.textContent = String(unreadCount);
    parts.badge.hidden = unreadCount === 0;
    parts.unreadLabel.hidden = unreadCount === 0;
    if (store.openPeerId === peerId) parts.button.setAttribute('aria-current', 'true');
    else parts.button.removeAttribute('aria-current');
  }

  function render() {
    const conversations = store.listedConversations();
    const items = conversations.map((conversation) => {
      const parts = rows.get(conversation.peerId) ?? createRow(conversation.peerId);
      updateRow(parts, conversation);
      return parts.item;
    });
    placeInOrder(list, items);
    empty.hidden = conversations.length > 0;
  }

  const unsubscribe = [
    store.on('conversations', render),
    store.on('presence', (event) => {
      const parts = rows.get(event.detail.peerId);
      if (parts) updatePresenceDot(parts.dot, store.statusOf(event.detail.peerId));
    }),
  ];
  render();

  return {
    render,
    /// Puts focus back on a peer's row (after leaving its chat on a phone);
    /// false when the peer has no row yet.
    focusPeer(peerId) {
      const parts = rows.get(peerId);
      parts?.button.focus();
      return Boolean(parts);
    },
    dispose() {
      for (const stop of unsubscribe) stop();
    },
  };
}

function firstLine(text) {
  const line = text.split('\n', 1)[0];
  return line.length > 120 ? `${line.slice(0, 120)}…` : line;
}
