// A document without a browser: the few DOM calls the element's parts make
// (./dom.js's `el`, and what ./cart.js and ./form.js do to their nodes, a
// row's copy among them),
// written out as HTML. With it a server renders the element's own markup
// from the element's own code (./server.js), so that the page arrives
// priced; nothing here runs in a browser.

const VOID = new Set(['input', 'img', 'br', 'hr', 'meta', 'link']);
// elements whose text is not HTML
const RAW = new Set(['style', 'script']);
// properties that are attributes by another name
const NAMED = { className: 'class', htmlFor: 'for', tabIndex: 'tabindex', inputMode: 'inputmode', noValidate: 'novalidate' };
// properties whose attribute is there or not
const FLAGS = new Set(['hidden', 'required', 'checked', 'noValidate', 'disabled', 'selected']);
// properties written as their text
const PLAIN = ['id', 'name', 'type', 'min', 'max', 'src', 'alt', 'width', 'height', 'loading', 'decoding', 'autocomplete',
  'autocapitalize', 'lang', 'dir', 'role', 'className', 'htmlFor', 'tabIndex', 'inputMode'];

const escapeText = (s) => String(s).replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
/** Text as it can sit in a double-quoted attribute. */
export const escapeAttribute = (s) => escapeText(s).replace(/"/g, '&quot;');
const kebab = (s) => s.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`);

class Text {
  constructor(text) {
    this.text = String(text);
    this.parentNode = null;
  }

  get textContent() {
    return this.text;
  }

  html() {
    return escapeText(this.text);
  }
}

export class Element {
  parentNode = null;
  #attributes = new Map();
  #nodes = [];
  dataset = {};

  constructor(tag) {
    this.tagName = tag;
  }

  setAttribute(name, value) {
    this.#attributes.set(name, String(value));
  }

  getAttribute(name) {
    return this.#attributes.get(name) ?? null;
  }

  removeAttribute(name) {
    this.#attributes.delete(name);
  }

  addEventListener() {} // nothing happens on a server

  cloneNode(deep) {
    const copy = new Element(this.tagName);
    for (const [k, v] of this.#attributes) copy.setAttribute(k, v);
    Object.assign(copy.dataset, this.dataset);
    if (deep) copy.append(...this.#nodes.map((n) => (n instanceof Element ? n.cloneNode(true) : n.text)));
    return copy;
  }

  get children() {
    return this.#nodes.filter((n) => n instanceof Element);
  }

  get isConnected() {
    return false;
  }

  getRootNode() {
    return { activeElement: null };
  }

  #adopt(node) {
    const child = node instanceof Element || node instanceof Text ? node : new Text(node); // as a browser: anything else is its text
    child.parentNode?.removeChild(child);
    child.parentNode = this;
    return child;
  }

  removeChild(node) {
    this.#nodes = this.#nodes.filter((n) => n !== node);
    node.parentNode = null;
    return node;
  }

  append(...nodes) {
    for (const node of nodes) this.#nodes.push(this.#adopt(node));
  }

  appendChild(node) {
    this.append(node);
    return node;
  }

  insertBefore(node, before) {
    const child = this.#adopt(node);
    const at = before ? this.#nodes.indexOf(before) : -1;
    this.#nodes.splice(at < 0 ? this.#nodes.length : at, 0, child);
    return node;
  }

  replaceChildren(...nodes) {
    for (const n of this.#nodes) n.parentNode = null;
    this.#nodes = [];
    this.append(...nodes);
  }

  remove() {
    this.parentNode?.removeChild(this);
  }

  replaceWith(node) {
    const parent = this.parentNode;
    if (!parent) return;
    parent.insertBefore(node, this);
    this.remove();
  }

  get textContent() {
    return this.#nodes.map((n) => n.textContent).join('');
  }

  set textContent(text) {
    this.replaceChildren(...(text === '' || text == null ? [] : [String(text)]));
  }

  /** The first element below this one matching `tag` or `tag[attribute="value"]`. */
  querySelector(selector) {
    const [, tag, name, value] = selector.match(/^(\w+)(?:\[([\w-]+)="([^"]*)"\])?$/) ?? [];
    for (const child of this.children) {
      if (child.tagName === tag && (!name || child.#value(name) === value)) return child;
      const below = child.querySelector(selector);
      if (below) return below;
    }
    return null;
  }

  #value(name) {
    return name === 'value' ? this.value : this.getAttribute(name);
  }

  // a select's value is its selected option's; an input's, its value attribute
  get value() {
    if (this.tagName !== 'select') return this.getAttribute('value') ?? '';
    const options = this.children.filter((o) => o.tagName === 'option');
    return (options.find((o) => o.selected) ?? options[0])?.value ?? '';
  }

  set value(value) {
    if (this.tagName !== 'select') return this.setAttribute('value', value);
    for (const option of this.children) option.selected = option.value === String(value);
  }

  html() {
    const data = Object.entries(this.dataset).map(([k, v]) => [`data-${kebab(k)}`, v]);
    const attributes = [...this.#attributes, ...data].map(([k, v]) => (v === '' ? ` ${k}` : ` ${k}="${escapeAttribute(v)}"`));
    const open = `<${this.tagName}${attributes.join('')}>`;
    if (VOID.has(this.tagName)) return open;
    const inside = RAW.has(this.tagName) ? this.textContent : this.#nodes.map((n) => n.html()).join('');
    return `${open}${inside}</${this.tagName}>`;
  }
}

for (const prop of PLAIN) {
  const name = NAMED[prop] ?? prop;
  Object.defineProperty(Element.prototype, prop, {
    get() { return this.getAttribute(name) ?? ''; },
    set(v) { this.setAttribute(name, v); },
  });
}
for (const prop of FLAGS) {
  const name = NAMED[prop] ?? prop;
  Object.defineProperty(Element.prototype, prop, {
    get() { return this.getAttribute(name) !== null; },
    set(v) { if (v) this.setAttribute(name, ''); else this.removeAttribute(name); },
  });
}
// a boolean the browser writes as "true" or "false"
Object.defineProperty(Element.prototype, 'spellcheck', {
  get() { return this.getAttribute('spellcheck') !== 'false'; },
  set(v) { this.setAttribute('spellcheck', v ? 'true' : 'false'); },
});

/** The document the element's parts build in on a server. */
export const serverDocument = { createElement: (tag) => new Element(tag) };
