-- Each store's last order number. Create-order takes the next in one
-- statement (`UPDATE … RETURNING`) once the order may be made, so that
-- concurrent orders never contend for a number; a number taken by an order
-- that then lost a race is left unused, as a sequence's is.
CREATE TABLE order_numbers (
  app_def_id TEXT PRIMARY KEY,
  last       INTEGER NOT NULL
) STRICT;

INSERT INTO order_numbers (app_def_id, last)
  SELECT app_def_id, max(number) FROM orders GROUP BY app_def_id;
