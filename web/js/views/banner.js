// The connection banner: a polite status region saying "Reconnecting…" while
// the WebSocket is down, hidden and empty while it is up.

export function createBanner(element) {
  return {
    show(text) {
      element.textContent = text;
      element.hidden = false;
    },
    hide() {
      element.hidden = true;
      element.textContent = '';
    },
  };
}
