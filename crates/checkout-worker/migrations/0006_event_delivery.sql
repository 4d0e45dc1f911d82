-- Delivery state of the outbox (docs/api.md, Events). An event is PENDING
-- until its receiver takes it (DELIVERED) or it has failed every attempt
-- (FAILED: dead-lettered, kept for the merchant to look at and redeliver).
-- A run claims an event before sending it by moving `next_attempt_ms` past
-- a lease, in one statement, so overlapping runs never send it twice within
-- the lease; the attempt's outcome is kept for the merchant.
ALTER TABLE events ADD COLUMN status TEXT NOT NULL DEFAULT 'PENDING'
  CHECK (status IN ('PENDING', 'DELIVERED', 'FAILED'));
ALTER TABLE events ADD COLUMN last_attempt_date TEXT;
ALTER TABLE events ADD COLUMN last_http_status INTEGER;
ALTER TABLE events ADD COLUMN last_error TEXT;
UPDATE events SET status = 'DELIVERED' WHERE delivered_date IS NOT NULL;

DROP INDEX events_due;
CREATE INDEX events_due ON events (app_def_id, next_attempt_ms) WHERE status = 'PENDING';
-- the merchant's lists (newest first, by status or all) and the retention job
CREATE INDEX events_by_status ON events (app_def_id, status, created_date, id);
CREATE INDEX events_by_created ON events (app_def_id, created_date, id);
