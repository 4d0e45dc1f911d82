//! The handlers, one module per resource, and the dispatch from a route's
//! operation to its handler. Each handler reads its typed request from the
//! [`Call`], runs the core's rule and answers JSON text.

mod checkouts;
mod events;
mod orders;
mod payments;
mod plans;
mod sessions;
mod store;

pub use checkouts::forget_idle as forget_idle_checkouts;
pub use events::forget_old as forget_old_events;
pub use payments::expire_unpaid as expire_unpaid_orders;
pub use plans::advance as advance_plan_orders;

use crate::db::Counter;
use crate::delivery;
use crate::error::ApiResult;
use crate::request::Call;
use crate::routes::Op;
use checkout_core::checkout::payment::Happening;
use checkout_core::plans::order::{self as plan_order, Change};
use checkout_core::plans::Action;

/// A store's upkeep, on either backend: what moves with the clock (plan
/// orders, unpaid orders past their deadline canceled), then, with
/// `cleanup`, idle checkouts, old events and old idempotency keys deleted.
pub async fn upkeep(
    db: &crate::db::Db,
    now: checkout_core::time::Timestamp,
    cleanup: bool,
) -> ApiResult<()> {
    advance_plan_orders(db, now).await?;
    expire_unpaid_orders(db, now).await?;
    if cleanup {
        forget_idle_checkouts(db, now).await?;
        forget_old_events(db, now).await?;
        db.delete_old_idempotency_keys(crate::idempotency::cutoff(now))
            .await?;
    }
    Ok(())
}

/// The OpenAPI 3.1 document of every route, served at `/openapi.json`.
pub const OPENAPI: &str = include_str!("../../openapi.json");

/// Runs the handler of `op`; the answer's body as JSON text.
pub async fn dispatch(op: Op, call: &Call<'_>) -> ApiResult<String> {
    Ok(match op {
        Op::OpenApi => OPENAPI.to_owned(),
        Op::Jwks => delivery::jwks(call.env).to_string(),
        Op::GetStore => store::get(call).await?.to_string(),
        Op::PutStore => store::put(call).await?.to_string(),
        Op::ChangeStock => store::change_counter(call, Counter::Stock)
            .await?
            .to_string(),
        Op::ChangeGiftCardBalance => store::change_counter(call, Counter::GiftCard)
            .await?
            .to_string(),
        Op::ListEvents => events::list(call).await?.to_string(),
        Op::GetEvent => events::get(call).await?.to_string(),
        Op::RedeliverEvent => events::redeliver(call).await?.to_string(),
        Op::CreateCheckout => checkouts::create(call).await?,
        Op::GetCheckout => checkouts::get(call).await?,
        Op::GetCheckoutByCartId => checkouts::by_cart_id(call).await?,
        Op::GetWixCheckoutUrl => checkouts::checkout_url(call, false).await?.to_string(),
        Op::UpdateCheckout => checkouts::update(call).await?,
        Op::GetCheckoutUrl => checkouts::checkout_url(call, true).await?.to_string(),
        Op::AddToCheckout => checkouts::add_to_checkout(call).await?,
        Op::RemoveLineItems => checkouts::remove_line_items(call).await?,
        Op::UpdateLineItemsQuantity => checkouts::update_quantities(call).await?,
        Op::RemoveCoupon => checkouts::remove_coupon(call).await?,
        Op::RemoveGiftCard => checkouts::remove_gift_card(call).await?,
        Op::RemoveOverrideCheckoutUrl => checkouts::remove_override_checkout_url(call).await?,
        Op::MarkAsCompleted => checkouts::mark_as_completed(call).await?.to_string(),
        Op::CreateOrder => orders::create(call).await?.to_string(),
        Op::CreateOrderAndCharge => orders::create_and_charge(call).await?.to_string(),
        Op::GetOrder => orders::get(call).await?.to_string(),
        Op::SearchOrders => orders::search(call).await?.to_string(),
        Op::MarkOrderPaid => payments::by_merchant(call, &Happening::MarkedPaid)
            .await?
            .to_string(),
        Op::CancelOrder => payments::by_merchant(call, &Happening::Canceled)
            .await?
            .to_string(),
        Op::StripeWebhook => payments::stripe_webhook(call).await?.to_string(),
        Op::CheckoutSessionOrder => orders::of_completed_checkout(call).await?.to_string(),
        Op::CreateOrderSession => sessions::create(call).await?.to_string(),
        Op::GetOrderSession => sessions::get(call).await?.to_string(),
        Op::PlanPricePreview => plans::price_preview(call).await?.to_string(),
        Op::PlanPreviewOffline => plans::preview(call, false).await?,
        Op::PlanPreviewOnline => plans::preview(call, true).await?,
        Op::PlanEligibility => plans::eligibility(call).await?.to_string(),
        Op::PlanCreateOffline => plans::create_offline(call).await?,
        Op::PlanGet => plans::get(call).await?,
        Op::PlanList => plans::list(call).await?.to_string(),
        Op::PlanSetStartDate => {
            plans::change(call, |b| Ok(Change::Act(plan_order::set_start_date(b)?))).await?
        }
        Op::PlanMarkAsPaid => plans::change(call, |_| Ok(Change::MarkAsPaid)).await?,
        Op::PlanPostpone => {
            plans::change(call, |b| Ok(Change::Act(plan_order::postpone_end_date(b)?))).await?
        }
        Op::PlanCancel => plans::change(call, |b| Ok(Change::Act(plan_order::cancel(b)?))).await?,
        Op::PlanPause => plans::change(call, |_| Ok(Change::Act(Action::Pause))).await?,
        Op::PlanResume => plans::change(call, |_| Ok(Change::Act(Action::Resume))).await?,
    })
}
