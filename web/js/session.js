// The signed-in session (token, expiry, user) in sessionStorage: it lasts as
// long as the tab, survives a reload, and logging out clears it.

const storageKey = 'parley.session';

export function loadSession() {
  try {
    const session = JSON.parse(sessionStorage.getItem(storageKey));
    if (!isSession(session)) return null;
    if (Date.parse(session.expiresAt) <= Date.now()) {
      clearSession();
      return null;
    }
    return session;
  } catch {
    return null;
  }
}

export function saveSession(session) {
  try {
    sessionStorage.setItem(storageKey, JSON.stringify(session));
  } catch {
    // Without storage the session still works; it just ends with the page.
  }
}

export function clearSession() {
  try {
    sessionStorage.removeItem(storageKey);
  } catch {
    // Nothing was stored.
  }
}

/// Builds a session from the body of POST /login.
export function sessionFromLogin(body) {
  const session = {
    token: body?.access_token,
    expiresAt: body?.expires_at ?? null,
    user: { id: body?.user?.id, username: body?.user?.username },
  };
  if (!isSession(session)) throw new Error('The server sent an unexpected login answer.');
  return session;
}

function isSession(value) {
  return Boolean(value) && typeof value.token === 'string' && value.token.length > 0
    && Boolean(value.user) && Number.isSafeInteger(value.user.id)
    && typeof value.user.username === 'string';
}
