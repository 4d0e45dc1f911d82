//! Delivery of the outbox (`docs/api.md`, Events): a change's events are sent
//! right after it commits (in the request's `waitUntil`), to the tenant's
//! webhook URL as ES256-signed JWTs; the scheduled handler retries those the
//! receiver did not take (any answer but 2xx, or none) with backoff. The
//! public key is served at `GET /.well-known/jwks.json`.

use crate::db::Db;
use crate::error::{ApiError, ApiResult};
use crate::tenants::Tenant;
use checkout_core::events::{backoff_seconds, EventSigner};
use checkout_core::time::Timestamp;
use checkout_core::web::webhook_url_allowed;
use serde::Deserialize;
use serde_json::{json, Value};
use worker::{console_log, Env, Fetch, Headers, Method, Request, RequestInit};

/// Events sent to one tenant in one run of the scheduled handler.
const BATCH: u32 = 50;
const ISSUER: &str = "edge-checkout";

/// The signing key from the `EVENTS_SIGNING_KEY` secret: `{"kid", "d"}` (a P-256 JWK's private part).
pub fn signer(env: &Env) -> Option<EventSigner> {
    #[derive(Deserialize)]
    struct Key {
        kid: String,
        d: String,
    }
    let raw = env
        .secret("EVENTS_SIGNING_KEY")
        .map(|s| s.to_string())
        .or_else(|_| env.var("EVENTS_SIGNING_KEY").map(|v| v.to_string()))
        .ok()?;
    let key: Key = serde_json::from_str(&raw).ok()?;
    EventSigner::from_base64url(&key.kid, &key.d)
}

pub fn jwks(env: &Env) -> Value {
    signer(env).map_or_else(|| json!({ "keys": [] }), |s| s.jwks())
}

/// Milliseconds to wait before the next attempt (`EVENTS_RETRY_BASE_MS` scales it for tests).
fn retry_delay_ms(env: &Env, attempts: i64) -> i64 {
    let base = env
        .var("EVENTS_RETRY_BASE_MS")
        .ok()
        .and_then(|v| v.to_string().parse::<i64>().ok())
        .unwrap_or(1000);
    backoff_seconds(u32::try_from(attempts).unwrap_or(u32::MAX)).saturating_mul(base)
}

/// Whether plain `http` to a loopback receiver is allowed (`ALLOW_LOCAL_WEBHOOKS
/// = "true"`, which `npm start` sets for local development; never in
/// `wrangler.toml`).
pub fn allow_local_webhooks(env: &Env) -> bool {
    env.var("ALLOW_LOCAL_WEBHOOKS")
        .is_ok_and(|v| v.to_string() == "true")
}

fn no_signer() {
    console_log!(
        "{}",
        json!({"level": "warn", "message": "no EVENTS_SIGNING_KEY: events are kept, not sent"})
    );
}

/// One run of the scheduled handler (the retry path): every tenant's due
/// events, each sent once. A tenant whose run fails does not stop the others.
pub async fn deliver(env: &Env, now: Timestamp) -> ApiResult<()> {
    let Some(signer) = signer(env) else {
        no_signer();
        return Ok(());
    };
    for tenant in crate::tenants::load(env)?.iter() {
        if let Err(e) = deliver_tenant(env, &signer, tenant, now).await {
            crate::log::failure("delivery", &e);
        }
    }
    Ok(())
}

/// The first attempt at a change's events, right after the change committed
/// (from the request's `waitUntil`): the tenant's due events, sent now.
pub async fn deliver_now(env: &Env, tenant_id: &str, now: Timestamp) -> ApiResult<()> {
    let Some(signer) = signer(env) else {
        no_signer();
        return Ok(());
    };
    let tenants = crate::tenants::load(env)?;
    match tenants.iter().find(|t| t.app_def_id == tenant_id) {
        Some(tenant) => deliver_tenant(env, &signer, tenant, now).await,
        None => Ok(()),
    }
}

/// A tenant's due events, each sent once to its store's webhook URL.
async fn deliver_tenant(
    env: &Env,
    signer: &EventSigner,
    tenant: &Tenant,
    now: Timestamp,
) -> ApiResult<()> {
    let db = Db::new(env.d1("DB")?, &tenant.app_def_id);
    let Some(url) = db
        .store()
        .await?
        .and_then(|s| s.config.webhooks.map(|w| w.url))
    else {
        return Ok(());
    };
    // a URL stored before the rules held is kept, not called
    if !webhook_url_allowed(&url, allow_local_webhooks(env)) {
        console_log!(
            "{}",
            json!({"level": "warn", "tenant": tenant.app_def_id, "message": "the webhook URL is not an https URL of a public host: events are kept, not sent"})
        );
        return Ok(());
    }
    for (id, body, attempts) in db.due_events(now, BATCH).await? {
        let jwt = signer.sign(ISSUER, &tenant.app_def_id, &id, &body, now);
        let delivered = send(&url, jwt).await;
        let next = now.plus_millis(retry_delay_ms(env, attempts));
        db.event_attempted(&id, delivered.then_some(now), next)
            .await?;
        console_log!(
            "{}",
            json!({"level": "info", "event": id, "tenant": tenant.app_def_id, "delivered": delivered, "attempt": attempts + 1})
        );
    }
    Ok(())
}

async fn send(url: &str, jwt: String) -> bool {
    let headers = Headers::new();
    if headers
        .set("content-type", "text/plain; charset=utf-8")
        .is_err()
    {
        return false;
    }
    let mut init = RequestInit::new();
    init.with_method(Method::Post)
        .with_headers(headers)
        .with_body(Some(jwt.into()));
    let Ok(request) = Request::new_with_init(url, &init) else {
        return false;
    };
    match Fetch::Request(request).send().await {
        Ok(response) => (200..300).contains(&response.status_code()),
        Err(_) => false,
    }
}

impl From<getrandom::Error> for ApiError {
    fn from(e: getrandom::Error) -> ApiError {
        ApiError::Internal(e.to_string())
    }
}
