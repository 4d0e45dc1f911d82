-- Plan orders (api.md, Plan orders). `record` is the whole order as the core
-- keeps it; the other columns are what queries filter on. `status` is the
-- status as of the last write: reads compute the status at the time of the
-- read, and the scheduled handler (and every list) persists the clock's moves,
-- found through `next_move_ms` (when the clock next moves the order).
-- One buyer's orders of a plan are counted when an order is created (the
-- free trial is for the first, `maxPurchasesPerBuyer` caps them); the insert
-- is guarded by that count, so two concurrent purchases cannot both be first.
CREATE TABLE plan_orders (
  app_def_id     TEXT NOT NULL,
  id             TEXT NOT NULL,
  plan_id        TEXT NOT NULL,
  buyer_id       TEXT NOT NULL,
  version        INTEGER NOT NULL,
  status         TEXT NOT NULL,
  payment_status TEXT NOT NULL,
  next_move_ms   INTEGER,
  created_date   TEXT NOT NULL,
  record         TEXT NOT NULL CHECK (json_valid(record)),
  PRIMARY KEY (app_def_id, id)
) STRICT;

CREATE INDEX plan_orders_by_buyer ON plan_orders (app_def_id, buyer_id, plan_id);
CREATE INDEX plan_orders_by_created ON plan_orders (app_def_id, created_date, id);
CREATE INDEX plan_orders_due ON plan_orders (next_move_ms) WHERE next_move_ms IS NOT NULL;
