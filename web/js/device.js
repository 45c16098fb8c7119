// The device name this browser gives the server (?device=web-…). It is kept in
// localStorage so every visit moves the same delivery cursor: messages this
// browser acked are not pushed to it again, and what it missed is.
import { randomId } from './ids.js';

const storageKey = 'parley.device';
// The server accepts 1-64 characters of [A-Za-z0-9_.:-].
const validName = /^web-[A-Za-z0-9_.:-]{1,60}$/;

let cached = null;

export function deviceName() {
  if (cached) return cached;
  try {
    const saved = localStorage.getItem(storageKey);
    if (saved && validName.test(saved)) return (cached = saved);
    cached = `web-${randomId()}`;
    localStorage.setItem(storageKey, cached);
  } catch {
    // Storage is blocked (privacy settings): a device of its own for this page
    // load. The server starts a new device where the user's least advanced one
    // stands, so nothing is lost, only pushed again.
    cached = cached ?? `web-${randomId()}`;
  }
  return cached;
}
