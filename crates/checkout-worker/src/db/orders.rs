//! Orders: a placement carried out in one batch (the order, the stock, the
//! gift card, the coupon use, the checkout naming its order and the events,
//! as the core's `placement` made them); a change of
//! its payment lifecycle in one batch (the order, what it gives back, its
//! checkout completed or reopened, the events); read and searched.

use super::{internal, to_js, Db, Stmt};
use crate::error::{ApiError, ApiResult};
use checkout_core::checkout::order::{Held, BUYER_DATA};
use checkout_core::checkout::payment::{OrderState, OrderStatus, PaymentStatus, Transition};
use checkout_core::checkout::placement::{OrderOf, Placement};
use checkout_core::events::Event;
use checkout_core::store::ORDER_NUMBERS_AFTER;
use checkout_core::time::Timestamp;
use serde::Deserialize;
use serde_json::Value;
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

/// Why storage refused a placement: something it was made from moved since
/// it was read (its constraints say which).
#[derive(Debug, PartialEq, Eq)]
pub enum Refusal {
    /// The checkout changed (or completed) since it was read.
    CheckoutChanged,
    /// The checkout has a live order already.
    AlreadyOrdered,
    /// Another order took the number.
    NumberTaken,
    StockTaken,
    GiftCardSpent,
    CouponUsedUp,
}

/// An order as the API shows it, in JSON text: its body with its `number`
/// (the column's, which a change of the order leaves out of its body) set
/// by SQLite, which keeps the rest as it was written (a search and a read
/// answer it without parsing it). Every read of an order goes through it.
const ORDER_AS_SHOWN: &str = "json_set(body, '$.number', CAST(number AS TEXT))";

/// The live unpaid orders of the client `?2` at `?3` (epoch ms).
const LIVE_UNPAID_OF_CLIENT: &str =
    "app_def_id = ?1 AND client = ?2 AND status = 'INITIALIZED' AND pay_by_ms > ?3";

/// Each refusal and what a refused batch's text names: a constraint's name,
/// or for a unique index the columns SQLite names instead of the index
/// (`migrations/`, where a test finds each).
const REFUSALS: [(Refusal, &str); 6] = [
    (
        Refusal::AlreadyOrdered,
        "orders.app_def_id, orders.checkout_id",
    ),
    (Refusal::NumberTaken, "orders.app_def_id, orders.number"),
    (Refusal::CheckoutChanged, "orders.checkout_version"),
    (Refusal::StockTaken, "stock_never_negative"),
    (Refusal::GiftCardSpent, "gift_card_never_negative"),
    (Refusal::CouponUsedUp, "coupon_uses_within_limit"),
];

impl Db {
    /// The store's next order number, taken now (one statement: concurrent
    /// create-orders never contend for one). A number taken by an order that
    /// is then refused (it lost a race) is left unused, as a sequence's is.
    pub async fn take_order_number(&self) -> ApiResult<u64> {
        let number: Option<i64> = self
            .value(
                self.stmt(
                    "INSERT INTO order_numbers (app_def_id, last)
                     VALUES (?1, max(?2, coalesce((SELECT max(number) FROM orders WHERE app_def_id = ?1), 0)) + 1)
                     ON CONFLICT (app_def_id) DO UPDATE SET last = last + 1
                     RETURNING last",
                    &[to_js(ORDER_NUMBERS_AFTER)],
                )?,
                "last",
            )
            .await?;
        number
            .and_then(|n| u64::try_from(n).ok())
            .ok_or_else(|| internal("no order number was taken"))
    }

    /// The orders created before `cutoff`, never paid and canceled, forget
    /// their buyer (`order::BUYER_DATA`); how many.
    pub async fn forget_buyers_of_unpaid_orders(&self, cutoff: Timestamp) -> ApiResult<usize> {
        let paths: Vec<String> = BUYER_DATA.iter().map(|p| format!("'{p}'")).collect();
        self.run(self.stmt(
            &format!(
                "UPDATE orders SET body = json_remove(body, {}), buyer_email = NULL
                 WHERE app_def_id = ?1 AND status = 'CANCELED' AND payment_status = 'CANCELED'
                   AND created_date < ?2 AND buyer_email IS NOT NULL",
                paths.join(", ")
            ),
            &[cutoff.to_string().into()],
        )?)
        .await
    }

    /// The live unpaid orders `client` holds at `now`, and the earliest deadline among them.
    pub async fn unpaid_orders_of(
        &self,
        client: &str,
        now: Timestamp,
    ) -> ApiResult<(u32, Option<Timestamp>)> {
        #[derive(Deserialize)]
        struct Row {
            n: u32,
            earliest: Option<i64>,
        }
        let row: Option<Row> = self
            .row(self.stmt(
                &format!("SELECT count(*) AS n, min(pay_by_ms) AS earliest FROM orders WHERE {LIVE_UNPAID_OF_CLIENT}"),
                &[client.into(), to_js(now.millis())],
            )?)
            .await?;
        Ok(row.map_or((0, None), |r| (r.n, r.earliest.map(Timestamp::from_millis))))
    }

    /// Carries out a placement as the core made it, over the checkout's
    /// `version`, in one transaction: the order row, what it takes from the
    /// counters, the checkout as it is after, the events. An order of a
    /// storefront `client` is refused while the client holds `most` live
    /// unpaid orders (as `CheckoutChanged`: the next read tells why).
    pub async fn place_order(
        &self,
        p: &Placement,
        version: i64,
        client: Option<(&str, u32)>,
    ) -> ApiResult<Result<(), Refusal>> {
        let (order, record) = (&p.order, &p.checkout);
        let email = record
            .buyer_info
            .email
            .as_deref()
            .map_or(JsValue::NULL, JsValue::from_str);
        let created = order.created_date.to_string();
        let held = p
            .held()
            .map(serde_json::to_string)
            .transpose()
            .map_err(internal)?;
        let elsewhere = p.of == OrderOf::CompletedElsewhere;
        let (client, most) = client.map_or((JsValue::NULL, 0), |(c, n)| (c.into(), n));
        // the order is made only from the version read, of a checkout as completed as it was
        // then, while its client holds fewer live unpaid orders than the store allows
        let mut batch = vec![self.stmt(
            &format!("INSERT INTO orders (app_def_id, id, checkout_id, checkout_version, number, status, payment_status,
                                 buyer_email, created_date, body, gateway_order_id, pay_by_ms, held, client)
             VALUES (?1, ?2, ?3,
                     (SELECT version FROM checkouts WHERE app_def_id = ?1 AND id = ?3 AND version = ?4 AND completed = ?10
                        AND (?15 IS NULL OR (SELECT count(*) FROM orders WHERE {}) < ?17)),
                     ?14, ?5, ?6, ?7, ?8, ?9, ?11, ?12, ?13, ?15)",
                LIVE_UNPAID_OF_CLIENT.replace("?2", "?15").replace("?3", "?16")),
            &[order.order_id.as_str().into(), record.id.as_str().into(), to_js(version), order.state.status.as_str().into(),
              order.state.payment_status.as_str().into(), email, created.as_str().into(), order.body.as_str().into(),
              i32::from(elsewhere).into(),
              order.payment_gateway_order_id.as_deref().map_or(JsValue::NULL, JsValue::from),
              order.pay_by.map_or(JsValue::NULL, |t| to_js(t.millis())),
              held.map_or(JsValue::NULL, JsValue::from), to_js(p.number), client,
              to_js(order.created_date.millis()), to_js(most)],
        )?];
        if let Some(held) = p.held() {
            batch.extend(self.counter_moves(&held.taken(), Move::Take, None)?);
        }
        batch.push(self.stmt(
            "UPDATE checkouts SET record = ?2, version = version + 1, completed = ?6, updated_date = ?3
             WHERE app_def_id = ?1 AND id = ?4 AND version = ?5",
            &[record.to_stored_json()?.into(), created.as_str().into(), record.id.as_str().into(), to_js(version),
              i32::from(record.completed).into()],
        )?);
        for event in &p.events {
            batch.push(self.event(event, false)?);
        }
        refused(self.batch(batch).await.map(|_| ()))
    }

    /// An order as the API shows it ([`ORDER_AS_SHOWN`]).
    pub async fn order(&self, id: &str) -> ApiResult<Option<Value>> {
        let body: Option<String> = self
            .value(
                self.stmt(
                    &format!("SELECT {ORDER_AS_SHOWN} AS body FROM orders WHERE app_def_id = ?1 AND id = ?2"),
                    &[id.into()],
                )?,
                "body",
            )
            .await?;
        body.map(|b| serde_json::from_str(&b).map_err(internal))
            .transpose()
    }

    /// Orders matching a search, newest first, after a cursor, each as the
    /// API shows it ([`ORDER_AS_SHOWN`]: a page of 100 orders, some 2 MB, is
    /// never parsed here); one more than `limit` is read to tell whether
    /// there is a next page.
    pub async fn search_orders(&self, search: &Search) -> ApiResult<Vec<(String, String, String)>> {
        #[derive(Deserialize)]
        struct Row {
            id: String,
            created_date: String,
            body: String,
        }
        let mut sql = format!(
            "SELECT id, created_date, {ORDER_AS_SHOWN} AS body FROM orders WHERE app_def_id = ?1"
        );
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
            .map(|r| Ok((r.body, r.created_date, r.id)))
            .collect()
    }
}

/// An order as stored, for a change of its payment lifecycle.
#[derive(Deserialize)]
pub struct OrderRow {
    pub id: String,
    pub checkout_id: String,
    status: String,
    payment_status: String,
    pub version: i64,
    /// As the API shows it ([`ORDER_AS_SHOWN`]).
    body: String,
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
        serde_json::from_str(&self.body).map_err(internal)
    }
}

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
                &format!("SELECT id, checkout_id, status, payment_status, version, {ORDER_AS_SHOWN} AS body, pay_by_ms, held
                          FROM orders WHERE app_def_id = ?1 AND {column} = ?2"),
                &[id.into()],
            )?)
            .await?)
    }

    /// The order `id` as the API shows it ([`ORDER_AS_SHOWN`]), unless it
    /// awaits payment with its deadline passed at `now` (none then: it is
    /// read through its timeout, which cancels it, `payments::change`).
    pub async fn order_unless_overdue(
        &self,
        id: &str,
        now: Timestamp,
    ) -> ApiResult<Option<String>> {
        self.value(
            self.stmt(
                &format!("SELECT {ORDER_AS_SHOWN} AS body FROM orders WHERE app_def_id = ?1 AND id = ?2
                          AND NOT (status = 'INITIALIZED' AND pay_by_ms IS NOT NULL AND pay_by_ms <= ?3)"),
                &[id.into(), to_js(now.millis())],
            )?,
            "body",
        )
        .await
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
    /// was written by this batch, which `token` marks) what it gives back or
    /// a payment takes, its checkout completed or reopened, and the events.
    /// Whether it was written: `false` when another change came first; a
    /// refusal when what the payment takes is gone.
    pub async fn change_order(
        &self,
        row: &OrderRow,
        t: &Transition,
        body: &str,
        events: &[Event],
        token: &str,
        now: Timestamp,
    ) -> ApiResult<Result<bool, Refusal>> {
        let stored: Held = match &row.held {
            Some(held) => serde_json::from_str(held).map_err(internal)?,
            None => Held::default(),
        };
        let held = if t.gives_back {
            stored.taken()
        } else {
            Held::default()
        };
        let takes = stored.taken_when(t);
        let held_after = match &takes {
            Some(_) => Some(serde_json::to_string(&stored.all_taken()).map_err(internal)?),
            None => None,
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
                pay_by_ms = CASE WHEN ?3 = 'INITIALIZED' AND ?4 <> 'PAID' THEN pay_by_ms END,
                held = CASE WHEN ?7 THEN NULL ELSE coalesce(?9, held) END
             WHERE app_def_id = ?1 AND id = ?2 AND version = ?8",
            &[row.id.as_str().into(), t.to.status.as_str().into(), t.to.payment_status.as_str().into(), body.into(),
              token.into(), i32::from(t.gives_back).into(), to_js(row.version),
              held_after.map_or(JsValue::NULL, JsValue::from)],
        )?];
        // what a payment takes when the order takes its stock when paid (a
        // constraint refuses the batch whole when it is gone), or what a
        // cancel gives back
        let changed = Some((row.id.as_str(), token));
        if let Some(takes) = &takes {
            batch.extend(self.counter_moves(takes, Move::Take, changed)?);
        }
        batch.extend(self.counter_moves(&held, Move::GiveBack, changed)?);
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
                "UPDATE checkouts SET record = json_remove(record, '$.orderId', '$.orderNumber', '$.paymentGatewayOrderId'),
                    version = version + 1, updated_date = ?5
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
        Ok(refused(self.batch(batch).await)?.map(|results| super::first_changed(&results)))
    }
}

/// Which way an order moves the store's counters.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Move {
    Take,
    GiveBack,
}

impl Db {
    /// The statements that move `held` out of the store's counters (`Take`)
    /// or back into them; with `changed` (an order's id and a change's
    /// token), each only if that change wrote the order in the same batch.
    fn counter_moves(
        &self,
        held: &Held,
        way: Move,
        changed: Option<(&str, &str)>,
    ) -> ApiResult<Vec<Stmt>> {
        let (only_if, first): (&str, Vec<JsValue>) = match changed {
            Some((order, token)) => (
                "EXISTS (SELECT 1 FROM orders WHERE app_def_id = ?1 AND id = ?2 AND change_token = ?3)",
                vec![order.into(), token.into()],
            ),
            None => ("true", Vec::new()),
        };
        // the counter's key, then the amount, after the guard's arguments
        let (key, amount) = (first.len() + 2, first.len() + 3);
        let sign = if way == Move::Take { '-' } else { '+' };
        let stmt = |sql: String, args: [JsValue; 2]| {
            let mut all = first.clone();
            all.extend(args);
            self.stmt(&sql, &all)
        };
        let mut out = Vec::new();
        for (item, units) in &held.stock {
            out.push(stmt(
                format!("UPDATE stock SET stock = stock {sign} ?{amount} WHERE app_def_id = ?1 AND item_id = ?{key} AND {only_if}"),
                [item.as_str().into(), to_js(*units)],
            )?);
        }
        if let Some(card) = &held.gift_card {
            let minor = card
                .minor()
                .ok_or_else(|| internal("a held gift card's amount"))?;
            out.push(stmt(
                format!(
                    "UPDATE gift_card_balances SET balance_minor = balance_minor {sign} ?{amount}
                         WHERE app_def_id = ?1 AND code = ?{key} AND {only_if}"
                ),
                [card.code.as_str().into(), to_js(minor)],
            )?);
        }
        if let Some(code) = &held.coupon {
            let sql = match way {
                Move::Take => format!(
                    "INSERT INTO coupon_uses (app_def_id, code, uses) SELECT ?1, ?{key}, ?{amount} WHERE {only_if}
                     ON CONFLICT (app_def_id, code) DO UPDATE SET uses = uses + excluded.uses"
                ),
                Move::GiveBack => format!(
                    "UPDATE coupon_uses SET uses = max(uses - ?{amount}, 0) WHERE app_def_id = ?1 AND code = ?{key} AND {only_if}"
                ),
            };
            out.push(stmt(sql, [code.as_str().into(), to_js(1)])?);
        }
        Ok(out)
    }
}

/// A batch's outcome: done, or the refusal its failure names (any other
/// failure is the worker's).
fn refused<T>(done: Result<T, super::Failure>) -> ApiResult<Result<T, Refusal>> {
    match done {
        Ok(t) => Ok(Ok(t)),
        Err(super::Failure(text)) => REFUSALS
            .into_iter()
            .find(|(_, names)| text.contains(names))
            .map(|(refusal, _)| Ok(Err(refusal)))
            .unwrap_or(Err(ApiError::Internal(text))),
    }
}

#[cfg(test)]
mod tests {
    use super::REFUSALS;

    /// Each refusal is told by a name the schema has: a constraint's name,
    /// or the columns of a unique index or a `NOT NULL` column of `orders`.
    #[test]
    fn every_refusal_names_what_the_schema_has() {
        let dir = concat!(env!("CARGO_MANIFEST_DIR"), "/migrations");
        let mut schema = String::new();
        for entry in std::fs::read_dir(dir).expect("the migrations folder") {
            let path = entry.expect("an entry").path();
            schema += &std::fs::read_to_string(path).expect("a migration");
        }
        for (refusal, names) in REFUSALS {
            let found = match names.strip_prefix("orders.") {
                Some(_) => {
                    let columns = names.replace("orders.", "");
                    schema.contains(&format!("({columns})"))
                        || schema.contains(&format!("{columns} "))
                }
                None => schema.contains(names),
            };
            assert!(
                found,
                "{refusal:?} is told by {names}, which no migration has"
            );
        }
    }
}
