//! Orders: create-order's one batch (the order, the stock, the gift card, the
//! coupon use, the checkout naming its order and the events); a change of
//! its payment lifecycle in one batch (the order, what it gives back, its
//! checkout completed or reopened, the events); read and searched.

use super::{internal, to_js, Db};
use crate::error::{ApiError, ApiResult};
use crate::events::Event;
use checkout_core::checkout::order::OrderDraft;
use checkout_core::checkout::payment::{OrderState, OrderStatus, PaymentStatus, Transition};
use checkout_core::checkout::CheckoutRecord;
use checkout_core::time::Timestamp;
use serde::Deserialize;
use serde_json::{json, Value};
use worker::wasm_bindgen::JsValue;

/// Which orders a search reads (`request::search` reads it from Wix's request).
#[derive(Debug, Default, PartialEq)]
pub struct Search {
    pub statuses: Option<Vec<String>>,
    pub payment_statuses: Option<Vec<String>>,
    pub email: Option<String>,
    /// `(SQL operator, bound)` on the creation date.
    pub created: Vec<(&'static str, Timestamp)>,
    /// Where the previous page ended: `(createdDate, id)`.
    pub after: Option<(String, String)>,
    pub limit: usize,
    /// The filter as asked, which the next page's cursor carries.
    pub filter: Value,
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

impl Db {
    /// Creates the order and everything that goes with it in one transaction:
    /// the order row (numbered, made from the version read), the stock taken,
    /// the gift card spent, the coupon use counted and the checkout completed.
    pub async fn create_order(
        &self,
        draft: &OrderDraft,
        record: &CheckoutRecord,
        version: i64,
        of: OrderOf,
        checkout_event: Option<&Event>,
        order_event: &Event,
    ) -> ApiResult<Result<i64, Refusal>> {
        let order_id = draft.order_id.as_str();
        let email = record
            .buyer_info
            .email
            .as_deref()
            .map_or(JsValue::NULL, JsValue::from_str);
        let created = draft.created_date.to_string();
        // A checkout completed in another system was paid, and counted, there.
        let takes_counters = of == OrderOf::OpenCheckout;
        let held = takes_counters.then(|| {
            json!({"stock": draft.stock, "giftCard": draft.gift_card.as_ref().map(|(code, minor)| json!({"code": code, "minor": minor.to_string()})),
                   "coupon": draft.coupon})
            .to_string()
        });
        let mut batch = vec![self.stmt(
            "INSERT INTO orders (app_def_id, id, checkout_id, checkout_version, number, status, payment_status,
                                 buyer_email, created_date, body, gateway_order_id, pay_by_ms, held)
             VALUES (?1, ?2, ?3,
                     (SELECT version FROM checkouts WHERE app_def_id = ?1 AND id = ?3 AND version = ?4 AND completed = ?10),
                     (SELECT coalesce(max(number), 1000) + 1 FROM orders WHERE app_def_id = ?1),
                     ?5, ?6, ?7, ?8, ?9, ?11, ?12, ?13)",
            &[order_id.into(), record.id.as_str().into(), to_js(version), draft.state.status.as_str().into(),
              draft.state.payment_status.as_str().into(), email, created.as_str().into(), draft.body.as_str().into(),
              i32::from(of == OrderOf::CompletedElsewhere).into(),
              draft.payment_gateway_order_id.as_deref().map_or(JsValue::NULL, JsValue::from),
              draft.pay_by.map_or(JsValue::NULL, |t| to_js(t.millis())),
              held.map_or(JsValue::NULL, JsValue::from)],
        )?];
        for (item, units) in draft.stock.iter().filter(|_| takes_counters) {
            batch.push(self.stmt(
                "UPDATE stock SET stock = stock - ?3 WHERE app_def_id = ?1 AND item_id = ?2",
                &[item.as_str().into(), to_js(*units as i64)],
            )?);
        }
        if let Some((code, minor)) = draft.gift_card.as_ref().filter(|_| takes_counters) {
            batch.push(self.stmt(
                "UPDATE gift_card_balances SET balance_minor = balance_minor - ?3 WHERE app_def_id = ?1 AND code = ?2",
                &[code.as_str().into(), to_js(*minor as i64)],
            )?);
        }
        if let Some(code) = draft.coupon.as_ref().filter(|_| takes_counters) {
            batch.push(self.stmt(
                "INSERT INTO coupon_uses (app_def_id, code, uses) VALUES (?1, ?2, 1)
                 ON CONFLICT (app_def_id, code) DO UPDATE SET uses = uses + 1",
                &[code.as_str().into()],
            )?);
        }
        // the checkout names its order; it is completed when nothing is left to pay
        let mut ordered = record.clone();
        ordered.completed = draft.state.status != OrderStatus::Initialized;
        ordered.order_id = Some(order_id.to_owned());
        let text = ordered.to_stored_json()?;
        batch.push(self.stmt(
            "UPDATE checkouts SET record = ?2, version = version + 1, completed = ?6, updated_date = ?3
             WHERE app_def_id = ?1 AND id = ?4 AND version = ?5",
            &[text.into(), created.as_str().into(), record.id.as_str().into(), to_js(version),
              i32::from(ordered.completed).into()],
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
        )?.into_outbox());
        match self.batch(batch).await {
            Ok(_) => {}
            Err(super::Failure(text)) => {
                // SQLite names a unique index's columns, not the index (one_live_order_per_checkout)
                let refusal = if text.contains("orders.app_def_id, orders.checkout_id") {
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
            .value(
                self.stmt(
                    "SELECT number FROM orders WHERE app_def_id = ?1 AND id = ?2",
                    &[order_id.into()],
                )?,
                "number",
            )
            .await?;
        match number {
            Some(number) => Ok(Ok(number)),
            None => Err(ApiError::Internal(format!(
                "order {order_id} has no number after its batch"
            ))),
        }
    }

    /// An order with its number, as the API shows it.
    pub async fn order(&self, id: &str) -> ApiResult<Option<Value>> {
        #[derive(Deserialize)]
        struct Row {
            number: i64,
            body: String,
        }
        let row: Option<Row> = self
            .row(self.stmt(
                "SELECT number, body FROM orders WHERE app_def_id = ?1 AND id = ?2",
                &[id.into()],
            )?)
            .await?;
        row.map(|r| order_json(r.number, &r.body)).transpose()
    }

    /// Orders matching a search, newest first, after a cursor; one more than
    /// `limit` is read to tell whether there is a next page.
    pub async fn search_orders(&self, search: &Search) -> ApiResult<Vec<(Value, String, String)>> {
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
        let rows: Vec<Row> = self.rows(self.stmt(&sql, &args)?).await?;
        rows.into_iter()
            .map(|r| Ok((order_json(r.number, &r.body)?, r.created_date, r.id)))
            .collect()
    }
}

/// An order as stored, for a change of its payment lifecycle.
#[derive(Deserialize)]
pub struct OrderRow {
    pub id: String,
    pub checkout_id: String,
    pub number: i64,
    status: String,
    payment_status: String,
    pub version: i64,
    pub body: String,
    pub pay_by_ms: Option<i64>,
    /// What it holds and gives back when canceled (JSON).
    held: Option<String>,
}

impl OrderRow {
    pub fn state(&self) -> ApiResult<OrderState> {
        Ok(OrderState {
            status: OrderStatus::parse(&self.status)
                .ok_or_else(|| internal(format!("order status {:?}", self.status)))?,
            payment_status: PaymentStatus::parse(&self.payment_status)
                .ok_or_else(|| internal(format!("payment status {:?}", self.payment_status)))?,
        })
    }

    /// The order as the API shows it, with its number.
    pub fn json(&self) -> ApiResult<Value> {
        order_json(self.number, &self.body)
    }
}

/// What held stock, gift card amount and coupon use an order gives back.
#[derive(Deserialize, Default)]
#[serde(rename_all = "camelCase")]
struct Held {
    #[serde(default)]
    stock: std::collections::BTreeMap<String, u64>,
    gift_card: Option<HeldGiftCard>,
    coupon: Option<String>,
}

#[derive(Deserialize)]
struct HeldGiftCard {
    code: String,
    minor: String,
}

const ORDER_ROW: &str =
    "SELECT id, checkout_id, number, status, payment_status, version, body, pay_by_ms, held FROM orders";

impl Db {
    /// An order by id, or by the payment gateway id create-order handed out.
    pub async fn order_row(&self, id: &str, by_gateway_id: bool) -> ApiResult<Option<OrderRow>> {
        let column = if by_gateway_id {
            "gateway_order_id"
        } else {
            "id"
        };
        Ok(self
            .row(self.stmt(
                &format!("{ORDER_ROW} WHERE app_def_id = ?1 AND {column} = ?2"),
                &[id.into()],
            )?)
            .await?)
    }

    /// Orders awaiting payment whose deadline passed, oldest first.
    pub async fn overdue_orders(&self, now: Timestamp, limit: u32) -> ApiResult<Vec<String>> {
        #[derive(Deserialize)]
        struct Row {
            id: String,
        }
        Ok(self
            .rows::<Row>(self.stmt(
                &format!("SELECT id FROM orders WHERE app_def_id = ?1 AND status = 'INITIALIZED' AND pay_by_ms <= ?2
                          ORDER BY pay_by_ms LIMIT {limit}"),
                &[to_js(now.millis())],
            )?)
            .await?
            .into_iter()
            .map(|r| r.id)
            .collect())
    }

    /// Writes a change of an order's payment lifecycle over the version it
    /// was read at, in one batch: the order, then (each only if the order
    /// was written by this batch, which `token` marks) what it gives back,
    /// its checkout completed or reopened, and the events. Whether it was
    /// written: `false` when another change came first.
    pub async fn change_order(
        &self,
        row: &OrderRow,
        t: &Transition,
        body: &str,
        events: &[Event],
        token: &str,
        now: Timestamp,
    ) -> ApiResult<bool> {
        let held: Held = match (&row.held, t.gives_back) {
            (Some(held), true) => serde_json::from_str(held).map_err(internal)?,
            _ => Held::default(),
        };
        let guard =
            "EXISTS (SELECT 1 FROM orders WHERE app_def_id = ?1 AND id = ?2 AND change_token = ?3)";
        let guarded = |sql: &str, args: &[JsValue]| {
            let mut all: Vec<JsValue> = vec![row.id.as_str().into(), token.into()];
            all.extend_from_slice(args);
            self.stmt(&format!("{sql} AND {guard}"), &all)
        };
        let mut batch = vec![self.stmt(
            "UPDATE orders SET status = ?3, payment_status = ?4, body = ?5, version = version + 1, change_token = ?6,
                pay_by_ms = CASE WHEN ?3 = 'INITIALIZED' THEN pay_by_ms END,
                held = CASE WHEN ?7 THEN NULL ELSE held END
             WHERE app_def_id = ?1 AND id = ?2 AND version = ?8",
            &[row.id.as_str().into(), t.to.status.as_str().into(), t.to.payment_status.as_str().into(), body.into(),
              token.into(), i32::from(t.gives_back).into(), to_js(row.version)],
        )?];
        for (item, units) in &held.stock {
            batch.push(guarded(
                "UPDATE stock SET stock = stock + ?5 WHERE app_def_id = ?1 AND item_id = ?4",
                &[item.as_str().into(), to_js(*units as i64)],
            )?);
        }
        if let Some(card) = &held.gift_card {
            let minor: i64 = card.minor.parse().map_err(internal)?;
            batch.push(guarded(
                "UPDATE gift_card_balances SET balance_minor = balance_minor + ?5 WHERE app_def_id = ?1 AND code = ?4",
                &[card.code.as_str().into(), to_js(minor)],
            )?);
        }
        if let Some(code) = &held.coupon {
            batch.push(guarded(
                "UPDATE coupon_uses SET uses = max(uses - 1, 0) WHERE app_def_id = ?1 AND code = ?4",
                &[code.as_str().into()],
            )?);
        }
        let checkout = |sql: &str| {
            guarded(
                sql,
                &[row.checkout_id.as_str().into(), now.to_string().into()],
            )
        };
        if t.completes_checkout {
            batch.push(checkout(
                "UPDATE checkouts SET record = json_set(record, '$.completed', json('true')), completed = 1,
                    version = version + 1, updated_date = ?5
                 WHERE app_def_id = ?1 AND id = ?4 AND json_extract(record, '$.orderId') = ?2",
            )?);
        }
        if t.reopens_checkout {
            batch.push(checkout(
                "UPDATE checkouts SET record = json_remove(record, '$.orderId'), version = version + 1, updated_date = ?5
                 WHERE app_def_id = ?1 AND id = ?4 AND completed = 0 AND json_extract(record, '$.orderId') = ?2",
            )?);
        }
        for event in events {
            batch.push(self.event_when(
                event,
                "EXISTS (SELECT 1 FROM orders WHERE app_def_id = ?1 AND id = ?6 AND change_token = ?7)",
                &[row.id.as_str().into(), token.into()],
            )?);
        }
        let results = self.batch(batch).await?;
        Ok(super::first_changed(&results))
    }
}

fn order_json(number: i64, body: &str) -> ApiResult<Value> {
    let mut order: Value = serde_json::from_str(body).map_err(internal)?;
    order["number"] = Value::from(number.to_string());
    Ok(order)
}
