//! Idempotency keys (`migrations/0008_idempotency_keys.sql`): claimed by
//! the first request, its answer stored, read back by the next.

use super::{to_js, Db};
use crate::error::ApiResult;
use checkout_core::time::Timestamp;
use serde::Deserialize;

/// A key as another request left it.
#[derive(Deserialize)]
pub struct KeyRow {
    pub fingerprint: String,
    /// The stored answer; `None` while its request runs.
    pub status: Option<u16>,
    pub response: Option<String>,
}

impl Db {
    /// Claims `key` for a request: `None` when it is ours now (new, or taken
    /// over: stored before `expired_before`, or claimed before
    /// `abandoned_before` by a request that never stored its answer);
    /// otherwise the key as it is.
    pub async fn claim_idempotency_key(
        &self,
        key: &str,
        fingerprint: &str,
        now: Timestamp,
        expired_before: Timestamp,
        abandoned_before: Timestamp,
    ) -> ApiResult<Option<KeyRow>> {
        let claimed: Option<String> = self
            .value(self.stmt(
                "INSERT INTO idempotency_keys (app_def_id, key, fingerprint, created_ms) VALUES (?1, ?2, ?3, ?4)
                 ON CONFLICT (app_def_id, key) DO UPDATE
                   SET fingerprint = excluded.fingerprint, created_ms = excluded.created_ms, status = NULL, response = NULL
                   WHERE idempotency_keys.created_ms < ?5
                      OR (idempotency_keys.status IS NULL AND idempotency_keys.created_ms < ?6)
                 RETURNING key",
                &[
                    key.into(),
                    fingerprint.into(),
                    to_js(now.millis()),
                    to_js(expired_before.millis()),
                    to_js(abandoned_before.millis()),
                ],
            )?, "key")
            .await?;
        if claimed.is_some() {
            return Ok(None);
        }
        Ok(self
            .row(self.stmt(
                "SELECT fingerprint, status, response FROM idempotency_keys WHERE app_def_id = ?1 AND key = ?2",
                &[key.into()],
            )?)
            .await?)
    }

    /// Stores the answer of the request that claimed `key`.
    pub async fn store_idempotent_answer(
        &self,
        key: &str,
        status: u16,
        body: &str,
    ) -> ApiResult<()> {
        self.run(self.stmt(
            "UPDATE idempotency_keys SET status = ?3, response = ?4 WHERE app_def_id = ?1 AND key = ?2",
            &[key.into(), to_js(status), body.into()],
        )?)
        .await?;
        Ok(())
    }

    /// Lets `key` go: its request ended without an answer worth repeating.
    pub async fn release_idempotency_key(&self, key: &str) -> ApiResult<()> {
        self.run(self.stmt(
            "DELETE FROM idempotency_keys WHERE app_def_id = ?1 AND key = ?2 AND status IS NULL",
            &[key.into()],
        )?)
        .await?;
        Ok(())
    }

    /// Deletes the keys stored before `before`.
    pub async fn delete_old_idempotency_keys(&self, before: Timestamp) -> ApiResult<()> {
        self.run(self.stmt(
            "DELETE FROM idempotency_keys WHERE app_def_id = ?1 AND created_ms < ?2",
            &[to_js(before.millis())],
        )?)
        .await?;
        Ok(())
    }
}
