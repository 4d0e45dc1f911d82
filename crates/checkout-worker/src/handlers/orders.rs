//! The order routes (`docs/api.md`, Create order and Orders): create-order,
//! the order of a checkout completed elsewhere (the order-service
//! integration's `POST /api/v1/orders/checkout`), one order, and the search.

use super::payments::{self, OrderKey};
use crate::db::{Db, Refusal, Stored};
use crate::error::{ApiError, ApiResult, Contended};
use crate::ids::{self, Uuids};
use crate::request::search::{page, Search};
use crate::request::Call;
use crate::retry::{over_version, Attempt};
use checkout_core::checkout::order::{self, Made, Precondition, Violation};
use checkout_core::checkout::payment::{Happening, OrderStatus};
use checkout_core::checkout::placement::{self, OrderOf, Placement};
use checkout_core::checkout::quote::Quote;
use checkout_core::checkout::{
    CheckoutRecord, CreateOrderAndChargeRequest, CreateOrderRequest, Ids,
};
use checkout_core::cursor;
use checkout_core::time::Timestamp;
use checkout_core::{Error, ErrorCode};
use serde_json::{json, Value};

/// `create-order`: the core's placement (every precondition checked; the
/// order, what it takes, the checkout naming it, the events, the answer),
/// carried out in one transaction; the checkout is completed at once when
/// nothing is due, else when the order is paid.
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
        // a page's client holds at most the store's live unpaid orders
        let client = match call.storefront_client() {
            Some(client) => {
                let (unpaid, earliest) = db.unpaid_orders_of(client, call.now).await?;
                store
                    .config
                    .client_may_order(unpaid, earliest, call.now)
                    .map_err(|wait| ApiError::TooManyUnpaidOrders {
                        retry_after: u32::try_from(wait).unwrap_or(u32::MAX),
                    })?;
                Some((client, store.config.unpaid_orders_per_client()))
            }
            None => None,
        };
        let quote = Quote::new(&record, &store, call.now)?;
        let of = OrderOf::OpenCheckout;
        let made = (order_id.as_str(), gateway_id.as_str());
        let placed = placement(&db, &record, &quote, of, made, &mut ids, call.now).await?;
        match db.place_order(&placed, version, client).await? {
            Ok(()) => Ok(Attempt::Done(placed.answer)),
            Err(Refusal::GiftCardSpent) => Err(ApiError::Preconditions(vec![Violation {
                code: Precondition::GiftCardBalanceChanged,
                description: "the gift card's balance changed; review the checkout and order again"
                    .into(),
                line_item_ids: Vec::new(),
            }])),
            // Read again: another create-order came first (answer with its order), or the
            // next placement sees the change, the stock left, the coupon's uses.
            Err(
                Refusal::AlreadyOrdered
                | Refusal::CheckoutChanged
                | Refusal::NumberTaken
                | Refusal::StockTaken
                | Refusal::CouponUsedUp,
            ) => Ok(Attempt::Lost),
        }
    })
    .await
}

/// The core's placement of an order that may be made (else its failing
/// preconditions), numbered only then by storage, with its ids.
async fn placement(
    db: &Db,
    record: &CheckoutRecord,
    quote: &Quote<'_>,
    of: OrderOf,
    (order_id, gateway_order_id): (&str, &str),
    ids: &mut Uuids,
    now: Timestamp,
) -> ApiResult<Placement> {
    let placing = placement::check(record, quote, of).map_err(ApiError::Preconditions)?;
    let number = db.take_order_number().await?;
    let made = Made {
        order_id,
        gateway_order_id,
        number,
    };
    let placed = placing.place(made, ids, now)?;
    ids.check()?;
    Ok(placed)
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
        let quote = Quote::new(&record, &store, call.now)?;
        let of = OrderOf::CompletedElsewhere;
        let made = (order_id.as_str(), gateway_id.as_str());
        let placed = placement(&db, &record, &quote, of, made, &mut ids, call.now).await?;
        // refused: another call made it first, or the checkout changed: read again
        let written = db.place_order(&placed, version, None).await?;
        Ok(written.map_or(Attempt::Lost, |()| Attempt::Done(order_id.clone())))
    })
    .await?;
    let order = db
        .order(&order_id)
        .await?
        .ok_or(ApiError::NotFound("order"))?;
    Ok(order::checkout_session_order(&order))
}

/// `GET /ecom/v1/orders/{id}`: the order as of now (one unpaid past its
/// deadline is canceled first, as the scheduled handler would); any other
/// as stored, never parsed.
pub async fn get(call: &Call<'_>) -> ApiResult<String> {
    let (db, id) = (call.db()?, call.param(0));
    if let Some(order) = db.order_unless_overdue(id, call.now).await? {
        return Ok(format!("{{\"order\":{order}}}"));
    }
    let timed_out = Happening::TimedOut { deadline: None };
    let order = payments::change(&db, OrderKey::Id(id), &timed_out, call.now).await?;
    Ok(json!({ "order": order }).to_string())
}

/// `POST /ecom/v1/orders/search`: a page, and a cursor sealed with the
/// tenant's newest session key for the next.
pub async fn search(call: &Call<'_>) -> ApiResult<String> {
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
