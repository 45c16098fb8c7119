// The one WebSocket to /ws: opens it, reconnects after every loss with
// back-off, and resumes each new connection from the highest message id seen
// (since=), so the server replays exactly what was missed.
//
//   connecting ──open──▶ open ──close──▶ waiting ──timer──▶ connecting
//        │                  │                                   ▲
//        └──close───────────┴──────────────▶ waiting ───────────┘
//   close 4001 (an operator disconnected us) or stop() ──▶ stopped
import { backoffDelayMs } from './backoff.js';

const closeNormal = 1000;
const closeByOperator = 4001;
// A connection that stayed up this long was healthy: the next loss starts
// the back-off over. Shorter ones keep growing it, so a node that accepts
// and at once closes again is not hammered.
const stableAfterMs = 10000;

export function createSocket({ token, device, highestSeenId, onFrame, onOpen, onDown, onAuthLost, onHandshakeFailed }) {
  let ws = null;
  let attempt = 0;
  let retryTimer = null;
  let stopped = false;

  function url() {
    const scheme = location.protocol === 'https:' ? 'wss:' : 'ws:';
    const params = new URLSearchParams({ access_token: token, acks: '1', device });
    // 0 means no frame has carried an id yet: then the offline push (no
    // since) is what we want, not a replay of the whole history.
    const since = highestSeenId();
    if (since > 0) params.set('since', String(since));
    return `${scheme}//${location.host}/ws?${params}`;
  }

  function connect() {
    clearTimeout(retryTimer);
    retryTimer = null;
    if (stopped || ws) return;
    let socket;
    try {
      socket = new WebSocket(url());
    } catch {
      scheduleRetry();
      return;
    }
    ws = socket;
    let openedAt = 0;
    // Events of a socket we have already replaced or stopped are ignored.
    socket.onopen = () => {
      if (ws !== socket) return;
      openedAt = Date.now();
      onOpen();
    };
    socket.onmessage = (event) => {
      if (ws !== socket) return;
      const frame = parseFrame(event.data);
      if (frame) onFrame(frame);
    };
    socket.onclose = (event) => {
      if (ws !== socket) return;
      ws = null;
      handleClose(event.code, openedAt);
    };
  }

  function handleClose(code, openedAt) {
    if (stopped) return;
    if (code === closeByOperator) {
      stopped = true;
      onAuthLost();
      return;
    }
    if (openedAt === 0) {
      // The upgrade failed. Browsers hide the HTTP status (401 for a bad
      // token, 503 while draining) behind code 1006, so ask over HTTP.
      onHandshakeFailed();
    } else if (Date.now() - openedAt >= stableAfterMs) {
      attempt = 0;
    }
    // 1001 (going away, drain), 1008 (too slow a reader) and the rest all
    // mean the same here: come back and resume.
    onDown({ code, wasOpen: openedAt > 0 });
    scheduleRetry();
  }

  function scheduleRetry() {
    if (stopped) return;
    retryTimer = setTimeout(connect, backoffDelayMs(attempt));
    attempt += 1;
  }

  return {
    start: connect,

    /// Sends a frame if connected; false when it was not sent.
    send(frame) {
      if (!ws || ws.readyState !== WebSocket.OPEN) return false;
      ws.send(JSON.stringify(frame));
      return true;
    },

    isOpen() {
      return Boolean(ws) && ws.readyState === WebSocket.OPEN;
    },

    /// Skips the remaining wait (the browser says the network is back).
    reconnectNow() {
      if (!stopped && !ws) connect();
    },

    stop() {
      stopped = true;
      clearTimeout(retryTimer);
      const socket = ws;
      ws = null;
      if (socket) socket.close(closeNormal);
    },
  };
}

function parseFrame(data) {
  if (typeof data !== 'string') return null;
  try {
    const frame = JSON.parse(data);
    return frame && typeof frame === 'object' && typeof frame.type === 'string' ? frame : null;
  } catch {
    return null;
  }
}
