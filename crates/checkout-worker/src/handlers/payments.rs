//! An order's payment lifecycle (`docs/api.md`, Payment): the merchant's
//! mark-as-paid and cancel, Stripe's webhook, and the payment timeout (the
//! scheduled handler, and every read of the order). Each runs the core's
//! transition on the stored order and writes it, with what it gives back,
//! its checkout completed or reopened, and its events, in one batch over the
//! version it read; a repeat changes nothing and answers the order as it is.

use crate::db::{Db, OrderRow, Refusal, Stored};
use crate::error::{ApiError, ApiResult, Contended};
use crate::ids::Uuids;
use crate::request::Call;
use crate::retry::{over_version, Attempt};
use checkout_core::checkout::payment::{self, Due, Happening, Transition};
use checkout_core::checkout::quote::Quote;
use checkout_core::checkout::Ids;
use checkout_core::events::Event;
use checkout_core::events::{self, Kind};
use checkout_core::stripe;
use checkout_core::time::Timestamp;
use serde_json::{json, Value};

/// Orders past their deadline read at once, a page after another until none is left.
const EXPIRED_PAGE: u32 = 50;

/// Which order: by its id, or by the payment gateway id create-order handed out.
#[derive(Clone, Copy)]
pub enum OrderKey<'a> {
    Id(&'a str),
    GatewayId(&'a str),
}

/// What `happening` does to the order: the order as it is after.
pub async fn change(
    db: &Db,
    key: OrderKey<'_>,
    happening: &Happening,
    now: Timestamp,
) -> ApiResult<Value> {
    over_version(Contended::Order, async || {
        let row = match key {
            OrderKey::Id(id) => db.order_row(id, false).await?,
            OrderKey::GatewayId(id) => db.order_row(id, true).await?,
        }
        .ok_or(ApiError::NotFound("order"))?;
        let order = row.json()?;
        let due = Due::of_order(&order)
            .ok_or_else(|| ApiError::Internal(format!("order {} has no payNow", row.id)))?;
        let happening = match happening {
            Happening::TimedOut { .. } => Happening::TimedOut {
                deadline: row.pay_by_ms.map(Timestamp::from_millis),
            },
            other => other.clone(),
        };
        if payment::already_recorded(&order, &happening) {
            return Ok(Attempt::Done(order));
        }
        let Some(t) = payment::transition(row.state()?, due, &happening, now)? else {
            return Ok(Attempt::Done(order));
        };
        let written = match write(db, &row, order.clone(), &t, &happening, now).await? {
            // a payment that takes the order's stock found it gone: never oversold
            Err(Refusal::StockTaken | Refusal::CouponUsedUp) => {
                let t = payment::stock_gone(&happening)?;
                write(db, &row, order, &t, &happening, now).await?
            }
            other => other,
        };
        Ok(match written {
            Ok(Some(order)) => Attempt::Done(order),
            Ok(None) => Attempt::Lost,
            Err(refusal) => {
                return Err(ApiError::Internal(format!(
                    "order {} refused as {refusal:?}",
                    row.id
                )))
            }
        })
    })
    .await
}

/// Writes `t` of `happening` to the order as read (`row`, its object
/// `order`): the order after it when written, `None` when another change
/// came first, or why storage refused it.
async fn write(
    db: &Db,
    row: &OrderRow,
    mut order: Value,
    t: &Transition,
    happening: &Happening,
    now: Timestamp,
) -> ApiResult<Result<Option<Value>, Refusal>> {
    payment::apply_to_order(&mut order, t, happening, now);
    let mut ids = Uuids::default();
    let mut out = vec![Event::of_order(
        &mut ids,
        Kind::Action(t.event),
        &row.id,
        &order.to_string(),
        now,
    )];
    if t.completes_checkout {
        if let Some(event) = checkout_completed(db, row, &mut ids, now).await? {
            out.push(event);
        }
    }
    let token = ids.new_id();
    ids.check()?;
    let mut body = order.clone();
    if let Some(o) = body.as_object_mut() {
        o.remove("number");
    }
    let written = db
        .change_order(row, t, &body.to_string(), &out, &token, now)
        .await?;
    Ok(written.map(|w| w.then_some(order)))
}

/// The checkout's `completed` event, when its order is paid (none when the
/// checkout is no longer kept).
async fn checkout_completed(
    db: &Db,
    row: &OrderRow,
    ids: &mut Uuids,
    now: Timestamp,
) -> ApiResult<Option<Event>> {
    let Ok((store, Stored { mut record, .. })) = db.store_and_checkout(&row.checkout_id, now).await
    else {
        return Ok(None);
    };
    record.completed = true;
    record.updated_date = now;
    let view = Quote::new(&record, &store, now)?.checkout_json(&record, false)?;
    Ok(Some(Event::new(
        ids,
        events::CHECKOUT,
        Kind::Action("completed"),
        &record.id,
        &view,
        now,
    )))
}

/// The merchant's `POST /ecom/v1/orders/{id}/mark-as-paid` (paid offline)
/// and `POST /ecom/v1/orders/{id}/cancel` (what it holds given back) → `{order}`.
pub async fn by_merchant(call: &Call<'_>, happening: &Happening) -> ApiResult<Value> {
    let db = call.db()?;
    if *happening == Happening::MarkedPaid {
        // unless its checkout disabled manual payment (a checkout no longer kept cannot say)
        let row = db.order_row(call.param(0), false).await?;
        if let Some(row) = row {
            if let Ok((_, checkout)) = db.store_and_checkout(&row.checkout_id, call.now).await {
                checkout.record.custom_settings.check_manual_payment()?;
            }
        }
    }
    let order = change(&db, OrderKey::Id(call.param(0)), happening, call.now).await?;
    Ok(json!({ "order": order }))
}

/// The scheduled handler's payment timeout: every order unpaid past its
/// deadline canceled, what it holds given back, however many there are; how
/// many.
pub async fn expire_unpaid(db: &Db, now: Timestamp) -> ApiResult<usize> {
    let mut expired = std::collections::HashSet::new();
    loop {
        let overdue = db.overdue_orders(now, EXPIRED_PAGE).await?;
        // an order that stays overdue once given up is not taken again
        let new: Vec<&String> = overdue.iter().filter(|id| !expired.contains(*id)).collect();
        for id in &new {
            let timed_out = Happening::TimedOut { deadline: None };
            change(db, OrderKey::Id(id), &timed_out, now).await?;
        }
        if new.is_empty() || overdue.len() < EXPIRED_PAGE as usize {
            return Ok(expired.len() + new.len());
        }
        expired.extend(new.into_iter().cloned());
    }
}

/// `POST /payments/v1/stripe/webhook?tenant={appDefId}`: a Stripe event,
/// authenticated by its `Stripe-Signature` with the tenant's webhook secret
/// (no key). A PaymentIntent's success or failure changes the order it
/// names; any other event is taken and ignored → `{received: true}`.
pub async fn stripe_webhook(call: &Call<'_>) -> ApiResult<Value> {
    // its signature was verified before the store was touched (`request::authenticate`)
    let Some(event) = stripe::payment_event(&call.raw)? else {
        return Ok(json!({ "received": true }));
    };
    let key = OrderKey::GatewayId(&event.gateway_order_id);
    let order = match change(&call.db()?, key, &event.happening, call.now).await {
        Err(ApiError::NotFound(_)) => {
            return Err(ApiError::invalid(
                "data.object.metadata.paymentGatewayOrderId",
                "no order of this tenant has this payment gateway id",
            ))
        }
        other => other?,
    };
    Ok(json!({ "received": true, "orderId": order["id"] }))
}
