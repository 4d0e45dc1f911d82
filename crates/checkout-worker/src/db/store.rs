//! The store: its configuration and live counters, read in one statement
//! together with one checkout (one round trip, one snapshot); the
//! configuration replaced, and a counter changed on its own. The
//! configurations last read are kept, parsed, for the next request (see
//! [`KEPT_CONFIGS`]).

use super::{internal, to_js, Db, Failure, Stored};
use crate::error::{ApiError, ApiResult};
use checkout_core::counters::CounterChange;
use checkout_core::store::{Counters, Store, StoreConfig};
use checkout_core::time::Timestamp;
use serde::Deserialize;
use serde_json::Value;
use std::cell::RefCell;
use std::rc::Rc;
use worker::wasm_bindgen::JsValue;

/// How many stores' configurations an isolate keeps, parsed, for their next
/// request: a store's object serves one store; a worker on D1, the stores of
/// its last requests. A configuration is kept with the id of its write
/// (`stores.config_id`, new at every `PUT /admin/v1/store`), which the read
/// compares in SQL: while it is the same the configuration is neither sent
/// nor parsed again (up to 256 KB of JSON: a store of 1,200 items cost every
/// request 4 ms of CPU); any other, it is read again.
const KEPT_CONFIGS: usize = 8;

thread_local! {
    /// `(tenant, config_id, configuration)`, the last read first.
    static CONFIGS: RefCell<Vec<(String, String, Rc<StoreConfig>)>> = const { RefCell::new(Vec::new()) };
}

/// The configuration kept for `tenant`, with the id of its write.
fn kept_config(tenant: &str) -> Option<(String, Rc<StoreConfig>)> {
    CONFIGS.with_borrow(|kept| {
        kept.iter()
            .find(|(t, ..)| t == tenant)
            .map(|(_, id, config)| (id.clone(), config.clone()))
    })
}

/// Keeps `config` (of the write `id`) for `tenant`'s next request.
fn keep_config(tenant: &str, id: String, config: Rc<StoreConfig>) {
    CONFIGS.with_borrow_mut(|kept| {
        kept.retain(|(t, ..)| t != tenant);
        kept.truncate(KEPT_CONFIGS - 1);
        kept.insert(0, (tenant.to_owned(), id, config));
    });
}

#[derive(Deserialize)]
struct ReadRow {
    /// None when it is the one kept (`config_id` the same).
    config: Option<String>,
    config_id: Option<String>,
    stock: Option<String>,
    balances: Option<String>,
    uses: Option<String>,
    record: Option<String>,
    version: Option<i64>,
}

/// A kind of the store's rows: how many, and the bytes of what they hold.
#[derive(serde::Deserialize, serde::Serialize)]
pub struct Usage {
    pub kind: String,
    pub rows: u64,
    pub bytes: u64,
}

impl Db {
    /// One statement, one row: the store's configuration, its counters as
    /// JSON objects and (with `?2`) one checkout. A single read is one
    /// round trip and one consistent snapshot.
    const READ: &'static str = "SELECT
        (SELECT CASE WHEN config_id = ?3 THEN NULL ELSE config END FROM stores WHERE app_def_id = ?1) AS config,
        (SELECT config_id FROM stores WHERE app_def_id = ?1) AS config_id,
        (SELECT json_group_object(item_id, stock) FROM stock WHERE app_def_id = ?1) AS stock,
        (SELECT json_group_object(code, balance_minor) FROM gift_card_balances WHERE app_def_id = ?1) AS balances,
        (SELECT json_group_object(code, uses) FROM coupon_uses WHERE app_def_id = ?1) AS uses,
        (SELECT record FROM checkouts WHERE app_def_id = ?1 AND id = ?2) AS record,
        (SELECT version FROM checkouts WHERE app_def_id = ?1 AND id = ?2) AS version";

    async fn read(&self, checkout_id: &str) -> ApiResult<(Option<Store>, Option<Stored>)> {
        let kept = kept_config(&self.tenant);
        let kept_id = kept
            .as_ref()
            .map_or(JsValue::NULL, |(id, _)| id.as_str().into());
        let row = self
            .row::<ReadRow>(self.stmt(Db::READ, &[checkout_id.into(), kept_id])?)
            .await?
            .ok_or_else(|| internal("the read returned no row"))?;
        let config = match (row.config, kept) {
            (Some(text), _) => {
                let config: Rc<StoreConfig> =
                    Rc::new(serde_json::from_str(&text).map_err(internal)?);
                if let Some(id) = row.config_id {
                    keep_config(&self.tenant, id, config.clone());
                }
                Some(config)
            }
            // the same write as the one kept
            (None, Some((id, config))) if row.config_id.as_ref() == Some(&id) => Some(config),
            (None, _) => None,
        };
        let store = match config {
            None => None,
            Some(config) => {
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
            .value(self.stmt(
                "SELECT 1 AS found FROM stores, json_each(stores.config, '$.allowedOrigins') AS o
                 WHERE stores.app_def_id = ?1 AND o.value = ?2",
                &[origin.into()],
            )?, "found")
            .await?;
        Ok(found.is_some())
    }

    /// The store's rows and the bytes of what they hold, by kind (`GET
    /// /admin/v1/store/usage`), in one statement.
    pub async fn usage(&self) -> ApiResult<Vec<Usage>> {
        let bytes = |column: &str| format!("coalesce(sum(length(CAST({column} AS BLOB))), 0)");
        let kinds = [
            ("checkouts", "checkouts", bytes("record")),
            (
                "orders",
                "orders",
                format!("{} + {}", bytes("body"), bytes("held")),
            ),
            ("planOrders", "plan_orders", bytes("record")),
            ("events", "events", bytes("body")),
            ("idempotencyKeys", "idempotency_keys", bytes("response")),
        ];
        let sql = kinds
            .iter()
            .map(|(kind, table, bytes)| {
                format!("SELECT '{kind}' AS kind, count(*) AS rows, {bytes} AS bytes FROM {table} WHERE app_def_id = ?1")
            })
            .collect::<Vec<_>>()
            .join(" UNION ALL ");
        Ok(self.rows(self.stmt(&sql, &[])?).await?)
    }

    /// The store's usage measured now, and kept as its stored bytes (what a
    /// storefront call's budget check reads).
    pub async fn measure_usage(&self, now: Timestamp) -> ApiResult<Vec<Usage>> {
        let kinds = self.usage().await?;
        let bytes: u64 = kinds.iter().map(|k| k.bytes).sum();
        self.run(self.stmt(
            "INSERT INTO store_bytes (app_def_id, bytes, measured_ms) VALUES (?1, ?2, ?3)
             ON CONFLICT (app_def_id) DO UPDATE SET bytes = excluded.bytes, measured_ms = excluded.measured_ms",
            &[to_js(bytes), to_js(now.millis())],
        )?)
        .await?;
        Ok(kinds)
    }

    /// The store's bytes as last measured, and when (epoch ms).
    pub async fn stored_bytes(&self) -> ApiResult<Option<(u64, i64)>> {
        #[derive(Deserialize)]
        struct Row {
            bytes: i64,
            measured_ms: i64,
        }
        let row: Option<Row> = self
            .row(self.stmt(
                "SELECT bytes, measured_ms FROM store_bytes WHERE app_def_id = ?1",
                &[],
            )?)
            .await?;
        Ok(row.map(|r| (u64::try_from(r.bytes).unwrap_or(0), r.measured_ms)))
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

    /// Replaces the store configuration, in one batch. Live counters are
    /// not configuration: an item's stock and a gift card's balance are taken
    /// from it only for items and cards that have no counter yet, and the
    /// counters of those it no longer names are dropped; coupon limits follow
    /// it, never below the uses made. A store kept in its own object is
    /// also recorded in D1's directory of stores, which a preflight reads
    /// (it cannot tell which store it is for).
    pub async fn put_store(&self, store: &Store, at: Timestamp) -> ApiResult<()> {
        let now = at.to_string();
        let now = now.as_str();
        let config = serde_json::to_string(&*store.config).map_err(internal)?;
        let config_id = crate::ids::uuid_v4().map_err(internal)?;
        let balances: Vec<Value> = store
            .config
            .gift_cards
            .iter()
            .map(|g| serde_json::json!({"code": g.code, "minor": store.money(&g.balance).to_string()}))
            .collect();
        let balances = serde_json::to_string(&balances).map_err(internal)?;
        const STOCKED: &str = "SELECT json_extract(value, '$.id') AS id, json_extract(value, '$.stock') AS stock
                               FROM json_each(?2, '$.catalog') WHERE json_extract(value, '$.stock') IS NOT NULL";
        let mut batch = self.directory_entry(&config, &config_id, now)?;
        batch.extend([
                self.stmt(
                    &format!("DELETE FROM stock WHERE app_def_id = ?1 AND item_id NOT IN (SELECT id FROM ({STOCKED}))"),
                    &[config.as_str().into()],
                )?,
                self.stmt(
                    &format!("INSERT INTO stock (app_def_id, item_id, stock) SELECT ?1, id, stock FROM ({STOCKED}) WHERE true
                              ON CONFLICT (app_def_id, item_id) DO NOTHING"),
                    &[config.as_str().into()],
                )?,
                self.stmt(
                    "DELETE FROM gift_card_balances WHERE app_def_id = ?1
                     AND code NOT IN (SELECT json_extract(value, '$.code') FROM json_each(?2))",
                    &[balances.as_str().into()],
                )?,
                self.stmt(
                    "INSERT INTO gift_card_balances (app_def_id, code, balance_minor)
                     SELECT ?1, json_extract(value, '$.code'), CAST(json_extract(value, '$.minor') AS INTEGER)
                     FROM json_each(?2) WHERE true
                     ON CONFLICT (app_def_id, code) DO NOTHING",
                    &[balances.as_str().into()],
                )?,
                self.stmt(
                    "INSERT INTO coupon_uses (app_def_id, code, uses, usage_limit)
                     SELECT ?1, json_extract(value, '$.code'), 0, json_extract(value, '$.usageLimit')
                     FROM json_each(?2, '$.coupons') WHERE true
                     ON CONFLICT (app_def_id, code) DO UPDATE SET usage_limit =
                       CASE WHEN excluded.usage_limit IS NULL THEN NULL ELSE max(excluded.usage_limit, uses) END",
                    &[config.as_str().into()],
                )?,
            ]);
        batch.extend(self.endpoint_entry(store.config.webhooks.as_ref(), at)?);
        self.batch(batch).await?;
        if let Some(directory) = self.directory() {
            directory
                .batch(directory.directory_entry(&config, &config_id, now)?)
                .await?;
        }
        Ok(())
    }

    /// The store's configuration written as it is, and its storefront
    /// origins in the index a preflight reads (in D1's directory of stores;
    /// in a store's object, its own copy).
    fn directory_entry(
        &self,
        config: &str,
        config_id: &str,
        now: &str,
    ) -> ApiResult<Vec<super::Stmt>> {
        Ok(vec![
            self.stmt(
                "INSERT INTO stores (app_def_id, config, updated_date, config_id) VALUES (?1, ?2, ?3, ?4)
                 ON CONFLICT (app_def_id) DO UPDATE SET config = excluded.config, updated_date = excluded.updated_date,
                   config_id = excluded.config_id",
                &[config.into(), now.into(), config_id.into()],
            )?,
            self.stmt("DELETE FROM store_origins WHERE app_def_id = ?1", &[])?,
            self.stmt(
                "INSERT OR IGNORE INTO store_origins (origin, app_def_id)
                 SELECT value, ?1 FROM json_each(?2, '$.allowedOrigins') WHERE type = 'text'",
                &[config.into()],
            )?,
        ])
    }

    /// Changes a live counter (an item's stock, a gift card's balance) in one
    /// statement: by a delta, never below zero, or to a value if it is still
    /// the one expected.
    pub async fn change_counter(
        &self,
        counter: Counter,
        key: &str,
        change: CounterChange,
    ) -> ApiResult<Result<u128, CounterRefusal>> {
        let (table, column, key_column) = match counter {
            Counter::Stock => ("stock", "stock", "item_id"),
            Counter::GiftCard => ("gift_card_balances", "balance_minor", "code"),
        };
        let (sql, args): (String, Vec<JsValue>) = match change {
            CounterChange::By(delta) => (
                format!("UPDATE {table} SET {column} = {column} + ?3 WHERE app_def_id = ?1 AND {key_column} = ?2 RETURNING {column} AS value"),
                vec![key.into(), to_js(i64::try_from(delta).map_err(internal)?)],
            ),
            CounterChange::To { value, expected } => (
                format!("UPDATE {table} SET {column} = ?3 WHERE app_def_id = ?1 AND {key_column} = ?2 AND {column} = ?4 RETURNING {column} AS value"),
                vec![key.into(), to_js(i64::try_from(value).map_err(internal)?), to_js(i64::try_from(expected).map_err(internal)?)],
            ),
        };
        #[derive(Deserialize)]
        struct Row {
            value: i64,
        }
        let changed = match self.rows::<Row>(self.stmt(&sql, &args)?).await {
            Ok(mut rows) => rows.pop(),
            Err(Failure(text)) if text.contains("never_negative") => {
                return Ok(Err(CounterRefusal::WouldBeNegative(
                    self.counter(counter, key).await?.unwrap_or(0),
                )));
            }
            Err(e) => return Err(e.into()),
        };
        match changed {
            Some(row) => Ok(Ok(u128::try_from(row.value).unwrap_or(0))),
            None => Ok(Err(match self.counter(counter, key).await? {
                Some(current) => CounterRefusal::NotExpected(current),
                None => CounterRefusal::NoCounter,
            })),
        }
    }

    async fn counter(&self, counter: Counter, key: &str) -> ApiResult<Option<u128>> {
        let sql = match counter {
            Counter::Stock => "SELECT stock AS value FROM stock WHERE app_def_id = ?1 AND item_id = ?2",
            Counter::GiftCard => "SELECT balance_minor AS value FROM gift_card_balances WHERE app_def_id = ?1 AND code = ?2",
        };
        let value: Option<i64> = self.value(self.stmt(sql, &[key.into()])?, "value").await?;
        Ok(value.map(|v| u128::try_from(v).unwrap_or(0)))
    }
}

/// A live counter.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Counter {
    Stock,
    GiftCard,
}

/// Why a counter's change was not made; the counter's current value.
#[derive(Debug, PartialEq, Eq)]
pub enum CounterRefusal {
    /// No such item with a stock, or no such gift card.
    NoCounter,
    /// A guarded set found another value.
    NotExpected(u128),
    /// The delta would take it below zero.
    WouldBeNegative(u128),
}

#[cfg(test)]
mod tests {
    use super::{keep_config, kept_config, KEPT_CONFIGS};
    use checkout_core::store::StoreConfig;
    use std::rc::Rc;

    /// A configuration kept per tenant, the last read first, at most
    /// `KEPT_CONFIGS` of them; a tenant's next write replaces its own.
    #[test]
    fn configurations_are_kept_per_tenant_the_last_read_first_and_a_few_only() {
        let config = |currency: &str| -> Rc<StoreConfig> {
            Rc::new(
                serde_json::from_value(serde_json::json!({"currency": currency, "catalog": []}))
                    .expect("a configuration"),
            )
        };
        let tenant = |i: usize| format!("tenant-{i}");
        for i in 0..=KEPT_CONFIGS {
            keep_config(&tenant(i), format!("write-{i}"), config("USD"));
        }
        // the first read is the one let go
        assert!(kept_config(&tenant(0)).is_none());
        for i in 1..=KEPT_CONFIGS {
            assert_eq!(
                kept_config(&tenant(i)).map(|(id, _)| id),
                Some(format!("write-{i}"))
            );
        }
        // a new write of a tenant replaces what was kept for it, and is kept last read
        keep_config(&tenant(1), "write-1b".into(), config("EUR"));
        let (id, kept) = kept_config(&tenant(1)).expect("kept");
        assert_eq!((id.as_str(), kept.currency.as_str()), ("write-1b", "EUR"));
        keep_config(&tenant(0), "write-0".into(), config("USD"));
        assert!(kept_config(&tenant(1)).is_some(), "read last: kept");
        assert!(
            kept_config(&tenant(2)).is_none(),
            "the longest unread: let go"
        );
    }
}
