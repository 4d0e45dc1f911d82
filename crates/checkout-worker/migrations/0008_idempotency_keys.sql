-- Idempotency keys (docs/api.md, Idempotency), as Stripe defines them: the
-- first request with a key claims it (status NULL while it runs) and stores
-- its answer; a later request with the key and the same method, path and
-- body gets that answer again, with another body it is refused. Keys are
-- kept 24 hours; a claim whose request never stored an answer is taken over
-- after a minute.
CREATE TABLE idempotency_keys (
  app_def_id  TEXT NOT NULL,
  key         TEXT NOT NULL,
  fingerprint TEXT NOT NULL,
  created_ms  INTEGER NOT NULL,
  status      INTEGER,
  response    TEXT,
  PRIMARY KEY (app_def_id, key)
) STRICT;

CREATE INDEX idempotency_keys_by_created ON idempotency_keys (app_def_id, created_ms);
