// The messages of the open chat (role=log), oldest at the top. Older pages
// load when the user scrolls to the top or presses "Load older messages";
// the view stays where it was when they arrive. New messages scroll into
// view when the user was already at the bottom.
import { timeline } from '../timeline.js';
import { h, placeInOrder, srOnly } from './dom.js';
import { formatSentAt } from './format.js';

// Closer than this to an edge counts as being at it.
const edgePx = 80;

const statusText = {
  pending: { mark: '◷', label: 'Sending' },
  sent: { mark: '✓', label: 'Sent' },
  delivered: { mark: '✓✓', label: 'Delivered' },
  read: { mark: '✓✓', label: 'Read' },
  failed: { mark: '!', label: 'Not sent' },
};

export function mountMessageList(container, { store, peerId, peerName, onNeedOlder, onRetry }) {
  const olderButton = h('button', { type: 'button', class: 'older', text: 'Load older messages', onclick: onNeedOlder });
  const startNote = h('p', { class: 'log-start', text: 'This is the start of your conversation.', hidden: true });
  const list = h('ol', { class: 'messages' });
  const log = h('div', {
    class: 'log', role: 'log', tabindex: '0', 'aria-label': `Messages with ${peerName}`,
  }, olderButton, startNote, list);
  container.append(log);
  const rows = new Map(); // row key → { item, … }
  let rendered = false;

  function createRow(row) {
    const mark = h('span', { class: 'status-mark', 'aria-hidden': 'true' });
    const label = srOnly('');
    const parts = {
      mark, label,
      meta: h('p', { class: 'meta' }, h('time', {}), ' ', h('span', { class: 'status' }, mark, label)),
      failure: h('p', { class: 'failure', hidden: true }),
      retry: h('button', { type: 'button', class: 'retry', text: 'Retry', hidden: true, onclick: () => onRetry(row.clientMsgId) }),
    };
    parts.item = h('li', { class: `message ${row.direction}`, 'data-testid': 'message', 'data-direction': row.direction },
      srOnly(row.direction === 'out' ? 'You: ' : `${peerName}: `),
      h('p', { class: 'content', text: row.content }),
      parts.meta, parts.failure, parts.retry);
    rows.set(row.key, parts);
    return parts;
  }

  function updateRow(parts, row) {
    const { item } = parts;
    if (row.id !== null) item.dataset.id = String(row.id);
    if (row.clientMsgId) item.dataset.clientMsgId = row.clientMsgId;
    const time = parts.meta.querySelector('time');
    if (row.sentAt && time.dateTime !== row.sentAt) {
      time.dateTime = row.sentAt;
      time.textContent = formatSentAt(row.sentAt);
    }
    if (row.status) {
      item.dataset.status = row.status;
      parts.mark.textContent = statusText[row.status].mark;
      parts.label.textContent = statusText[row.status].label;
      parts.meta.lastElementChild.title = statusText[row.status].label;
    }
    parts.failure.hidden = !row.failure;
    parts.failure.textContent = row.failure ? `Not sent: ${row.failure}` : '';
    parts.retry.hidden = !row.failure;
  }

  function render() {
    const thread = store.thread(peerId);
    const entries = timeline(store, peerId);
    const before = {
      height: log.scrollHeight,
      top: log.scrollTop,
      atBottom: log.scrollHeight - log.scrollTop - log.clientHeight < edgePx,
      firstKey: list.firstElementChild?.dataset.key,
      lastKey: list.lastElementChild?.dataset.key,
    };
    const items = entries.map((row) => {
      const parts = rows.get(row.key) ?? createRow(row);
      parts.item.dataset.key = row.key;
      updateRow(parts, row);
      return parts.item;
    });
    const keys = new Set(entries.map((row) => row.key));
    for (const key of rows.keys()) if (!keys.has(key)) rows.delete(key);
    placeInOrder(list, items);

    olderButton.hidden = thread.reachedStart;
    olderButton.disabled = thread.loading;
    olderButton.textContent = thread.loading ? 'Loading…'
      : thread.loadError ? `Could not load messages (${thread.loadError}). Try again` : 'Load older messages';
    startNote.hidden = !thread.reachedStart;
    log.setAttribute('aria-busy', String(thread.loading));

    const last = entries[entries.length - 1];
    const grewAtTop = before.firstKey && entries[0]?.key !== before.firstKey && keys.has(before.firstKey);
    const myNewMessage = last && last.key !== before.lastKey && last.direction === 'out';
    if (!rendered || before.atBottom || myNewMessage) {
      log.scrollTop = log.scrollHeight;
    } else if (grewAtTop) {
      // Older messages went in above: keep the same messages in view.
      log.scrollTop = before.top + (log.scrollHeight - before.height);
    }
    if (entries.length > 0) rendered = true;
    fillViewport(thread);
  }

  // Pages load by themselves only while nothing went wrong; after an error
  // the button is the way to try again.
  function mayLoadOlder(thread) {
    return thread.historyLoaded && !thread.reachedStart && !thread.loading && !thread.loadError;
  }

  // A first page too short to scroll can never reach the top by scrolling.
  // Deferred: loading emits an event that renders again.
  function fillViewport(thread) {
    if (mayLoadOlder(thread) && log.scrollHeight <= log.clientHeight) queueMicrotask(onNeedOlder);
  }

  log.addEventListener('scroll', () => {
    if (log.scrollTop < edgePx && mayLoadOlder(store.thread(peerId))) onNeedOlder();
  });

  render();
  return { render };
}
