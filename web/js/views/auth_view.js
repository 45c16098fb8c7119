// The sign-in screen: one form to log in or sign up (POST /users, then
// POST /login). Errors appear next to the form; a notice can say why the
// user is here (session expired, disconnected by an operator).
import { ApiError, login, register } from '../api.js';
import { sessionFromLogin } from '../session.js';
import { h } from './dom.js';

// The server's messages are for developers; these read better. Codes not
// listed show the server's message.
const friendlyErrors = {
  invalid_credentials: 'Wrong username or password.',
  username_taken: 'That username is taken. Try another one.',
  invalid_username: 'A username is 3 to 32 letters, digits, dots, dashes or underscores.',
  invalid_password: 'A password needs at least 8 characters.',
  overloaded: 'The server is busy. Try again in a moment.',
  network: 'Cannot reach the server. Check your connection and try again.',
};

export function showAuth(root, { notice = null, onSession }) {
  const username = h('input', {
    id: 'auth-username', name: 'username', 'data-testid': 'username',
    autocomplete: 'username', autocapitalize: 'none', required: true,
  });
  username.spellcheck = false;
  const password = h('input', {
    id: 'auth-password', name: 'password', type: 'password', 'data-testid': 'password',
    autocomplete: 'current-password', required: true,
  });
  const error = h('p', { id: 'auth-error', class: 'auth-error', 'data-testid': 'auth-error', role: 'alert' });
  const loginButton = h('button', { type: 'submit', class: 'primary', 'data-testid': 'login', text: 'Log in' });
  const signupButton = h('button', { type: 'button', class: 'secondary', 'data-testid': 'signup', text: 'Sign up' });

  const form = h('form', { class: 'auth-form', 'aria-labelledby': 'auth-title', novalidate: true },
    h('h2', { id: 'auth-title', text: 'Sign in to Parley' }),
    notice && h('p', { class: 'auth-notice', role: 'status', text: notice }),
    h('label', { for: 'auth-username', text: 'Username' }),
    username,
    h('label', { for: 'auth-password', text: 'Password' }),
    password,
    h('p', { class: 'hint', id: 'auth-hint', text: 'New here? Choose a username (3–32 letters, digits, . _ -) and a password of 8 or more characters, then Sign up.' }),
    error,
    h('div', { class: 'auth-actions' }, loginButton, signupButton));
  username.setAttribute('aria-describedby', 'auth-error');
  password.setAttribute('aria-describedby', 'auth-hint auth-error');

  async function attempt(action) {
    const name = username.value.trim();
    if (!name || !password.value) {
      error.textContent = 'Enter a username and a password.';
      (name ? password : username).focus();
      return;
    }
    setBusy(true);
    error.textContent = '';
    try {
      const body = await action(name, password.value);
      onSession(sessionFromLogin(body));
    } catch (failure) {
      error.textContent = failure instanceof ApiError
        ? friendlyErrors[failure.code] ?? failure.message
        : failure.message;
      setBusy(false);
    }
  }

  function setBusy(busy) {
    form.setAttribute('aria-busy', String(busy));
    loginButton.disabled = busy;
    signupButton.disabled = busy;
  }

  form.addEventListener('submit', (event) => {
    event.preventDefault();
    attempt((name, secret) => login(name, secret));
  });
  signupButton.addEventListener('click', () => {
    attempt(async (name, secret) => {
      await register(name, secret);
      return login(name, secret);
    });
  });

  root.replaceChildren(h('div', { class: 'auth-screen' },
    h('h1', { class: 'brand', text: 'Parley' }), form));
  username.focus();
}
