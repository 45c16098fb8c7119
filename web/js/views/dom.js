// Builds DOM nodes without parsing HTML, so text from users and the server can
// never become markup (the page runs under a CSP without 'unsafe-inline').

/// h('button', { type: 'button', class: 'x', text: 'Send', onclick }, ...children)
/// Props: class, text, on<event>; names with a dash (aria-*, data-*) and
/// unknown names become attributes, known ones DOM properties. Children may
/// be nodes or strings (which become text nodes); null and false are skipped.
export function h(tag, props = {}, ...children) {
  const element = document.createElement(tag);
  for (const [name, value] of Object.entries(props)) {
    if (value === null || value === undefined || value === false) continue;
    if (name === 'class') element.className = value;
    else if (name === 'text') element.textContent = value;
    else if (name.startsWith('on')) element.addEventListener(name.slice(2), value);
    else if (!name.includes('-') && name in element) element[name] = value;
    else element.setAttribute(name, value === true ? '' : String(value));
  }
  for (const child of children.flat()) {
    if (child !== null && child !== undefined && child !== false) element.append(child);
  }
  return element;
}

/// Text for screen readers only (the class is in app.css).
export function srOnly(text) {
  return h('span', { class: 'sr-only', text });
}

/// Moves `nodes` into `parent` in this order, touching only the ones out of
/// place: a moved node loses focus, so focus is put back if it was inside.
export function placeInOrder(parent, nodes) {
  const focused = parent.contains(document.activeElement) ? document.activeElement : null;
  nodes.forEach((node, index) => {
    const current = parent.children[index];
    if (current !== node) parent.insertBefore(node, current ?? null);
  });
  while (parent.children.length > nodes.length) parent.lastElementChild.remove();
  if (focused && focused !== document.activeElement && parent.contains(focused)) focused.focus();
}
