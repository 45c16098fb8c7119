// The online dot shown next to a person's name (list, chat header, search).
import { h } from './dom.js';

export function presenceDot(status) {
  const dot = h('span', { class: 'presence', 'data-testid': 'presence', role: 'img' });
  updatePresenceDot(dot, status);
  return dot;
}

export function updatePresenceDot(dot, status) {
  const online = status === 'online';
  dot.dataset.status = online ? 'online' : 'offline';
  dot.setAttribute('aria-label', online ? 'online' : 'offline');
  dot.title = online ? 'Online' : 'Offline';
}
