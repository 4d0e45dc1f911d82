// The element's DOM helpers: a node from its tag, properties and children;
// a labelled field with its error paragraph, and its mark. And whether an
// amount is zero, which the cart and the view both ask; and work put off
// until the page is idle.

// the page's document; a server gives its own (./markup.js)
let doc = globalThis.document;

const ZERO = /^0(\.0+)?$/;
/** Whether a decimal amount (a string, as the worker and the engine give it) is zero. */
export const isZero = (amount) => ZERO.test(String(amount));

/**
 * Runs `work` once the page is idle, after its first paint: the names of
 * countries and currencies, whose first (the browser's Intl starting) takes
 * tens of milliseconds. At once on a server, which paints nothing.
 */
export const idle = (work) => (globalThis.document ? (globalThis.requestIdleCallback ?? setTimeout)(work, { timeout: 200 }) : work());

/** Runs `then` once, when the browser is back online (outside a browser, never). */
export const online = (then) => globalThis.addEventListener?.('online', then, { once: true });

/**
 * What `load()` resolves to, tried until it succeeds: after a failure, once
 * the browser is back online, or, while it says it is online (a network that
 * fails without saying so), after a wait (1 s, each twice the last, up to 30 s).
 */
export function untilLoaded(load) {
  let wait = 500;
  return new Promise((resolve) => {
    const next = () => load().then(resolve, () => {
      wait = Math.min(wait * 2, 30_000);
      if (globalThis.navigator?.onLine === false) online(next);
      else setTimeout(next, wait);
    });
    next();
  });
}

/** Builds in `d` from now on: a server's document, where there is no browser's. */
export function useDocument(d) {
  doc = d;
}

/** A `tag` node: `props` set as properties, attributes (names with a dash, `part`), listeners (`on…`) or `dataset`. */
export function el(tag, props = {}, ...children) {
  const node = doc.createElement(tag);
  for (const [k, v] of Object.entries(props)) {
    if (v === undefined) continue;
    if (k === 'dataset') Object.assign(node.dataset, v);
    else if (k.startsWith('on')) node.addEventListener(k.slice(2), v);
    else if (k in node && !k.includes('-') && k !== 'part') node[k] = v;
    else node.setAttribute(k, v);
  }
  node.append(...children.filter((c) => c != null));
  return node;
}

/**
 * A labelled control (`tag`, id `id`) and its error paragraph (`${id}-e`, the
 * control's description): `{box, control, label, error}`.
 */
export function field(id, name, label, props = {}, tag = 'input', ...children) {
  const control = el(tag, { id, name, part: 'input', 'aria-describedby': `${id}-e`, ...props }, ...children);
  const caption = el('label', { htmlFor: id, part: 'label' }, label);
  const error = el('p', { id: `${id}-e`, className: 'error', part: 'error' });
  return { box: el('div', { className: 'field', part: 'field' }, caption, control, error), control, label: caption, error };
}

/**
 * Makes `nodes` the children of `list`, in their order: one already there
 * stays where it is unless its place changed, and the buyer's focus stays
 * on it (an answer never takes away the control the buyer is on); the
 * others go.
 */
export function place(list, nodes) {
  const active = list.getRootNode().activeElement;
  for (const n of [...list.children]) if (!nodes.includes(n)) n.remove();
  nodes.forEach((n, i) => { if (list.children[i] !== n) list.insertBefore(n, list.children[i] ?? null); });
  if (active?.isConnected && list.getRootNode().activeElement !== active) active.focus();
}

/** Says `message` at a field (`{control?, error}`), its control marked invalid; no message: valid. */
export function mark(f, message) {
  f.control?.setAttribute('aria-invalid', message ? 'true' : 'false');
  f.error.textContent = message;
}
