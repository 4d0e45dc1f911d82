//! A store's webhook endpoint and its Standard Webhooks secrets
//! (`migrations/0014_webhooks.sql`): the endpoint's live state beside the
//! URL its configuration names (kept by `put_store`), its health as
//! attempts leave it, and the secrets every delivery is signed with.

use super::{to_js, Db, Stmt};
use crate::error::ApiResult;
use checkout_core::store::Webhooks;
use checkout_core::time::Timestamp;
use serde::Deserialize;
use worker::wasm_bindgen::JsValue;

/// A store's endpoint as its row keeps it.
#[derive(Deserialize)]
pub struct Endpoint {
    pub url: String,
    /// `ENABLED` or `DISABLED`.
    pub state: String,
    /// The event types it takes (JSON), every type when `None`.
    events: Option<String>,
    pub last_success_date: Option<String>,
    pub failing_since: Option<String>,
}

impl Endpoint {
    pub fn enabled(&self) -> bool {
        self.state == "ENABLED"
    }

    /// The event types it takes; `None`: every type.
    pub fn events(&self) -> Option<Vec<String>> {
        self.events
            .as_deref()
            .map(|list| serde_json::from_str(list).unwrap_or_default())
    }
}

/// A Standard Webhooks secret and when it was made.
#[derive(Deserialize)]
pub struct Secret {
    pub secret: String,
    pub created_date: String,
}

/// How a wave of attempts left the endpoint (the worst of its attempts).
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum Health {
    Succeeded,
    Failed,
    /// The receiver answered `410 Gone`: no more deliveries until enabled.
    Gone,
}

impl Db {
    /// The statements that keep the endpoint's row with a configuration
    /// (`hooks`), in `put_store`'s batch: none without a URL; a new URL
    /// starts enabled and healthy; the same URL keeps its state unless
    /// `enabled` says otherwise, and enabling makes what waited due now,
    /// with a fresh run of attempts, oldest first.
    pub(super) fn endpoint_entry(
        &self,
        hooks: Option<&Webhooks>,
        now: Timestamp,
    ) -> ApiResult<Vec<Stmt>> {
        let Some(hooks) = hooks else {
            return Ok(vec![self.stmt(
                "DELETE FROM webhook_endpoints WHERE app_def_id = ?1",
                &[],
            )?]);
        };
        let state = hooks.enabled.map_or(JsValue::NULL, |on| {
            JsValue::from(if on { "ENABLED" } else { "DISABLED" })
        });
        let events = hooks
            .events
            .as_ref()
            .map(serde_json::to_string)
            .transpose()
            .map_err(super::internal)?;
        let mut batch = vec![self.stmt(
            "INSERT INTO webhook_endpoints (app_def_id, url, state, since_date, events) VALUES (?1, ?2, coalesce(?3, 'ENABLED'), ?4, ?5)
             ON CONFLICT (app_def_id) DO UPDATE SET events = excluded.events,
               state = CASE WHEN url <> excluded.url THEN excluded.state ELSE coalesce(?3, state) END,
               since_date = CASE WHEN url <> excluded.url THEN excluded.since_date ELSE since_date END,
               last_success_date = CASE WHEN url <> excluded.url THEN NULL ELSE last_success_date END,
               failing_since = CASE WHEN url <> excluded.url OR ?3 = 'ENABLED' THEN NULL ELSE failing_since END,
               url = excluded.url",
            &[hooks.url.as_str().into(), state, now.to_string().into(), events.map_or(JsValue::NULL, JsValue::from)],
        )?];
        if hooks.enabled == Some(true) {
            batch.push(
                self.stmt(
                    "UPDATE events SET attempts = 0, next_attempt_ms = ?2 WHERE app_def_id = ?1 AND status = 'PENDING'",
                    &[to_js(now.millis())],
                )?
                .into_outbox(),
            );
        }
        Ok(batch)
    }

    /// The store's endpoint, if it has a webhook URL.
    pub async fn endpoint(&self) -> ApiResult<Option<Endpoint>> {
        Ok(self
            .row(self.stmt(
                "SELECT url, state, events, last_success_date, failing_since FROM webhook_endpoints WHERE app_def_id = ?1",
                &[],
            )?)
            .await?)
    }

    /// Records how attempts at `at` left the endpoint.
    pub async fn endpoint_attempted(&self, health: Health, at: Timestamp) -> ApiResult<()> {
        let sql = match health {
            Health::Succeeded => {
                "UPDATE webhook_endpoints SET last_success_date = ?2, failing_since = NULL WHERE app_def_id = ?1"
            }
            Health::Failed => {
                "UPDATE webhook_endpoints SET failing_since = coalesce(failing_since, ?2) WHERE app_def_id = ?1"
            }
            Health::Gone => {
                "UPDATE webhook_endpoints SET state = 'DISABLED', failing_since = coalesce(failing_since, ?2)
                 WHERE app_def_id = ?1"
            }
        };
        self.run(self.stmt(sql, &[at.to_string().into()])?).await?;
        Ok(())
    }

    /// The receiver is back: the events waiting for a retry (a failed
    /// attempt's outcome recorded; one in flight has none) are due at
    /// `now`, so a backlog drains at once rather than over its backoff.
    pub async fn retry_waiting_now(&self, now: Timestamp) -> ApiResult<usize> {
        self.run(self.stmt(
            "UPDATE events SET next_attempt_ms = ?2
             WHERE app_def_id = ?1 AND status = 'PENDING' AND next_attempt_ms > ?2 AND last_error IS NOT NULL",
            &[to_js(now.millis())],
        )?)
        .await
    }

    /// The store's events by delivery status: `(status, count)`.
    pub async fn event_counts(&self) -> ApiResult<Vec<(String, i64)>> {
        #[derive(Deserialize)]
        struct Row {
            status: String,
            n: i64,
        }
        let rows: Vec<Row> = self
            .rows(self.stmt(
                "SELECT status, count(*) AS n FROM events WHERE app_def_id = ?1 GROUP BY status",
                &[],
            )?)
            .await?;
        Ok(rows.into_iter().map(|r| (r.status, r.n)).collect())
    }

    /// Sends again the events made since `since` that were kept unsent or
    /// failed every attempt, due now, oldest first; how many.
    pub async fn recover_events(&self, since: Timestamp, now: Timestamp) -> ApiResult<usize> {
        self.run(
            self.stmt(
                "UPDATE events SET status = 'PENDING', attempts = 0, next_attempt_ms = ?3, delivered_date = NULL
                 WHERE app_def_id = ?1 AND status IN ('SKIPPED', 'FAILED') AND created_date >= ?2",
                &[since.to_string().into(), to_js(now.millis())],
            )?
            .into_outbox(),
        )
        .await
    }

    /// The store's Standard Webhooks secrets, the newest first; `fresh` is
    /// kept as its first when it has none.
    pub async fn webhook_secrets(&self, fresh: &str, now: Timestamp) -> ApiResult<Vec<Secret>> {
        self.run(self.stmt(
            "INSERT INTO webhook_secrets (app_def_id, secret, created_date) SELECT ?1, ?2, ?3
             WHERE NOT EXISTS (SELECT 1 FROM webhook_secrets WHERE app_def_id = ?1)",
            &[fresh.into(), now.to_string().into()],
        )?)
        .await?;
        Ok(self
            .rows(self.stmt(
                "SELECT secret, created_date FROM webhook_secrets WHERE app_def_id = ?1
                 ORDER BY created_date DESC, rowid DESC",
                &[],
            )?)
            .await?)
    }

    /// Adds `fresh` as the newest secret: every one signs until the older are retired.
    pub async fn add_webhook_secret(&self, fresh: &str, now: Timestamp) -> ApiResult<()> {
        self.run(self.stmt(
            "INSERT INTO webhook_secrets (app_def_id, secret, created_date) VALUES (?1, ?2, ?3)",
            &[fresh.into(), now.to_string().into()],
        )?)
        .await?;
        Ok(())
    }

    /// Deletes every secret but the newest.
    pub async fn retire_webhook_secrets(&self) -> ApiResult<()> {
        self.run(self.stmt(
            "DELETE FROM webhook_secrets WHERE app_def_id = ?1 AND rowid NOT IN
               (SELECT rowid FROM webhook_secrets WHERE app_def_id = ?1 ORDER BY created_date DESC, rowid DESC LIMIT 1)",
            &[],
        )?)
        .await?;
        Ok(())
    }
}
