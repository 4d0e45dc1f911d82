-- A checkout made from a cart is found by the cart's id (Wix's
-- getCheckoutByCartId): an index on the record's `cartId`.
CREATE INDEX checkouts_by_cart ON checkouts (app_def_id, json_extract(record, '$.cartId'))
  WHERE json_extract(record, '$.cartId') IS NOT NULL;
