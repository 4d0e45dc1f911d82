// The spec's vectors (tests/vectors, the repository's copy of the shared
// spec's), and what a call answers, for the tests that hold two ways of
// pricing to the same answers.
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { root } from '../../scripts/lib.mjs';

const dir = join(root, 'tests/vectors');
export const vectors = readdirSync(dir).map((f) => JSON.parse(readFileSync(join(dir, f), 'utf8')));

/** What `f(...args)` answers: its output as JSON text, or its error's code, field, message and name. */
export function answer(f, ...args) {
  try {
    return JSON.stringify(f(...args));
  } catch (e) {
    return { code: e.code, field: e.field, message: e.message, name: e.name };
  }
}
