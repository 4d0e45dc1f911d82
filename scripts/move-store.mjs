// npm run move-store -- <tenant> [--file F] [--remote] [--drain SECONDS]
//
// Moves one store from the shared D1 database into its own Durable Object
// (SCALING.md), in three steps:
//   1. its tenant's storage becomes "moving": every call for the store is
//      answered 503 with Retry-After, and nothing more is written for it on D1;
//   2. a wait (--drain, 60 s with --remote, else none) lets the calls that
//      were already running on D1 end;
//   3. its storage becomes "objects": the store's first call starts copying
//      its rows from D1 into its object (configuration, counters, checkouts,
//      orders, plan orders, events, idempotency keys), 5,000 rows per call or
//      alarm, the object's alarm carrying on at once; calls answer 503 with
//      Retry-After: 1 until the copy is done, then are served from there.
// Once the copy holds as many rows of each table as D1, the store's rows on
// D1 are deleted in the object's alarm (its configuration stays, as the
// directory's entry). Until then, setting the storage back to d1 (npm run
// tenants -- set-storage <tenant> d1) serves the store from them again,
// without what it did in its object meanwhile.
//
// The TENANTS secret changes twice: in the vars file (.dev.vars by default;
// a running `npm start` takes it on its next start) and, with --remote, as
// the deployed worker's secret each time.
import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { root, readVars, writeVars } from './lib.mjs';
import { apply, putSecrets, Refused } from './tenants.mjs';

/**
 * Moves `tenant`'s store: `deploy(vars)` makes the worker take the vars as
 * they are now (a secret put, or a restart); `drainMs` is the wait between.
 */
export async function moveStore(vars, tenant, { deploy, drainMs = 0, say = console.log }) {
  say(apply(vars, ['set-storage', tenant, 'moving']).say.join('\n'));
  await deploy(vars);
  if (drainMs > 0) {
    say(`waiting ${drainMs / 1000} s for the calls running on D1 to end`);
    await new Promise((r) => setTimeout(r, drainMs));
  }
  say(apply(vars, ['set-storage', tenant, 'objects']).say.join('\n'));
  await deploy(vars);
  say('moved: the store\'s next call starts copying its rows into its object');
}

async function main(argv) {
  const remote = argv.includes('--remote');
  const flag = (name) => { const i = argv.indexOf(name); return i >= 0 ? argv[i + 1] : undefined; };
  const file = resolve(flag('--file') ?? join(root, '.dev.vars'));
  const tenant = argv.find((a, i) => !a.startsWith('--') && !['--file', '--drain'].includes(argv[i - 1]));
  if (!existsSync(file)) throw new Refused(`${file} does not exist: npm start makes .dev.vars`);
  const vars = readVars(file);
  const drainMs = Number(flag('--drain') ?? (remote ? 60 : 0)) * 1000;
  await moveStore(vars, tenant, {
    drainMs,
    deploy: async (v) => {
      writeVars(file, v, '# Secrets of edge checkout: never committed.\n');
      if (remote) putSecrets(v, ['TENANTS'], file);
    },
  });
  if (!remote) console.log(`${file} is written: restart npm start for the worker to take it`);
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  main(process.argv.slice(2)).catch((e) => {
    if (!(e instanceof Refused)) throw e;
    console.error(e.message);
    process.exit(1);
  });
}
