//! Plan orders (`docs/api.md`, Plan orders; the paths of Wix's Pricing Plans
//! orders API): previews, eligibility, offline orders and their lifecycle.
//! The core prices a plan, makes the order and runs the state machine; this
//! module stores the order (over the version it read, with its events) and
//! persists the clock's moves, from the scheduled handler and before a list.

use crate::db::{Db, PlanOrderFilter, StoredPlanOrder};
use crate::error::{ApiError, ApiResult, Contended};
use crate::ids::Uuids;
use crate::request::Call;
use crate::retry::{over_version, Attempt};
use checkout_core::checkout::Ids;
use checkout_core::events::Event;
use checkout_core::events::Kind;
use checkout_core::plans::order::{self, OrderRequest, PlanOrderChange, PlanOrderRecord};
use checkout_core::store::Store;
use checkout_core::time::Timestamp;
use serde_json::{json, Value};
/// Orders moved with the clock in one round (the scheduled handler runs rounds until none is due).
const ROUND: u32 = 100;
const MAX_PAGE: usize = 100;
const DEFAULT_PAGE: usize = 50;

fn request(call: &Call) -> ApiResult<OrderRequest> {
    Ok(OrderRequest::parse(call.body_or_empty())?)
}

async fn store(db: &Db) -> ApiResult<Store> {
    db.store().await?.ok_or(ApiError::StoreNotConfigured)
}

fn order_json(record: &PlanOrderRecord) -> ApiResult<String> {
    serde_json::to_string(record).map_err(|e| ApiError::Internal(e.to_string()))
}

/// The events of a change of `before` into `after` (`before` `None`: a new order).
fn events(
    ids: &mut Uuids,
    before: Option<&PlanOrderRecord>,
    after: &PlanOrderRecord,
    now: Timestamp,
) -> ApiResult<Vec<Event>> {
    let entity = order_json(after)?;
    let mut out = Vec::new();
    let kinds = match before {
        None => {
            out.push(Event::new(
                ids,
                order::ENTITY,
                Kind::Created,
                &after.id,
                &entity,
                now,
            ));
            let mut blank = after.clone();
            blank.state.history.clear();
            after.events_since(&blank)
        }
        Some(before) => after.events_since(before),
    };
    for (kind, at) in kinds {
        out.push(Event::new(ids, order::ENTITY, kind, &after.id, &entity, at));
    }
    ids.check()?;
    Ok(out)
}

/// `POST /pricing-plans/v2/checkout/orders/price-preview`: `{price}`.
pub async fn price_preview(call: &Call<'_>) -> ApiResult<Value> {
    let req = request(call)?;
    let store = store(&call.db()?).await?;
    let price = order::price(&store, req.plan_id()?, req.coupon_code.as_deref(), call.now)?;
    Ok(json!({ "price": price }))
}

/// `preview-offline` / `preview-online`: the order that would be made, not made.
pub async fn preview(call: &Call<'_>, online: bool) -> ApiResult<String> {
    let req = request(call)?;
    let db = call.db()?;
    let store = store(&db).await?;
    // online, the buyer is whoever pays on the site: without a member, a first-time buyer
    let (buyer, held) = if online && req.member_id.is_none() {
        let nobody = order::Buyer {
            member_id: String::new(),
            contact_id: None,
        };
        (nobody, 0)
    } else {
        let buyer = req.buyer()?;
        let held = db
            .plan_orders_held(&buyer.member_id, req.plan_id()?)
            .await?;
        (buyer, held)
    };
    let mut order = order::new_order(&store, &req, buyer, held, String::new(), call.now)?;
    if online {
        order.kind = "ONLINE".into();
        order.last_payment_status = "NOT_PAID".into();
    }
    Ok(checkout_core::member("order", &order_json(&order)?))
}

/// `POST /pricing-plans/v2/checkout/orders/eligibility`.
pub async fn eligibility(call: &Call<'_>) -> ApiResult<Value> {
    let req = request(call)?;
    let db = call.db()?;
    let store = store(&db).await?;
    let plan_id = req.plan_id()?;
    let (_, terms) = order::plan(&store, plan_id)?;
    let held = db
        .plan_orders_held(&req.buyer()?.member_id, plan_id)
        .await?;
    Ok(json!(order::eligibility(terms, held)))
}

/// `POST /pricing-plans/v2/checkout/orders/offline`: `{order}`.
pub async fn create_offline(call: &Call<'_>) -> ApiResult<String> {
    let req = request(call)?;
    let db = call.db()?;
    let store = store(&db).await?;
    let buyer = req.buyer()?;
    let plan_id = req.plan_id()?;
    over_version(Contended::Order, async || {
        let held = db.plan_orders_held(&buyer.member_id, plan_id).await?;
        let mut ids = Uuids::default();
        let id = ids.new_id();
        let record = order::new_order(&store, &req, buyer.clone(), held, id, call.now)?;
        let events = events(&mut ids, None, &record, call.now)?;
        Ok(if db.insert_plan_order(&record, held, &events).await? {
            Attempt::Done(checkout_core::member("order", &order_json(&record)?))
        } else {
            Attempt::Lost
        })
    })
    .await
}

/// `GET /pricing-plans/v2/orders/{id}`: the order as it is now.
pub async fn get(call: &Call<'_>) -> ApiResult<String> {
    let stored = call
        .db()?
        .plan_order(call.param(0))
        .await?
        .ok_or(ApiError::NotFound("order"))?;
    Ok(format!(
        "{{\"order\":{}}}",
        order_json(&stored.record.at(call.now))?
    ))
}

/// `GET /pricing-plans/v2/orders`: filters `orderStatuses`, `buyerIds`,
/// `planIds`, `paymentStatuses` (each repeatable), `limit`, `offset`.
pub async fn list(call: &Call<'_>) -> ApiResult<Value> {
    let db = call.db()?;
    let mut filter = PlanOrderFilter {
        limit: DEFAULT_PAGE,
        ..PlanOrderFilter::default()
    };
    let number = |key: &str, v: &str, max: usize| {
        v.parse::<usize>()
            .ok()
            .filter(|n| *n <= max)
            .ok_or_else(|| ApiError::invalid(key, format!("a whole number from 0 to {max}")))
    };
    for (key, value) in &call.query {
        let list = match key.as_str() {
            "orderStatuses" | "statuses" => &mut filter.statuses,
            "buyerIds" | "memberIds" => &mut filter.buyers,
            "planIds" => &mut filter.plans,
            "paymentStatuses" => &mut filter.payment_statuses,
            "limit" => {
                filter.limit = number(key, value, MAX_PAGE)?.max(1);
                continue;
            }
            "offset" => {
                filter.offset = number(key, value, 1_000_000)?;
                continue;
            }
            _ => continue,
        };
        list.extend(value.split(',').filter(|v| !v.is_empty()).map(String::from));
    }
    // statuses as of now: the clock's moves are written before the list is read
    advance(&db, call.now).await?;
    let (orders, total) = db.list_plan_orders(&filter).await?;
    let orders: Vec<PlanOrderRecord> = orders.iter().map(|o| o.at(call.now)).collect();
    Ok(json!({
        "orders": orders,
        "pagingMetadata": {
            "count": orders.len(),
            "offset": filter.offset,
            "total": total,
            "hasNext": filter.offset + orders.len() < total,
        },
    }))
}

/// A change of an order: `set-start-date`, `mark-as-paid`, `PATCH`
/// (postpone), `cancel`, `pause`, `resume`, read from the body by `ask`.
/// Refused transitions are `428` with the current status.
pub async fn change(
    call: &Call<'_>,
    ask: fn(&Value) -> checkout_core::Result<PlanOrderChange>,
) -> ApiResult<String> {
    let body = call.body_or_empty();
    let db = call.db()?;
    over_version(Contended::Order, async || {
        // an unknown (or another tenant's) order is 404 whatever the body
        let StoredPlanOrder { record, version } = db
            .plan_order(call.param(0))
            .await?
            .ok_or(ApiError::NotFound("order"))?;
        let change = ask(&body)?;
        let next = record
            .change(change, call.now)
            .map_err(ApiError::OrderStatus)?;
        let events = events(&mut Uuids::default(), Some(&record), &next, call.now)?;
        Ok(if db.save_plan_order(&next, version, &events).await? {
            Attempt::Done(checkout_core::member("order", &order_json(&next)?))
        } else {
            Attempt::Lost
        })
    })
    .await
}

/// Persists the clock's moves of every order of the tenant that is due, with
/// their events. A write that loses to a concurrent change is left to it (that
/// change applied the same moves).
pub async fn advance(db: &Db, now: Timestamp) -> ApiResult<usize> {
    let mut moved = 0;
    loop {
        let due = db.due_plan_orders(now, ROUND).await?;
        let count = due.len();
        for StoredPlanOrder { record, version } in due {
            let next = record.at(now);
            let events = events(&mut Uuids::default(), Some(&record), &next, now)?;
            if db.save_plan_order(&next, version, &events).await? {
                moved += 1;
            }
        }
        if count < ROUND as usize {
            return Ok(moved);
        }
    }
}
