// Waiting in tests: for a while, or until a check holds.
import assert from 'node:assert/strict';

export const sleep = (ms) => new Promise((ok) => setTimeout(ok, ms));

/** The first truthy value of `check()`, tried every 20 ms; fails the test after `ms` waiting for `what`. */
export async function until(what, check, ms = 15_000) {
  const started = Date.now();
  for (;;) {
    const value = await check();
    if (value) return value;
    if (Date.now() - started > ms) assert.fail(`waited for ${what}`);
    await sleep(20);
  }
}
