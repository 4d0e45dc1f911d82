//! The merchant's view of the outbox (`docs/api.md`, Events), secret key
//! only: events by delivery status with their last attempt, one event with
//! its envelope, and a redelivery (sent at once, in the request's
//! `waitUntil`, as after any change); and the outbox's retention.

use crate::db::{Db, EventRow};
use crate::error::{ApiError, ApiResult};
use crate::request::Call;
use checkout_core::events::{retention_cutoffs, DeliveryStatus};
use checkout_core::time::Timestamp;
use serde_json::{json, Value};

const DEFAULT_PAGE: usize = 50;
const MAX_PAGE: usize = 100;

/// An event as the merchant sees it: what it tells of, where its delivery
/// stands, and its last attempt (with the envelope, when read alone).
fn view(row: EventRow) -> Value {
    let pending = row.status == DeliveryStatus::Pending.as_str();
    let mut out = json!({
        "id": row.id,
        "entityFqdn": row.entity_fqdn,
        "slug": row.slug,
        "entityId": row.entity_id,
        "createdDate": row.created_date,
        "status": row.status,
        "attempts": row.attempts,
        "nextAttemptDate": pending.then(|| Timestamp::from_millis(row.next_attempt_ms).to_string()),
        "deliveredDate": row.delivered_date,
        "lastAttempt": row.last_attempt_date.map(|date| json!({
            "date": date, "httpStatus": row.last_http_status, "error": row.last_error,
        })),
    });
    if let Some(body) = row.body {
        out["data"] = serde_json::from_str(&body).unwrap_or(Value::String(body));
    }
    out
}

/// `GET /admin/v1/events?status=&limit=&startingAfter=`: the newest first,
/// `{events, hasMore}`; the next page starts after the last event's id.
pub async fn list(call: &Call<'_>) -> ApiResult<Value> {
    let (mut status, mut after, mut limit) = (None, None, DEFAULT_PAGE);
    for (key, value) in &call.query {
        match key.as_str() {
            "status" => {
                status = Some(DeliveryStatus::parse(value).ok_or_else(|| {
                    ApiError::invalid("status", "PENDING, DELIVERED, FAILED or SKIPPED")
                })?)
            }
            "startingAfter" => after = Some(value.as_str()),
            "limit" => {
                limit = value
                    .parse::<usize>()
                    .ok()
                    .filter(|n| (1..=MAX_PAGE).contains(n))
                    .ok_or_else(|| {
                        ApiError::invalid("limit", format!("a whole number from 1 to {MAX_PAGE}"))
                    })?
            }
            _ => {}
        }
    }
    let mut rows = call.db()?.list_events(status, after, limit).await?;
    let has_more = rows.len() > limit;
    rows.truncate(limit);
    Ok(json!({
        "events": rows.into_iter().map(view).collect::<Vec<_>>(),
        "hasMore": has_more,
    }))
}

/// `GET /admin/v1/events/{id}`: `{event}`, with its envelope as `data`.
pub async fn get(call: &Call<'_>) -> ApiResult<Value> {
    let row = call.db()?.event_by_id(call.param(0)).await?;
    Ok(json!({ "event": view(row.ok_or(ApiError::NotFound("event"))?) }))
}

/// `POST /admin/v1/events/{id}/redeliver`: pending again, due now, with a
/// fresh run of attempts, whatever its status: `{event}`.
pub async fn redeliver(call: &Call<'_>) -> ApiResult<Value> {
    let db = call.db()?;
    if !db.redeliver_event(call.param(0), call.now).await? {
        return Err(ApiError::NotFound("event"));
    }
    get(call).await
}

/// The scheduled handler's retention of the outbox (the core's cutoffs).
pub async fn forget_old(db: &Db, now: Timestamp) -> ApiResult<usize> {
    let (delivered_before, created_before) = retention_cutoffs(now);
    db.delete_old_events(delivered_before, created_before).await
}
