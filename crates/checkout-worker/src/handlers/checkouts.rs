//! The checkout routes (`docs/api.md`, Checkouts): read the request, run the
//! core's change on the stored checkout, write it over the version it was
//! read at (re-reading and re-applying when another change came first) and
//! answer with the checkout priced by the core.

use crate::db::{Db, Stored};
use crate::error::{ApiError, ApiResult, Contended};
use crate::ids::Uuids;
use crate::request::Call;
use crate::retry::{over_version, Attempt};
use checkout_core::checkout::quote::Quote;
use checkout_core::checkout::{
    AddToCheckout, CheckoutRecord, CreateCheckout, RemoveLineItems, UpdateCheckout,
    UpdateLineItemsQuantity,
};
use checkout_core::events;
use checkout_core::events::Event;
use checkout_core::store::Store;
use checkout_core::time::Timestamp;
use serde_json::{json, Value};

/// The checkout as JSON text, priced now (with `pricingInput` when asked).
pub(super) fn view(
    call: &Call,
    record: &CheckoutRecord,
    store: &Store,
    with_input: bool,
) -> ApiResult<String> {
    Ok(Quote::new(record, store, call.now)?.checkout_json(record, with_input)?)
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
    Ok(checkout_core::member("checkout", &json))
}

pub async fn create(call: &Call<'_>) -> ApiResult<String> {
    let db = call.db()?;
    let req: CreateCheckout = call.request()?;
    if req.coupon_code.is_some() || req.gift_card_code.is_some() {
        call.spend_code_attempt().await?;
    }
    let store = db.store().await?.ok_or(ApiError::StoreNotConfigured)?;
    let now = call.now;
    let mut ids = Uuids::default();
    let record = CheckoutRecord::create(
        req,
        &store,
        (call.caller(), &call.tenant()?.app_def_id),
        &mut ids,
        now,
    )?;
    let written = view(call, &record, &store, false)?;
    let created = Event::new(
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
    answer(call, call.param(0)).await
}

/// `{"checkout": …}` of checkout `id` as it is now (also a replay of its
/// creation whose answer was too long to keep whole).
pub async fn answer(call: &Call<'_>, id: &str) -> ApiResult<String> {
    let (store, stored) = call.db()?.store_and_checkout(id, call.now).await?;
    respond(call, &stored.record, &store, None)
}

/// `GET /ecom/v1/checkouts/by-cart-id/{cartId}`: `{checkout}`, the first
/// made from that cart.
pub async fn by_cart_id(call: &Call<'_>) -> ApiResult<String> {
    let db = call.db()?;
    let id = db
        .checkout_id_of_cart(call.param(0))
        .await?
        .ok_or(ApiError::NotFound("checkout"))?;
    let (store, stored) = db.store_and_checkout(&id, call.now).await?;
    respond(call, &stored.record, &store, None)
}

/// `checkout-url` (with `overriding`: the override URL when one is set) and
/// `wix-checkout-url` (the store's page): `{checkoutUrl}`.
pub async fn checkout_url(call: &Call<'_>, overriding: bool) -> ApiResult<Value> {
    let (store, stored) = call
        .db()?
        .store_and_checkout(call.param(0), call.now)
        .await?;
    // never built from the request's Host: the store's page, or the worker's own
    let own_page = worker_checkout_page(call);
    let record = &stored.record;
    let url = if overriding {
        record.checkout_url(&store, own_page.as_deref())
    } else {
        record.store_checkout_url(&store, own_page.as_deref())
    };
    Ok(json!({ "checkoutUrl": url.ok_or(ApiError::CheckoutUrlNotConfigured)? }))
}

/// The worker's own checkout page for the caller's store (`www/checkout.html`
/// at `PUBLIC_URL`), which opens any store's checkout: the store's
/// publishable key (public, as in every page) names the store, and the
/// checkout's id follows as `&checkoutId=`. `None` without a `PUBLIC_URL`.
fn worker_checkout_page(call: &Call<'_>) -> Option<String> {
    let public_url = call.env.var("PUBLIC_URL").ok()?.to_string();
    // percent-encoded: a configured key is not checked to be URL-safe
    let key: String = (call.tenant.as_ref()?.publishable_key.bytes())
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'.' | b'_' | b'~' => {
                char::from(b).to_string()
            }
            _ => format!("%{b:02X}"),
        })
        .collect();
    let slash = if public_url.ends_with('/') { "" } else { "/" };
    Some(format!("{public_url}{slash}checkout?key={key}"))
}

/// Applies a change to a checkout without ever losing another: the write
/// succeeds only over the version the change was computed from. New ids (of
/// lines, of the event) come from `ids`, checked before anything is written.
async fn change<F>(call: &Call<'_>, mut apply: F) -> ApiResult<(CheckoutRecord, Store, String)>
where
    F: FnMut(&mut CheckoutRecord, &Store, &mut Uuids) -> checkout_core::Result<()>,
{
    let db = call.db()?;
    over_version(Contended::Checkout, async || {
        let (
            store,
            Stored {
                mut record,
                version,
            },
        ) = db.store_and_checkout(call.param(0), call.now).await?;
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
        let changed = Event::new(
            &mut ids,
            events::CHECKOUT,
            kind,
            &record.id,
            &written,
            call.now,
        );
        ids.check()?;
        Ok(if db.save_checkout(&record, version, &changed).await? {
            Attempt::Done((record, store, written))
        } else {
            Attempt::Lost
        })
    })
    .await
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
    let req: UpdateCheckout = call.request()?;
    if req.coupon_code.is_some() || req.gift_card_code.is_some() {
        call.spend_code_attempt().await?;
    }
    change_and_respond(call, |record, store, ids| {
        record.update(req.clone(), store, caller, ids, now)
    })
    .await
}

pub async fn add_to_checkout(call: &Call<'_>) -> ApiResult<String> {
    let caller = call.caller();
    let req: AddToCheckout = call.request()?;
    change_and_respond(call, |record, store, ids| {
        record.add_to_checkout(req.clone(), store, caller, ids)
    })
    .await
}

pub async fn remove_line_items(call: &Call<'_>) -> ApiResult<String> {
    let req: RemoveLineItems = call.request()?;
    change_and_respond(call, |record, _, _| record.remove_line_items(req.clone())).await
}

pub async fn update_quantities(call: &Call<'_>) -> ApiResult<String> {
    let req: UpdateLineItemsQuantity = call.request()?;
    change_and_respond(call, |record, store, _| {
        record.update_quantities(req.clone(), store)
    })
    .await
}

pub async fn remove_coupon(call: &Call<'_>) -> ApiResult<String> {
    change_and_respond(call, |record, _, _| record.remove_coupon(call.caller())).await
}

pub async fn remove_gift_card(call: &Call<'_>) -> ApiResult<String> {
    change_and_respond(call, |record, _, _| record.remove_gift_card(call.caller())).await
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

/// Deletes the tenant's checkouts idle longer than its store keeps them, and
/// makes its orders as old that were never paid and were canceled forget
/// their buyer (the scheduled handler, every minute); how many checkouts.
pub async fn forget_idle(db: &Db, now: Timestamp) -> ApiResult<usize> {
    match db.store().await? {
        Some(store) => {
            let cutoff = store.config.checkout_cutoff(now);
            db.forget_buyers_of_unpaid_orders(cutoff).await?;
            db.delete_idle_checkouts(cutoff).await
        }
        None => Ok(0),
    }
}
