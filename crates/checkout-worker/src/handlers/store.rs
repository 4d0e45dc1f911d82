//! The store configuration (`docs/api.md`, Store configuration): read with its live
//! counters, replaced whole.

use crate::delivery;
use crate::error::{ApiError, ApiResult};
use crate::request::Call;
use checkout_core::store::{Counters, Store, StoreConfig};
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
    call.db()?.put_store(&store, &call.now.to_string()).await?;
    Ok(json!({ "store": store.config_with_counters() }))
}
