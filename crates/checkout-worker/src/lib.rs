//! The edge checkout worker: the HTTP API of `docs/api.md` on Cloudflare
//! Workers, with each store's rows on D1 or in the store's own Durable
//! Object. A thin shell: prices, validation and every rule come from
//! `checkout-core`; this crate authenticates, stores and answers.
//!
//! This file holds only the entry points: `fetch` (a CORS preflight
//! answered in [`cors`]; else route and authenticate, then serve where the
//! store's rows are: here on D1, or forwarded to its [`object`], which serves
//! it the same way; answer, log) and `scheduled` (for the stores on D1: plan
//! orders moved with the clock, idle checkouts deleted, then the outbox's
//! retries delivered; a store's object keeps its own time with its alarm).
//! After a change, its events leave at once: in the request's `waitUntil` on
//! D1, in the object's alarm. The request is read in [`request`], handled in
//! [`handlers`] (one module per resource), stored through [`db`] (one module
//! per concept, on either backend), and refused through [`error`], the one
//! place that knows HTTP status numbers.

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
mod object;
mod request;
mod retry;
pub mod routes;
pub mod tenants;

use checkout_core::time::Timestamp;
use db::Backend;
use error::{ApiError, ApiResult};
use idempotency::Reply;
use request::{Call, Who};
use routes::{Miss, Route};
use tenants::Storage;
use worker::{event, js_sys, Context, Env, Method, Request, Response};

fn now() -> Timestamp {
    Timestamp::from_millis(js_sys::Date::now() as i64)
}

/// The cron trigger, for the stores on D1 (a store in its own object keeps
/// its own time with its alarm, `object`): moves plan orders with the
/// clock, cancels the orders left unpaid past their deadline (giving back
/// what they hold), deletes the checkouts their stores no longer keep and
/// the events kept long enough, then delivers the events that are due.
#[event(scheduled)]
async fn scheduled(_event: worker::ScheduledEvent, env: Env, _ctx: worker::ScheduleContext) {
    let now = now();
    let tenants = match tenants::load(&env) {
        Ok(tenants) => tenants,
        Err(e) => return log::failure("scheduled", &e),
    };
    for tenant in tenants.iter().filter(|t| t.storage(&env) == Storage::D1) {
        // one tenant's failure does not stop the others' upkeep
        let upkeep = async {
            let db = db::Db::new(Backend::d1(&env)?, &tenant.app_def_id);
            upkeep(&db, now, true).await
        };
        if let Err(e) = upkeep.await {
            log::failure("scheduled", &e);
        }
    }
    if let Err(e) = delivery::deliver(&env, now).await {
        log::failure("scheduled", &e);
    }
}

/// A store's upkeep, on either backend: what moves with the clock (plan
/// orders, unpaid orders past their deadline canceled), then, with
/// `cleanup`, idle checkouts, old events and old idempotency keys deleted.
async fn upkeep(db: &db::Db, now: Timestamp, cleanup: bool) -> ApiResult<()> {
    handlers::advance_plan_orders(db, now).await?;
    handlers::expire_unpaid_orders(db, now).await?;
    if cleanup {
        handlers::forget_idle_checkouts(db, now).await?;
        handlers::forget_old_events(db, now).await?;
        db.delete_old_idempotency_keys(idempotency::cutoff(now))
            .await?;
    }
    Ok(())
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
    let front = front(&req, &env).await;
    let tenant = front
        .as_ref()
        .ok()
        .and_then(|(_, _, who)| who.tenant.as_ref())
        .map(|t| (t.app_def_id.clone(), t.storage(&env)));
    let (resp, ok) = match (front, tenant.as_ref().map(|(_, s)| *s)) {
        (Err(e), _) => (answer(&request_id, Err(e), None), false),
        (Ok(_), Some(Storage::Moving)) => {
            let moving = Err(ApiError::StoreMoving { retry_after: 30 });
            (answer(&request_id, moving, None), false)
        }
        (Ok((_, _, who)), Some(Storage::Objects)) => {
            // the object unreachable (reset, say) is answered in the API's shape, and logged
            let resp = match object::forward(req, &env, &who, &request_id).await {
                Ok(resp) => Ok(resp),
                Err(e) => answer(&request_id, Err(ApiError::Internal(e.to_string())), None),
            };
            let ok = resp.as_ref().is_ok_and(|r| r.status_code() < 400);
            (resp, ok)
        }
        (Ok((route, params, who)), _) => {
            let (result, cors_origin, effects) = match Backend::d1(&env) {
                Ok(backend) => serve(req, &env, who, route, params, backend).await,
                Err(e) => (Err(e), None, db::Effects::default()),
            };
            // the call's events leave at once, after the answer; the cron trigger retries
            if let (true, Some((tenant, _))) = (effects.queued(), tenant.clone()) {
                let env = env.clone();
                ctx.wait_until(async move {
                    if let Err(e) = delivery::deliver_now(&env, &tenant, now()).await {
                        log::failure("delivery", &e);
                    }
                });
            }
            let ok = result.is_ok();
            (answer(&request_id, result, cors_origin.as_deref()), ok)
        }
    };
    let status = resp.as_ref().map_or(500, Response::status_code);
    log::access(
        &env,
        log::Access {
            request_id: &request_id,
            method: &method,
            path: &path,
            status,
            tenant: tenant.as_ref().map(|(t, _)| t.as_str()).filter(|_| ok),
            ms: js_sys::Date::now() - started,
        },
    );
    resp
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

/// Routes and authenticates: the route, its path parameters and the caller.
async fn front(req: &Request, env: &Env) -> ApiResult<(&'static Route, Vec<String>, Who)> {
    let (route, params) = route(req)?;
    let who = request::authenticate(req, env, route).await?;
    Ok((route, params, who))
}

/// The route of a request and its path parameters.
fn route(req: &Request) -> ApiResult<(&'static Route, Vec<String>)> {
    let path = req.path();
    match routes::find(req.method().as_ref(), &path) {
        Ok((route, params)) => Ok((route, params.into_iter().map(String::from).collect())),
        Err(Miss::NotFound) => Err(ApiError::NotFound("route")),
        Err(Miss::MethodNotAllowed) => Err(ApiError::MethodNotAllowed),
    }
}

/// Serves an authenticated call where its store's rows are: checks a page's
/// origin against the store, reads the request and dispatches it (a
/// creating call under its idempotency key). The answer, the page origin
/// it may be read from, and what the call's statements did (whatever its
/// method, and even when it was then refused: a read that canceled an order
/// past its deadline wrote, and put its event in the outbox).
async fn serve(
    req: Request,
    env: &Env,
    who: Who,
    route: &Route,
    params: Vec<String>,
    backend: Backend,
) -> (ApiResult<Reply>, Option<String>, db::Effects) {
    let method = req.method().to_string();
    let path = req.path();
    if let Err(e) = who.check_origin(&backend).await {
        return (Err(e), None, db::Effects::default());
    }
    let cors_origin = who.cors_origin.clone();
    let effects = db::Effects::default();
    let result = async {
        let params = params.iter().map(String::as_str).collect();
        let mut call = Call::read(req, env, who, route, params, now(), backend).await?;
        call.effects = effects.clone();
        if route.op.creates() {
            idempotency::run(&call, &method, &path, handlers::dispatch(route.op, &call)).await
        } else {
            Ok(Reply::fresh(handlers::dispatch(route.op, &call).await?))
        }
    };
    let result = result.await;
    (result, cors_origin, effects)
}
