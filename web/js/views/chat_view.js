// The open chat with one peer: header (back button on phones, name, presence,
// "is typing…"), the message list and the composer. One is mounted per
// opened peer and disposed when another opens.
import { mountComposer } from './composer.js';
import { h } from './dom.js';
import { mountMessageList } from './message_list.js';
import { presenceDot, updatePresenceDot } from './presence.js';

export function mountChat(container, { store, peerId, history, outbox, typing, reads, onBack }) {
  const peerName = () => store.displayName(peerId);
  const title = h('h2', { class: 'chat-title', 'data-testid': 'chat-title', id: 'chat-title', text: peerName() });
  const dot = presenceDot(store.statusOf(peerId));
  const typingLine = h('p', { class: 'typing', 'data-testid': 'typing', 'aria-live': 'polite' });
  const header = h('header', { class: 'chat-header' },
    h('button', { type: 'button', class: 'back', 'aria-label': 'Back to conversations', text: '←', onclick: onBack }),
    dot, title, typingLine);
  container.replaceChildren(header);
  container.setAttribute('aria-labelledby', 'chat-title');

  const messages = mountMessageList(container, {
    store,
    peerId,
    peerName: peerName(),
    onNeedOlder: () => history.loadPage(peerId),
    onRetry: (clientMsgId) => outbox.retry(clientMsgId),
  });
  const composer = mountComposer(container, {
    peerName: peerName(),
    onSend: (text) => {
      typing.stop();
      outbox.send(peerId, text);
    },
    onInput: (text) => typing.input(peerId, text),
    onLeave: () => typing.stop(),
  });

  function updateTyping() {
    typingLine.textContent = store.isTyping(peerId) ? `${peerName()} is typing…` : '';
  }

  const forThisPeer = (handler) => (event) => {
    if (event.detail.peerId === peerId) handler();
  };
  const unsubscribe = [
    store.on('thread', forThisPeer(() => {
      messages.render();
      reads.report();
    })),
    store.on('presence', forThisPeer(() => updatePresenceDot(dot, store.statusOf(peerId)))),
    store.on('typing', forThisPeer(updateTyping)),
    // A conversations refresh may bring the name of a peer we only had an id for.
    store.on('conversations', () => {
      title.textContent = peerName();
      updatePresenceDot(dot, store.statusOf(peerId));
    }),
  ];

  updateTyping();
  if (!store.thread(peerId).historyLoaded) history.loadPage(peerId);
  reads.report();

  return {
    focus: () => composer.focus(),
    dispose() {
      for (const stop of unsubscribe) stop();
      typing.stop();
      container.replaceChildren();
      container.removeAttribute('aria-labelledby');
    },
  };
}
