//! The handlers, one module per resource; the route table (`routes.rs`)
//! names each route's. Each handler reads its typed request from the
//! [`Call`](crate::request::Call), runs the core's rule and answers JSON.

pub mod checkouts;
pub mod events;
pub mod orders;
pub mod payments;
pub mod plans;
pub mod sessions;
pub mod store;
pub mod webhooks;

use crate::db::Db;
use crate::error::ApiResult;
use checkout_core::time::Timestamp;

/// A store's upkeep, on either backend: what moves with the clock (plan
/// orders, unpaid orders past their deadline canceled), then, with
/// `cleanup`, idle checkouts, old events and old idempotency keys deleted,
/// and the store's bytes measured (at most every ten minutes).
pub async fn upkeep(db: &Db, now: Timestamp, cleanup: bool) -> ApiResult<()> {
    plans::advance(db, now).await?;
    payments::expire_unpaid(db, now).await?;
    if cleanup {
        checkouts::forget_idle(db, now).await?;
        events::forget_old(db, now).await?;
        db.delete_old_idempotency_keys(crate::idempotency::cutoff(now))
            .await?;
        store::measure_now_and_then(db, now).await?;
    }
    Ok(())
}
