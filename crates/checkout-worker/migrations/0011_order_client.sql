-- The client a storefront page placed an order from (its address as
-- Cloudflare gives it, an IPv6 one by its /64; none for the merchant's own
-- calls): a store bounds the live unpaid orders one client holds
-- (`unpaidOrdersPerClient`), counted through this index.
ALTER TABLE orders ADD COLUMN client TEXT;

CREATE INDEX orders_unpaid_by_client ON orders (app_def_id, client, pay_by_ms)
  WHERE status = 'INITIALIZED' AND client IS NOT NULL;
