// The HTTP API: registration and login, and, with a token, conversations,
// history pages and user search. Every failure becomes an ApiError carrying
// the server's {"error":{"code","message"}}.
import { conversationFromJson, messageFromJson, isId } from './wire.js';

export class ApiError extends Error {
  constructor(status, code, message) {
    super(message);
    this.name = 'ApiError';
    this.status = status;
    this.code = code;
  }
}

export function register(username, password) {
  return request('POST', '/users', { body: { username, password } });
}

export function login(username, password) {
  return request('POST', '/login', { body: { username, password } });
}

/// The calls of a signed-in user. A 401 on any of them means the token is no
/// longer good, so onUnauthorized signs the user out. close() makes answers
/// that arrive after sign-out fail quietly instead of touching a new session.
export function createApi({ token, onUnauthorized }) {
  let closed = false;

  async function authorized(path, options = {}) {
    try {
      return await request('GET', path, { ...options, token });
    } catch (error) {
      if (closed) throw new ApiError(0, 'closed', 'Signed out.');
      if (error.status === 401) onUnauthorized(error);
      throw error;
    }
  }

  return {
    async conversations({ limit = 100 } = {}) {
      const body = await authorized(`/conversations?limit=${limit}`);
      return Array.isArray(body.conversations) ? body.conversations.map(conversationFromJson).filter(Boolean) : [];
    },

    /// One page of the conversation with peerId, newest first as the server sends it.
    async messages(peerId, { beforeId = null, limit = 50 } = {}) {
      const query = new URLSearchParams({ with: String(peerId), limit: String(limit) });
      if (beforeId !== null) query.set('before_id', String(beforeId));
      const body = await authorized(`/messages?${query}`);
      return Array.isArray(body.messages) ? body.messages.map(messageFromJson).filter(Boolean) : [];
    },

    async searchUsers(prefix, signal) {
      const body = await authorized(`/users?prefix=${encodeURIComponent(prefix)}`, { signal });
      return Array.isArray(body.users) ? body.users.filter(isUser) : [];
    },

    close() {
      closed = true;
    },
  };
}

async function request(method, path, { body, token, signal } = {}) {
  const headers = { Accept: 'application/json' };
  if (body !== undefined) headers['Content-Type'] = 'application/json';
  if (token) headers.Authorization = `Bearer ${token}`;
  let response;
  try {
    response = await fetch(path, {
      method,
      headers,
      body: body === undefined ? undefined : JSON.stringify(body),
      cache: 'no-store',
      credentials: 'same-origin',
      signal,
    });
  } catch (error) {
    if (error.name === 'AbortError') throw error;
    throw new ApiError(0, 'network', 'Cannot reach the server.');
  }
  // A proxy in front of the node may answer with HTML; treat that as no body.
  const json = await response.json().catch(() => null);
  if (response.ok) return json ?? {};
  const detail = json?.error;
  throw new ApiError(
    response.status,
    typeof detail?.code === 'string' ? detail.code : `http_${response.status}`,
    typeof detail?.message === 'string' ? detail.message : `The server answered ${response.status}.`,
  );
}

function isUser(user) {
  return Boolean(user) && isId(user.id) && typeof user.username === 'string';
}
