// Finding someone to talk to: a search box that, from two characters on, asks
// GET /users?prefix= and lists matches; choosing one opens the chat.
// Keys: Arrow Down enters the results, arrows move, Escape closes them.
import { h, srOnly } from './dom.js';
import { presenceDot } from './presence.js';

const minChars = 2;
// Wait for a pause in typing before asking the server.
const debounceMs = 200;

export function mountUserSearch(container, { api, store, onChoose }) {
  const input = h('input', {
    id: 'user-search', type: 'search', 'data-testid': 'user-search',
    placeholder: 'Find people…', autocomplete: 'off', autocapitalize: 'none',
    'aria-controls': 'search-results',
  });
  input.spellcheck = false;
  const status = h('p', { class: 'search-status', role: 'status' });
  const results = h('ul', { id: 'search-results', class: 'search-results', 'aria-label': 'People found', hidden: true });
  const box = h('div', { class: 'search' },
    h('label', { for: 'user-search', class: 'sr-only', text: 'Find people by username' }),
    input, status, results);
  container.append(box);

  let timer = null;
  let inFlight = null; // AbortController of the running search

  function close() {
    clearTimeout(timer);
    inFlight?.abort();
    results.hidden = true;
    results.replaceChildren();
    status.textContent = '';
  }

  async function search(prefix) {
    inFlight?.abort();
    const controller = new AbortController();
    inFlight = controller;
    try {
      const users = await api.searchUsers(prefix, controller.signal);
      if (controller.signal.aborted) return;
      show(users);
    } catch (error) {
      if (error.name === 'AbortError' || error.code === 'closed') return;
      status.textContent = `Search failed: ${error.message}`;
    }
  }

  function show(users) {
    for (const user of users) store.learnUser(user);
    results.replaceChildren(...users.map((user) => h('li', {},
      h('button', {
        type: 'button', class: 'search-result', 'data-testid': 'search-result',
        'data-username': user.username, onclick: () => choose(user),
      }, presenceDot(user.status), h('span', { text: user.username }), srOnly(', start a chat')))));
    results.hidden = users.length === 0;
    status.textContent = users.length === 0 ? 'No one found.' : `${users.length} found.`;
  }

  function choose(user) {
    close();
    input.value = '';
    onChoose(user.id);
  }

  function moveFocus(step) {
    const buttons = [...results.querySelectorAll('button')];
    const at = buttons.indexOf(document.activeElement);
    const next = at + step;
    if (next < 0) input.focus();
    else if (next < buttons.length) buttons[next].focus();
  }

  input.addEventListener('input', () => {
    clearTimeout(timer);
    const prefix = input.value.trim();
    if (prefix.length < minChars) {
      close();
      return;
    }
    timer = setTimeout(() => search(prefix), debounceMs);
  });

  box.addEventListener('keydown', (event) => {
    if (event.key === 'Escape' && !results.hidden) {
      event.preventDefault();
      close();
      input.focus();
    } else if (event.key === 'ArrowDown' && !results.hidden) {
      event.preventDefault();
      moveFocus(1);
    } else if (event.key === 'ArrowUp' && event.target !== input && !results.hidden) {
      event.preventDefault();
      moveFocus(-1);
    }
  });

  // Results close when focus leaves the search altogether.
  box.addEventListener('focusout', (event) => {
    if (event.relatedTarget && !box.contains(event.relatedTarget)) close();
  });

  return { focus: () => input.focus(), dispose: close };
}
