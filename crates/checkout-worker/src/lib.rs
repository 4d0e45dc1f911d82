//! The edge checkout worker: the HTTP API of `spec/api.md` on Cloudflare
//! Workers with D1. A thin shell: prices, validation and every rule come from
//! `checkout-core`; this crate authenticates, stores and answers.

mod checkouts;
mod db;
mod delivery;
mod error;
pub mod orders;
mod plans;
pub mod routes;
mod sessions;
pub mod tenants;

use checkout_core::plans::order::{self as plan_order, Change};
use checkout_core::plans::Action;
use checkout_core::store::{Counters, Store, StoreConfig};
use checkout_core::time::Timestamp;
use error::{ApiError, ApiResult};
use routes::{Access, Miss, Op};
use serde_json::{json, Value};
use std::cell::RefCell;
use std::rc::Rc;
use tenants::{KeyKind, Tenant};
use worker::{console_log, event, js_sys, Context, Env, Request, Response};

/// The OpenAPI 3.1 document of every route, served at `/openapi.json`.
pub const OPENAPI: &str = include_str!("../openapi.json");

/// Largest request body accepted (`413` above it).
pub const MAX_BODY: usize = 256 * 1024;

/// What a handler knows about the call.
pub(crate) struct Call<'a> {
    env: &'a Env,
    tenant: Option<Tenant>,
    kind: Option<KeyKind>,
    body: Option<Value>,
    /// The path parameters, in order (`{id}`).
    params: Vec<String>,
    /// `scheme://host` of the request, for URLs that point back here.
    origin: String,
    now: Timestamp,
    /// `?include=pricingInput`: checkouts carry the input they were priced from.
    include_pricing_input: bool,
    /// The query string's pairs, decoded.
    query: Vec<(String, String)>,
}

/// The cron trigger: moves plan orders with the clock, then delivers the events that are due.
#[event(scheduled)]
async fn scheduled(_event: worker::ScheduledEvent, env: Env, _ctx: worker::ScheduleContext) {
    let now = Timestamp::from_millis(js_sys::Date::now() as i64);
    let moved = async {
        for tenant in load_tenants(&env)?.iter() {
            plans::advance(&db::Db::new(env.d1("DB")?, &tenant.app_def_id), now).await?;
        }
        Ok::<(), ApiError>(())
    };
    if let Err(e) = moved.await {
        console_log!(
            "{}",
            json!({"level": "error", "in": "scheduled", "error": format!("{e:?}")})
        );
    }
    if let Err(e) = delivery::deliver(&env, now).await {
        console_log!(
            "{}",
            json!({"level": "error", "in": "scheduled", "error": format!("{e:?}")})
        );
    }
}

#[event(fetch)]
async fn fetch(req: Request, env: Env, _ctx: Context) -> worker::Result<Response> {
    let request_id = uuid_v4().unwrap_or_else(|_| "no-request-id".into());
    let started = js_sys::Date::now();
    let method = req.method().to_string();
    let path = req.path();
    let (status, body, tenant) = match handle(req, &env).await {
        Ok((body, tenant)) => (200, body, tenant),
        Err(e) => {
            if let ApiError::Internal(detail) = &e {
                console_log!(
                    "{}",
                    json!({"level": "error", "requestId": request_id, "error": detail})
                );
            }
            (e.status(), e.body().to_string(), None)
        }
    };
    // the access log: every request at `LOG_LEVEL=info` (the default), refused
    // ones (4xx, 5xx) at `warn`, failed ones (5xx) at `error`
    let level = match status {
        500.. => "error",
        400.. => "warn",
        _ => "info",
    };
    if rank(level) >= rank(&log_level(&env)) {
        console_log!(
            "{}",
            json!({"level": level, "requestId": request_id, "method": method, "path": path,
                   "status": status, "tenant": tenant, "ms": js_sys::Date::now() - started})
        );
    }
    let mut resp = Response::ok(body)?.with_status(status);
    let headers = resp.headers_mut();
    headers.set("content-type", "application/json")?;
    headers.set("x-wix-request-id", &request_id)?;
    headers.set("x-request-id", &request_id)?;
    headers.set("cache-control", "no-store")?;
    Ok(resp)
}

fn log_level(env: &Env) -> String {
    env.var("LOG_LEVEL")
        .map(|v| v.to_string())
        .unwrap_or_else(|_| "info".into())
}

fn rank(level: &str) -> u8 {
    match level {
        "error" => 3,
        "warn" => 2,
        _ => 1,
    }
}

/// Routes, authenticates, reads the body and dispatches; the tenant id is returned for the log.
async fn handle(mut req: Request, env: &Env) -> ApiResult<(String, Option<String>)> {
    let method = req.method().to_string();
    let path = req.path();
    let (route, params) = routes::find(&method, &path).map_err(|m| match m {
        Miss::NotFound => ApiError::NotFound("route"),
        Miss::MethodNotAllowed => ApiError::MethodNotAllowed,
    })?;
    let params: Vec<String> = params.into_iter().map(String::from).collect();
    let (tenant, kind) = match route.access {
        Access::Public => (None, None),
        access => {
            let tenants = load_tenants(env)?;
            let auth = req.headers().get("authorization")?;
            let (tenant, kind) = tenants::authenticate(&tenants, auth.as_deref())
                .ok_or(ApiError::Unauthenticated)?;
            if access == Access::Secret && kind != KeyKind::Secret {
                return Err(ApiError::Forbidden);
            }
            (Some(tenant.clone()), Some(kind))
        }
    };
    let url = req.url().ok();
    let origin = url
        .as_ref()
        .map(|u| u.origin().ascii_serialization())
        .unwrap_or_default();
    let query: Vec<(String, String)> = url
        .as_ref()
        .map(|u| {
            u.query_pairs()
                .map(|(k, v)| (k.into_owned(), v.into_owned()))
                .collect()
        })
        .unwrap_or_default();
    let include_pricing_input = query
        .iter()
        .any(|(k, v)| k == "include" && v.split(',').any(|x| x == "pricingInput"));
    let body = match method.as_str() {
        "POST" | "PUT" | "PATCH" => Some(read_json(&mut req).await?),
        _ => None,
    };
    let tenant_id = tenant.as_ref().map(|t| t.app_def_id.clone());
    let now = Timestamp::from_millis(js_sys::Date::now() as i64);
    let call = Call {
        env,
        tenant,
        kind,
        body,
        params,
        origin,
        now,
        include_pricing_input,
        query,
    };
    let out = match route.op {
        Op::OpenApi => OPENAPI.to_owned(),
        Op::Jwks => delivery::jwks(env).to_string(),
        Op::GetStore => get_store(&call).await?.to_string(),
        Op::PutStore => put_store(&call).await?.to_string(),
        Op::CreateCheckout => checkouts::create(&call).await?,
        Op::GetCheckout => checkouts::get(&call).await?,
        Op::UpdateCheckout => checkouts::update(&call).await?,
        Op::GetCheckoutUrl => checkouts::checkout_url(&call).await?.to_string(),
        Op::AddToCheckout => checkouts::add_to_checkout(&call).await?,
        Op::RemoveLineItems => checkouts::remove_line_items(&call).await?,
        Op::UpdateLineItemsQuantity => checkouts::update_quantities(&call).await?,
        Op::RemoveCoupon => checkouts::remove_coupon(&call).await?,
        Op::RemoveGiftCard => checkouts::remove_gift_card(&call).await?,
        Op::RemoveOverrideCheckoutUrl => checkouts::remove_override_checkout_url(&call).await?,
        Op::MarkAsCompleted => checkouts::mark_as_completed(&call).await?.to_string(),
        Op::CreateOrder => checkouts::create_order(&call).await?.to_string(),
        Op::GetOrder => checkouts::get_order(&call).await?.to_string(),
        Op::SearchOrders => checkouts::search_orders(&call).await?.to_string(),
        Op::CreateOrderSession => sessions::create(&call).await?.to_string(),
        Op::GetOrderSession => sessions::get(&call).await?.to_string(),
        Op::CheckoutSessionOrder => checkouts::checkout_session_order(&call).await?.to_string(),
        Op::PlanPricePreview => plans::price_preview(&call).await?.to_string(),
        Op::PlanPreviewOffline => plans::preview(&call, false).await?,
        Op::PlanPreviewOnline => plans::preview(&call, true).await?,
        Op::PlanEligibility => plans::eligibility(&call).await?.to_string(),
        Op::PlanCreateOffline => plans::create_offline(&call).await?,
        Op::PlanGet => plans::get(&call).await?,
        Op::PlanList => plans::list(&call).await?.to_string(),
        Op::PlanSetStartDate => {
            plans::change(&call, |b| Ok(Change::Act(plan_order::set_start_date(b)?))).await?
        }
        Op::PlanMarkAsPaid => plans::change(&call, |_| Ok(Change::MarkAsPaid)).await?,
        Op::PlanPostpone => {
            plans::change(&call, |b| {
                Ok(Change::Act(plan_order::postpone_end_date(b)?))
            })
            .await?
        }
        Op::PlanCancel => plans::change(&call, |b| Ok(Change::Act(plan_order::cancel(b)?))).await?,
        Op::PlanPause => plans::change(&call, |_| Ok(Change::Act(Action::Pause))).await?,
        Op::PlanResume => plans::change(&call, |_| Ok(Change::Act(Action::Resume))).await?,
    };
    Ok((out, tenant_id))
}

pub(crate) fn load_tenants(env: &Env) -> ApiResult<Rc<Vec<Tenant>>> {
    thread_local! {
        /// The tenant list as last parsed, with the secret's text it came from:
        /// an isolate serves many requests, and the secret rarely changes.
        static PARSED: RefCell<Option<(String, Rc<Vec<Tenant>>)>> = const { RefCell::new(None) };
    }
    let raw = env
        .secret("TENANTS")
        .map(|s| s.to_string())
        .or_else(|_| env.var("TENANTS").map(|v| v.to_string()))
        .map_err(|_| ApiError::Internal("no TENANTS secret is configured".into()))?;
    if let Some(tenants) = PARSED.with_borrow(|p| {
        p.as_ref()
            .filter(|(text, _)| *text == raw)
            .map(|(_, t)| Rc::clone(t))
    }) {
        return Ok(tenants);
    }
    let tenants = Rc::new(tenants::parse(&raw).map_err(ApiError::Internal)?);
    PARSED.set(Some((raw, Rc::clone(&tenants))));
    Ok(tenants)
}

/// The request body as JSON: at most [`MAX_BODY`] bytes, `{}` when empty.
async fn read_json(req: &mut Request) -> ApiResult<Value> {
    let too_large = ApiError::PayloadTooLarge { limit: MAX_BODY };
    let declared = req
        .headers()
        .get("content-length")?
        .and_then(|l| l.parse::<usize>().ok());
    if declared.is_some_and(|l| l > MAX_BODY) {
        return Err(too_large);
    }
    let bytes = req.bytes().await?;
    if bytes.len() > MAX_BODY {
        return Err(too_large);
    }
    if bytes.iter().all(u8::is_ascii_whitespace) {
        return Ok(json!({}));
    }
    serde_json::from_slice(&bytes).map_err(|e| ApiError::Invalid {
        field: String::new(),
        description: format!("the body is not valid JSON: {e}"),
        rule: "FORMAT",
    })
}

async fn get_store(call: &Call<'_>) -> ApiResult<Value> {
    let store = call
        .db()?
        .store()
        .await?
        .ok_or(ApiError::NotFound("store configuration"))?;
    Ok(json!({ "store": store.config_with_counters() }))
}

async fn put_store(call: &Call<'_>) -> ApiResult<Value> {
    let body = call.body.as_ref().cloned().unwrap_or_default();
    let store = body.get("store").cloned().unwrap_or(body);
    let config = StoreConfig::from_json(&store.to_string())?;
    let store = Store::new(config, Counters::default())?;
    call.db()?.put_store(&store, &call.now.to_string()).await?;
    Ok(json!({ "store": store.config_with_counters() }))
}

/// A random (version 4) UUID from the platform's CSPRNG.
pub fn uuid_v4() -> Result<String, getrandom::Error> {
    let mut b = [0u8; 16];
    getrandom::fill(&mut b)?;
    b[6] = (b[6] & 0x0f) | 0x40;
    b[8] = (b[8] & 0x3f) | 0x80;
    let h = tenants::hex(&b);
    Ok(format!(
        "{}-{}-{}-{}-{}",
        &h[0..8],
        &h[8..12],
        &h[12..16],
        &h[16..20],
        &h[20..32]
    ))
}
