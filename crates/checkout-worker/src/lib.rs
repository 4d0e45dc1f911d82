//! The edge checkout worker: the HTTP API of `docs/api.md` on Cloudflare
//! Workers, with each store's rows on D1 or in the store's own Durable
//! Object. A thin shell: prices, validation and every rule come from
//! `checkout-core`; this crate authenticates, stores and answers.
//!
//! This file holds only the entry points: `fetch`, which hands the request
//! to the [`pipeline`] (route, authenticate, limit, origin, idempotency,
//! dispatch, events, answer, log; a store kept in its own [`object`] is
//! served there by the same pipeline), and `scheduled` (for the stores on
//! D1: their upkeep, then the outbox's retries delivered; a store's object
//! keeps its own time with its alarm). The request is read in [`request`],
//! handled in [`handlers`] (one module per resource), stored through [`db`]
//! (one module per concept, on either backend), and refused through
//! [`error`], the one place that knows HTTP status numbers. Nothing imports
//! this file. The checkout pages (`/checkout`, and the demo storefront's
//! `/?checkoutId=`) are answered in front of `fetch`, by `js/page.js`, with
//! `format_money` and `convert_money` from here.

mod cors;
mod db;
mod delivery;
mod error;
mod handlers;
mod idempotency;
mod ids;
mod limits;
mod log;
mod object;
mod openapi;
mod pipeline;
mod request;
mod retry;
pub mod routes;
pub mod tenants;

use worker::{event, web_sys, Context, Env, Request};

/// The cron trigger, for the stores on D1 (a store in its own object keeps
/// its own time with its alarm, `object`): moves plan orders with the
/// clock, cancels the orders left unpaid past their deadline (giving back
/// what they hold), deletes the checkouts their stores no longer keep and
/// the events kept long enough, then delivers the events that are due.
#[event(scheduled)]
async fn scheduled(_event: worker::ScheduledEvent, env: Env, _ctx: worker::ScheduleContext) {
    let now = pipeline::now();
    let tenants = match tenants::load(&env) {
        Ok(tenants) => tenants,
        Err(e) => return log::failure("scheduled", &e),
    };
    let stores = match db::served_here(&env, &tenants) {
        Ok(stores) => stores,
        Err(e) => return log::failure("scheduled", &e),
    };
    for (_, db) in &stores {
        // one store's failure does not stop the others' upkeep
        if let Err(e) = handlers::upkeep(db, now, true).await {
            log::failure("scheduled", &e);
        }
    }
    delivery::deliver(&env, &stores, now).await;
}

#[event(fetch)]
async fn fetch(req: Request, env: Env, ctx: Context) -> worker::Result<web_sys::Response> {
    pipeline::fetch(req, env, ctx).await
}

/// An amount as the core writes it in `locale` (the browser module's
/// `formatMoney`, to the byte), for the checkout pages, which the
/// element's code renders in the worker's JavaScript (`js/page.js`). An
/// amount the core cannot format (none the API answers) stays as it is.
#[wasm_bindgen::prelude::wasm_bindgen(js_name = formatMoney)]
pub fn format_money(amount: &str, currency: &str, locale: &str) -> String {
    checkout_core::pricing::format::format_text(amount, currency, locale)
        .unwrap_or_else(|_| amount.to_owned())
}

/// An amount of `currency` in the buyer's currency `to` at `rate` (a
/// pricing input's `conversion`), by the core's rule (the browser module's
/// `Checkout.convert`, to the minor unit), for the checkout pages: the
/// amounts of a checkout in the buyer's currency that the API does not
/// convert (its delivery options, its gift card). None when the core
/// refuses one of them (none the API answers).
#[wasm_bindgen::prelude::wasm_bindgen(js_name = convertMoney)]
pub fn convert_money(amount: &str, currency: &str, to: &str, rate: &str) -> Option<String> {
    let conversion = checkout_core::pricing::input::RawConversion {
        currency: Some(to.to_owned().into()),
        rate: Some(rate.to_owned().into()),
    };
    checkout_core::pricing::pricing::convert_text(amount, currency, &conversion).ok()
}
