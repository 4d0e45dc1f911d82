//! The store: its configuration and live counters, read in one statement
//! together with one checkout (one round trip, one snapshot).

use super::{internal, Db, Stored};
use crate::error::{ApiError, ApiResult};
use checkout_core::store::{Counters, Store, StoreConfig};
use checkout_core::time::Timestamp;
use serde::Deserialize;
use serde_json::Value;

#[derive(Deserialize)]
struct ReadRow {
    config: Option<String>,
    stock: Option<String>,
    balances: Option<String>,
    uses: Option<String>,
    record: Option<String>,
    version: Option<i64>,
}

impl Db {
    /// One statement, one row: the store's configuration, its counters as
    /// JSON objects and (with `?2`) one checkout. A single read is one
    /// round trip and one consistent snapshot.
    const READ: &'static str = "SELECT
        (SELECT config FROM stores WHERE app_def_id = ?1) AS config,
        (SELECT json_group_object(item_id, stock) FROM stock WHERE app_def_id = ?1) AS stock,
        (SELECT json_group_object(code, balance_minor) FROM gift_card_balances WHERE app_def_id = ?1) AS balances,
        (SELECT json_group_object(code, uses) FROM coupon_uses WHERE app_def_id = ?1) AS uses,
        (SELECT record FROM checkouts WHERE app_def_id = ?1 AND id = ?2) AS record,
        (SELECT version FROM checkouts WHERE app_def_id = ?1 AND id = ?2) AS version";

    async fn read(&self, checkout_id: &str) -> ApiResult<(Option<Store>, Option<Stored>)> {
        let row = self
            .stmt(Db::READ, &[checkout_id.into()])?
            .all()
            .await?
            .results::<ReadRow>()?
            .into_iter()
            .next()
            .ok_or_else(|| internal("the read returned no row"))?;
        let store = match row.config {
            None => None,
            Some(config) => {
                let config: StoreConfig = serde_json::from_str(&config).map_err(internal)?;
                // the counters arrive as JSON objects; a counter is never negative
                let counts =
                    |text: Option<String>| -> ApiResult<std::collections::HashMap<String, u64>> {
                        let map: std::collections::HashMap<String, i64> =
                            serde_json::from_str(text.as_deref().unwrap_or("{}"))
                                .map_err(internal)?;
                        Ok(map
                            .into_iter()
                            .map(|(k, n)| (k, n.max(0).unsigned_abs()))
                            .collect())
                    };
                let counters = Counters {
                    stock: counts(row.stock)?,
                    gift_card_balances: counts(row.balances)?
                        .into_iter()
                        .map(|(k, n)| (k, u128::from(n)))
                        .collect(),
                    coupon_uses: counts(row.uses)?,
                };
                Some(Store::new(config, counters).map_err(internal)?)
            }
        };
        let checkout = match (row.record, row.version) {
            (Some(record), Some(version)) => Some(Stored {
                record: serde_json::from_str(&record).map_err(internal)?,
                version,
            }),
            _ => None,
        };
        Ok((store, checkout))
    }

    /// Whether the tenant's store lists `origin` among its storefront origins.
    pub async fn allows_origin(&self, origin: &str) -> ApiResult<bool> {
        let found: Option<i64> = self
            .stmt(
                "SELECT 1 AS found FROM stores, json_each(stores.config, '$.allowedOrigins') AS o
                 WHERE stores.app_def_id = ?1 AND o.value = ?2",
                &[origin.into()],
            )?
            .first(Some("found"))
            .await?;
        Ok(found.is_some())
    }

    /// The tenant's store with its counters; `None` when it has none.
    pub async fn store(&self) -> ApiResult<Option<Store>> {
        Ok(self.read("").await?.0)
    }

    /// The store and one checkout, read together (one round trip, one
    /// snapshot); a checkout its store no longer keeps at `now` is not found.
    pub async fn store_and_checkout(&self, id: &str, now: Timestamp) -> ApiResult<(Store, Stored)> {
        let (store, checkout) = self.read(id).await?;
        let store = store.ok_or(ApiError::StoreNotConfigured)?;
        let checkout = checkout
            .filter(|c| !c.record.expired(&store, now))
            .ok_or(ApiError::NotFound("checkout"))?;
        Ok((store, checkout))
    }

    /// Replaces the store configuration and resets its counters to it, in one batch.
    /// Coupon uses are kept: a limit is never lowered below the uses made.
    pub async fn put_store(&self, store: &Store, now: &str) -> ApiResult<()> {
        let config = serde_json::to_string(&store.config).map_err(internal)?;
        let balances: Vec<Value> = store
            .config
            .gift_cards
            .iter()
            .map(|g| serde_json::json!({"code": g.code, "minor": store.money(&g.balance) as f64}))
            .collect();
        let balances = serde_json::to_string(&balances).map_err(internal)?;
        self.d1
            .batch(vec![
                self.stmt(
                    "INSERT INTO stores (app_def_id, config, updated_date) VALUES (?1, ?2, ?3)
                     ON CONFLICT (app_def_id) DO UPDATE SET config = excluded.config, updated_date = excluded.updated_date",
                    &[config.as_str().into(), now.into()],
                )?,
                self.stmt("DELETE FROM stock WHERE app_def_id = ?1", &[])?,
                self.stmt(
                    "INSERT INTO stock (app_def_id, item_id, stock)
                     SELECT ?1, json_extract(value, '$.id'), json_extract(value, '$.stock')
                     FROM json_each(?2, '$.catalog') WHERE json_extract(value, '$.stock') IS NOT NULL",
                    &[config.as_str().into()],
                )?,
                self.stmt("DELETE FROM gift_card_balances WHERE app_def_id = ?1", &[])?,
                self.stmt(
                    "INSERT INTO gift_card_balances (app_def_id, code, balance_minor)
                     SELECT ?1, json_extract(value, '$.code'), json_extract(value, '$.minor') FROM json_each(?2)",
                    &[balances.into()],
                )?,
                self.stmt(
                    "INSERT INTO coupon_uses (app_def_id, code, uses, usage_limit)
                     SELECT ?1, json_extract(value, '$.code'), 0, json_extract(value, '$.usageLimit')
                     FROM json_each(?2, '$.coupons') WHERE true
                     ON CONFLICT (app_def_id, code) DO UPDATE SET usage_limit =
                       CASE WHEN excluded.usage_limit IS NULL THEN NULL ELSE max(excluded.usage_limit, uses) END",
                    &[config.as_str().into()],
                )?,
            ])
            .await?;
        Ok(())
    }
}
