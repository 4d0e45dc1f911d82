// The changes a page has made to a checkout and the store has not answered
// yet, kept in the page's origin storage (IndexedDB, database
// `edge-checkout`, one record per checkout) so that a closed tab or a reload
// loses none: the next visit of the checkout sends them first. A record is
// deleted once its changes are answered, and any record left untouched for
// KEPT_DAYS is deleted on the next visit of any checkout. Where IndexedDB
// cannot be opened (some private modes), changes are kept in memory only.

const NAME = 'edge-checkout';
const STORE = 'changes';
export const KEPT_DAYS = 7;

let opened;
function database() {
  opened ??= new Promise((resolve) => {
    try {
      const req = indexedDB.open(NAME, 1);
      req.onupgradeneeded = () => req.result.createObjectStore(STORE, { keyPath: 'checkoutId' });
      req.onsuccess = () => resolve(req.result);
      req.onerror = () => resolve(null);
      req.onblocked = () => resolve(null);
    } catch {
      resolve(null);
    }
  });
  return opened;
}

/** Runs `work(store)` in a transaction of `mode`; resolves to its request's result (null when storage fails). */
async function transact(mode, work) {
  const db = await database();
  if (!db) return null;
  return new Promise((resolve) => {
    try {
      const req = work(db.transaction(STORE, mode).objectStore(STORE));
      req.onsuccess = () => resolve(req.result ?? null);
      req.onerror = () => resolve(null);
    } catch {
      resolve(null);
    }
  });
}

/** The record kept for `checkoutId` (`{checkoutId, base, changes, savedAt}`), or null; old records of any checkout are deleted. */
export async function readKept(checkoutId) {
  const record = await transact('readonly', (s) => s.get(checkoutId));
  const before = Date.now() - KEPT_DAYS * 86_400_000;
  transact('readwrite', (s) => {
    const cursor = s.openCursor();
    cursor.onsuccess = () => {
      const c = cursor.result;
      if (!c) return;
      if (c.value.savedAt < before) c.delete();
      c.continue();
    };
    return cursor;
  });
  return record && record.savedAt >= before ? record : null;
}

/** Keeps the changes of `checkoutId` not answered yet (none: deletes its record). Writes apply in the order they are made. */
export function keep(checkoutId, base, changes) {
  return transact('readwrite', (s) => (changes.length
    ? s.put({ checkoutId, base, changes, savedAt: Date.now() })
    : s.delete(checkoutId)));
}
