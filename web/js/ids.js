// Random identifiers: a fresh client_msg_id for every send, and this browser's device name.

// crypto.randomUUID exists only in secure contexts (https, localhost); a node
// reached over plain http on a LAN address still needs ids, and
// crypto.getRandomValues works everywhere, so it builds a version-4 UUID then.
export function randomId() {
  if (typeof crypto.randomUUID === 'function') return crypto.randomUUID();
  const bytes = crypto.getRandomValues(new Uint8Array(16));
  bytes[6] = (bytes[6] & 0x0f) | 0x40;
  bytes[8] = (bytes[8] & 0x3f) | 0x80;
  const hex = Array.from(bytes, (b) => b.toString(16).padStart(2, '0')).join('');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}
