//! The outbox: events written in their change's batch, read when due, and
//! marked attempted or delivered.

use super::{to_js, Db};
use crate::error::ApiResult;
use crate::events::Event;
use checkout_core::time::Timestamp;
use serde::Deserialize;
use worker::wasm_bindgen::JsValue;
use worker::D1PreparedStatement;

impl Db {
    /// An event for the outbox, written by the same batch as its change;
    /// with `only_if_changed`, only when the statement before it changed a row.
    pub(super) fn event(
        &self,
        event: &Event,
        only_if_changed: bool,
    ) -> ApiResult<D1PreparedStatement> {
        let sql = if only_if_changed {
            "INSERT INTO events (app_def_id, id, body, created_date, next_attempt_ms) SELECT ?1, ?2, ?3, ?4, ?5 WHERE changes() = 1"
        } else {
            "INSERT INTO events (app_def_id, id, body, created_date, next_attempt_ms) VALUES (?1, ?2, ?3, ?4, ?5)"
        };
        self.stmt(
            sql,
            &[
                event.id.as_str().into(),
                event.body.as_str().into(),
                event.at.to_string().into(),
                to_js(event.at.millis()),
            ],
        )
    }

    /// Events not yet delivered whose next attempt is due, oldest first.
    pub async fn due_events(
        &self,
        now: Timestamp,
        limit: u32,
    ) -> ApiResult<Vec<(String, String, i64)>> {
        #[derive(Deserialize)]
        struct Row {
            id: String,
            body: String,
            attempts: i64,
        }
        let rows = self
            .stmt(
                &format!(
                    "SELECT id, body, attempts FROM events WHERE app_def_id = ?1 AND delivered_date IS NULL
                     AND next_attempt_ms <= ?2 ORDER BY next_attempt_ms, created_date LIMIT {limit}"
                ),
                &[to_js(now.millis())],
            )?
            .all()
            .await?
            .results::<Row>()?;
        Ok(rows
            .into_iter()
            .map(|r| (r.id, r.body, r.attempts))
            .collect())
    }

    /// Records a delivery attempt: delivered, or when to try again.
    pub async fn event_attempted(
        &self,
        id: &str,
        delivered: Option<Timestamp>,
        next_attempt: Timestamp,
    ) -> ApiResult<()> {
        self.stmt(
            "UPDATE events SET attempts = attempts + 1, delivered_date = ?3, next_attempt_ms = ?4 WHERE app_def_id = ?1 AND id = ?2",
            &[id.into(), delivered.map_or(JsValue::NULL, |t| t.to_string().into()), to_js(next_attempt.millis())],
        )?
        .run()
        .await?;
        Ok(())
    }
}
