-- An order's payment lifecycle (docs/api.md, Payment). An order with money
-- due is INITIALIZED and holds what it took (`held`: the stock, the gift card
-- amount, the coupon use) until it is paid or `pay_by_ms` passes; canceled,
-- all of it is given back once, by the batch that cancels it. A change is
-- written over the `version` it read; `change_token` lets the other
-- statements of its batch run only when the first one did.
--
-- One live order per checkout: a canceled order's checkout may be ordered
-- again, so the constraint becomes a partial unique index, and the table is
-- rebuilt to drop the old one (SQLite cannot drop a constraint).
CREATE TABLE orders_paid (
  app_def_id       TEXT NOT NULL,
  id               TEXT NOT NULL,
  checkout_id      TEXT NOT NULL,
  checkout_version INTEGER NOT NULL,
  number           INTEGER NOT NULL,
  status           TEXT NOT NULL,
  payment_status   TEXT NOT NULL,
  buyer_email      TEXT,
  created_date     TEXT NOT NULL,
  body             TEXT NOT NULL CHECK (json_valid(body)),
  version          INTEGER NOT NULL DEFAULT 1,
  change_token     TEXT,
  gateway_order_id TEXT,
  pay_by_ms        INTEGER,
  held             TEXT CHECK (held IS NULL OR json_valid(held)),
  PRIMARY KEY (app_def_id, id),
  CONSTRAINT order_number_unique UNIQUE (app_def_id, number)
) STRICT;

INSERT INTO orders_paid (app_def_id, id, checkout_id, checkout_version, number, status, payment_status,
                         buyer_email, created_date, body, gateway_order_id)
SELECT app_def_id, id, checkout_id, checkout_version, number, status, payment_status,
       buyer_email, created_date, body, json_extract(body, '$.paymentGatewayOrderId')
FROM orders;

DROP TABLE orders;
ALTER TABLE orders_paid RENAME TO orders;

CREATE UNIQUE INDEX one_live_order_per_checkout ON orders (app_def_id, checkout_id) WHERE status != 'CANCELED';
CREATE INDEX orders_by_created ON orders (app_def_id, created_date, id);
CREATE UNIQUE INDEX orders_by_gateway_id ON orders (app_def_id, gateway_order_id) WHERE gateway_order_id IS NOT NULL;
CREATE INDEX orders_awaiting_payment ON orders (app_def_id, pay_by_ms) WHERE status = 'INITIALIZED';
