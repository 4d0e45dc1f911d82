//! The outbox: events written in their change's batch, claimed one at a time
//! when due, their attempts recorded, listed and redelivered for the
//! merchant, and deleted when kept long enough
//! (`migrations/0006_event_delivery.sql`). An event of an order is kept
//! without the order's unchanging fields and read with the order's stored
//! body, which completes it (`events::complete`).

use super::{to_js, Db, Stmt};
use crate::error::ApiResult;
use checkout_core::events::{self, DeliveryStatus, Event};
use checkout_core::time::Timestamp;
use serde::Deserialize;
use worker::wasm_bindgen::JsValue;

/// An event claimed for an attempt.
#[derive(Deserialize)]
pub struct Claimed {
    pub id: String,
    /// The envelope, completed ([`ORDER_BODY`]).
    pub body: String,
    order_body: Option<String>,
    /// Attempts made, this one included.
    pub attempts: u32,
    pub created_date: String,
    /// What it tells of, and what happened (its type: `webhooks::event_type`).
    pub entity_fqdn: Option<String>,
    pub slug: Option<String>,
    pub entity_id: Option<String>,
}

/// How an attempt ended, as the merchant sees it.
pub struct Attempted<'a> {
    pub status: DeliveryStatus,
    /// The next attempt (when still pending).
    pub next_attempt: Option<Timestamp>,
    pub at: Timestamp,
    pub http_status: Option<u16>,
    pub error: Option<&'a str>,
}

/// An event as the merchant's routes show it.
#[derive(Deserialize)]
pub struct EventRow {
    pub id: String,
    pub entity_fqdn: Option<String>,
    pub slug: Option<String>,
    pub entity_id: Option<String>,
    pub created_date: String,
    pub status: String,
    pub attempts: i64,
    pub next_attempt_ms: i64,
    pub delivered_date: Option<String>,
    pub last_attempt_date: Option<String>,
    pub last_http_status: Option<i64>,
    pub last_error: Option<String>,
    /// The envelope (read for one event only), completed ([`ORDER_BODY`]).
    pub body: Option<String>,
    #[serde(default)]
    order_body: Option<String>,
}

/// The stored body of the order an event of an order is completed with
/// (none for any other event), in a statement over `events`.
const ORDER_BODY: &str = "(SELECT o.body FROM orders o WHERE o.app_def_id = events.app_def_id AND o.id = events.order_id) AS order_body";

/// An event's envelope as sent and shown: an order's completed with the order's body.
fn completed(body: String, order_body: Option<String>) -> String {
    match order_body {
        Some(order) => events::complete(&body, &order),
        None => body,
    }
}

const EVENT_COLUMNS: &str = "id, json_extract(body, '$.entityFqdn') AS entity_fqdn,
    json_extract(body, '$.slug') AS slug, json_extract(body, '$.entityId') AS entity_id,
    created_date, status, attempts, next_attempt_ms, delivered_date, last_attempt_date,
    last_http_status, last_error";

impl Db {
    /// An event for the outbox, written by the same batch as its change;
    /// with `only_if_changed`, only when the statement before it changed a row.
    pub(super) fn event(&self, event: &Event, only_if_changed: bool) -> ApiResult<Stmt> {
        self.event_when(
            event,
            if only_if_changed {
                "changes() = 1"
            } else {
                "true"
            },
            &[],
        )
    }

    /// An event written only when `condition` (SQL over `?6` on, from `args`) holds.
    pub(super) fn event_when(
        &self,
        event: &Event,
        condition: &str,
        args: &[JsValue],
    ) -> ApiResult<Stmt> {
        let mut all = vec![
            event.id.as_str().into(),
            event.body.as_str().into(),
            event.at.to_string().into(),
            to_js(event.at.millis()),
        ];
        all.extend_from_slice(args);
        all.push(
            event
                .order_id
                .as_deref()
                .map_or(JsValue::NULL, JsValue::from_str),
        );
        let order_id = all.len() + 1;
        Ok(self.stmt(
            // made while the store has no webhook URL, it is kept, not sent
            &format!("INSERT INTO events (app_def_id, id, body, created_date, next_attempt_ms, status, order_id)
                      SELECT ?1, ?2, ?3, ?4, ?5,
                        CASE WHEN EXISTS (SELECT 1 FROM webhook_endpoints WHERE app_def_id = ?1) THEN 'PENDING' ELSE 'SKIPPED' END,
                        ?{order_id}
                      WHERE {condition}"),
            &all,
        )?
        .into_outbox())
    }

    /// Claims up to `n` due events for a wave of attempts: the `n - 1` due
    /// first and the newest due `created` event (so that a new entity's
    /// events never wait behind a long backlog, while an entity's events
    /// keep their order: a `created` is its entity's first), oldest first.
    /// Each claim counts the attempt, moves the event's next one to
    /// `lease_until` and clears the last attempt's outcome (it is in
    /// flight), in one statement, so no other run takes it before then (nor
    /// ever, once the attempt is recorded).
    pub async fn claim_due_events(
        &self,
        now: Timestamp,
        lease_until: Timestamp,
        n: usize,
    ) -> ApiResult<Vec<Claimed>> {
        const DUE: &str =
            "FROM events WHERE app_def_id = ?1 AND status = 'PENDING' AND next_attempt_ms <= ?2";
        let newest = match n {
            0 => return Ok(Vec::new()),
            1 => String::new(),
            _ => format!("UNION SELECT rowid FROM (SELECT rowid {DUE} AND json_extract(body, '$.slug') = 'created'
                                                   ORDER BY created_date DESC LIMIT 1)"),
        };
        let mut rows: Vec<Claimed> = self
            .rows(self.stmt(
                &format!(
                    "UPDATE events SET attempts = attempts + 1, next_attempt_ms = ?3, last_attempt_date = ?4,
                       last_http_status = NULL, last_error = NULL
                     WHERE rowid IN (SELECT rowid FROM (SELECT rowid {DUE} ORDER BY next_attempt_ms, created_date LIMIT {}) {newest})
                       AND status = 'PENDING' AND next_attempt_ms <= ?2
                     RETURNING id, body, attempts, created_date, json_extract(body, '$.entityFqdn') AS entity_fqdn,
                               json_extract(body, '$.slug') AS slug, json_extract(body, '$.entityId') AS entity_id, {ORDER_BODY}",
                    n.saturating_sub(1).max(1)
                ),
                &[
                    to_js(now.millis()),
                    to_js(lease_until.millis()),
                    now.to_string().into(),
                ],
            )?)
            .await?;
        rows.sort_by(|a, b| (&a.created_date, &a.id).cmp(&(&b.created_date, &b.id)));
        for row in &mut rows {
            row.body = completed(std::mem::take(&mut row.body), row.order_body.take());
        }
        Ok(rows)
    }

    /// A claimed event kept, not sent (`SKIPPED`: of a type the endpoint
    /// does not take), or given back unattempted, due at `at` (its endpoint
    /// was disabled meanwhile).
    pub async fn event_not_sent(&self, id: &str, skipped: bool, at: Timestamp) -> ApiResult<()> {
        self.run(self.stmt(
            "UPDATE events SET status = CASE WHEN ?3 THEN 'SKIPPED' ELSE status END,
                attempts = CASE WHEN ?3 THEN attempts ELSE max(attempts - 1, 0) END, next_attempt_ms = ?4
             WHERE app_def_id = ?1 AND id = ?2",
            &[id.into(), i32::from(skipped).into(), to_js(at.millis())],
        )?)
        .await?;
        Ok(())
    }

    /// Records how a claimed event's attempt ended.
    pub async fn event_attempted(&self, id: &str, a: &Attempted<'_>) -> ApiResult<()> {
        let delivered = (a.status == DeliveryStatus::Delivered).then(|| a.at.to_string());
        self.run(self.stmt(
            "UPDATE events SET status = ?3, delivered_date = ?4, next_attempt_ms = ?5,
                last_attempt_date = ?6, last_http_status = ?7, last_error = ?8
             WHERE app_def_id = ?1 AND id = ?2",
            &[
                id.into(),
                a.status.as_str().into(),
                delivered.map_or(JsValue::NULL, JsValue::from),
                to_js(a.next_attempt.unwrap_or(a.at).millis()),
                a.at.to_string().into(),
                a.http_status.map_or(JsValue::NULL, to_js),
                a.error.map_or(JsValue::NULL, JsValue::from),
            ],
        )?)
        .await?;
        Ok(())
    }

    /// A page of events, newest first: of one status or all, after the event
    /// `starting_after` (the last of the page before); one more than `limit`
    /// tells that there is a next page.
    pub async fn list_events(
        &self,
        status: Option<DeliveryStatus>,
        starting_after: Option<&str>,
        limit: usize,
    ) -> ApiResult<Vec<EventRow>> {
        Ok(self
            .rows(self.stmt(
                &format!(
                    "SELECT {EVENT_COLUMNS}, NULL AS body FROM events WHERE app_def_id = ?1
                     AND (?2 IS NULL OR status = ?2)
                     AND (?3 IS NULL OR (created_date, id) <
                          (SELECT created_date, id FROM events WHERE app_def_id = ?1 AND id = ?3))
                     ORDER BY created_date DESC, id DESC LIMIT {}",
                    limit + 1
                ),
                &[
                    status.map_or(JsValue::NULL, |s| s.as_str().into()),
                    starting_after.map_or(JsValue::NULL, JsValue::from),
                ],
            )?)
            .await?)
    }

    /// One event, with its envelope.
    pub async fn event_by_id(&self, id: &str) -> ApiResult<Option<EventRow>> {
        let row: Option<EventRow> = self
            .row(self.stmt(
                &format!(
                    "SELECT {EVENT_COLUMNS}, body, {ORDER_BODY} FROM events WHERE app_def_id = ?1 AND id = ?2"
                ),
                &[id.into()],
            )?)
            .await?;
        Ok(row.map(|mut row| {
            row.body = row.body.take().map(|b| completed(b, row.order_body.take()));
            row
        }))
    }

    /// Makes an event pending again, due now, with a fresh run of attempts;
    /// whether there is such an event.
    pub async fn redeliver_event(&self, id: &str, now: Timestamp) -> ApiResult<bool> {
        let changed = self
            .run(self.stmt(
                "UPDATE events SET status = 'PENDING', attempts = 0, next_attempt_ms = ?3, delivered_date = NULL
                 WHERE app_def_id = ?1 AND id = ?2",
                &[id.into(), to_js(now.millis())],
            )?
            .into_outbox())
            .await?;
        Ok(changed == 1)
    }

    /// Deletes delivered events older than `delivered_before` and every event
    /// older than `created_before`; how many.
    pub async fn delete_old_events(
        &self,
        delivered_before: Timestamp,
        created_before: Timestamp,
    ) -> ApiResult<usize> {
        self.run(self.stmt(
            "DELETE FROM events WHERE app_def_id = ?1
                 AND ((status = 'DELIVERED' AND delivered_date < ?2) OR created_date < ?3)",
            &[
                delivered_before.to_string().into(),
                created_before.to_string().into(),
            ],
        )?)
        .await
    }
}
