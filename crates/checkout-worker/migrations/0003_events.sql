-- The outbox of events: written in the same D1 batch as the change that causes
-- it, delivered to the tenant's webhook URL by the scheduled handler, retried
-- with backoff until the receiver answers 2xx (at least once; receivers drop
-- duplicates by id).
CREATE TABLE events (
  app_def_id      TEXT NOT NULL,
  id              TEXT NOT NULL,
  body            TEXT NOT NULL CHECK (json_valid(body)),
  created_date    TEXT NOT NULL,
  attempts        INTEGER NOT NULL DEFAULT 0,
  next_attempt_ms INTEGER NOT NULL,
  delivered_date  TEXT,
  PRIMARY KEY (app_def_id, id)
) STRICT;

CREATE INDEX events_due ON events (next_attempt_ms) WHERE delivered_date IS NULL;
