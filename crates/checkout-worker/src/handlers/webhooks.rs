//! The store's webhook endpoint (`docs/api.md`, Events), secret key only:
//! its health, its Standard Webhooks secrets (made on first need, rotated,
//! the older retired), and the recovery of events it was not sent.

use crate::db::{Db, Secret};
use crate::delivery::fresh_secret;
use crate::error::{ApiError, ApiResult};
use crate::request::Call;
use checkout_core::events::DeliveryStatus;
use checkout_core::time::Timestamp;
use serde_json::{json, Map, Value};

/// `GET /admin/v1/webhooks`: `{url, state, events, lastSuccessDate,
/// failingSince, counts}` (all but `counts` null when the store has no
/// webhook URL).
pub async fn health(call: &Call<'_>) -> ApiResult<Value> {
    let db = call.db()?;
    let endpoint = db.endpoint().await?;
    let stored = db.event_counts().await?;
    let counts: Map<String, Value> = DeliveryStatus::ALL
        .iter()
        .map(|s| {
            let n = stored
                .iter()
                .find(|(k, _)| k == s.as_str())
                .map_or(0, |(_, n)| *n);
            (s.as_str().to_ascii_lowercase(), n.into())
        })
        .collect();
    Ok(match endpoint {
        Some(e) => json!({
            "url": e.url, "state": e.state, "events": e.events(),
            "lastSuccessDate": e.last_success_date, "failingSince": e.failing_since,
            "counts": counts,
        }),
        None => json!({
            "url": null, "state": null, "events": null, "lastSuccessDate": null,
            "failingSince": null, "counts": counts,
        }),
    })
}

/// `{secrets: [{secret, createdDate}]}`, the newest first.
async fn secrets(db: &Db, now: Timestamp) -> ApiResult<Value> {
    let list: Vec<Value> = db
        .webhook_secrets(&fresh_secret()?, now)
        .await?
        .into_iter()
        .map(
            |Secret {
                 secret,
                 created_date,
             }| json!({"secret": secret, "createdDate": created_date}),
        )
        .collect();
    Ok(json!({ "secrets": list }))
}

/// `GET /admin/v1/webhooks/secret`: the store's secrets, one made on first need.
pub async fn secret(call: &Call<'_>) -> ApiResult<Value> {
    secrets(&call.db()?, call.now).await
}

/// `POST /admin/v1/webhooks/rotate-secret`: a new secret, first; every one
/// signs (space-separated signatures) until the older are retired.
pub async fn rotate_secret(call: &Call<'_>) -> ApiResult<Value> {
    let db = call.db()?;
    // the store's first secret exists before the new one is added after it
    db.webhook_secrets(&fresh_secret()?, call.now).await?;
    db.add_webhook_secret(&fresh_secret()?, call.now).await?;
    secrets(&db, call.now).await
}

/// `POST /admin/v1/webhooks/retire-secrets`: only the newest secret signs.
pub async fn retire_secrets(call: &Call<'_>) -> ApiResult<Value> {
    let db = call.db()?;
    db.retire_webhook_secrets().await?;
    secrets(&db, call.now).await
}

/// `POST /admin/v1/webhooks/recover` `{since}`: the events made since then
/// that were kept unsent (the store had no URL, or the endpoint does not
/// take their type) or failed every attempt, sent again, oldest first →
/// `{recovered}`.
pub async fn recover(call: &Call<'_>) -> ApiResult<Value> {
    let since = call
        .body_or_empty()
        .get("since")
        .and_then(Value::as_str)
        .and_then(Timestamp::parse)
        .ok_or_else(|| ApiError::invalid("since", "an ISO 8601 date (2026-12-01T00:00:00Z)"))?;
    let recovered = call.db()?.recover_events(since, call.now).await?;
    Ok(json!({ "recovered": recovered }))
}
