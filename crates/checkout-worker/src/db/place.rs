//! Where a store's rows live, chosen here and nowhere else: on the D1
//! database every such store shares, or in the store's own SQLite-backed
//! Durable Object (`crate::object`), under the same schema (the same
//! migrations, applied in the object's constructor), so every query of this
//! module runs unchanged on either. Outside `db/`, code knows only whether a
//! store is served here ([`Home::Here`], its [`Db`]) or in its object, which
//! the call is forwarded to ([`Home::Object`]).

use super::moving::Progress;
use super::{object_batch, Backend, Db, Failure, Stmt};
use crate::error::{ApiError, ApiResult};
use crate::tenants::Tenant;
use serde::Deserialize;
use std::rc::Rc;
use worker::wasm_bindgen::JsValue;
use worker::{Env, SqlStorage, State, Stub};

/// The binding of the objects' namespace in `wrangler.toml`.
const BINDING: &str = "STORES";

/// Where a tenant's store keeps its rows, as a tenant's own `storage` (in
/// `TENANTS`) or the worker's `STORAGE` variable names it.
#[derive(Clone, Copy, Debug, Deserialize, PartialEq, Eq)]
#[serde(rename_all = "lowercase")]
pub enum Storage {
    /// The D1 database every such store shares.
    D1,
    /// The store's own Durable Object.
    Objects,
    /// On its way from D1 to its object: every call is answered 503 until
    /// the move is done.
    Moving,
}

/// Where a call for a store is served.
pub enum Home {
    /// Here, in the worker: the store's rows.
    Here(Db),
    /// In the store's own object, which the call is forwarded to.
    Object(Stub),
    /// Nowhere until its move is done (`503 STORE_MOVING`).
    Moving,
}

/// Where `tenant`'s store is served: its own `storage`, else the worker's
/// `STORAGE` variable (`d1` unless it says `objects`).
pub fn home(env: &Env, tenant: &Tenant) -> ApiResult<Home> {
    let storage = tenant.storage.unwrap_or_else(|| match env.var("STORAGE") {
        Ok(v) if v.to_string() == "objects" => Storage::Objects,
        _ => Storage::D1,
    });
    Ok(match storage {
        Storage::D1 => Home::Here(Db::new(d1(env)?, &tenant.app_def_id)),
        Storage::Objects => Home::Object(
            env.durable_object(BINDING)?
                .id_from_name(&tenant.app_def_id)?
                .get_stub()?,
        ),
        Storage::Moving => Home::Moving,
    })
}

/// The stores served here, which the worker's cron trigger looks after (a
/// store in its own object keeps its own time with its alarm).
pub fn served_here<'t>(env: &Env, tenants: &'t [Tenant]) -> ApiResult<Vec<(&'t Tenant, Db)>> {
    let mut here = Vec::new();
    for tenant in tenants {
        if let Home::Here(db) = home(env, tenant)? {
            here.push((tenant, db));
        }
    }
    Ok(here)
}

/// The shared D1 database.
fn d1(env: &Env) -> ApiResult<Backend> {
    Ok(Backend::D1(Rc::new(env.d1("DB")?)))
}

/// The schema, as D1 has it: every migration, in order.
const MIGRATIONS: [(&str, &str); 16] = [
    (
        "0001_stores",
        include_str!("../../migrations/0001_stores.sql"),
    ),
    (
        "0002_checkouts_orders",
        include_str!("../../migrations/0002_checkouts_orders.sql"),
    ),
    (
        "0003_events",
        include_str!("../../migrations/0003_events.sql"),
    ),
    (
        "0004_plan_orders",
        include_str!("../../migrations/0004_plan_orders.sql"),
    ),
    (
        "0005_checkout_retention",
        include_str!("../../migrations/0005_checkout_retention.sql"),
    ),
    (
        "0006_event_delivery",
        include_str!("../../migrations/0006_event_delivery.sql"),
    ),
    (
        "0007_order_payment",
        include_str!("../../migrations/0007_order_payment.sql"),
    ),
    (
        "0008_idempotency_keys",
        include_str!("../../migrations/0008_idempotency_keys.sql"),
    ),
    (
        "0009_checkouts_by_cart",
        include_str!("../../migrations/0009_checkouts_by_cart.sql"),
    ),
    (
        "0010_store_origins",
        include_str!("../../migrations/0010_store_origins.sql"),
    ),
    (
        "0011_order_client",
        include_str!("../../migrations/0011_order_client.sql"),
    ),
    (
        "0012_order_numbers",
        include_str!("../../migrations/0012_order_numbers.sql"),
    ),
    (
        "0013_store_bytes",
        include_str!("../../migrations/0013_store_bytes.sql"),
    ),
    (
        "0014_webhooks",
        include_str!("../../migrations/0014_webhooks.sql"),
    ),
    (
        "0015_smaller_writes",
        include_str!("../../migrations/0015_smaller_writes.sql"),
    ),
    (
        "0016_store_config_id",
        include_str!("../../migrations/0016_store_config_id.sql"),
    ),
];

/// A store's own SQLite, in its Durable Object: the store's rows under the
/// D1 schema, and the object's `object_meta` (the tenant it serves, how far
/// the copy of its rows from D1 has come).
#[derive(Clone)]
pub struct ObjectStore {
    sql: SqlStorage,
    /// The storage object, whose `transactionSync` makes a batch one transaction.
    storage: JsValue,
}

impl ObjectStore {
    /// The object's SQLite, with every migration it lacked applied (each in
    /// its own transaction); their failure, which answers every call.
    pub fn open(state: &State) -> (ObjectStore, Result<(), String>) {
        let storage = state.storage();
        let here = ObjectStore {
            sql: storage.sql(),
            storage: AsRef::<JsValue>::as_ref(storage.as_raw()).clone(),
        };
        let migrated = here.migrate();
        (here, migrated)
    }

    /// The store's rows, for `tenant`; its configuration is also written
    /// to D1's directory of stores, which a preflight reads.
    pub fn db(&self, env: &Env, tenant: &str) -> ApiResult<Db> {
        let backend = Backend::Object {
            sql: self.sql.clone(),
            storage: self.storage.clone(),
            directory: Rc::new(env.d1("DB")?),
        };
        Ok(Db::new(backend, tenant))
    }

    fn batch(&self, stmts: Vec<Stmt>) -> Result<Vec<usize>, Failure> {
        object_batch(&self.sql, &self.storage, stmts)
    }

    /// The rows of a statement run as it is (the tests' hook that ages rows).
    pub fn query(&self, sql: &str, args: Vec<JsValue>) -> ApiResult<Vec<serde_json::Value>> {
        Ok(self.sql.exec_raw(sql, args).and_then(|c| c.to_array())?)
    }

    /// A value of the object's own `object_meta`.
    fn meta(&self, key: &str) -> ApiResult<Option<String>> {
        let rows = self.query(
            "SELECT value FROM object_meta WHERE key = ?1",
            vec![key.into()],
        )?;
        Ok(rows
            .first()
            .and_then(|r| r["value"].as_str())
            .map(String::from))
    }

    fn put_meta(key: &str, value: String) -> Stmt {
        Stmt::new(
            "INSERT INTO object_meta (key, value) VALUES (?1, ?2)
             ON CONFLICT (key) DO UPDATE SET value = excluded.value",
            vec![key.into(), value.into()],
        )
    }

    /// The tenant this object serves, once it has served one.
    pub fn tenant(&self) -> ApiResult<Option<String>> {
        self.meta("tenant")
    }

    /// Records the tenant and copies its store's rows on D1 here until the
    /// copy is done (a store moved from D1; a new store has none): at most
    /// about `slice` rows per call, each page one transaction with the mark
    /// of how far it came. Whether the copy is done.
    pub async fn take_in(&self, env: &Env, tenant: &str, slice: usize) -> ApiResult<bool> {
        if self.meta("moved")?.is_some() {
            return Ok(true);
        }
        self.batch(vec![Self::put_meta("tenant", tenant.to_owned())])?;
        let at = self
            .meta("moving_at")?
            .and_then(|t| Progress::parse(&t))
            .unwrap_or_default();
        let (here, d1) = (self.db(env, tenant)?, Db::new(d1(env)?, tenant));
        let left = here
            .copy_rows_from(&d1, at, slice, |p| Self::put_meta("moving_at", p.to_text()))
            .await?;
        if left.is_some() {
            return Ok(false);
        }
        let mut done = vec![Self::put_meta("moved", "1".into())];
        // verified: D1, no longer written, and the copy hold as many rows of each table
        if here.row_counts().await? == d1.row_counts().await? {
            done.push(Self::put_meta("d1_rows", "delete".into()));
        } else {
            crate::log::failure(
                "moving",
                &ApiError::Internal(format!(
                    "store {tenant}: the copy's rows differ from D1's; D1's are kept"
                )),
            );
        }
        self.batch(done)?;
        Ok(true)
    }

    /// Deletes a page of the store's rows left on D1 after its move was
    /// verified; whether some may be left.
    pub async fn delete_rows_left_on_d1(&self, env: &Env, tenant: &str) -> ApiResult<bool> {
        if self.meta("d1_rows")?.is_none() {
            return Ok(false);
        }
        if Db::new(d1(env)?, tenant).delete_moved_rows().await? {
            return Ok(true);
        }
        self.batch(vec![Stmt::new(
            "DELETE FROM object_meta WHERE key = 'd1_rows'",
            Vec::new(),
        )])?;
        Ok(false)
    }

    fn migrate(&self) -> Result<(), String> {
        let meta = "CREATE TABLE IF NOT EXISTS object_meta (key TEXT PRIMARY KEY, value TEXT NOT NULL) STRICT;
            CREATE TABLE IF NOT EXISTS object_migrations (name TEXT PRIMARY KEY) STRICT";
        self.batch(vec![Stmt::new(meta, Vec::new())])
            .map_err(|f| f.0)?;
        let applied = self
            .query("SELECT name FROM object_migrations", Vec::new())
            .map_err(|e| format!("{e:?}"))?;
        for (name, text) in MIGRATIONS {
            if applied.iter().any(|r| r["name"] == name) {
                continue;
            }
            self.batch(vec![
                Stmt::new(text, Vec::new()),
                Stmt::new(
                    "INSERT INTO object_migrations (name) VALUES (?1)",
                    vec![name.into()],
                ),
            ])
            .map_err(|f| format!("migration {name}: {}", f.0))?;
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    /// An object applies every migration D1 has, in the same order.
    #[test]
    fn objects_apply_every_migration() {
        let dir = concat!(env!("CARGO_MANIFEST_DIR"), "/migrations");
        let mut files: Vec<String> = std::fs::read_dir(dir)
            .expect("the migrations folder")
            .filter_map(|e| e.ok()?.file_name().into_string().ok())
            .filter_map(|name| name.strip_suffix(".sql").map(String::from))
            .collect();
        files.sort();
        let applied: Vec<&str> = super::MIGRATIONS.iter().map(|(name, _)| *name).collect();
        assert_eq!(applied, files);
    }
}
