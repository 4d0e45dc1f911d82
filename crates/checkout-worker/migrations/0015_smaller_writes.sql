-- The JSON a store keeps (a checkout's record, an order's body, an
-- event's) is written only by the core's serializer and read back only by
-- it, so SQLite no longer parses it again on every write: `CHECK
-- (json_valid(…))` parsed every byte of it (an order of 300 lines is
-- 240 KB: some 1 ms of a store's CPU per order), and the index of
-- checkouts by cart parsed the whole record on every change to find its
-- `cartId`, which is now a column of its own (set when the checkout is
-- created; the cart id never changes after). SQLite drops a CHECK only by
-- rebuilding the table. The constraints that carry create-order's
-- guarantees (migrations 0002, 0007) are kept as they were.
--
-- An event of an order no longer carries a second copy of the order: its
-- body keeps the order's id and the fields an order changes after it is
-- made, as they were, and `order_id` names the order whose stored body
-- gives the rest when the event is sent or shown (`events::complete` in
-- the core). Events written before keep their whole entity (no `order_id`).
CREATE TABLE checkouts_new (
  app_def_id   TEXT NOT NULL,
  id           TEXT NOT NULL,
  -- raised by every change; a change writes only over the version it read
  version      INTEGER NOT NULL,
  completed    INTEGER NOT NULL DEFAULT 0 CHECK (completed IN (0, 1)),
  record       TEXT NOT NULL,
  created_date TEXT NOT NULL,
  updated_date TEXT NOT NULL,
  cart_id      TEXT,
  PRIMARY KEY (app_def_id, id)
) STRICT;
INSERT INTO checkouts_new (app_def_id, id, version, completed, record, created_date, updated_date, cart_id)
  SELECT app_def_id, id, version, completed, record, created_date, updated_date, json_extract(record, '$.cartId')
  FROM checkouts;
DROP TABLE checkouts;
ALTER TABLE checkouts_new RENAME TO checkouts;
CREATE INDEX checkouts_by_updated ON checkouts (app_def_id, updated_date);
CREATE INDEX checkouts_by_cart ON checkouts (app_def_id, cart_id) WHERE cart_id IS NOT NULL;

CREATE TABLE orders_new (
  app_def_id       TEXT NOT NULL,
  id               TEXT NOT NULL,
  checkout_id      TEXT NOT NULL,
  checkout_version INTEGER NOT NULL,
  number           INTEGER NOT NULL,
  status           TEXT NOT NULL,
  payment_status   TEXT NOT NULL,
  buyer_email      TEXT,
  created_date     TEXT NOT NULL,
  body             TEXT NOT NULL,
  version          INTEGER NOT NULL DEFAULT 1,
  change_token     TEXT,
  gateway_order_id TEXT,
  pay_by_ms        INTEGER,
  held             TEXT CHECK (held IS NULL OR json_valid(held)),
  client           TEXT,
  PRIMARY KEY (app_def_id, id),
  CONSTRAINT order_number_unique UNIQUE (app_def_id, number)
) STRICT;
INSERT INTO orders_new (app_def_id, id, checkout_id, checkout_version, number, status, payment_status, buyer_email,
                        created_date, body, version, change_token, gateway_order_id, pay_by_ms, held, client)
  SELECT app_def_id, id, checkout_id, checkout_version, number, status, payment_status, buyer_email,
         created_date, body, version, change_token, gateway_order_id, pay_by_ms, held, client FROM orders;
DROP TABLE orders;
ALTER TABLE orders_new RENAME TO orders;
CREATE UNIQUE INDEX one_live_order_per_checkout ON orders (app_def_id, checkout_id) WHERE status != 'CANCELED';
CREATE INDEX orders_by_created ON orders (app_def_id, created_date, id);
CREATE UNIQUE INDEX orders_by_gateway_id ON orders (app_def_id, gateway_order_id) WHERE gateway_order_id IS NOT NULL;
CREATE INDEX orders_awaiting_payment ON orders (app_def_id, pay_by_ms) WHERE status = 'INITIALIZED';
CREATE INDEX orders_unpaid_by_client ON orders (app_def_id, client, pay_by_ms)
  WHERE status = 'INITIALIZED' AND client IS NOT NULL;

CREATE TABLE events_new (
  app_def_id        TEXT NOT NULL,
  id                TEXT NOT NULL,
  body              TEXT NOT NULL,
  created_date      TEXT NOT NULL,
  attempts          INTEGER NOT NULL DEFAULT 0,
  next_attempt_ms   INTEGER NOT NULL,
  delivered_date    TEXT,
  status            TEXT NOT NULL DEFAULT 'PENDING' CHECK (status IN ('PENDING', 'DELIVERED', 'FAILED', 'SKIPPED')),
  last_attempt_date TEXT,
  last_http_status  INTEGER,
  last_error        TEXT,
  order_id          TEXT,
  PRIMARY KEY (app_def_id, id)
) STRICT;
INSERT INTO events_new (app_def_id, id, body, created_date, attempts, next_attempt_ms, delivered_date, status,
                        last_attempt_date, last_http_status, last_error)
  SELECT app_def_id, id, body, created_date, attempts, next_attempt_ms, delivered_date, status,
         last_attempt_date, last_http_status, last_error FROM events;
DROP TABLE events;
ALTER TABLE events_new RENAME TO events;
CREATE INDEX events_due ON events (app_def_id, next_attempt_ms) WHERE status = 'PENDING';
CREATE INDEX events_by_status ON events (app_def_id, status, created_date, id);
CREATE INDEX events_by_created ON events (app_def_id, created_date, id);
