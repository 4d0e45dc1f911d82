//! The edge checkout worker: the HTTP API of `docs/api.md` on Cloudflare
//! Workers with D1. A thin shell: prices, validation and every rule come from
//! `checkout-core`; this crate authenticates, stores and answers.
//!
//! This file holds only the entry points: `fetch` (a CORS preflight
//! answered in [`cors`]; else route, read, dispatch, answer, log) and
//! `scheduled` (plan orders moved with the clock, idle checkouts deleted, then
//! the outbox's retries delivered). After a change, its events leave at once,
//! in the request's `waitUntil`. The request is read in [`request`], handled in
//! [`handlers`] (one module per resource), stored through [`db`] (one module
//! per concept), and refused through [`error`], the one place that knows
//! HTTP status numbers.

mod cors;
mod db;
mod delivery;
mod error;
mod events;
mod handlers;
mod idempotency;
mod ids;
mod limits;
mod log;
mod request;
mod retry;
pub mod routes;
pub mod tenants;

use checkout_core::time::Timestamp;
use error::{ApiError, ApiResult};
use idempotency::Reply;
use request::Call;
use routes::Miss;
use worker::{event, js_sys, Context, Env, Method, Request, Response};

fn now() -> Timestamp {
    Timestamp::from_millis(js_sys::Date::now() as i64)
}

/// The cron trigger: moves plan orders with the clock, cancels the orders
/// left unpaid past their deadline (giving back what they hold), deletes the
/// checkouts their stores no longer keep and the events kept long enough,
/// then delivers the events that are due.
#[event(scheduled)]
async fn scheduled(_event: worker::ScheduledEvent, env: Env, _ctx: worker::ScheduleContext) {
    let now = now();
    let tenants = match tenants::load(&env) {
        Ok(tenants) => tenants,
        Err(e) => return log::failure("scheduled", &e),
    };
    for tenant in tenants.iter() {
        // one tenant's failure does not stop the others' upkeep
        let upkeep = async {
            let db = db::Db::new(env.d1("DB")?, &tenant.app_def_id);
            handlers::advance_plan_orders(&db, now).await?;
            handlers::expire_unpaid_orders(&db, now).await?;
            handlers::forget_idle_checkouts(&db, now).await?;
            handlers::forget_old_events(&db, now).await?;
            db.delete_old_idempotency_keys(idempotency::cutoff(now))
                .await?;
            Ok::<(), ApiError>(())
        };
        if let Err(e) = upkeep.await {
            log::failure("scheduled", &e);
        }
    }
    if let Err(e) = delivery::deliver(&env, now).await {
        log::failure("scheduled", &e);
    }
}

#[event(fetch)]
async fn fetch(req: Request, env: Env, ctx: Context) -> worker::Result<Response> {
    let request_id = ids::uuid_v4().unwrap_or_else(|_| "no-request-id".into());
    let started = js_sys::Date::now();
    let method = req.method().to_string();
    let path = req.path();
    if req.method() == Method::Options {
        return match cors::preflight(&req, &env).await {
            Ok(resp) => Ok(resp),
            Err(e) => answer(&request_id, Err(e), None),
        };
    }
    let writes = matches!(req.method(), Method::Post | Method::Put | Method::Patch);
    let (result, tenant, cors_origin) = handle(req, &env).await;
    // a change's events leave at once, after the answer; the cron trigger retries
    let changed = result.as_ref().is_ok_and(|r| !r.replayed);
    if let (true, true, Some(tenant)) = (writes, changed, tenant.clone()) {
        let env = env.clone();
        ctx.wait_until(async move {
            if let Err(e) = delivery::deliver_now(&env, &tenant, now()).await {
                log::failure("delivery", &e);
            }
        });
    }
    let status = result.as_ref().map_or_else(ApiError::status, |r| r.status);
    log::access(
        &env,
        log::Access {
            request_id: &request_id,
            method: &method,
            path: &path,
            status,
            tenant: tenant.as_deref().filter(|_| result.is_ok()),
            ms: js_sys::Date::now() - started,
        },
    );
    answer(&request_id, result, cors_origin.as_deref())
}

/// The HTTP answer: the body (or the one an idempotency key's first request
/// got), or the error in Wix's shape (an internal one logged with its
/// cause), with the request id and, for a page of an allowed origin, the
/// CORS headers.
fn answer(
    request_id: &str,
    result: ApiResult<Reply>,
    cors_origin: Option<&str>,
) -> worker::Result<Response> {
    let (status, body, retry_after, replayed) = match result {
        Ok(reply) => (reply.status, reply.body, None, reply.replayed),
        Err(e) => {
            if let ApiError::Internal(detail) = &e {
                log::internal(request_id, detail);
            }
            (e.status(), e.body().to_string(), e.retry_after(), false)
        }
    };
    let mut resp = Response::ok(body)?.with_status(status);
    let headers = resp.headers_mut();
    if replayed {
        headers.set("idempotent-replayed", "true")?;
    }
    if let Some(seconds) = retry_after {
        headers.set("retry-after", &seconds.to_string())?;
    }
    headers.set("content-type", "application/json")?;
    headers.set("x-wix-request-id", request_id)?;
    headers.set("x-request-id", request_id)?;
    headers.set("cache-control", "no-store")?;
    headers.set("vary", "Origin")?;
    if let Some(origin) = cors_origin {
        cors::allow(headers, origin).map_err(|e| worker::Error::RustError(format!("{e:?}")))?;
    }
    Ok(resp)
}

/// Routes, authenticates, reads and dispatches: the answer, the tenant (for
/// the log) and the page origin the answer may be read from.
async fn handle(req: Request, env: &Env) -> (ApiResult<Reply>, Option<String>, Option<String>) {
    let method = req.method().to_string();
    let path = req.path();
    let (route, params) = match routes::find(&method, &path) {
        Ok(found) => found,
        Err(Miss::NotFound) => return (Err(ApiError::NotFound("route")), None, None),
        Err(Miss::MethodNotAllowed) => return (Err(ApiError::MethodNotAllowed), None, None),
    };
    let who = match request::authenticate(&req, env, route).await {
        Ok(who) => who,
        Err(e) => return (Err(e), None, None),
    };
    let cors_origin = who.cors_origin.clone();
    let tenant = who.tenant.as_ref().map(|t| t.app_def_id.clone());
    let result = async {
        let call = Call::read(req, env, who, route, params, now()).await?;
        if route.op.creates() {
            idempotency::run(&call, &method, &path, handlers::dispatch(route.op, &call)).await
        } else {
            Ok(Reply::fresh(handlers::dispatch(route.op, &call).await?))
        }
    };
    (result.await, tenant, cors_origin)
}
