-- Each store's stored bytes (the JSON of its checkouts, orders, plan
-- orders, events and stored answers) as last measured, by the store's
-- upkeep at most every ten minutes and by GET /admin/v1/store/usage: a
-- storefront call that would store more is refused past the tenant's budget
-- (`quotaBytes`) in one read.
CREATE TABLE store_bytes (
  app_def_id  TEXT PRIMARY KEY,
  bytes       INTEGER NOT NULL,
  measured_ms INTEGER NOT NULL
) STRICT;
