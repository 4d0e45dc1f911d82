// The migrations over rows a store already has: each one is applied, in
// order, to a SQLite-backed Durable Object's storage (workerd's SQLite, as
// a store's object and local D1 run it) holding rows written under the
// schema before it, and what it keeps is read back.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Miniflare } from 'miniflare';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { root, wranglerField } from '../../scripts/lib.mjs';
import { eitherBackend } from '../support/worker.mjs';

const dir = join(root, 'crates/checkout-worker/migrations');
const migrations = readdirSync(dir).filter((f) => f.endsWith('.sql')).sort()
  .map((f) => [f.replace(/\.sql$/, ''), readFileSync(join(dir, f), 'utf8')]);

// POST /apply?upto=NAME applies the migrations not yet applied up to NAME; POST /sql {sql, args} answers its rows
const script = `
import { DurableObject } from 'cloudflare:workers';
const MIGRATIONS = ${JSON.stringify(migrations)};
export class Rows extends DurableObject {
  async fetch(req) {
    const url = new URL(req.url);
    const sql = this.ctx.storage.sql;
    if (url.pathname === '/apply') {
      const upto = url.searchParams.get('upto');
      for (const [name, text] of MIGRATIONS) {
        if (name > upto) break;
        if (name <= (this.applied ?? '')) continue;
        this.ctx.storage.transactionSync(() => sql.exec(text));
        this.applied = name;
      }
      return Response.json({});
    }
    const { sql: query, args = [] } = await req.json();
    try {
      return Response.json(sql.exec(query, ...args).toArray());
    } catch (e) {
      return Response.json({ error: String(e.message) }, { status: 400 });
    }
  }
}
export default { fetch: (req, env) => env.ROWS.get(env.ROWS.idFromName('store')).fetch(req) };`;

/** A store's storage of its own, disposed when the test `t` ends. */
async function store(t) {
  const mf = new Miniflare({ modules: true, script, cf: false, compatibilityDate: wranglerField('compatibility_date'),
    durableObjects: { ROWS: { className: 'Rows', useSQLite: true } } });
  t.after(() => mf.dispose());
  const base = String(await mf.ready).replace(/\/$/, '');
  // a request meets a connection the local server closed now and then (after a table's rebuild, mostly):
  // sent again once on a new one (a statement that ran twice would fail on its key, not pass)
  const send = (path, body) => fetch(base + path, { method: 'POST', body: JSON.stringify(body ?? {}) });
  const post = async (path, body) => (await send(path, body).catch(() => send(path, body))).json();
  return {
    apply: (upto) => post(`/apply?upto=${upto}`),
    sql: (sql, ...args) => post('/sql', { sql, args }),
  };
}

test('0015 keeps every checkout, order and event, finds a checkout by its cart as before, no longer parses the bodies it is given, and lets an event name its order', eitherBackend, async (t) => {
  const rows = await store(t);
  await rows.apply('0014_webhooks');
  const cart = '5c1fd3b0-7b7e-4f57-9d6c-0d7a1e5b7a01';
  const record = (id, cartId) => JSON.stringify({ id, ...(cartId && { cartId }), lineItems: [{ id: 'l1', quantity: 2 }] });
  for (const [id, cartId, date] of [['c1', cart, '2026-01-01T00:00:00.000Z'], ['c2', null, '2026-01-02T00:00:00.000Z']]) {
    await rows.sql(`INSERT INTO checkouts (app_def_id, id, version, completed, record, created_date, updated_date)
      VALUES ('app', ?, 3, 0, ?, ?, ?)`, id, record(id, cartId), date, date);
  }
  await rows.sql(`INSERT INTO orders (app_def_id, id, checkout_id, checkout_version, number, status, payment_status, buyer_email,
      created_date, body, version, gateway_order_id, pay_by_ms, held, client)
    VALUES ('app', 'o1', 'c1', 3, 10001, 'INITIALIZED', 'NOT_PAID', 'ada@example.com', '2026-01-01T00:00:00.000Z', '{"id":"o1"}', 2,
      'g1', 1767225600000, '{"stock":{"mug":2}}', 'client-1')`);
  await rows.sql(`INSERT INTO events (app_def_id, id, body, created_date, attempts, next_attempt_ms, status)
    VALUES ('app', 'e1', '{"id":"e1","slug":"created"}', '2026-01-01T00:00:00.000Z', 1, 5, 'PENDING')`);
  const before = {
    checkouts: await rows.sql('SELECT * FROM checkouts ORDER BY id'),
    orders: await rows.sql('SELECT * FROM orders'),
    events: await rows.sql('SELECT * FROM events'),
  };

  await rows.apply('0015_smaller_writes');
  // every row as it was, the checkout's cart id now a column of its own
  assert.deepEqual(await rows.sql('SELECT * FROM checkouts ORDER BY id'),
    before.checkouts.map((c) => ({ ...c, cart_id: c.id === 'c1' ? cart : null })));
  assert.deepEqual(await rows.sql('SELECT * FROM orders'), before.orders);
  // an event written before names no order: it keeps its whole entity
  assert.deepEqual(await rows.sql('SELECT * FROM events'), before.events.map((e) => ({ ...e, order_id: null })));
  // the lookup by cart reads the index on the column
  assert.deepEqual(await rows.sql("SELECT id FROM checkouts WHERE app_def_id = 'app' AND cart_id = ?", cart), [{ id: 'c1' }]);
  const plan = await rows.sql("EXPLAIN QUERY PLAN SELECT id FROM checkouts WHERE app_def_id = 'app' AND cart_id = ?", cart);
  assert.match(plan.map((p) => p.detail).join(' '), /checkouts_by_cart/);
  // what each table's indexes were, they still are
  const indexes = await rows.sql("SELECT tbl_name, name FROM sqlite_master WHERE type = 'index' AND tbl_name IN ('checkouts', 'orders', 'events') ORDER BY name");
  assert.deepEqual(indexes.map((i) => i.name), ['checkouts_by_cart', 'checkouts_by_updated', 'events_by_created', 'events_by_status',
    'events_due', 'one_live_order_per_checkout', 'orders_awaiting_payment', 'orders_by_created', 'orders_by_gateway_id',
    'orders_unpaid_by_client', 'sqlite_autoindex_checkouts_1', 'sqlite_autoindex_events_1', 'sqlite_autoindex_orders_1',
    'sqlite_autoindex_orders_2']);
  // the bodies are taken as written; the constraints create-order relies on still refuse
  const tables = await rows.sql("SELECT sql FROM sqlite_master WHERE type = 'table' AND name IN ('checkouts', 'orders', 'events')");
  assert.doesNotMatch(tables.map((t) => t.sql).join('\n'), /json_valid\((record|body)\)/);
  const refused = await rows.sql(`INSERT INTO orders (app_def_id, id, checkout_id, checkout_version, number, status, payment_status,
      created_date, body) VALUES ('app', 'o2', 'c2', 1, 10001, 'APPROVED', 'PAID', 'x', '{}')`);
  assert.match(refused.error, /orders\.app_def_id, orders\.number/);
  const second = await rows.sql(`INSERT INTO orders (app_def_id, id, checkout_id, checkout_version, number, status, payment_status,
      created_date, body) VALUES ('app', 'o3', 'c1', 1, 10002, 'APPROVED', 'PAID', 'x', '{}')`);
  assert.match(second.error, /orders\.app_def_id, orders\.checkout_id/);
  const held = await rows.sql(`UPDATE orders SET held = 'not json' WHERE id = 'o1'`);
  assert.match(held.error, /CHECK constraint failed/);
});

test("0016 gives a store's configuration the id of its write: none for one written before, which is then read every time", eitherBackend, async (t) => {
  const rows = await store(t);
  await rows.apply('0015_smaller_writes');
  await rows.sql(`INSERT INTO stores (app_def_id, config, updated_date) VALUES ('app', '{"currency":"USD"}', '2026-01-01T00:00:00.000Z')`);
  await rows.apply('0016_store_config_id');
  assert.deepEqual(await rows.sql('SELECT * FROM stores'),
    [{ app_def_id: 'app', config: '{"currency":"USD"}', updated_date: '2026-01-01T00:00:00.000Z', config_id: null }]);
});
