-- Standard Webhooks and endpoint health (docs/api.md, Events).
--
-- A store's webhook endpoint, its live state beside the URL its
-- configuration names: ENABLED, or DISABLED (a receiver answered 410 Gone,
-- or the merchant said so); the event types it takes (a JSON list; all
-- when NULL); when its URL was set, its last success, and since when it
-- fails. A store without a webhook URL has no row, and its
-- events are kept, not sent.
CREATE TABLE webhook_endpoints (
  app_def_id        TEXT PRIMARY KEY,
  url               TEXT NOT NULL,
  state             TEXT NOT NULL DEFAULT 'ENABLED' CHECK (state IN ('ENABLED', 'DISABLED')),
  events            TEXT CHECK (events IS NULL OR json_valid(events)),
  since_date        TEXT NOT NULL,
  last_success_date TEXT,
  failing_since     TEXT
) STRICT;

INSERT INTO webhook_endpoints (app_def_id, url, since_date)
  SELECT app_def_id, json_extract(config, '$.webhooks.url'), updated_date FROM stores
  WHERE json_type(config, '$.webhooks.url') = 'text';

-- The store's Standard Webhooks secrets (`whsec_…`), newest last: every one
-- signs until the older are retired.
CREATE TABLE webhook_secrets (
  app_def_id   TEXT NOT NULL,
  secret       TEXT NOT NULL,
  created_date TEXT NOT NULL,
  PRIMARY KEY (app_def_id, secret)
) STRICT;

-- An event is SKIPPED when it is kept but not sent: made while the store
-- had no webhook URL, or of a type its endpoint does not take (recover
-- sends such events on request). SQLite changes a CHECK only by rebuilding
-- the table.
CREATE TABLE events_new (
  app_def_id        TEXT NOT NULL,
  id                TEXT NOT NULL,
  body              TEXT NOT NULL CHECK (json_valid(body)),
  created_date      TEXT NOT NULL,
  attempts          INTEGER NOT NULL DEFAULT 0,
  next_attempt_ms   INTEGER NOT NULL,
  delivered_date    TEXT,
  status            TEXT NOT NULL DEFAULT 'PENDING' CHECK (status IN ('PENDING', 'DELIVERED', 'FAILED', 'SKIPPED')),
  last_attempt_date TEXT,
  last_http_status  INTEGER,
  last_error        TEXT,
  PRIMARY KEY (app_def_id, id)
) STRICT;
INSERT INTO events_new (app_def_id, id, body, created_date, attempts, next_attempt_ms, delivered_date, status,
                        last_attempt_date, last_http_status, last_error)
  SELECT app_def_id, id, body, created_date, attempts, next_attempt_ms, delivered_date, status,
         last_attempt_date, last_http_status, last_error FROM events;
DROP TABLE events;
ALTER TABLE events_new RENAME TO events;
CREATE INDEX events_due ON events (app_def_id, next_attempt_ms) WHERE status = 'PENDING';
CREATE INDEX events_by_status ON events (app_def_id, status, created_date, id);
CREATE INDEX events_by_created ON events (app_def_id, created_date, id);
