//! The order routes (`docs/api.md`, Create order and Orders): create-order,
//! the order of a checkout completed elsewhere (the order-service
//! integration's `POST /api/v1/orders/checkout`), one order, and the search.

use super::checkouts::view;
use super::payments::{self, OrderKey};
use crate::db::{OrderOf, Refusal, Stored};
use crate::error::{ApiError, ApiResult, Contended};
use crate::events::Event;
use crate::ids::{self, Uuids};
use crate::request::search::{page, Search};
use crate::request::Call;
use crate::retry::{over_version, Attempt};
use checkout_core::checkout::order::{self, OrderDraft, Precondition, Violation};
use checkout_core::checkout::payment::{Happening, OrderStatus};
use checkout_core::checkout::quote::Quote;
use checkout_core::checkout::{
    CheckoutRecord, CreateOrderAndChargeRequest, CreateOrderRequest, Ids,
};
use checkout_core::store::Store;
use checkout_core::{cursor, events};
use checkout_core::{Error, ErrorCode};
use serde_json::{json, Value};

/// The events of a new order: the order's `created`, and (when the order
/// completes the checkout) the checkout's `completed`.
fn order_events(
    call: &Call,
    record: &CheckoutRecord,
    store: &Store,
    draft: &OrderDraft,
    completes: bool,
) -> ApiResult<(Option<Event>, Event)> {
    let mut ids = Uuids::default();
    let order_event = Event::new(
        &mut ids,
        events::ORDER,
        events::Kind::Created,
        &draft.order_id,
        &draft.body,
        call.now,
    );
    let checkout_event = if completes {
        let mut completed = record.clone();
        completed.completed = true;
        completed.order_id = Some(draft.order_id.clone());
        completed.updated_date = call.now;
        let written = view(call, &completed, store, false)?;
        Some(Event::new(
            &mut ids,
            events::CHECKOUT,
            events::Kind::Action("completed"),
            &record.id,
            &written,
            call.now,
        ))
    } else {
        None
    };
    ids.check()?;
    Ok((checkout_event, order_event))
}

/// `create-order`: every precondition checked, then the order, the stock, the
/// gift card, the coupon use and the checkout naming its order in one D1
/// batch; the checkout is completed at once when nothing is due, else when
/// the order is paid.
pub async fn create(call: &Call<'_>) -> ApiResult<Value> {
    call.request::<CreateOrderRequest>()?;
    place(call).await
}

/// `create-order-and-charge`: create-order; a `paymentToken` cannot be
/// charged here (`402 PAYMENT_ERROR`, nothing created).
pub async fn create_and_charge(call: &Call<'_>) -> ApiResult<Value> {
    call.request::<CreateOrderAndChargeRequest>()?.check()?;
    place(call).await
}

async fn place(call: &Call<'_>) -> ApiResult<Value> {
    let db = call.db()?;
    let id = call.param(0);
    let mut ids = Uuids::default();
    let (order_id, gateway_id) = (ids.new_id(), ids.new_id());
    ids.check()?;
    over_version(Contended::Checkout, async || {
        let (store, Stored { record, version }) = db.store_and_checkout(id, call.now).await?;
        if let Some(existing) = record.order_id.clone() {
            if record.completed {
                return Err(ApiError::AlreadyOrdered {
                    order_id: Some(existing),
                    paid: true,
                });
            }
            // awaiting payment, unless its deadline passed: then it is canceled
            // now, which reopens the checkout, and the checkout is read again
            let timed_out = Happening::TimedOut { deadline: None };
            let order =
                payments::change(&db, OrderKey::Id(&existing), &timed_out, call.now).await?;
            if order["status"] == OrderStatus::Canceled.as_str() {
                return Ok(Attempt::Lost);
            }
            return Err(ApiError::AlreadyOrdered {
                order_id: Some(existing),
                paid: false,
            });
        }
        if record.completed {
            return Err(Error::new(
                ErrorCode::CheckoutIsComplete,
                "id",
                "this checkout was completed without an order here (mark-as-completed)",
            )
            .into());
        }
        let quote = Quote::new(&record, &store, call.now)?;
        let draft = order::draft(&record, &quote, &order_id, &gateway_id, call.now)?
            .map_err(ApiError::Preconditions)?;
        let paid = draft.state.status == OrderStatus::Approved;
        let (checkout_event, order_event) = order_events(call, &record, &store, &draft, paid)?;
        let refusal = match db
            .create_order(
                &draft,
                &record,
                version,
                OrderOf::OpenCheckout,
                checkout_event.as_ref(),
                &order_event,
            )
            .await?
        {
            Ok(number) => {
                // orderNumber is not in Wix's answer: the order's `number`,
                // for a confirmation a page can show without the secret key
                let mut out = json!({ "orderId": order_id, "orderNumber": number.to_string() });
                if let Some(g) = &draft.payment_gateway_order_id {
                    out["paymentGatewayOrderId"] = json!(g);
                }
                return Ok(Attempt::Done(out));
            }
            Err(refusal) => refusal,
        };
        match refusal {
            // another create-order came first: read again, and answer with its order
            Refusal::AlreadyOrdered => Ok(Attempt::Lost),
            Refusal::GiftCardSpent => Err(ApiError::Preconditions(vec![Violation {
                code: Precondition::GiftCardBalanceChanged,
                description: "the gift card's balance changed; review the checkout and order again"
                    .into(),
                line_item_ids: Vec::new(),
            }])),
            // Read again: the next draft sees the change, the stock left or the coupon's uses.
            Refusal::CheckoutChanged | Refusal::StockTaken | Refusal::CouponUsedUp => {
                Ok(Attempt::Lost)
            }
        }
    })
    .await
}

/// `POST /api/v1/orders/checkout`: the order of a completed checkout, in the
/// order-service integration's shape; made now for a checkout completed in
/// another system, the same order on every later call.
pub async fn of_completed_checkout(call: &Call<'_>) -> ApiResult<Value> {
    let id = call
        .body
        .get("checkoutSessionId")
        .and_then(Value::as_str)
        .filter(|s| !s.is_empty())
        .ok_or_else(|| ApiError::Invalid {
            field: "checkoutSessionId".into(),
            description: "the id of a checkout".into(),
            rule: "REQUIRED_FIELD",
        })?;
    let db = call.db()?;
    let order_id = over_version(Contended::Checkout, async || {
        let (store, Stored { record, version }) = db.store_and_checkout(id, call.now).await?;
        // a checkout whose order awaits payment is not completed yet
        if !record.completed {
            return Err(ApiError::CheckoutNotCompleted);
        }
        if let Some(order_id) = &record.order_id {
            return Ok(Attempt::Done(order_id.clone()));
        }
        if record.line_items.is_empty() {
            return Err(ApiError::NoLineItems);
        }
        let mut ids = Uuids::default();
        let (order_id, gateway_id) = (ids.new_id(), ids.new_id());
        ids.check()?;
        let quote = Quote::new(&record, &store, call.now)?;
        let draft = order::snapshot(&record, &quote, &order_id, &gateway_id, call.now)?;
        let (_, order_event) = order_events(call, &record, &store, &draft, false)?;
        let made = db
            .create_order(
                &draft,
                &record,
                version,
                OrderOf::CompletedElsewhere,
                None,
                &order_event,
            )
            .await?;
        // refused: another call made it first, or the checkout changed: read again
        Ok(made.map_or(Attempt::Lost, |_| Attempt::Done(order_id)))
    })
    .await?;
    let order = db
        .order(&order_id)
        .await?
        .ok_or(ApiError::NotFound("order"))?;
    Ok(order::checkout_session_order(&order))
}

/// `GET /ecom/v1/orders/{id}`: the order as of now (one unpaid past its
/// deadline is canceled first, as the scheduled handler would).
pub async fn get(call: &Call<'_>) -> ApiResult<Value> {
    let timed_out = Happening::TimedOut { deadline: None };
    let order = payments::change(
        &call.db()?,
        OrderKey::Id(call.param(0)),
        &timed_out,
        call.now,
    )
    .await?;
    Ok(json!({ "order": order }))
}

/// `POST /ecom/v1/orders/search`: a page, and a cursor sealed with the
/// tenant's newest session key for the next.
pub async fn search(call: &Call<'_>) -> ApiResult<Value> {
    let tenant = call.tenant()?;
    let aud = tenant.app_def_id.as_str();
    let keys = tenant.session_keys();
    let search = Search::parse(&call.body, |c| cursor::open(c, &keys, aud, call.now))?;
    let rows = call.db()?.search_orders(&search).await?;
    page(rows, &search, |position| {
        let key = keys.last().ok_or_else(|| {
            ApiError::Internal(format!("tenant {aud} has no session key to seal a cursor"))
        })?;
        Ok(cursor::seal(position, aud, key, call.now, ids::nonce()?))
    })
}
