-- One store configuration per tenant (appDefId), replaced whole by PUT /admin/v1/store.
CREATE TABLE stores (
  app_def_id   TEXT PRIMARY KEY,
  config       TEXT NOT NULL CHECK (json_valid(config)),
  updated_date TEXT NOT NULL
) STRICT;
