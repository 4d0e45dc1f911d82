-- The id of a store configuration's write (a random UUID, new at every
-- PUT /admin/v1/store): a worker keeps the configuration it read, parsed,
-- and reads it again only when the store's id is another (the read
-- compares them in SQL, so an unchanged configuration, up to 256 KB of
-- JSON, is neither sent nor parsed again). None for a configuration
-- written before: read every time until its next write.
ALTER TABLE stores ADD COLUMN config_id TEXT;
