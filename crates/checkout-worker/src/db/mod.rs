//! Storage on D1, one module per concept: the store and its counters
//! (`store`), checkouts (`checkouts`), orders (`orders`), plan orders
//! (`plans`) and the outbox (`events`). Every query is scoped by the tenant's
//! `app_def_id`, so another tenant's id finds nothing. The guarantees of
//! create-order are constraints of the schema
//! (`migrations/0002_checkouts_orders.sql`); these modules run the batches
//! and tell which constraint refused one.

mod checkouts;
mod events;
mod idempotency;
mod orders;
mod plans;
mod store;

pub use checkouts::Stored;
pub use events::{Attempted, EventRow};
pub use orders::{OrderOf, OrderRow, Refusal, Search};
pub use plans::{PlanOrderFilter, StoredPlanOrder};
pub use store::{Counter, CounterRefusal};

use crate::error::{ApiError, ApiResult};
use worker::wasm_bindgen::JsValue;

/// Whether any tenant's store lists `origin` among its storefront origins
/// (a preflight carries no key, so it cannot say which tenant it is for).
pub async fn any_store_allows_origin(d1: &D1Database, origin: &str) -> ApiResult<bool> {
    let found: Option<i64> = d1
        .prepare(
            "SELECT 1 AS found FROM stores, json_each(stores.config, '$.allowedOrigins') AS o
             WHERE o.value = ?1 LIMIT 1",
        )
        .bind(&[JsValue::from_str(origin)])?
        .first(Some("found"))
        .await?;
    Ok(found.is_some())
}
use worker::{D1Database, D1PreparedStatement};

pub struct Db {
    d1: D1Database,
    tenant: String,
}

pub(crate) fn internal(e: impl std::fmt::Display) -> ApiError {
    ApiError::Internal(e.to_string())
}

fn to_js(n: impl TryInto<i64>) -> JsValue {
    // Counters are below 2^53 (money is at most 10^15 minor units), exact as a JS number.
    JsValue::from_f64(n.try_into().unwrap_or(i64::MAX) as f64)
}

/// The text of a D1 failure, with its cause (where the constraint name is).
fn failure_text(e: &worker::Error) -> String {
    match e {
        worker::Error::D1(d) => {
            let inner: &worker::js_sys::Error = d.as_ref();
            format!("{} {}", d.cause(), String::from(inner.message()))
        }
        other => other.to_string(),
    }
}

impl Db {
    pub fn new(d1: D1Database, tenant: &str) -> Db {
        Db {
            d1,
            tenant: tenant.to_owned(),
        }
    }

    /// A statement with the tenant as `?1` and `args` from `?2` on.
    fn stmt(&self, sql: &str, args: &[JsValue]) -> ApiResult<D1PreparedStatement> {
        let mut all = vec![JsValue::from_str(&self.tenant)];
        all.extend_from_slice(args);
        Ok(self.d1.prepare(sql).bind(&all)?)
    }
}

/// Whether the first statement of a batch changed a row.
fn first_changed(results: &[worker::D1Result]) -> ApiResult<bool> {
    let changed = results
        .first()
        .map(|r| r.meta())
        .transpose()?
        .flatten()
        .and_then(|m| m.changes)
        .unwrap_or(0);
    Ok(changed == 1)
}
