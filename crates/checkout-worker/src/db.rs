//! Storage on D1: one tenant's store, checkouts and orders. Every query is
//! scoped by the tenant's `app_def_id`, so another tenant's id finds nothing.
//! The guarantees of create-order are constraints of the schema
//! (`migrations/0002_checkouts_orders.sql`); this module runs the batches and
//! tells which constraint refused one.

use crate::error::{ApiError, ApiResult};
use checkout_core::checkout::order::OrderPlan;
use checkout_core::checkout::CheckoutRecord;
use checkout_core::plans::order::PlanOrderRecord;
use checkout_core::store::{Counters, Store, StoreConfig};
use checkout_core::time::Timestamp;
use serde::Deserialize;
use serde_json::Value;
use worker::wasm_bindgen::JsValue;
use worker::{D1Database, D1PreparedStatement};

/// An event as the outbox keeps it: its id, its envelope (JSON text) and when it happened.
pub struct Event {
    pub id: String,
    pub body: String,
    pub at: Timestamp,
}

pub struct Db {
    d1: D1Database,
    tenant: String,
}

/// A checkout as read: the record and the version a change must write over.
pub struct Stored {
    pub record: CheckoutRecord,
    pub version: i64,
}

/// Whose order a create-order batch makes.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum OrderOf {
    /// `create-order`: the checkout is open; its order takes stock, spends the
    /// gift card, counts the coupon and completes it.
    OpenCheckout,
    /// A checkout completed in another system (`mark-as-completed`): only the order.
    CompletedElsewhere,
}

/// Why a create-order batch was refused.
#[derive(Debug, PartialEq, Eq)]
pub enum Refusal {
    /// The checkout already has an order (or changed, or completed, since it was read).
    CheckoutChanged,
    AlreadyOrdered,
    StockTaken,
    GiftCardSpent,
    CouponUsedUp,
}

#[derive(Deserialize)]
struct ReadRow {
    config: Option<String>,
    stock: Option<String>,
    balances: Option<String>,
    uses: Option<String>,
    record: Option<String>,
    version: Option<i64>,
}

fn internal(e: impl std::fmt::Display) -> ApiError {
    ApiError::Internal(e.to_string())
}

fn to_js(n: impl TryInto<i64>) -> JsValue {
    // Counters are below 2^53 (money is at most 10^15 minor units), exact as a JS number.
    JsValue::from_f64(n.try_into().unwrap_or(i64::MAX) as f64)
}

/// The text of a D1 failure, with its cause (where the constraint name is).
fn failure_text(e: &worker::Error) -> String {
    match e {
        worker::Error::D1(d) => {
            let inner: &worker::js_sys::Error = d.as_ref();
            format!("{} {}", d.cause(), String::from(inner.message()))
        }
        other => other.to_string(),
    }
}

impl Db {
    pub fn new(d1: D1Database, tenant: &str) -> Db {
        Db {
            d1,
            tenant: tenant.to_owned(),
        }
    }

    fn stmt(&self, sql: &str, args: &[JsValue]) -> ApiResult<D1PreparedStatement> {
        let mut all = vec![JsValue::from_str(&self.tenant)];
        all.extend_from_slice(args);
        Ok(self.d1.prepare(sql).bind(&all)?)
    }

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

    /// The tenant's store with its counters; `None` when it has none.
    pub async fn store(&self) -> ApiResult<Option<Store>> {
        Ok(self.read("").await?.0)
    }

    /// The store and one checkout, read together (one round trip, one snapshot).
    pub async fn store_and_checkout(&self, id: &str) -> ApiResult<(Store, Stored)> {
        let (store, checkout) = self.read(id).await?;
        let checkout = checkout.ok_or(ApiError::NotFound("checkout"))?;
        Ok((store.ok_or(ApiError::StoreNotConfigured)?, checkout))
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

    /// An event for the outbox, written by the same batch as its change;
    /// with `only_if_changed`, only when the statement before it changed a row.
    fn event(&self, event: &Event, only_if_changed: bool) -> ApiResult<D1PreparedStatement> {
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

    /// A new checkout and its `created` event.
    pub async fn insert_checkout(&self, record: &CheckoutRecord, event: &Event) -> ApiResult<()> {
        let text = serde_json::to_string(record).map_err(internal)?;
        let created = record.created_date.to_string();
        self.d1
            .batch(vec![
                self.stmt(
                    "INSERT INTO checkouts (app_def_id, id, version, completed, record, created_date, updated_date)
                     VALUES (?1, ?2, 1, ?3, ?4, ?5, ?5)",
                    &[record.id.as_str().into(), i32::from(record.completed).into(), text.into(), created.into()],
                )?,
                self.event(event, false)?,
            ])
            .await?;
        Ok(())
    }

    /// Writes a changed checkout over the version it was read at, with its
    /// event; `false` when another change came first (nothing is written then).
    pub async fn save_checkout(
        &self,
        record: &CheckoutRecord,
        version: i64,
        event: &Event,
    ) -> ApiResult<bool> {
        let text = serde_json::to_string(record).map_err(internal)?;
        let results = self
            .d1
            .batch(vec![
                self.stmt(
                    "UPDATE checkouts SET record = ?2, version = version + 1, completed = ?3, updated_date = ?4
                     WHERE app_def_id = ?1 AND id = ?5 AND version = ?6",
                    &[text.into(), i32::from(record.completed).into(), record.updated_date.to_string().into(),
                      record.id.as_str().into(), to_js(version)],
                )?,
                self.event(event, true)?,
            ])
            .await?;
        first_changed(&results)
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

    /// Creates the order and everything that goes with it in one transaction:
    /// the order row (numbered, made from the version read), the stock taken,
    /// the gift card spent, the coupon use counted and the checkout completed.
    pub async fn create_order(
        &self,
        plan: &OrderPlan,
        record: &CheckoutRecord,
        version: i64,
        of: OrderOf,
        checkout_event: Option<&Event>,
        order_event: &Event,
    ) -> ApiResult<Result<i64, Refusal>> {
        let order_id = plan.order_id.as_str();
        let email = record
            .buyer_info
            .email
            .as_deref()
            .map_or(JsValue::NULL, JsValue::from_str);
        let created = plan.created_date.to_string();
        let mut batch = vec![self.stmt(
            "INSERT INTO orders (app_def_id, id, checkout_id, checkout_version, number, status, payment_status,
                                 buyer_email, created_date, body)
             VALUES (?1, ?2, ?3,
                     (SELECT version FROM checkouts WHERE app_def_id = ?1 AND id = ?3 AND version = ?4 AND completed = ?10),
                     (SELECT coalesce(max(number), 1000) + 1 FROM orders WHERE app_def_id = ?1),
                     ?5, ?6, ?7, ?8, ?9)",
            &[order_id.into(), record.id.as_str().into(), to_js(version), plan.status.into(), plan.payment_status.into(),
              email, created.as_str().into(), plan.body.as_str().into(), i32::from(of == OrderOf::CompletedElsewhere).into()],
        )?];
        // A checkout completed in another system was paid, and counted, there.
        let plan_counters = of == OrderOf::OpenCheckout;
        for (item, units) in plan.stock.iter().filter(|_| plan_counters) {
            batch.push(self.stmt(
                "UPDATE stock SET stock = stock - ?3 WHERE app_def_id = ?1 AND item_id = ?2",
                &[item.as_str().into(), to_js(*units as i64)],
            )?);
        }
        if let Some((code, minor)) = plan.gift_card.as_ref().filter(|_| plan_counters) {
            batch.push(self.stmt(
                "UPDATE gift_card_balances SET balance_minor = balance_minor - ?3 WHERE app_def_id = ?1 AND code = ?2",
                &[code.as_str().into(), to_js(*minor as i64)],
            )?);
        }
        if let Some(code) = plan.coupon.as_ref().filter(|_| plan_counters) {
            batch.push(self.stmt(
                "INSERT INTO coupon_uses (app_def_id, code, uses) VALUES (?1, ?2, 1)
                 ON CONFLICT (app_def_id, code) DO UPDATE SET uses = uses + 1",
                &[code.as_str().into()],
            )?);
        }
        let mut completed = record.clone();
        completed.completed = true;
        completed.order_id = Some(order_id.to_owned());
        let text = serde_json::to_string(&completed).map_err(internal)?;
        batch.push(self.stmt(
            "UPDATE checkouts SET record = ?2, version = version + 1, completed = 1, updated_date = ?3
             WHERE app_def_id = ?1 AND id = ?4 AND version = ?5",
            &[text.into(), created.as_str().into(), record.id.as_str().into(), to_js(version)],
        )?);
        if let Some(event) = checkout_event {
            batch.push(self.event(event, false)?);
        }
        // the order's event, with the number the order row was given
        batch.push(self.stmt(
            "INSERT INTO events (app_def_id, id, body, created_date, next_attempt_ms)
             SELECT ?1, ?2, json_set(?3, '$.createdEvent.entity.number', CAST(number AS TEXT)), ?4, ?5
             FROM orders WHERE app_def_id = ?1 AND id = ?6",
            &[order_event.id.as_str().into(), order_event.body.as_str().into(), order_event.at.to_string().into(),
              to_js(order_event.at.millis()), order_id.into()],
        )?);
        match self.d1.batch(batch).await {
            Ok(_) => {}
            Err(e) => {
                let text = failure_text(&e);
                let refusal = if text.contains("one_order_per_checkout")
                    || text.contains("orders.app_def_id, orders.checkout_id")
                {
                    Refusal::AlreadyOrdered
                } else if text.contains("orders.checkout_version") {
                    Refusal::CheckoutChanged
                } else if text.contains("stock_never_negative") {
                    Refusal::StockTaken
                } else if text.contains("gift_card_never_negative") {
                    Refusal::GiftCardSpent
                } else if text.contains("coupon_uses_within_limit") {
                    Refusal::CouponUsedUp
                } else {
                    return Err(ApiError::Internal(text));
                };
                return Ok(Err(refusal));
            }
        }
        let number: Option<i64> = self
            .stmt(
                "SELECT number FROM orders WHERE app_def_id = ?1 AND id = ?2",
                &[order_id.into()],
            )?
            .first(Some("number"))
            .await?;
        Ok(Ok(number.unwrap_or_default()))
    }

    /// An order with its number, as the API shows it.
    pub async fn order(&self, id: &str) -> ApiResult<Option<Value>> {
        #[derive(Deserialize)]
        struct Row {
            number: i64,
            body: String,
        }
        let row = self
            .stmt(
                "SELECT number, body FROM orders WHERE app_def_id = ?1 AND id = ?2",
                &[id.into()],
            )?
            .all()
            .await?
            .results::<Row>()?
            .into_iter()
            .next();
        row.map(|r| order_json(r.number, &r.body)).transpose()
    }

    /// The order of a checkout, if it has one.
    pub async fn order_id_of_checkout(&self, checkout_id: &str) -> ApiResult<Option<String>> {
        Ok(self
            .stmt(
                "SELECT id FROM orders WHERE app_def_id = ?1 AND checkout_id = ?2",
                &[checkout_id.into()],
            )?
            .first(Some("id"))
            .await?)
    }

    /// Orders matching a search, newest first, after a cursor; one more than
    /// `limit` is read to tell whether there is a next page.
    pub async fn search_orders(
        &self,
        search: &crate::orders::Search,
    ) -> ApiResult<Vec<(Value, String, String)>> {
        #[derive(Deserialize)]
        struct Row {
            id: String,
            number: i64,
            created_date: String,
            body: String,
        }
        let mut sql =
            String::from("SELECT id, number, created_date, body FROM orders WHERE app_def_id = ?1");
        let mut args: Vec<JsValue> = Vec::new();
        let mut arg = |sql: &mut String, clause: &str, v: JsValue| {
            args.push(v);
            sql.push_str(&clause.replace('?', &format!("?{}", args.len() + 1)));
        };
        for (column, values) in [
            ("status", &search.statuses),
            ("payment_status", &search.payment_statuses),
        ] {
            if let Some(values) = values {
                let list = serde_json::to_string(values).map_err(internal)?;
                arg(
                    &mut sql,
                    &format!(" AND {column} IN (SELECT value FROM json_each(?))"),
                    list.into(),
                );
            }
        }
        if let Some(email) = &search.email {
            arg(&mut sql, " AND buyer_email = ?", email.as_str().into());
        }
        for (op, bound) in &search.created {
            arg(
                &mut sql,
                &format!(" AND created_date {op} ?"),
                bound.to_string().into(),
            );
        }
        if let Some((created, id)) = &search.after {
            arg(
                &mut sql,
                " AND (created_date, id) < (?",
                created.as_str().into(),
            );
            arg(&mut sql, ", ?)", id.as_str().into());
        }
        sql.push_str(&format!(
            " ORDER BY created_date DESC, id DESC LIMIT {}",
            search.limit + 1
        ));
        let rows = self.stmt(&sql, &args)?.all().await?.results::<Row>()?;
        rows.into_iter()
            .map(|r| Ok((order_json(r.number, &r.body)?, r.created_date, r.id)))
            .collect()
    }
}

/// A plan order as read: the record and the version a change must write over.
pub struct StoredPlanOrder {
    pub record: PlanOrderRecord,
    pub version: i64,
}

/// Which plan orders a list shows.
#[derive(Debug, Default)]
pub struct PlanOrderFilter {
    pub statuses: Vec<String>,
    pub buyers: Vec<String>,
    pub plans: Vec<String>,
    pub payment_statuses: Vec<String>,
    pub limit: usize,
    pub offset: usize,
}

impl Db {
    /// How many orders of a plan a buyer holds.
    pub async fn plan_orders_held(&self, buyer: &str, plan: &str) -> ApiResult<usize> {
        let n: Option<i64> = self
            .stmt(
                "SELECT count(*) AS n FROM plan_orders WHERE app_def_id = ?1 AND buyer_id = ?2 AND plan_id = ?3",
                &[buyer.into(), plan.into()],
            )?
            .first(Some("n"))
            .await?;
        Ok(usize::try_from(n.unwrap_or(0)).unwrap_or(0))
    }

    fn plan_order_args(record: &PlanOrderRecord) -> ApiResult<[JsValue; 4]> {
        Ok([
            serde_json::to_string(record).map_err(internal)?.into(),
            record.state.status.as_str().into(),
            record.last_payment_status.as_str().into(),
            record
                .state
                .next_clock_move()
                .map_or(JsValue::NULL, |t| to_js(t.millis())),
        ])
    }

    /// A new plan order and its events, written only if the buyer still holds
    /// `held` orders of the plan; `false` when another purchase came first.
    pub async fn insert_plan_order(
        &self,
        record: &PlanOrderRecord,
        held: usize,
        events: &[Event],
    ) -> ApiResult<bool> {
        let [text, status, paid, next] = Db::plan_order_args(record)?;
        let mut batch = vec![self.stmt(
            "INSERT INTO plan_orders (app_def_id, id, plan_id, buyer_id, version, status, payment_status,
                                      next_move_ms, created_date, record)
             SELECT ?1, ?2, ?3, ?4, 1, ?5, ?6, ?7, ?8, ?9
             WHERE (SELECT count(*) FROM plan_orders WHERE app_def_id = ?1 AND buyer_id = ?4 AND plan_id = ?3) = ?10",
            &[record.id.as_str().into(), record.plan_id.as_str().into(), record.buyer.member_id.as_str().into(),
              status, paid, next, record.created_date.to_string().into(), text, to_js(held as i64)],
        )?];
        batch.extend(self.plan_order_events(events)?);
        let results = self.d1.batch(batch).await?;
        first_changed(&results)
    }

    /// The events of a plan order's change, each written only if the
    /// statement before it changed a row: only if the order's insert or update
    /// was made (a version that moved on since the read refuses the update).
    fn plan_order_events(&self, events: &[Event]) -> ApiResult<Vec<D1PreparedStatement>> {
        events.iter().map(|e| self.event(e, true)).collect()
    }

    /// Plan orders as read: each record with its version.
    async fn plan_orders(&self, sql: &str, args: &[JsValue]) -> ApiResult<Vec<StoredPlanOrder>> {
        #[derive(Deserialize)]
        struct Row {
            record: String,
            version: i64,
        }
        self.stmt(sql, args)?
            .all()
            .await?
            .results::<Row>()?
            .into_iter()
            .map(|r| {
                Ok(StoredPlanOrder {
                    record: serde_json::from_str(&r.record).map_err(internal)?,
                    version: r.version,
                })
            })
            .collect()
    }

    pub async fn plan_order(&self, id: &str) -> ApiResult<Option<StoredPlanOrder>> {
        Ok(self
            .plan_orders(
                "SELECT record, version FROM plan_orders WHERE app_def_id = ?1 AND id = ?2",
                &[id.into()],
            )
            .await?
            .pop())
    }

    /// Writes a changed plan order over the version it was read at, with its
    /// events; `false` when another change came first (nothing is written then).
    pub async fn save_plan_order(
        &self,
        record: &PlanOrderRecord,
        version: i64,
        events: &[Event],
    ) -> ApiResult<bool> {
        let [text, status, paid, next] = Db::plan_order_args(record)?;
        let mut batch = vec![self.stmt(
            "UPDATE plan_orders SET record = ?2, status = ?3, payment_status = ?4, next_move_ms = ?5,
                                    version = version + 1
             WHERE app_def_id = ?1 AND id = ?6 AND version = ?7",
            &[text, status, paid, next, record.id.as_str().into(), to_js(version)],
        )?];
        batch.extend(self.plan_order_events(events)?);
        let results = self.d1.batch(batch).await?;
        first_changed(&results)
    }

    /// Orders the clock has moved since they were written (at most `limit`).
    pub async fn due_plan_orders(
        &self,
        now: Timestamp,
        limit: u32,
    ) -> ApiResult<Vec<StoredPlanOrder>> {
        self.plan_orders(
            &format!(
                "SELECT record, version FROM plan_orders WHERE app_def_id = ?1 AND next_move_ms <= ?2
                 ORDER BY next_move_ms LIMIT {limit}"
            ),
            &[to_js(now.millis())],
        )
        .await
    }

    /// One page of plan orders, newest first, and how many match in all.
    pub async fn list_plan_orders(
        &self,
        filter: &PlanOrderFilter,
    ) -> ApiResult<(Vec<PlanOrderRecord>, usize)> {
        #[derive(Deserialize)]
        struct Row {
            record: String,
            total: i64,
        }
        let mut sql = String::from(
            "SELECT record, count(*) OVER () AS total FROM plan_orders WHERE app_def_id = ?1",
        );
        let mut args: Vec<JsValue> = Vec::new();
        for (column, values) in [
            ("status", &filter.statuses),
            ("buyer_id", &filter.buyers),
            ("plan_id", &filter.plans),
            ("payment_status", &filter.payment_statuses),
        ] {
            if !values.is_empty() {
                args.push(serde_json::to_string(values).map_err(internal)?.into());
                sql.push_str(&format!(
                    " AND {column} IN (SELECT value FROM json_each(?{}))",
                    args.len() + 1
                ));
            }
        }
        sql.push_str(&format!(
            " ORDER BY created_date DESC, id DESC LIMIT {} OFFSET {}",
            filter.limit, filter.offset
        ));
        let rows = self.stmt(&sql, &args)?.all().await?.results::<Row>()?;
        let total = rows
            .first()
            .map_or(0, |r| usize::try_from(r.total).unwrap_or(0));
        let orders = rows
            .into_iter()
            .map(|r| serde_json::from_str(&r.record).map_err(internal))
            .collect::<ApiResult<Vec<_>>>()?;
        Ok((orders, total))
    }
}

/// Whether the first statement of a batch changed a row.
fn first_changed(results: &[worker::D1Result]) -> ApiResult<bool> {
    let changed = results
        .first()
        .map(|r| r.meta())
        .transpose()?
        .flatten()
        .and_then(|m| m.changes)
        .unwrap_or(0);
    Ok(changed == 1)
}

fn order_json(number: i64, body: &str) -> ApiResult<Value> {
    let mut order: Value = serde_json::from_str(body).map_err(internal)?;
    order["number"] = Value::from(number.to_string());
    Ok(order)
}
