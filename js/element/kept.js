// The changes a page has made to a checkout and the store has not answered
// yet, kept in the page's origin storage (IndexedDB, database
// `edge-checkout`, one record per checkout and page) so that a closed tab or
// a reload loses none: the next visit of the checkout takes what closed
// pages left and sends it first. Each page writes only its own record, so
// two open pages of one checkout never overwrite each other's; a page's
// record is its own while the page lives (it holds a Web Lock named for it),
// so another page takes it only once it is closed (where the browser has no
// Web Locks, the next visit takes every other page's: a change sent by both
// is done once, by its idempotency key). A record is deleted once its
// changes are answered, and any record left untouched for KEPT_DAYS is
// deleted on the next visit of any checkout. Where IndexedDB cannot be
// opened (some private modes), changes are kept in memory only.

const NAME = 'edge-checkout';
const STORE = 'queues';
export const KEPT_DAYS = 7;
// this page's records, and the Web Lock it holds while it lives (named by the id alone: a random UUID)
const PAGE = crypto.randomUUID();
navigator.locks?.request(PAGE, () => new Promise(() => {}));

let opened;
function database() {
  opened ??= new Promise((resolve) => {
    try {
      const req = indexedDB.open(NAME, 2);
      // (version 1's store, one record per checkout that two pages of it wrote in turn, is left unread)
      req.onupgradeneeded = () => req.result.createObjectStore(STORE, { keyPath: ['checkoutId', 'page'] });
      req.onsuccess = () => resolve(req.result);
      req.onerror = req.onblocked = () => resolve(null);
    } catch {
      resolve(null);
    }
  });
  return opened;
}

/** Runs `work(store)` in one transaction; resolves to whether it was committed. */
async function transact(work) {
  const db = await database();
  return db && new Promise((resolve) => {
    try {
      const tx = db.transaction(STORE, 'readwrite');
      tx.oncomplete = () => resolve(true);
      tx.onabort = () => resolve(false);
      work(tx.objectStore(STORE));
    } catch {
      resolve(false);
    }
  });
}

/**
 * What closed pages (and this one, before it opened another checkout) left
 * for `checkoutId`, oldest first (`{base, changes}`: the first one's base),
 * or nothing; taken into this page's record in the same transaction, so that
 * no other page takes it too. Old records of any checkout are deleted.
 */
export async function readKept(checkoutId) {
  const live = (await navigator.locks?.query())?.held.map((l) => l.name) ?? [];
  const now = Date.now();
  const left = [];
  let kept;
  return (await transact((s) => {
    s.openCursor().onsuccess = ({ target: { result: c } }) => {
      if (!c) {
        left.sort((a, b) => a.savedAt - b.savedAt);
        if (left[0]) s.put(kept = { ...left[0], page: PAGE, changes: left.flatMap((r) => r.changes), savedAt: now });
        return;
      }
      const r = c.value;
      // too old: deleted; this checkout's, of this page (opened again) or of a closed page: taken
      if (r.savedAt < now - KEPT_DAYS * 86_400_000 || (r.checkoutId === checkoutId && (r.page === PAGE || !live.includes(r.page)) && left.push(r))) c.delete();
      c.continue();
    };
  })) && kept;
}

/** Keeps this page's changes of `checkoutId` not answered yet (none: deletes its record). Writes apply in the order they are made. */
export function keep(checkoutId, base, changes) {
  return transact((s) => (changes.length
    ? s.put({ checkoutId, page: PAGE, base, changes, savedAt: Date.now() })
    : s.delete([checkoutId, PAGE])));
}
