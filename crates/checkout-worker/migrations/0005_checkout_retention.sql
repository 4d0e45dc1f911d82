-- Checkouts idle longer than their store keeps them are deleted by the
-- scheduled handler, per tenant, by their last change.
CREATE INDEX checkouts_by_updated ON checkouts (app_def_id, updated_date);
