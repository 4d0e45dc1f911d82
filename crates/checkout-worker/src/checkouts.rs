//! The checkout routes (`api.md`, Checkouts): read the request, run the core's
//! change on the stored checkout, write it over the version it was read at
//! (re-reading and re-applying when another change came first) and answer
//! with the checkout priced by the core.

use crate::db::{Db, Event, OrderOf, Refusal, Stored};
use crate::error::{ApiError, ApiResult};
use crate::Call;
use checkout_core::checkout::order::{self, Precondition, Violation};
use checkout_core::checkout::view::Quote;
use checkout_core::checkout::{
    AddToCheckout, Caller, CheckoutRecord, CreateOrderRequest, Ids, RemoveLineItems,
    UpdateCheckout, UpdateLineItemsQuantity,
};
use checkout_core::events;
use checkout_core::input;
use checkout_core::store::Store;
use checkout_core::time::Timestamp;
use serde::de::DeserializeOwned;
use serde_json::{json, Value};

/// How often a change is re-applied when other changes keep coming first.
const ATTEMPTS: usize = 8;

/// UUID v4 ids from the platform's CSPRNG; a failure of it fails the request.
#[derive(Default)]
pub(crate) struct Uuids {
    failed: bool,
}

impl Ids for Uuids {
    fn new_id(&mut self) -> String {
        crate::uuid_v4().unwrap_or_else(|_| {
            self.failed = true;
            String::new()
        })
    }
}

impl Uuids {
    pub(crate) fn check(&self) -> ApiResult<()> {
        if self.failed {
            return Err(ApiError::Internal(
                "the random number generator failed".into(),
            ));
        }
        Ok(())
    }
}

/// The request body as a typed request; a mistyped field is a 400 at its path.
fn request<T: DeserializeOwned>(call: &Call) -> ApiResult<T> {
    let body = call.body.clone().unwrap_or_else(|| json!({}));
    Ok(input::deserialize(body)?)
}

/// The checkout as JSON text, priced now (with `pricingInput` when asked).
fn view(
    call: &Call,
    record: &CheckoutRecord,
    store: &Store,
    with_input: bool,
) -> ApiResult<String> {
    Ok(Quote::new(record, store, call.now)?.checkout_json(record, with_input))
}

/// `{"checkout": …}`, written straight from the core's typed view; with
/// `pricingInput` when the query asks for it (`?include=pricingInput`).
/// `written` is the view already made for the change's event.
fn respond(
    call: &Call,
    record: &CheckoutRecord,
    store: &Store,
    written: Option<String>,
) -> ApiResult<String> {
    let json = match written {
        Some(json) if !call.include_pricing_input => json,
        _ => view(call, record, store, call.include_pricing_input)?,
    };
    Ok(format!("{{\"checkout\":{json}}}"))
}

/// An event of a checkout or an order, with a fresh id.
pub(crate) fn event(
    ids: &mut Uuids,
    fqdn: &str,
    kind: events::Kind,
    entity_id: &str,
    entity: &str,
    now: Timestamp,
) -> Event {
    let id = ids.new_id();
    Event {
        body: events::envelope(&id, fqdn, kind, entity_id, entity, now),
        id,
        at: now,
    }
}

pub async fn create(call: &Call<'_>) -> ApiResult<String> {
    let db = call.db()?;
    let req = request(call)?;
    let store = db.store().await?.ok_or(ApiError::StoreNotConfigured)?;
    let now = call.now;
    let mut ids = Uuids::default();
    let record = CheckoutRecord::create(req, &store, call.caller(), &mut ids, now)?;
    let written = view(call, &record, &store, false)?;
    let created = event(
        &mut ids,
        events::CHECKOUT,
        events::Kind::Created,
        &record.id,
        &written,
        now,
    );
    ids.check()?;
    db.insert_checkout(&record, &created).await?;
    respond(call, &record, &store, Some(written))
}

pub async fn get(call: &Call<'_>) -> ApiResult<String> {
    let (store, stored) = call.db()?.store_and_checkout(call.param(0)).await?;
    respond(call, &stored.record, &store, None)
}

pub async fn checkout_url(call: &Call<'_>) -> ApiResult<Value> {
    let (store, stored) = call.db()?.store_and_checkout(call.param(0)).await?;
    Ok(json!({ "checkoutUrl": stored.record.checkout_url(&store, &format!("{}/", call.origin)) }))
}

/// Applies a change to a checkout without ever losing another: the write
/// succeeds only over the version the change was computed from. New ids (of
/// lines, of the event) come from `ids`, checked before anything is written.
async fn change<F>(call: &Call<'_>, mut apply: F) -> ApiResult<(CheckoutRecord, Store, String)>
where
    F: FnMut(&mut CheckoutRecord, &Store, &mut Uuids) -> checkout_core::Result<()>,
{
    let db = call.db()?;
    for _ in 0..ATTEMPTS {
        let (
            store,
            Stored {
                mut record,
                version,
            },
        ) = db.store_and_checkout(call.param(0)).await?;
        let was_completed = record.completed;
        let mut ids = Uuids::default();
        apply(&mut record, &store, &mut ids)?;
        record.updated_date = call.now;
        let written = view(call, &record, &store, false)?;
        let kind = if record.completed && !was_completed {
            events::Kind::Action("completed")
        } else {
            events::Kind::Updated
        };
        let changed = event(
            &mut ids,
            events::CHECKOUT,
            kind,
            &record.id,
            &written,
            call.now,
        );
        ids.check()?;
        if db.save_checkout(&record, version, &changed).await? {
            return Ok((record, store, written));
        }
    }
    Err(kept_changing())
}

/// Every attempt found the checkout changed by another request: 409.
fn kept_changing() -> ApiError {
    ApiError::conflict(
        "CHECKOUT_CHANGED",
        "the checkout kept changing; try again",
        json!({}),
    )
}

/// A change answered with the whole checkout.
async fn change_and_respond<F>(call: &Call<'_>, apply: F) -> ApiResult<String>
where
    F: FnMut(&mut CheckoutRecord, &Store, &mut Uuids) -> checkout_core::Result<()>,
{
    let (record, store, written) = change(call, apply).await?;
    respond(call, &record, &store, Some(written))
}

pub async fn update(call: &Call<'_>) -> ApiResult<String> {
    let (caller, now) = (call.caller(), call.now);
    let req: UpdateCheckout = request(call)?;
    change_and_respond(call, |record, store, ids| {
        record.update(req.clone(), store, caller, ids, now)
    })
    .await
}

pub async fn add_to_checkout(call: &Call<'_>) -> ApiResult<String> {
    let caller = call.caller();
    let req: AddToCheckout = request(call)?;
    change_and_respond(call, |record, store, ids| {
        record.add_to_checkout(req.clone(), store, caller, ids)
    })
    .await
}

pub async fn remove_line_items(call: &Call<'_>) -> ApiResult<String> {
    let req: RemoveLineItems = request(call)?;
    change_and_respond(call, |record, _, _| record.remove_line_items(req.clone())).await
}

pub async fn update_quantities(call: &Call<'_>) -> ApiResult<String> {
    let req: UpdateLineItemsQuantity = request(call)?;
    change_and_respond(call, |record, store, _| {
        record.update_quantities(req.clone(), store)
    })
    .await
}

pub async fn remove_coupon(call: &Call<'_>) -> ApiResult<String> {
    change_and_respond(call, |record, _, _| record.remove_coupon()).await
}

pub async fn remove_gift_card(call: &Call<'_>) -> ApiResult<String> {
    change_and_respond(call, |record, _, _| record.remove_gift_card()).await
}

pub async fn remove_override_checkout_url(call: &Call<'_>) -> ApiResult<String> {
    change_and_respond(call, |record, _, _| record.remove_override_checkout_url()).await
}

pub async fn mark_as_completed(call: &Call<'_>) -> ApiResult<Value> {
    change(call, |record, _, _| {
        record.mark_as_completed();
        Ok(())
    })
    .await?;
    Ok(json!({}))
}

/// The events of a new order: the order's `created`, and (when the order
/// completes the checkout) the checkout's `completed`.
fn order_events(
    call: &Call,
    record: &CheckoutRecord,
    store: &Store,
    plan: &order::OrderPlan,
    completes: bool,
) -> ApiResult<(Option<Event>, Event)> {
    let mut ids = Uuids::default();
    let order_event = event(
        &mut ids,
        events::ORDER,
        events::Kind::Created,
        &plan.order_id,
        &plan.body,
        call.now,
    );
    let checkout_event = if completes {
        let mut completed = record.clone();
        completed.completed = true;
        completed.order_id = Some(plan.order_id.clone());
        completed.updated_date = call.now;
        let written = view(call, &completed, store, false)?;
        Some(event(
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

fn already_paid(order_id: Option<String>) -> ApiError {
    let data = order_id.map_or_else(|| json!({}), |id| json!({ "orderId": id }));
    ApiError::conflict(
        "CHECKOUT_ALREADY_PAID",
        "an order was already created for this checkout",
        data,
    )
}

fn refused(violations: Vec<Violation>) -> ApiError {
    let first = violations
        .first()
        .map_or(Precondition::CalculationError, |v| v.code);
    let description = violations
        .iter()
        .map(|v| v.description.as_str())
        .collect::<Vec<_>>()
        .join("; ");
    ApiError::precondition(
        first.as_str(),
        description,
        json!({ "violations": violations.iter().map(Violation::to_json).collect::<Vec<_>>() }),
    )
}

/// `create-order`: every precondition checked, then the order, the stock, the
/// gift card, the coupon use and the checkout's completion in one D1 batch.
pub async fn create_order(call: &Call<'_>) -> ApiResult<Value> {
    request::<CreateOrderRequest>(call)?;
    let db = call.db()?;
    let id = call.param(0);
    let mut ids = Uuids::default();
    let (order_id, gateway_id) = (ids.new_id(), ids.new_id());
    ids.check()?;
    for _ in 0..ATTEMPTS {
        let (store, stored) = db.store_and_checkout(id).await?;
        if let Some(existing) = stored.record.order_id.clone() {
            return Err(already_paid(Some(existing)));
        }
        if stored.record.completed {
            return Err(checkout_core::Error::new(
                checkout_core::ErrorCode::CheckoutIsComplete,
                "id",
                "this checkout was completed without an order here (mark-as-completed)",
            )
            .into());
        }
        let quote = Quote::new(&stored.record, &store, call.now)?;
        let plan = order::plan(&stored.record, &quote, &order_id, &gateway_id, call.now)
            .map_err(refused)?;
        let (checkout_event, order_event) =
            order_events(call, &stored.record, &store, &plan, true)?;
        match db
            .create_order(
                &plan,
                &stored.record,
                stored.version,
                OrderOf::OpenCheckout,
                checkout_event.as_ref(),
                &order_event,
            )
            .await?
        {
            Ok(_number) => {
                let mut out = json!({ "orderId": order_id });
                if let Some(g) = &plan.payment_gateway_order_id {
                    out["paymentGatewayOrderId"] = json!(g);
                }
                return Ok(out);
            }
            Err(Refusal::AlreadyOrdered) => {
                return Err(already_paid(db.order_id_of_checkout(id).await?))
            }
            Err(Refusal::GiftCardSpent) => {
                return Err(refused(vec![Violation {
                    code: Precondition::GiftCardBalanceChanged,
                    description:
                        "the gift card's balance changed; review the checkout and order again"
                            .into(),
                    line_item_ids: Vec::new(),
                }]))
            }
            // Re-read: the next plan sees the change, the stock left or the coupon's uses.
            Err(Refusal::CheckoutChanged | Refusal::StockTaken | Refusal::CouponUsedUp) => continue,
        }
    }
    Err(kept_changing())
}

/// `POST /api/v1/orders/checkout` (seed `004`): the order of a completed
/// checkout, in the seed's shape; made now for a checkout completed in another
/// system, the same order on every later call.
pub async fn checkout_session_order(call: &Call<'_>) -> ApiResult<Value> {
    let body = call.body.clone().unwrap_or_default();
    let id = body
        .get("checkoutSessionId")
        .and_then(Value::as_str)
        .filter(|s| !s.is_empty())
        .ok_or_else(|| ApiError::Invalid {
            field: "checkoutSessionId".into(),
            description: "the id of a checkout".into(),
            rule: "REQUIRED_FIELD",
        })?;
    let db = call.db()?;
    for _ in 0..ATTEMPTS {
        let (store, stored) = db.store_and_checkout(id).await?;
        let record = &stored.record;
        if let Some(order_id) = &record.order_id {
            let order = db
                .order(order_id)
                .await?
                .ok_or(ApiError::NotFound("order"))?;
            return Ok(crate::orders::seed_shape(&order));
        }
        if !record.completed {
            return Err(ApiError::bad_request(
                "CHECKOUT_NOT_COMPLETED",
                "the checkout session is not COMPLETED",
            ));
        }
        if record.line_items.is_empty() {
            return Err(ApiError::bad_request(
                "NO_LINE_ITEMS",
                "the checkout session has no items",
            ));
        }
        let mut ids = Uuids::default();
        let (order_id, gateway_id) = (ids.new_id(), ids.new_id());
        ids.check()?;
        let quote = Quote::new(record, &store, call.now)?;
        let plan = order::snapshot(record, &quote, &order_id, &gateway_id, call.now);
        let (_, order_event) = order_events(call, record, &store, &plan, false)?;
        match db
            .create_order(
                &plan,
                record,
                stored.version,
                OrderOf::CompletedElsewhere,
                None,
                &order_event,
            )
            .await?
        {
            Ok(_) => {
                let order = db
                    .order(&order_id)
                    .await?
                    .ok_or(ApiError::NotFound("order"))?;
                return Ok(crate::orders::seed_shape(&order));
            }
            // another call made it first, or the checkout changed: read again
            Err(_) => continue,
        }
    }
    Err(kept_changing())
}

pub async fn get_order(call: &Call<'_>) -> ApiResult<Value> {
    let order = call
        .db()?
        .order(call.param(0))
        .await?
        .ok_or(ApiError::NotFound("order"))?;
    Ok(json!({ "order": order }))
}

pub async fn search_orders(call: &Call<'_>) -> ApiResult<Value> {
    let body = call.body.clone().unwrap_or_else(|| json!({}));
    let search = crate::orders::Search::parse(&body)?;
    let rows = call.db()?.search_orders(&search).await?;
    Ok(crate::orders::page(rows, search.limit))
}

impl Call<'_> {
    pub fn caller(&self) -> Caller {
        match self.kind {
            Some(crate::tenants::KeyKind::Secret) => Caller::Merchant,
            _ => Caller::Storefront,
        }
    }

    pub fn db(&self) -> ApiResult<Db> {
        let tenant = self.tenant.as_ref().ok_or(ApiError::Unauthenticated)?;
        Ok(Db::new(self.env.d1("DB")?, &tenant.app_def_id))
    }

    pub fn param(&self, i: usize) -> &str {
        self.params.get(i).map_or("", String::as_str)
    }
}
