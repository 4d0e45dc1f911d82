-- Checkouts, orders and the counters orders change. Every guarantee of
-- create-order is a constraint here, so that the one D1 batch that creates an
-- order is refused whole when any of them would break:
--   one order per checkout         UNIQUE (app_def_id, checkout_id)
--   the order of what was priced   orders.checkout_version NOT NULL (the insert
--                                  reads it from a checkout row with the version
--                                  and still open; none such gives NULL)
--   stock never below zero         CHECK (stock >= 0)
--   gift card never below zero     CHECK (balance_minor >= 0)
--   coupon uses within the limit   CHECK (usage_limit IS NULL OR uses <= usage_limit)

CREATE TABLE checkouts (
  app_def_id   TEXT NOT NULL,
  id           TEXT NOT NULL,
  -- raised by every change; a change writes only over the version it read
  version      INTEGER NOT NULL,
  completed    INTEGER NOT NULL DEFAULT 0 CHECK (completed IN (0, 1)),
  record       TEXT NOT NULL CHECK (json_valid(record)),
  created_date TEXT NOT NULL,
  updated_date TEXT NOT NULL,
  PRIMARY KEY (app_def_id, id)
) STRICT;

CREATE TABLE orders (
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
  PRIMARY KEY (app_def_id, id),
  CONSTRAINT one_order_per_checkout UNIQUE (app_def_id, checkout_id),
  CONSTRAINT order_number_unique UNIQUE (app_def_id, number)
) STRICT;

CREATE INDEX orders_by_created ON orders (app_def_id, created_date, id);

CREATE TABLE stock (
  app_def_id TEXT NOT NULL,
  item_id    TEXT NOT NULL,
  stock      INTEGER NOT NULL,
  PRIMARY KEY (app_def_id, item_id),
  CONSTRAINT stock_never_negative CHECK (stock >= 0)
) STRICT;

CREATE TABLE gift_card_balances (
  app_def_id    TEXT NOT NULL,
  code          TEXT NOT NULL,
  balance_minor INTEGER NOT NULL,
  PRIMARY KEY (app_def_id, code),
  CONSTRAINT gift_card_never_negative CHECK (balance_minor >= 0)
) STRICT;

CREATE TABLE coupon_uses (
  app_def_id  TEXT NOT NULL,
  code        TEXT NOT NULL,
  uses        INTEGER NOT NULL DEFAULT 0,
  usage_limit INTEGER,
  PRIMARY KEY (app_def_id, code),
  CONSTRAINT coupon_uses_within_limit CHECK (usage_limit IS NULL OR uses <= usage_limit)
) STRICT;
