// The element's API client: every request to the worker goes through here,
// and every change to the checkout goes through one queue, in the order the
// buyer made them. A change is kept at once in the page's origin storage
// (./kept.js), so a closed tab or a reload loses none; it is sent once the
// buyer stops typing, one at a time, each with its own idempotency key; a
// change that follows one of the same key (the same field) before it was
// sent replaces it. When the worker cannot be reached (or is down or busy,
// or its answer has not begun after ANSWER_MS) the queue waits and is sent again by itself: when the browser says it is
// online, after a backoff (1 s, doubling to 30 s), or after the next request
// that gets through.

// the page's storage: its module is fetched beside the engine, not before the element's first
// render; a fetch that failed (the network gone) is tried again at the next use
let storage;
const kept = () => (storage ??= import('./kept.js').catch((e) => {
  storage = null;
  throw e;
}));
kept().catch(() => {});

export const SYNC_DELAY_MS = 250;
export const BACKOFF_MS = [1000, 30_000];
// how long an answer may take to begin (its body then takes what it takes): a network that stalls
// without an error is the network gone, and what waits is sent again, with the same keys
export const ANSWER_MS = 30_000;

/** A failed request: `code` is the worker's, or NETWORK when it cannot be reached or is down or busy. */
function failure(message, code, status, violations) {
  return Object.assign(new Error(message), { code, status, violations });
}

/**
 * The request of a change: `[method, suffix, body]` on its checkout. A
 * change is an operation on the checkout as the buyer made it (set this
 * line's quantity, apply this code), never a whole checkout, so that a
 * replay on a checkout changed elsewhere meanwhile keeps what else changed.
 */
function requestOf(change) {
  switch (change.op) {
    case 'quantity': return ['POST', '/update-line-items-quantity', { lineItems: [{ id: change.lineId, quantity: change.quantity }] }];
    case 'remove': return ['POST', '/remove-line-items', { lineItemIds: [change.lineId] }];
    case 'removeCoupon': return ['POST', '/remove-coupon', {}];
    case 'coupon': return ['PATCH', '', { couponCode: change.code }];
    case 'delivery': return ['PATCH', '', { checkout: { shippingInfo: { selectedCarrierServiceOption: { code: change.code } } } }];
    case 'currency': return ['PATCH', '', { checkout: { conversionCurrency: change.code } }];
    default: return ['PATCH', '', { checkout: change.details }]; // 'details': the buyer's contact and address
  }
}

export class Client {
  #config;
  #hooks;
  #id = null; // the checkout whose changes the queue holds
  #base = null; // that checkout's updatedDate as the page last saw it
  #queue = []; // its changes not answered yet, oldest first
  #sending = null; // the change on its way
  #timer = 0;
  #pump = null;
  #offline = false;
  #kept = false; // the queue holds changes a closed page left
  #wait = 0; // the backoff's next wait
  #waiting = new Set(); // what waits for the network besides the queue (a create-order)

  /**
   * `config()`: `{base, key}`, the API's base URL and the publishable key,
   * read at each request. `hooks`: `answered(change, checkout, last, merged)`
   * (`last`: nothing else waits; `merged`: the checkout had changed elsewhere
   * since the page saw it, and the changes were applied to it as they are
   * operations), `refused(change, error)`, `pending(count, offline)`.
   */
  constructor(config, hooks) {
    this.#config = config;
    this.#hooks = hooks;
    globalThis.addEventListener?.('online', () => this.retry());
  }

  /** Sends a request (with the checkout's pricing input) and resolves to the worker's answer; rejects with a failure. */
  request(method, path, body, idempotencyKey) {
    const { base, key } = this.#config();
    // a read carries the key in its URL: no preflight, and a page that knows the checkout preloads
    // it (README, "Preload hints"); a change, in its header
    const read = method === 'GET';
    const headers = read ? {} : { authorization: key };
    if (body !== undefined) headers['content-type'] = 'application/json';
    if (idempotencyKey) headers['idempotency-key'] = idempotencyKey;
    const stop = new AbortController();
    const stalled = setTimeout(() => stop.abort(), ANSWER_MS);
    const answer = fetch(`${base.replace(/\/$/, '')}${path}?include=pricingInput${read ? `&key=${encodeURIComponent(key)}` : ''}`,
      { method, headers, body: body === undefined ? undefined : JSON.stringify(body), signal: stop.signal })
      .finally(() => clearTimeout(stalled))
      .catch((cause) => { throw failure(cause.message, 'NETWORK'); })
      .then(async (r) => {
        const data = await r.json().catch(() => ({}));
        if (r.status === 200) return data;
        const error = data.details?.applicationError;
        // the worker down or busy: the same as unreachable (kept, sent again)
        throw failure(data.message ?? `HTTP ${r.status}`, r.status >= 500 || r.status === 429 ? 'NETWORK' : error?.code,
          r.status, error?.data?.violations);
      });
    // a request that gets through while the queue waits for the network: it is back
    answer.then(() => { if (this.#offline) this.retry(); }, () => {});
    return answer;
  }

  /** A request to the checkout `id` (`suffix`: one of its actions). */
  checkout(method, id, suffix = '', body = undefined, idempotencyKey = undefined) {
    return this.request(method, `/ecom/v1/checkouts/${encodeURIComponent(id)}${suffix}`, body, idempotencyKey);
  }

  /** How many changes wait to be answered. */
  get pending() {
    return this.#queue.length;
  }

  /** Whether a change of `key` waits to be answered (or is on its way). */
  holds(key) {
    return this.#queue.some((c) => c.key === key);
  }

  /**
   * Takes the queue of the checkout `id`, with the changes a closed page
   * left for it (sent before anything else); resolves to how many there are.
   */
  async open(id) {
    if (id === this.#id) return 0; // open already: nothing more was kept
    clearTimeout(this.#timer);
    this.#id = id;
    this.#queue = [];
    this.#base = null;
    const left = await kept().then((k) => k.readKept(id), () => null);
    if (this.#id !== id) return 0; // another checkout meanwhile
    if (left) {
      this.#queue = [...left.changes, ...this.#queue];
      this.#base = left.base;
      this.#kept = true;
      this.#told();
      this.#schedule(0);
    }
    // what a closed page left, not what this one queued meanwhile
    return left?.changes.length ?? 0;
  }

  /** The page saw `checkout` (its base for what waits). */
  saw(checkout) {
    if (checkout?.id !== this.#id || this.#queue.length) return;
    this.#base = checkout.updatedDate;
  }

  /** A change (`{op, key, …}`, ./element.js): kept at once, sent once the buyer stops typing. */
  add(change) {
    const queued = { ...change, idempotencyKey: crypto.randomUUID() };
    const last = this.#queue.at(-1);
    if (last && last.key === queued.key && last !== this.#sending) this.#queue[this.#queue.length - 1] = queued;
    else this.#queue.push(queued);
    this.#keep();
    this.#told();
    if (!this.#offline) this.#schedule(SYNC_DELAY_MS);
  }

  /** Takes back the changes of `key` not on their way (a removed line's quantities). */
  drop(key) {
    const before = this.#queue.length;
    this.#queue = this.#queue.filter((c) => c.key !== key || c === this.#sending);
    if (this.#queue.length === before) return;
    this.#keep();
    this.#told();
  }

  /** Sends what waits now; resolves to true once all of it is answered, false when the worker cannot be reached. */
  async settle() {
    clearTimeout(this.#timer);
    return this.#send();
  }

  /** Runs `again` when the network is back (it is the try: it calls `whenOnline` again if it fails). */
  whenOnline(again) {
    this.#waiting.add(again);
    this.#offline = true;
    this.#told();
    this.#later();
  }

  /** Tries again now: what waits, then what waits for the network. */
  async retry() {
    clearTimeout(this.#timer);
    if (!(await this.#send())) return;
    const again = [...this.#waiting];
    this.#waiting.clear();
    for (const run of again) await run();
  }

  #schedule(ms) {
    clearTimeout(this.#timer);
    this.#timer = setTimeout(() => this.#send(), ms);
  }

  /** The next try after a failure, each wait twice the last. */
  #later() {
    this.#wait = Math.min(BACKOFF_MS[1], Math.max(BACKOFF_MS[0], this.#wait * 2));
    clearTimeout(this.#timer);
    this.#timer = setTimeout(() => this.retry(), this.#wait);
  }

  /** Keeps the queue as it is now; writes apply in the order they are asked for. */
  #keep() {
    const [id, base, changes] = [this.#id, this.#base, [...this.#queue]];
    // unreachable storage: in memory meanwhile (each keep writes the whole queue)
    if (id) kept().then((k) => k.keep(id, base, changes), () => {});
  }

  #told() {
    this.#hooks.pending(this.#queue.length, this.#offline);
  }

  /**
   * Sends the queue, in order, one change at a time; resolves to false when
   * the worker cannot be reached. One send at a time: a call meanwhile gets
   * the one on its way. (`#pump` is cleared once it has ended, never before
   * it is set: a send with nothing to send ends at once.)
   */
  #send() {
    this.#pump ??= this.#drain().finally(() => { this.#pump = null; });
    return this.#pump;
  }

  async #drain() {
    const id = this.#id;
    try {
      // back from a break, or a page's changes left by a closed one: has
      // the checkout changed elsewhere since the page saw it?
      const merged = this.#queue.length > 0 && (this.#offline || this.#kept) && await this.checkout('GET', id)
        .then(({ checkout }) => checkout.updatedDate !== this.#base, (e) => { if (e.code === 'NETWORK') throw e; return false; });
      this.#kept = false;
      while (this.#queue.length && this.#id === id) {
        const change = this.#queue[0];
        this.#sending = change;
        let answer;
        try {
          const [method, suffix, body] = requestOf(change);
          answer = await this.checkout(method, id, suffix, body, change.idempotencyKey);
        } catch (e) {
          if (e.code === 'NETWORK') throw e;
          this.#queue.shift();
          this.#keep();
          this.#told();
          this.#hooks.refused(change, e);
          continue;
        } finally {
          this.#sending = null;
        }
        this.#queue.shift();
        this.#base = answer.checkout.updatedDate;
        this.#offline = false;
        this.#wait = 0;
        this.#keep();
        this.#told();
        this.#hooks.answered(change, answer.checkout, this.#queue.length === 0, merged);
      }
      this.#offline = false;
      this.#wait = 0;
      this.#told();
      return true;
    } catch (e) {
      if (e.code !== 'NETWORK') throw e;
      this.#offline = true;
      this.#told();
      this.#later();
      return false;
    }
  }
}
