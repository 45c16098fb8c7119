// Writing a message: Enter sends, Shift+Enter starts a new line, and the
// Send button does the same. Reports every change so typing can be announced.
import { h } from './dom.js';

export function mountComposer(container, { peerName, onSend, onInput, onLeave }) {
  const textarea = h('textarea', {
    id: 'composer', 'data-testid': 'composer', rows: 1,
    placeholder: `Message ${peerName}`, enterkeyhint: 'send',
  });
  const form = h('form', { class: 'composer', 'aria-label': 'Send a message' },
    h('label', { for: 'composer', class: 'sr-only', text: `Message to ${peerName}` }),
    textarea,
    h('button', { type: 'submit', class: 'primary', 'data-testid': 'send', text: 'Send' }));
  container.append(form);

  function send() {
    const text = textarea.value.trim();
    if (text === '') return;
    onSend(text);
    textarea.value = '';
    textarea.focus();
  }

  form.addEventListener('submit', (event) => {
    event.preventDefault();
    send();
  });
  textarea.addEventListener('keydown', (event) => {
    // isComposing: Enter that confirms an IME candidate must not send.
    if (event.key === 'Enter' && !event.shiftKey && !event.isComposing) {
      event.preventDefault();
      send();
    }
  });
  textarea.addEventListener('input', () => onInput(textarea.value));
  textarea.addEventListener('blur', onLeave);

  return { focus: () => textarea.focus() };
}
