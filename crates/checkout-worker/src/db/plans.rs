//! Plan orders: inserted guarded by the buyer's count of the plan, written
//! over the version read with their events, read when the clock moved them,
//! listed with filters.

use super::{first_changed, internal, to_js, Db, Stmt};
use crate::error::ApiResult;
use checkout_core::events::Event;
use checkout_core::plans::order::PlanOrderRecord;
use checkout_core::time::Timestamp;
use serde::Deserialize;
use worker::wasm_bindgen::JsValue;

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
            .value(self.stmt(
                "SELECT count(*) AS n FROM plan_orders WHERE app_def_id = ?1 AND buyer_id = ?2 AND plan_id = ?3",
                &[buyer.into(), plan.into()],
            )?, "n")
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
        let results = self.batch(batch).await?;
        Ok(first_changed(&results))
    }

    /// The events of a plan order's change, each written only if the
    /// statement before it changed a row: only if the order's insert or update
    /// was made (a version that moved on since the read refuses the update).
    fn plan_order_events(&self, events: &[Event]) -> ApiResult<Vec<Stmt>> {
        events.iter().map(|e| self.event(e, true)).collect()
    }

    /// Plan orders as read: each record with its version.
    async fn plan_orders(&self, sql: &str, args: &[JsValue]) -> ApiResult<Vec<StoredPlanOrder>> {
        #[derive(Deserialize)]
        struct Row {
            record: String,
            version: i64,
        }
        self.rows::<Row>(self.stmt(sql, args)?)
            .await?
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
        let results = self.batch(batch).await?;
        Ok(first_changed(&results))
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
        let rows = self.rows::<Row>(self.stmt(&sql, &args)?).await?;
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
