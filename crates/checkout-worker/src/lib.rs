//! The edge checkout worker: the HTTP API of `docs/api.md` on Cloudflare
//! Workers with D1. A thin shell: prices, validation and every rule come from
//! `checkout-core`; this crate authenticates, stores and answers.
//!
//! This file holds only the entry points: `fetch` (route, read, dispatch,
//! answer, log) and `scheduled` (plan orders moved with the clock, then the
//! outbox delivered). The request is read in [`request`], handled in
//! [`handlers`] (one module per resource), stored through [`db`] (one module
//! per concept), and refused through [`error`], the one place that knows
//! HTTP status numbers.

mod db;
mod delivery;
mod error;
mod events;
mod handlers;
mod ids;
mod log;
mod request;
mod retry;
pub mod routes;
pub mod tenants;

use checkout_core::time::Timestamp;
use error::{ApiError, ApiResult};
use request::Call;
use routes::Miss;
use worker::{event, js_sys, Context, Env, Request, Response};

fn now() -> Timestamp {
    Timestamp::from_millis(js_sys::Date::now() as i64)
}

/// The cron trigger: moves plan orders with the clock, then delivers the events that are due.
#[event(scheduled)]
async fn scheduled(_event: worker::ScheduledEvent, env: Env, _ctx: worker::ScheduleContext) {
    let now = now();
    let moved = async {
        for tenant in tenants::load(&env)?.iter() {
            let db = db::Db::new(env.d1("DB")?, &tenant.app_def_id);
            handlers::advance_plan_orders(&db, now).await?;
        }
        Ok::<(), ApiError>(())
    };
    if let Err(e) = moved.await {
        log::failure("scheduled", &e);
    }
    if let Err(e) = delivery::deliver(&env, now).await {
        log::failure("scheduled", &e);
    }
}

#[event(fetch)]
async fn fetch(req: Request, env: Env, _ctx: Context) -> worker::Result<Response> {
    let request_id = ids::uuid_v4().unwrap_or_else(|_| "no-request-id".into());
    let started = js_sys::Date::now();
    let method = req.method().to_string();
    let path = req.path();
    let (status, body, tenant) = match handle(req, &env).await {
        Ok((body, tenant)) => (200, body, tenant),
        Err(e) => {
            if let ApiError::Internal(detail) = &e {
                log::internal(&request_id, detail);
            }
            (e.status(), e.body().to_string(), None)
        }
    };
    log::access(
        &env,
        log::Access {
            request_id: &request_id,
            method: &method,
            path: &path,
            status,
            tenant: tenant.as_deref(),
            ms: js_sys::Date::now() - started,
        },
    );
    let mut resp = Response::ok(body)?.with_status(status);
    let headers = resp.headers_mut();
    headers.set("content-type", "application/json")?;
    headers.set("x-wix-request-id", &request_id)?;
    headers.set("x-request-id", &request_id)?;
    headers.set("cache-control", "no-store")?;
    Ok(resp)
}

/// Routes, reads and dispatches; the tenant id is returned for the log.
async fn handle(req: Request, env: &Env) -> ApiResult<(String, Option<String>)> {
    let method = req.method().to_string();
    let path = req.path();
    let (route, params) = routes::find(&method, &path).map_err(|m| match m {
        Miss::NotFound => ApiError::NotFound("route"),
        Miss::MethodNotAllowed => ApiError::MethodNotAllowed,
    })?;
    let call = Call::read(req, env, route, params, now()).await?;
    let out = handlers::dispatch(route.op, &call).await?;
    Ok((out, call.tenant.map(|t| t.app_def_id)))
}
