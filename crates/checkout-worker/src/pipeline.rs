//! The request pipeline, one path for every call: a CORS preflight
//! answered in [`cors`]; else route, authenticate (the key, the rate limit,
//! the page's origin), then serve where the store's rows are (here on D1,
//! or forwarded to its [`object`], which serves it with the same
//! [`serve`]): the store's origin list, the request read, idempotency, the
//! handler; then the call's events sent (after the answer on D1, in the
//! object's alarm), the answer in one shape, and the access log. The
//! worker's entry (`lib.rs`) and the store's object both call it.

use crate::db::{self, Db, Home};
use crate::error::{ApiError, ApiResult};
use crate::idempotency::{self, Reply};
use crate::request::{self, Call, Who};
use crate::routes::{self, Miss, Route};
use crate::{cors, delivery, ids, log, object};
use checkout_core::time::Timestamp;
use worker::{js_sys, web_sys, Context, Env, Method, Request, Response};

/// The time now, as the core counts it.
pub fn now() -> Timestamp {
    Timestamp::from_millis(js_sys::Date::now() as i64)
}

/// The worker's answer to a request.
pub async fn fetch(req: Request, env: Env, ctx: Context) -> worker::Result<web_sys::Response> {
    let request_id = ids::uuid_v4().unwrap_or_else(|_| "no-request-id".into());
    let started = js_sys::Date::now();
    let method = req.method().to_string();
    let path = req.path();
    // the worker's own answers become the runtime's Response here; a store's object's is passed on as it is
    let reply =
        |result, cors_origin| answer(&request_id, result, cors_origin).map(web_sys::Response::from);
    if req.method() == Method::Options {
        return match cors::preflight(&req, &env).await {
            Ok(resp) => Ok(resp.into()),
            Err(e) => reply(Err(e), None),
        };
    }
    let front = front(&req, &env).await;
    let path = routes::loggable(&path, front.as_ref().ok().map(|(route, ..)| *route));
    let tenant = front
        .as_ref()
        .ok()
        .and_then(|(_, _, who)| who.tenant.clone());
    let home = tenant.as_ref().map(|t| db::home(&env, t)).transpose();
    let (resp, ok) = match (front, home) {
        (Err(e), _) | (_, Err(e)) => (reply(Err(e), None), false),
        (Ok(_), Ok(Some(Home::Moving))) => {
            let moving = Err(ApiError::StoreMoving { retry_after: 30 });
            (reply(moving, None), false)
        }
        (Ok((_, _, who)), Ok(Some(Home::Object(stub)))) => {
            // the object unreachable (reset, say) is answered in the API's shape, and logged
            let resp = match object::forward(req, stub, &who, &request_id).await {
                Ok(resp) => Ok(resp),
                Err(e) => reply(Err(ApiError::Internal(e.to_string())), None),
            };
            let ok = resp.as_ref().is_ok_and(|r| r.status() < 400);
            (resp, ok)
        }
        (Ok((route, params, who)), Ok(here)) => {
            let db = match here {
                Some(Home::Here(db)) => Some(db),
                _ => None,
            };
            let (result, cors_origin, effects) =
                serve(req, &env, who, route, params, db.clone()).await;
            // the call's events leave at once, after the answer; the cron trigger retries
            if let (true, Some(tenant), Some(db)) = (effects.queued(), tenant.clone(), db) {
                let env = env.clone();
                ctx.wait_until(async move {
                    if let Err(e) = delivery::deliver_store(&env, &tenant, &db, now()).await {
                        log::failure("delivery", &e);
                    }
                });
            }
            let ok = result.is_ok();
            (reply(result, cors_origin.as_deref()), ok)
        }
    };
    let status = resp.as_ref().map_or(500, web_sys::Response::status);
    log::access(
        &env,
        log::Access {
            request_id: &request_id,
            method: &method,
            path: &path,
            status,
            tenant: tenant
                .as_ref()
                .map(|t| t.app_def_id.as_str())
                .filter(|_| ok),
            ms: js_sys::Date::now() - started,
        },
    );
    resp
}

/// The HTTP answer: the body (or the one an idempotency key's first request
/// got), or the error in Wix's shape (an internal one logged with its
/// cause), with the request id and, for a page of an allowed origin, the
/// CORS headers.
pub fn answer(
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
pub fn route(req: &Request) -> ApiResult<(&'static Route, Vec<String>)> {
    let path = req.path();
    match routes::find(req.method().as_ref(), &path) {
        Ok((route, params)) => Ok((route, params.into_iter().map(String::from).collect())),
        Err(Miss::NotFound) => Err(ApiError::NotFound("route")),
        Err(Miss::MethodNotAllowed) => Err(ApiError::MethodNotAllowed),
    }
}

/// Serves an authenticated call where its store's rows are (`db`, none on a
/// public route): checks a page's
/// origin against the store, reads the request and dispatches it (a
/// creating call under its idempotency key). The answer, the page origin
/// it may be read from, and what the call's statements did (whatever its
/// method, and even when it was then refused: a read that canceled an order
/// past its deadline wrote, and put its event in the outbox).
pub async fn serve(
    req: Request,
    env: &Env,
    who: Who,
    route: &Route,
    params: Vec<String>,
    db: Option<Db>,
) -> (ApiResult<Reply>, Option<String>, db::Effects) {
    let method = req.method().to_string();
    let path = req.path();
    if let Err(e) = who.check_origin(db.as_ref()).await {
        request::discard_body(req).await;
        return (Err(e), None, db::Effects::default());
    }
    if let Err(e) = who.check_budget(route, db.as_ref()).await {
        request::discard_body(req).await;
        return (Err(e), who.cors_origin.clone(), db::Effects::default());
    }
    let cors_origin = who.cors_origin.clone();
    let effects = db::Effects::default();
    let result = async {
        let params = params.iter().map(String::as_str).collect();
        let mut call = Call::read(req, env, who, route, params, now(), db).await?;
        call.effects = effects.clone();
        if route.creates {
            idempotency::run(&call, &method, &path, (route.handler)(&call)).await
        } else {
            Ok(Reply::fresh((route.handler)(&call).await?))
        }
    };
    let result = result.await;
    (result, cors_origin, effects)
}
