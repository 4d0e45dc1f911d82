// The README's examples, run as written so that they cannot go stale: the
// quick start's shell block against the worker in workerd (its "# →" lines
// are what the commands before them must print), and the npm package's block
// in Node (each `expression; // "value"` line must give that value).
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { startMiniflare } from '../support/worker.mjs';
import { root } from '../../scripts/lib.mjs';

const readme = readFileSync(join(root, 'README.md'), 'utf8');
/** The first ```lang block after `marker`. */
const block = (marker, lang) => readme.split(marker)[1].split(`\`\`\`${lang}\n`)[1].split('```')[0];

let w;
before(async () => {
  w = await startMiniflare({}, {}, { stores: ['a'] });
});
after(async () => { await w?.close(); });

test("the quick start's requests, run with bash and curl, print what the README says", () => {
  const script = block('<!-- quick start', 'sh');
  const [first, ...rest] = script.split('\n');
  assert.match(first, /^API=\S+ PK=\S+ SK=\S+/);
  const expected = rest.filter((l) => l.startsWith('# → ')).map((l) => l.slice(4));
  assert.ok(expected.length >= 3);
  const out = execFileSync('bash', ['-euo', 'pipefail', '-c', rest.join('\n')], {
    encoding: 'utf8', env: { ...process.env, API: w.url, PK: w.a.publishableKey, SK: w.a.secretKey },
  });
  assert.deepEqual(out.trim().split('\n'), expected);
});

test("the npm package's example gives the values its comments say", async () => {
  const code = block('## The npm package', 'js');
  const checked = code.split('\n').map((line) => {
    const m = line.match(/^(.*?);\s*\/\/ ("(?:[^"\\]|\\.)*")/);
    return m ? `assert.equal(${m[1]}, ${m[2]}, ${JSON.stringify(m[1].trim())});` : line;
  }).join('\n');
  assert.ok((checked.match(/assert\.equal/g) ?? []).length >= 3, checked);
  // inside the repository (not under node_modules), `edge-checkout` resolves to the package itself
  const dir = join(root, 'build');
  mkdirSync(dir, { recursive: true });
  const file = join(dir, `readme-npm-${process.pid}.mjs`);
  writeFileSync(file, `import assert from 'node:assert/strict';\n${checked}`);
  try {
    await import(file);
  } finally {
    rmSync(file, { force: true });
  }
});
