// Loads a conversation's history from GET /messages into the store, one page
// at a time: first the newest page, then pages before the smallest id seen.

const pageSize = 50;

export function createHistory({ api, store }) {
  return {
    /// Loads the next page for peerId unless one is loading or none is left.
    async loadPage(peerId) {
      const thread = store.thread(peerId);
      if (thread.loading || thread.reachedStart) return;
      // Live messages may be in the thread before any page: the first page is
      // still the newest one, so no gap can open below them.
      const beforeId = thread.historyLoaded ? thread.oldestId() : null;
      thread.loading = true;
      thread.loadError = null;
      store.emit('thread', peerId);
      try {
        const messages = await api.messages(peerId, { beforeId, limit: pageSize });
        thread.loading = false;
        store.addHistory(peerId, messages, messages.length < pageSize);
      } catch (error) {
        thread.loading = false;
        if (error.code === 'closed') return; // signed out meanwhile
        thread.loadError = error.message;
        store.emit('thread', peerId);
      }
    },
  };
}
