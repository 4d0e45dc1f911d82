// npm run tenants -- <command>: tenants and their keys, in a vars file
// (`.dev.vars` by default, which `npm start` made; `--file F` for another, as
// `.secrets.vars`, the deployed worker's, kept out of git), and with
// `--remote`, also put as the deployed worker's secrets (`wrangler secret put`).
// A key is printed once, when it is made; only its SHA-256 is stored.
//
//   add <name>                      a tenant with fresh keys
//   list                            tenants, key counts and ids (no secret)
//   rotate-secret <tenant>          a new secret key; the old one works until retire-secrets
//   retire-secrets <tenant>         only the newest secret key works
//   add-session-key <tenant>        a new key seals order sessions; the others still open theirs
//   retire-session-key <tenant> <kid>
//   rotate-events-key               a new key signs events; the JWKS lists the old one until retired
//   retire-events-key <kid>
//   set-storage <tenant> <d1|objects|moving>   where the store's rows live (npm run move-store moves one)
//   set-quota <tenant> <bytes>      the store's storage budget (1 GiB when unset)
//
// <tenant> is an appDefId or a publishable key. The store's Standard Webhooks
// secrets live with its rows, so these ask the worker (`--url U`, else
// PUBLIC_URL, else npm start's http://127.0.0.1:8787) with the tenant's
// secret key from the SECRET_KEY environment variable:
//
//   webhook-secret                  the store's secrets, the newest first
//   rotate-webhook-secret           a new one; both sign until retire-webhook-secrets
//   retire-webhook-secrets          only the newest signs
import { createHash, randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { root, bin, newTenant, newEventsKey, readVars, writeVars, WRANGLER_ENV } from './lib.mjs';

const sha256 = (key) => createHash('sha256').update(key).digest('hex');

export class Refused extends Error {}

function tenantOf(tenants, who) {
  const t = tenants.find((x) => x.appDefId === who || x.publishableKey === who);
  if (!t) throw new Refused(`no tenant ${JSON.stringify(who ?? '')}: give its appDefId or publishable key (npm run tenants -- list)`);
  return t;
}

function eventsKeys(vars) {
  if (!vars.EVENTS_SIGNING_KEY) return [];
  const keys = JSON.parse(vars.EVENTS_SIGNING_KEY);
  return Array.isArray(keys) ? keys : [keys];
}

/**
 * Runs one command on `vars` (the file's KEY=value pairs), changing them in
 * place; returns `{ changed: [names of the vars it changed], say: [lines to print] }`.
 */
export function apply(vars, [command, ...args]) {
  const tenants = JSON.parse(vars.TENANTS ?? '[]');
  const say = [];
  let changed = ['TENANTS'];
  switch (command) {
    case 'add': {
      const { tenant, secretKey, publishableKey } = newTenant(args[0] ?? 'tenant');
      tenants.push(tenant);
      say.push(`tenant ${tenant.appDefId}`, `  secret key:      ${secretKey}   (shown once: keep it in your backend's secrets)`,
        `  publishable key: ${publishableKey}`, `  Stripe webhook signing secret: ${tenant.stripeWebhookSecret} (replace it with your endpoint's)`);
      break;
    }
    case 'list':
      changed = [];
      for (const t of tenants) {
        say.push(`${t.appDefId}  ${t.publishableKey}  secret keys: ${1 + (t.previousSecretKeySha256?.length ?? 0)}  `
          + `session keys: ${(t.sessionKeys ?? []).map((k) => k.kid).join(', ') || 'none'}`);
      }
      say.push(`events signing keys: ${eventsKeys(vars).map((k) => k.kid).join(', ') || 'none'}`);
      break;
    case 'rotate-secret': {
      const t = tenantOf(tenants, args[0]);
      const secretKey = `sk_live_${randomBytes(24).toString('hex')}`;
      t.previousSecretKeySha256 = [...(t.previousSecretKeySha256 ?? []), t.secretKeySha256];
      t.secretKeySha256 = sha256(secretKey);
      say.push(`new secret key of ${t.appDefId}: ${secretKey}   (shown once)`,
        `the old one still works: move your backend to the new key, then: npm run tenants -- retire-secrets ${t.appDefId}`);
      break;
    }
    case 'retire-secrets': {
      const t = tenantOf(tenants, args[0]);
      say.push(`retired ${t.previousSecretKeySha256?.length ?? 0} old secret key(s) of ${t.appDefId}`);
      delete t.previousSecretKeySha256;
      break;
    }
    case 'add-session-key': {
      const t = tenantOf(tenants, args[0]);
      t.sessionKeys ??= [];
      const kid = `${t.appDefId.slice(0, 8)}-${Date.now().toString(36)}`;
      t.sessionKeys.push({ kid, k: randomBytes(32).toString('base64url') });
      say.push(`session key ${kid} now seals new order sessions of ${t.appDefId}; the others still open theirs until retired`);
      break;
    }
    case 'retire-session-key': {
      const t = tenantOf(tenants, args[0]);
      const left = (t.sessionKeys ?? []).filter((k) => k.kid !== args[1]);
      if (left.length === (t.sessionKeys ?? []).length) throw new Refused(`${t.appDefId} has no session key ${JSON.stringify(args[1] ?? '')}`);
      if (!left.length) throw new Refused('a tenant keeps at least one session key: add one first');
      t.sessionKeys = left;
      say.push(`retired session key ${args[1]}: order sessions it sealed no longer open`);
      break;
    }
    case 'rotate-events-key': {
      const keys = eventsKeys(vars);
      const key = JSON.parse(newEventsKey());
      vars.EVENTS_SIGNING_KEY = JSON.stringify([...keys, key]);
      changed = ['EVENTS_SIGNING_KEY'];
      say.push(`events key ${key.kid} now signs; /.well-known/jwks.json lists the old ones until: npm run tenants -- retire-events-key <kid>`);
      break;
    }
    case 'retire-events-key': {
      const keys = eventsKeys(vars);
      const left = keys.filter((k) => k.kid !== args[0]);
      if (left.length === keys.length) throw new Refused(`no events key ${JSON.stringify(args[0] ?? '')}`);
      if (!left.length) throw new Refused('the worker keeps at least one events key: rotate first');
      vars.EVENTS_SIGNING_KEY = JSON.stringify(left.length === 1 ? left[0] : left);
      changed = ['EVENTS_SIGNING_KEY'];
      say.push(`retired events key ${args[0]}`);
      break;
    }
    case 'set-storage': {
      const t = tenantOf(tenants, args[0]);
      if (!['d1', 'objects', 'moving'].includes(args[1])) throw new Refused('storage is d1, objects or moving');
      t.storage = args[1];
      say.push(`tenant ${t.appDefId}: storage ${args[1]}`);
      break;
    }
    case 'set-quota': {
      const t = tenantOf(tenants, args[0]);
      const bytes = Number(args[1]);
      if (!Number.isSafeInteger(bytes) || bytes < 1) throw new Refused('the budget is a whole number of bytes, 1 or more');
      t.quotaBytes = bytes;
      say.push(`tenant ${t.appDefId}: storage budget ${bytes} bytes`);
      break;
    }
    default:
      throw new Refused(`unknown command ${JSON.stringify(command ?? '')}: see the top of scripts/tenants.mjs`);
  }
  if (changed.includes('TENANTS')) vars.TENANTS = JSON.stringify(tenants);
  return { changed, say };
}

/** The commands the worker answers, with the route each calls. */
const WORKER_COMMANDS = {
  'webhook-secret': ['GET', '/admin/v1/webhooks/secret'],
  'rotate-webhook-secret': ['POST', '/admin/v1/webhooks/rotate-secret'],
  'retire-webhook-secrets': ['POST', '/admin/v1/webhooks/retire-secrets'],
};

/** Runs a command the worker answers (at `url`, with `secretKey`): the lines to print. */
export async function askWorker(command, { url, secretKey }) {
  if (!secretKey) throw new Refused(`${command} asks the worker with the tenant's secret key: set SECRET_KEY`);
  const [method, path] = WORKER_COMMANDS[command];
  let r;
  try {
    r = await fetch(new URL(path, url), { method, headers: { authorization: secretKey, 'content-type': 'application/json' }, body: method === 'POST' ? '{}' : undefined });
  } catch (e) {
    throw new Refused(`the worker at ${url} did not answer (${e.cause?.code ?? e.message}): is it running? (--url U)`);
  }
  const body = await r.json().catch(() => ({}));
  if (r.status !== 200) throw new Refused(`the worker answered ${r.status}: ${body.message ?? ''}`);
  return body.secrets.map((s, i) => `${s.secret}   created ${s.createdDate}${i === 0 ? '   (signs)' : '   (also signs until retired)'}`);
}

/** Puts vars as the deployed worker's secrets. */
export function putSecrets(vars, names, file) {
  for (const name of names) {
    const put = spawnSync(bin('wrangler'), ['secret', 'put', name],
      { cwd: root, input: vars[name], stdio: ['pipe', 'inherit', 'inherit'], env: { ...process.env, ...WRANGLER_ENV } });
    if (put.status !== 0) throw new Refused(`wrangler secret put ${name} failed; ${file} has the new value, run again with --remote`);
  }
}

/** The command line: `--remote`, `--file F` (else the repository's .dev.vars), `--url U` and the command's own words, in order. */
export function parseArgs(argv) {
  const valueOf = (flag) => {
    const at = argv.indexOf(flag);
    return at >= 0 ? [at, argv[at + 1]] : [-1, undefined];
  };
  const [fileAt, fileArg] = valueOf('--file');
  const [urlAt, url] = valueOf('--url');
  const file = resolve(fileArg ?? join(root, '.dev.vars'));
  const taken = new Set();
  for (const at of [fileAt, urlAt]) if (at >= 0) taken.add(at).add(at + 1);
  const words = argv.filter((a, i) => a !== '--remote' && !taken.has(i));
  return { remote: argv.includes('--remote'), file, url, words };
}

async function main(argv) {
  const { remote, file, url, words } = parseArgs(argv);
  const vars = existsSync(file) ? readVars(file) : {};
  if (WORKER_COMMANDS[words[0]]) {
    const base = url ?? vars.PUBLIC_URL ?? `http://127.0.0.1:${process.env.PORT ?? 8787}/`;
    console.log((await askWorker(words[0], { url: base, secretKey: process.env.SECRET_KEY })).join('\n'));
    return;
  }
  if (!vars.TENANTS && words[0] !== 'add') throw new Refused(`${file} has no TENANTS: npm start makes .dev.vars, or add a tenant first`);
  const fresh = !vars.EVENTS_SIGNING_KEY;
  if (fresh) vars.EVENTS_SIGNING_KEY = newEventsKey();
  const { changed, say } = apply(vars, words);
  if (fresh && !changed.includes('EVENTS_SIGNING_KEY')) changed.push('EVENTS_SIGNING_KEY');
  if (changed.length || !existsSync(file)) writeVars(file, vars, '# Secrets of edge checkout: never committed.\n');
  if (remote) putSecrets(vars, changed, file);
  console.log(say.join('\n'));
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  main(process.argv.slice(2)).catch((e) => {
    if (!(e instanceof Refused)) throw e;
    console.error(e.message);
    process.exit(1);
  });
}
