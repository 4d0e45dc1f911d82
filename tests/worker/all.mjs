// The worker suite's files in one process, each in a suite of its own (its
// hooks and its worker stay its own): one Node and one miniflare import for
// the suite rather than one per file, about a CPU-second each
// (BENCHMARKS.md, "A fresh clone"). `node --test tests/worker/` still runs
// each file alone.
import { describe } from 'node:test';
import { readdirSync } from 'node:fs';

for (const file of readdirSync(new URL('.', import.meta.url)).filter((f) => f.endsWith('.test.mjs')).sort()) {
  describe(file, () => import(`./${file}`));
}
