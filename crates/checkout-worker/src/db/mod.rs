//! Storage, one module per concept: the store and its counters (`store`),
//! checkouts (`checkouts`), orders (`orders`), plan orders (`plans`), the
//! outbox (`events`) and idempotency keys (`idempotency`). Every query is
//! scoped by the tenant's `app_def_id`, so another tenant's id finds nothing.
//! The guarantees of create-order are constraints of the schema
//! (`migrations/0002_checkouts_orders.sql`); these modules run the batches
//! and tell which constraint refused one.
//!
//! The same SQL runs on either backend: the shared D1 database, or the
//! store's own Durable Object (`crate::object`), whose SQLite holds only that
//! store's rows under the same schema. Which one a store uses is chosen in
//! `place`; this module is the one place that knows how each runs a
//! statement and a batch (a transaction on both).

mod checkouts;
mod events;
mod idempotency;
mod moving;
mod orders;
mod place;
mod plans;
mod store;
mod webhooks;

pub use checkouts::Stored;
pub use events::{Attempted, Claimed, EventRow};
pub use orders::{OrderRow, Refusal, Search};
pub use place::{home, served_here, Home, ObjectStore, Storage};
pub use plans::{PlanOrderFilter, StoredPlanOrder};
pub use store::{Counter, CounterRefusal, Usage};
pub use webhooks::{Endpoint, Health, Secret};

use crate::error::{ApiError, ApiResult};
use serde::de::DeserializeOwned;
use std::cell::{Cell, RefCell};
use std::rc::Rc;
use worker::js_sys::{Function, Reflect};
use worker::wasm_bindgen::closure::Closure;
use worker::wasm_bindgen::{JsCast, JsValue};
use worker::{D1Database, SqlStorage};

/// Where a store's rows live (chosen in `place`).
#[derive(Clone)]
enum Backend {
    /// The D1 database every store on this backend shares.
    D1(Rc<D1Database>),
    /// The store's own Durable Object: its SQLite, the storage object whose
    /// `transactionSync` makes a batch one transaction, and D1's directory
    /// of stores (the store's configuration, which a preflight reads).
    Object {
        sql: SqlStorage,
        storage: JsValue,
        directory: Rc<D1Database>,
    },
}

/// Whether any tenant's store lists `origin` among its storefront origins
/// (a preflight carries no key, so it cannot say which tenant it is for):
/// one probe of the index of origins in D1's directory of stores, which
/// lists every store's whichever backend holds its other rows.
pub async fn any_store_allows_origin(env: &worker::Env, origin: &str) -> ApiResult<bool> {
    let found: Option<i64> = env
        .d1("DB")?
        .prepare("SELECT 1 AS found FROM store_origins WHERE origin = ?1 LIMIT 1")
        .bind(&[JsValue::from_str(origin)])?
        .first(Some("found"))
        .await?;
    Ok(found.is_some())
}

#[derive(Clone)]
pub struct Db {
    backend: Backend,
    tenant: String,
    effects: Effects,
}

/// What a call's statements did, known from the statements themselves and
/// never guessed from the request's method: whether they changed a row, and
/// whether they put an event in the outbox (to be sent at once). Shared by
/// every `Db` of one call.
#[derive(Clone, Default)]
pub struct Effects(Rc<Noted>);

#[derive(Default)]
struct Noted {
    wrote: Cell<bool>,
    queued: Cell<bool>,
}

impl Effects {
    /// A row was written.
    pub fn wrote(&self) -> bool {
        self.0.wrote.get()
    }

    /// An event was put in the outbox.
    pub fn queued(&self) -> bool {
        self.0.queued.get()
    }
}

/// A statement and its arguments, run on either backend.
#[derive(Clone)]
struct Stmt {
    sql: String,
    args: Vec<JsValue>,
    /// It puts an event in the outbox to be sent now (when it changes a row).
    outbox: bool,
}

impl Stmt {
    pub fn new(sql: &str, args: Vec<JsValue>) -> Stmt {
        Stmt {
            sql: sql.to_owned(),
            args,
            outbox: false,
        }
    }

    /// The same statement, marked as one that puts an event in the outbox to be sent now.
    fn into_outbox(self) -> Stmt {
        Stmt {
            outbox: true,
            ..self
        }
    }
}

/// A statement or batch the database refused, with its text (where a
/// constraint's name is).
#[derive(Debug)]
pub struct Failure(pub String);

impl From<Failure> for ApiError {
    fn from(f: Failure) -> ApiError {
        ApiError::Internal(f.0)
    }
}

pub(crate) fn internal(e: impl std::fmt::Display) -> ApiError {
    ApiError::Internal(e.to_string())
}

fn to_js(n: impl TryInto<i64>) -> JsValue {
    // Counters are below 2^53 (money is at most 10^15 minor units), exact as a JS number.
    JsValue::from_f64(n.try_into().unwrap_or(i64::MAX) as f64)
}

/// A JSON value as a statement's argument: a number, a text, `NULL`; any
/// other JSON as its text.
pub fn js_of(v: &serde_json::Value) -> JsValue {
    match v {
        serde_json::Value::Null => JsValue::NULL,
        serde_json::Value::String(s) => JsValue::from_str(s),
        serde_json::Value::Number(n) => n
            .as_i64()
            .map_or_else(|| JsValue::from_f64(n.as_f64().unwrap_or_default()), to_js),
        other => JsValue::from_str(&other.to_string()),
    }
}

/// The text of a failure, with its cause (where the constraint name is).
fn failure(e: worker::Error) -> Failure {
    Failure(match &e {
        worker::Error::D1(d) => {
            let inner: &worker::js_sys::Error = d.as_ref();
            format!("{} {}", d.cause(), String::from(inner.message()))
        }
        other => other.to_string(),
    })
}

fn js_failure(e: JsValue) -> Failure {
    match e.dyn_ref::<worker::js_sys::Error>() {
        Some(error) => Failure(String::from(error.message())),
        None => Failure(format!("{e:?}")),
    }
}

impl Db {
    fn new(backend: Backend, tenant: &str) -> Db {
        Db {
            backend,
            tenant: tenant.to_owned(),
            effects: Effects::default(),
        }
    }

    /// The same storage, noting what its statements do in `effects`.
    pub fn noting(self, effects: &Effects) -> Db {
        Db {
            effects: effects.clone(),
            ..self
        }
    }

    /// D1's directory of stores, when the store's rows are elsewhere.
    fn directory(&self) -> Option<Db> {
        match &self.backend {
            Backend::D1(_) => None,
            Backend::Object { directory, .. } => {
                Some(Db::new(Backend::D1(directory.clone()), &self.tenant))
            }
        }
    }

    /// A statement with the tenant as `?1` and `args` from `?2` on.
    fn stmt(&self, sql: &str, args: &[JsValue]) -> ApiResult<Stmt> {
        let mut all = vec![JsValue::from_str(&self.tenant)];
        all.extend_from_slice(args);
        Ok(Stmt::new(sql, all))
    }

    /// The rows a statement returns.
    async fn rows<T: DeserializeOwned>(&self, s: Stmt) -> Result<Vec<T>, Failure> {
        match &self.backend {
            Backend::D1(d1) => {
                let run = async {
                    d1.prepare(&s.sql)
                        .bind(&s.args)?
                        .all()
                        .await?
                        .results::<T>()
                };
                run.await.map_err(failure)
            }
            Backend::Object { sql, .. } => sql
                .exec_raw(&s.sql, s.args)
                .and_then(|cursor| cursor.to_array::<T>())
                .map_err(failure),
        }
    }

    /// The first row a statement returns.
    async fn row<T: DeserializeOwned>(&self, s: Stmt) -> Result<Option<T>, Failure> {
        Ok(self.rows(s).await?.into_iter().next())
    }

    /// One column of the first row a statement returns.
    async fn value<T: DeserializeOwned>(&self, s: Stmt, column: &str) -> ApiResult<Option<T>> {
        let row: Option<serde_json::Map<String, serde_json::Value>> = self.row(s).await?;
        match row.and_then(|mut r| r.remove(column)) {
            None | Some(serde_json::Value::Null) => Ok(None),
            Some(v) => Ok(Some(serde_json::from_value(v).map_err(internal)?)),
        }
    }

    /// Runs a statement; how many rows it changed.
    async fn run(&self, s: Stmt) -> ApiResult<usize> {
        Ok(self.batch(vec![s]).await?.pop().unwrap_or(0))
    }

    /// Runs statements as one transaction: all of them or, when one fails,
    /// none; how many rows each changed.
    async fn batch(&self, stmts: Vec<Stmt>) -> Result<Vec<usize>, Failure> {
        let outbox: Vec<bool> = stmts.iter().map(|s| s.outbox).collect();
        let changes = self.batch_of(stmts).await?;
        let noted = &self.effects.0;
        for (_, outbox) in changes.iter().zip(&outbox).filter(|(n, _)| **n > 0) {
            noted.wrote.set(true);
            if *outbox {
                noted.queued.set(true);
            }
        }
        Ok(changes)
    }

    async fn batch_of(&self, stmts: Vec<Stmt>) -> Result<Vec<usize>, Failure> {
        match &self.backend {
            Backend::D1(d1) => {
                let prepared = stmts
                    .iter()
                    .map(|s| d1.prepare(&s.sql).bind(&s.args))
                    .collect::<worker::Result<Vec<_>>>()
                    .map_err(failure)?;
                let results = d1.batch(prepared).await.map_err(failure)?;
                results
                    .iter()
                    .map(|r| Ok(r.meta()?.and_then(|m| m.changes).unwrap_or(0)))
                    .collect::<worker::Result<Vec<usize>>>()
                    .map_err(failure)
            }
            Backend::Object { sql, storage, .. } => object_batch(sql, storage, stmts),
        }
    }
}

/// A write of a request (`INSERT`, `UPDATE`, `REPLACE`) that answers one
/// row for each row it changes: its own `RETURNING`, else `RETURNING 1`
/// added. How many rows it changed is then how many it answers, with no
/// second statement (`changes()`) to ask; None for any other statement. A
/// `DELETE` is asked: the upkeep's can take thousands of rows at once, each
/// a row to answer.
fn counted(sql: &str) -> Option<std::borrow::Cow<'_, str>> {
    let verb = sql.split_whitespace().next()?;
    if !["INSERT", "UPDATE", "REPLACE"]
        .iter()
        .any(|w| verb.eq_ignore_ascii_case(w))
    {
        return None;
    }
    let returns = sql
        .as_bytes()
        .windows(b"RETURNING".len())
        .any(|w| w.eq_ignore_ascii_case(b"RETURNING"));
    Some(if returns {
        sql.into()
    } else {
        format!("{} RETURNING 1", sql.trim_end()).into()
    })
}

/// A batch in a Durable Object: every statement inside one
/// `transactionSync`, which rolls all back when one throws.
fn object_batch(
    sql: &SqlStorage,
    storage: &JsValue,
    stmts: Vec<Stmt>,
) -> Result<Vec<usize>, Failure> {
    let changes = Rc::new(RefCell::new(Vec::with_capacity(stmts.len())));
    let failed: Rc<RefCell<Option<Failure>>> = Rc::new(RefCell::new(None));
    let (out, fail, sql) = (changes.clone(), failed.clone(), sql.clone());
    let body = Closure::once(move || -> Result<JsValue, JsValue> {
        for s in stmts {
            let run = match counted(&s.sql) {
                // a write answers a row per row it changed: one call
                Some(counting) => sql
                    .exec_raw(&counting, s.args)
                    .and_then(|c| c.to_array::<serde_json::Value>())
                    .map(|rows| rows.len()),
                None => sql
                    .exec_raw(&s.sql, s.args)
                    .and_then(|c| c.to_array::<serde_json::Value>())
                    .and_then(|_| sql.exec_raw("SELECT changes() AS n", None))
                    .and_then(|c| c.to_array::<serde_json::Value>())
                    .map(|rows| rows.first().and_then(|r| r["n"].as_u64()).unwrap_or(0) as usize),
            };
            match run {
                Ok(changed) => out.borrow_mut().push(changed),
                Err(e) => {
                    let text = failure(e);
                    *fail.borrow_mut() = Some(text);
                    return Err(JsValue::from_str("the batch failed"));
                }
            }
        }
        Ok(JsValue::UNDEFINED)
    });
    let transaction = Reflect::get(storage, &JsValue::from_str("transactionSync"))
        .and_then(|f| f.dyn_into::<Function>())
        .map_err(js_failure)?;
    let result = transaction.call1(storage, body.as_ref().unchecked_ref());
    drop(body);
    if let Some(f) = failed.borrow_mut().take() {
        return Err(f);
    }
    result.map_err(js_failure)?;
    let out = changes.borrow_mut().split_off(0);
    Ok(out)
}

impl Db {
    /// When the store next has something to do: an event's next attempt
    /// (when it `sends` events: it has a webhook), an unpaid order's
    /// deadline or a plan order's move (epoch ms).
    pub async fn next_due(&self, sends: bool) -> ApiResult<Option<i64>> {
        self.value(
            self.stmt(
                "SELECT min(due) AS due FROM (
                   SELECT min(next_attempt_ms) AS due FROM events WHERE app_def_id = ?1 AND ?2 AND status = 'PENDING'
                   UNION ALL SELECT min(pay_by_ms) FROM orders WHERE app_def_id = ?1 AND status = 'INITIALIZED'
                   UNION ALL SELECT min(next_move_ms) FROM plan_orders WHERE app_def_id = ?1)",
                &[i32::from(sends).into()],
            )?,
            "due",
        )
        .await
    }
}

/// Whether the first statement of a batch changed a row.
fn first_changed(changes: &[usize]) -> bool {
    changes.first() == Some(&1)
}

#[cfg(test)]
mod tests {
    use super::counted;

    /// A write answers a row per row it changes (its own RETURNING kept);
    /// anything else, a DELETE among them, is asked how many it changed.
    #[test]
    fn a_write_counts_its_changes_by_the_rows_it_answers() {
        assert_eq!(
            counted("UPDATE t SET a = 1 WHERE id = ?1\n").as_deref(),
            Some("UPDATE t SET a = 1 WHERE id = ?1 RETURNING 1")
        );
        assert_eq!(
            counted("  insert INTO t (a) VALUES (1) ON CONFLICT DO NOTHING").as_deref(),
            Some("  insert INTO t (a) VALUES (1) ON CONFLICT DO NOTHING RETURNING 1")
        );
        let own = "UPDATE n SET last = last + 1 WHERE app_def_id = ?1 RETURNING last";
        assert_eq!(counted(own).as_deref(), Some(own));
        assert_eq!(counted("SELECT 1"), None);
        assert_eq!(
            counted("DELETE FROM checkouts WHERE updated_date < ?2"),
            None
        );
        assert_eq!(counted("WITH x AS (SELECT 1) DELETE FROM t"), None);
    }
}
