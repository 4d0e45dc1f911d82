-- The directory's index of storefront origins: each origin a store lists in
-- its `allowedOrigins`, and the store. A preflight (which carries no key, so
-- cannot say which store it is for) looks its origin up here in one index
-- probe, instead of reading every store's configuration.
CREATE TABLE store_origins (
  origin     TEXT NOT NULL,
  app_def_id TEXT NOT NULL,
  PRIMARY KEY (origin, app_def_id)
) STRICT, WITHOUT ROWID;

INSERT OR IGNORE INTO store_origins (origin, app_def_id)
  SELECT o.value, stores.app_def_id FROM stores, json_each(stores.config, '$.allowedOrigins') AS o
  WHERE o.type = 'text';
