//! The store configuration (`docs/api.md`, Store configuration): read with its live
//! counters, replaced whole (the counters it already has kept); a live
//! counter changed on its own.

use crate::db::{Counter, CounterRefusal, Db};
use crate::delivery;
use crate::error::{ApiError, ApiResult};
use crate::request::Call;
use checkout_core::counters::{self, Unit};
use checkout_core::store::{Counters, Store, StoreConfig};
use checkout_core::time::Timestamp;
use checkout_core::web::webhook_url_allowed;
use serde_json::{json, Value};

pub async fn get(call: &Call<'_>) -> ApiResult<Value> {
    let store = call
        .db()?
        .store()
        .await?
        .ok_or(ApiError::NotFound("store configuration"))?;
    Ok(json!({ "store": store.config_with_counters() }))
}

/// `GET /admin/v1/store/usage`: the store's rows and their bytes by kind
/// (with the bytes' total), and its tenant's storage budget.
pub async fn usage(call: &Call<'_>) -> ApiResult<Value> {
    let kinds = call.db()?.measure_usage(call.now).await?;
    let by = |f: fn(&crate::db::Usage) -> u64| -> serde_json::Map<String, Value> {
        kinds
            .iter()
            .map(|k| (k.kind.clone(), f(k).into()))
            .collect()
    };
    let mut bytes = by(|k| k.bytes);
    let total: u64 = kinds.iter().map(|k| k.bytes).sum();
    bytes.insert("total".into(), total.into());
    Ok(
        json!({ "rows": by(|k| k.rows), "bytes": bytes, "quotaBytes": call.tenant()?.quota_bytes() }),
    )
}

/// How often the upkeep measures a store's bytes (a sum over its rows).
const MEASURE_EVERY_MS: i64 = 10 * 60 * 1000;

/// The store's bytes measured, unless they were in the last ten minutes.
pub async fn measure_now_and_then(db: &Db, now: Timestamp) -> ApiResult<()> {
    let last = db.stored_bytes().await?.map(|(_, at)| at);
    if last.is_none_or(|at| now.millis() - at >= MEASURE_EVERY_MS) {
        db.measure_usage(now).await?;
    }
    Ok(())
}

/// `PUT /admin/v1/store`: the configuration, bare or as `{"store": …}`.
pub async fn put(call: &Call<'_>) -> ApiResult<Value> {
    let body = call.body_or_empty();
    let store = body.get("store").unwrap_or(&body);
    let config = StoreConfig::from_json(&store.to_string())?;
    if let Some(hooks) = &config.webhooks {
        if !webhook_url_allowed(&hooks.url, delivery::allow_local_webhooks(call.env)) {
            return Err(ApiError::invalid(
                "webhooks.url",
                "an https URL of a public host (no private, loopback or link-local address)",
            ));
        }
    }
    let store = Store::new(config, Counters::default())?;
    let db = call.db()?;
    db.put_store(&store, call.now).await?;
    // with the live counters it kept
    let store = db.store().await?.ok_or(ApiError::StoreNotConfigured)?;
    Ok(json!({ "store": store.config_with_counters() }))
}

/// `POST /admin/v1/catalog/{itemId}/stock` and `POST
/// /admin/v1/gift-cards/{code}/balance`: a live counter changed by
/// `{delta}` or `{set, expected}` → `{stock}` or `{balance}`, its value now.
pub async fn change_counter(call: &Call<'_>, counter: Counter) -> ApiResult<Value> {
    let db = call.db()?;
    let store = db.store().await?.ok_or(ApiError::StoreNotConfigured)?;
    let (unit, name, what) = match counter {
        Counter::Stock => (Unit::Units, "stock", "item with a stock"),
        Counter::GiftCard => (Unit::Money(store.currency()), "balance", "gift card"),
    };
    let change = counters::read(&call.body_or_empty(), unit)?;
    match db.change_counter(counter, call.param(0), change).await? {
        Ok(value) => Ok(json!({ name: unit.show(value) })),
        Err(CounterRefusal::NoCounter) => Err(ApiError::NotFound(what)),
        Err(CounterRefusal::NotExpected(current)) => Err(ApiError::CounterConflict {
            would_be_negative: false,
            current: unit.show(current),
        }),
        Err(CounterRefusal::WouldBeNegative(current)) => Err(ApiError::CounterConflict {
            would_be_negative: true,
            current: unit.show(current),
        }),
    }
}
