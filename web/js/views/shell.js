// The signed-in layout: a top bar (who I am, log out), the conversations
// column (search and list) and the chat column. Wide screens show both
// columns; narrow ones show one at a time, with a back button in the chat.
import { mountChat } from './chat_view.js';
import { mountConversationList } from './conversation_list.js';
import { h } from './dom.js';
import { mountUserSearch } from './user_search.js';

export function mountShell(root, { store, api, history, outbox, typing, reads, onLogout }) {
  const sidebar = h('nav', { class: 'sidebar', 'aria-label': 'Conversations' });
  const chatColumn = h('section', { class: 'chat-column' });
  const placeholder = h('p', { class: 'placeholder', text: 'Choose a conversation, or find someone to start one.' });
  const layout = h('div', { class: 'layout' }, sidebar, chatColumn);
  root.replaceChildren(
    h('header', { class: 'topbar' },
      h('h1', { class: 'brand', text: 'Parley' }),
      h('span', { class: 'me' }, 'Signed in as ', h('strong', { 'data-testid': 'me', text: store.me.username })),
      h('button', { type: 'button', class: 'secondary', 'data-testid': 'logout', text: 'Log out', onclick: onLogout })),
    layout);
  chatColumn.append(placeholder);

  const search = mountUserSearch(sidebar, { api, store, onChoose: openChat });
  const list = mountConversationList(sidebar, { store, onOpen: openChat });
  let chat = null;

  function openChat(peerId) {
    chat?.dispose();
    store.openPeerId = peerId;
    layout.classList.add('chat-open');
    chat = mountChat(chatColumn, { store, peerId, history, outbox, typing, reads, onBack: closeChat });
    list.render();
    chat.focus();
  }

  // Only reachable on narrow screens, where the back button shows.
  function closeChat() {
    const peerId = store.openPeerId;
    chat?.dispose();
    chat = null;
    store.openPeerId = null;
    layout.classList.remove('chat-open');
    chatColumn.replaceChildren(placeholder);
    list.render();
    if (peerId === null || !list.focusPeer(peerId)) search.focus();
  }

  return {
    dispose() {
      chat?.dispose();
      search.dispose();
      list.dispose();
      root.replaceChildren();
    },
  };
}
