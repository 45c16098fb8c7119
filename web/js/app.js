// One signed-in session, wired together: the store, the HTTP API, the
// WebSocket and the parts that act on it (sends, acks, reads, typing), and
// the views. It all comes down again on logout or a lost session, and then
// onSignedOut(notice) is called.
import { createAckBatcher } from './acks.js';
import { createApi } from './api.js';
import { deviceName } from './device.js';
import { createFrameRouter } from './frames.js';
import { createHistory } from './history.js';
import { createOutbox } from './outbox.js';
import { createReadReporter } from './reads.js';
import { createSocket } from './socket.js';
import { Store } from './store.js';
import { createTypingNotifier } from './typing_notifier.js';
import { mountShell } from './views/shell.js';

// Frames about a peer we have no name for ask for the conversation list
// again; a burst of them (a replay) asks once.
const refreshDelayMs = 500;

export function startChat(root, session, { banner, onSignedOut }) {
  const store = new Store(session.user);
  const api = createApi({
    token: session.token,
    onUnauthorized: () => end('Your session has ended. Please log in again.'),
  });
  // The socket's callbacks use the parts below and they send through the
  // socket, so send() finds the socket when called, not when made.
  let socket = null;
  const send = (frame) => socket.send(frame);
  const acks = createAckBatcher({ send });
  const outbox = createOutbox({ store, send });
  const reads = createReadReporter({ store, send });
  const typing = createTypingNotifier({ send });
  const history = createHistory({ api, store });
  const route = createFrameRouter({ store, outbox, acks });
  let connectedBefore = false;

  socket = createSocket({
    token: session.token,
    device: deviceName(),
    highestSeenId: () => store.highestSeenId,
    onFrame: route,
    onOpen() {
      banner.hide();
      acks.reset();
      outbox.resendAll();
      reads.report();
      // Presence and unread counts may have moved while we were away.
      if (connectedBefore) refreshConversations();
      connectedBefore = true;
    },
    onDown() {
      acks.stop();
      banner.show('Reconnecting…');
    },
    onAuthLost: () => end('You were disconnected. Please log in again.'),
    // A 401 here signs out through onUnauthorized; anything else just retries.
    onHandshakeFailed: () => refreshConversations(),
  });

  async function refreshConversations() {
    try {
      store.mergeConversations(await api.conversations());
    } catch (error) {
      if (error.code !== 'closed' && error.status !== 401) console.warn('parley: conversations', error.message);
    }
  }

  let refreshTimer = null;
  const unsubscribeUnknown = store.on('unknownpeer', () => {
    if (!refreshTimer) refreshTimer = setTimeout(() => { refreshTimer = null; refreshConversations(); }, refreshDelayMs);
  });

  const shell = mountShell(root, { store, api, history, outbox, typing, reads, onLogout: () => end(null) });

  // Page lifecycle: ack before going to the background or away; a window that
  // becomes visible and focused reads the open chat; a network that comes
  // back skips the reconnect wait.
  const listening = new AbortController();
  const options = { signal: listening.signal };
  document.addEventListener('visibilitychange', () => {
    if (document.visibilityState === 'hidden') acks.flush();
    else reads.report();
  }, options);
  window.addEventListener('pagehide', () => acks.flush(), options);
  window.addEventListener('focus', () => reads.report(), options);
  window.addEventListener('online', () => socket.reconnectNow(), options);

  banner.show('Connecting…');
  refreshConversations();
  socket.start();

  let ended = false;
  function end(notice) {
    if (ended) return;
    ended = true;
    acks.flush();
    listening.abort();
    clearTimeout(refreshTimer);
    unsubscribeUnknown();
    socket.stop();
    api.close();
    acks.stop();
    outbox.stop();
    store.stop();
    shell.dispose();
    banner.hide();
    onSignedOut(notice);
  }
}
