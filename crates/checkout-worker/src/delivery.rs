//! Delivery of the outbox (`docs/api.md`, Events): a change's events are sent
//! right after it commits (in the request's `waitUntil`, or a store's
//! object's alarm), to the store's webhook endpoint as ES256-signed JWTs
//! with the Standard Webhooks headers (keyed by the store's own secret), in
//! waves of attempts side by side; the scheduled handler retries those the
//! receiver did not take (any answer but 2xx, or none within the timeout)
//! with the core's backoff, until they are dead-lettered. A receiver's `410`
//! disables the endpoint. Each event is claimed before it is sent, so
//! overlapping runs never send it twice within the claim. The public key is
//! served at `GET /.well-known/jwks.json`.

use crate::db::{Attempted, Claimed, Db, Endpoint, Health};
use crate::error::{ApiError, ApiResult};
use crate::tenants::Tenant;
use checkout_core::events::{next_attempt, DeliveryStatus, EventSigner};
use checkout_core::time::Timestamp;
use checkout_core::web::webhook_url_allowed;
use checkout_core::webhooks::{self, event_type};
use futures_util::future::{join_all, select, Either};
use serde::Deserialize;
use serde_json::{json, Value};
use std::cell::{Cell, RefCell};
use std::pin::pin;
use std::rc::Rc;
use std::time::Duration;
use worker::{
    console_log, AbortController, Delay, Env, Fetch, Headers, Method, Request, RequestInit,
    RequestRedirect,
};

/// Attempts sent to one store's receiver side by side: the platform's
/// simultaneous open connections per invocation.
const CONNECTIONS: usize = 6;
/// Attempts one run sends unless `EVENTS_SENDS_PER_RUN` says: within the
/// free plan's 50 subrequests per invocation (a paid plan may raise it to
/// about 950, below its 1,000).
const SENDS_PER_RUN: usize = 45;
/// How much longer than an attempt's timeout its claim holds the event.
const LEASE_MARGIN_MS: i64 = 20_000;
const ISSUER: &str = "edge-checkout";

thread_local! {
    /// The signing keys as last read, with the secret's text they came from:
    /// made once per isolate (a key's public point is a P-256 scalar
    /// multiplication), again only when the secret changes.
    static KEYS: RefCell<Option<(String, Rc<Vec<EventSigner>>)>> = const { RefCell::new(None) };
}

/// The keys of the `EVENTS_SIGNING_KEY` secret: `{"kid", "d"}` (a P-256
/// JWK's private part), or a list of them while one is rotated in: the last
/// signs, and every one is published, so a receiver's cached key set still
/// verifies until the old key is removed.
fn keys(env: &Env) -> Rc<Vec<EventSigner>> {
    #[derive(Deserialize)]
    struct Key {
        kid: String,
        d: String,
    }
    #[derive(Deserialize)]
    #[serde(untagged)]
    enum Keys {
        One(Key),
        Many(Vec<Key>),
    }
    let Ok(raw) = env
        .secret("EVENTS_SIGNING_KEY")
        .map(|s| s.to_string())
        .or_else(|_| env.var("EVENTS_SIGNING_KEY").map(|v| v.to_string()))
    else {
        return Rc::default();
    };
    KEYS.with(|cell| {
        if let Some((text, keys)) = &*cell.borrow() {
            if *text == raw {
                return keys.clone();
            }
        }
        let keys = match serde_json::from_str(&raw) {
            Ok(Keys::One(key)) => vec![key],
            Ok(Keys::Many(keys)) => keys,
            Err(_) => Vec::new(),
        };
        let keys: Rc<Vec<EventSigner>> = Rc::new(
            keys.iter()
                .filter_map(|k| EventSigner::from_base64url(&k.kid, &k.d))
                .collect(),
        );
        *cell.borrow_mut() = Some((raw, keys.clone()));
        keys
    })
}

pub fn jwks(env: &Env) -> Value {
    json!({ "keys": keys(env).iter().map(EventSigner::jwk).collect::<Vec<_>>() })
}

/// A var holding a positive whole number, or its default.
fn positive_var(env: &Env, name: &str, default: i64) -> i64 {
    env.var(name)
        .ok()
        .and_then(|v| v.to_string().parse::<i64>().ok())
        .filter(|ms| *ms > 0)
        .unwrap_or(default)
}

/// How long one attempt may take (`EVENTS_TIMEOUT_MS`, 10 s by default).
fn timeout_ms(env: &Env) -> i64 {
    positive_var(env, "EVENTS_TIMEOUT_MS", 10_000)
}

/// Attempts one run may send (`EVENTS_SENDS_PER_RUN`).
fn sends_per_run(env: &Env) -> usize {
    usize::try_from(positive_var(
        env,
        "EVENTS_SENDS_PER_RUN",
        SENDS_PER_RUN as i64,
    ))
    .unwrap_or(SENDS_PER_RUN)
}

/// A second of the retries' waits (`EVENTS_RETRY_BASE_MS` shortens it for tests).
fn second_ms(env: &Env) -> i64 {
    positive_var(env, "EVENTS_RETRY_BASE_MS", 1000)
}

/// A uniform `u16` for the retries' jitter (the middle if the generator fails:
/// the wait is then only less spread).
fn jitter() -> u16 {
    let mut b = [0u8; 2];
    match getrandom::fill(&mut b) {
        Ok(()) => u16::from_le_bytes(b),
        Err(_) => u16::MAX / 2,
    }
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

/// One run of the scheduled handler (the retry path): the due events of
/// every store served here, the stores side by side, so that a slow or
/// failing receiver delays no other store's events; a store whose run fails
/// does not stop the others.
pub async fn deliver(env: &Env, stores: &[(&Tenant, Db)], now: Timestamp) {
    // the newest key (the last of `EVENTS_SIGNING_KEY`) signs
    let keys = keys(env);
    let Some(signer) = keys.last() else {
        return no_signer();
    };
    // one invocation's sends, shared by every store it serves
    let left = Cell::new(sends_per_run(env));
    let runs = stores
        .iter()
        .map(|(tenant, db)| deliver_tenant(env, signer, tenant, db, &left, now));
    for result in join_all(runs).await {
        if let Err(e) = result {
            crate::log::failure("delivery", &e);
        }
    }
}

/// A store's due events, sent now, wherever its rows are (right after a
/// change committed, from the request's `waitUntil` or the object's alarm).
pub async fn deliver_store(env: &Env, tenant: &Tenant, db: &Db, now: Timestamp) -> ApiResult<Run> {
    let keys = keys(env);
    let Some(signer) = keys.last() else {
        no_signer();
        return Ok(Run::Done);
    };
    let left = Cell::new(sends_per_run(env));
    deliver_tenant(env, signer, tenant, db, &left, now).await
}

/// Whether a store's events are sent: it has an enabled webhook endpoint
/// whose URL the rules allow.
pub async fn sends(env: &Env, db: &Db) -> ApiResult<bool> {
    Ok(db
        .endpoint()
        .await?
        .is_some_and(|e| e.enabled() && webhook_url_allowed(&e.url, allow_local_webhooks(env))))
}

/// How a store's run ended.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Run {
    /// Nothing due is left to send now (or the receiver did not take one).
    Done,
    /// The run spent its sends while events were still due: run again at once.
    More,
}

/// A store's due events, in waves of up to [`CONNECTIONS`] sent side by
/// side (the oldest due, and the newest `created`, so that a new entity
/// never waits behind a long backlog), each claimed before it is sent; wave
/// after wave while events are due and the invocation has sends `left`
/// (`EVENTS_SENDS_PER_RUN`, within the plan's subrequests per invocation,
/// shared by every store a cron run serves), and none after a wave
/// the receiver did not take whole (it is down or slow: the rest wait for
/// the next run rather than meet it again). An endpoint that answers `410
/// Gone` is disabled: its events wait, unsent, until the merchant enables it.
async fn deliver_tenant(
    env: &Env,
    signer: &EventSigner,
    tenant: &Tenant,
    db: &Db,
    left: &Cell<usize>,
    now: Timestamp,
) -> ApiResult<Run> {
    let Some(endpoint) = db.endpoint().await?.filter(Endpoint::enabled) else {
        return Ok(Run::Done);
    };
    let url = endpoint.url.as_str();
    // a URL stored before the rules held is kept, not called
    if !webhook_url_allowed(url, allow_local_webhooks(env)) {
        console_log!(
            "{}",
            json!({"level": "warn", "tenant": tenant.app_def_id, "message": "the webhook URL is not an https URL of a public host: events are kept, not sent"})
        );
        return Ok(Run::Done);
    }
    let types = endpoint.events();
    let secrets = db.webhook_secrets(&fresh_secret()?, now).await?;
    let secrets: Vec<&str> = secrets.iter().map(|s| s.secret.as_str()).collect();
    let timeout = timeout_ms(env);
    let mut failing = endpoint.failing_since.is_some();
    while left.get() > 0 {
        // each wave at its own time: a run may last as long as its attempts
        let at = crate::pipeline::now().max(now);
        let lease = at.plus_millis(timeout + LEASE_MARGIN_MS);
        // the wave's sends are taken before its claim, so that stores served
        // side by side never spend more than the invocation has between them
        let most = CONNECTIONS.min(left.get());
        left.set(left.get() - most);
        let wave = db.claim_due_events(at, lease, most).await;
        left.set(left.get() + most - wave.as_ref().map_or(0, Vec::len));
        let wave = wave?;
        if wave.is_empty() {
            return Ok(Run::Done);
        }
        // one entity's events one after another, in order; entities side by side
        let mut entities: Vec<Vec<(&Claimed, String)>> = Vec::new();
        for event in &wave {
            let kind = event_type(
                event.entity_fqdn.as_deref().unwrap_or_default(),
                event.slug.as_deref().unwrap_or_default(),
            );
            if types.as_ref().is_some_and(|t| !t.contains(&kind)) {
                db.event_not_sent(&event.id, true, at).await?;
                continue;
            }
            let jwt = signer.sign(ISSUER, &tenant.app_def_id, &event.id, &event.body, at);
            match entities
                .iter_mut()
                .find(|e| e[0].0.entity_id == event.entity_id)
            {
                Some(same) => same.push((event, jwt)),
                None => entities.push(vec![(event, jwt)]),
            }
        }
        let secrets = &secrets;
        let sent = join_all(entities.into_iter().map(|events| async move {
            let mut outcomes = Vec::with_capacity(events.len());
            for (event, jwt) in events {
                outcomes.push((event, send(url, &event.id, jwt, secrets, at, timeout).await));
            }
            outcomes
        }))
        .await;
        let mut health = Health::Succeeded;
        for (event, sent) in sent.into_iter().flatten() {
            health = health.max(match sent {
                Sent::Taken(_) => Health::Succeeded,
                Sent::Refused(410) => Health::Gone,
                _ => Health::Failed,
            });
            record(env, tenant, db, event, &sent, at, timeout).await?;
        }
        db.endpoint_attempted(health, at).await?;
        if health != Health::Succeeded {
            return Ok(Run::Done);
        }
        if std::mem::take(&mut failing) {
            // back after failing: what waits for a retry is due now
            db.retry_waiting_now(at).await?;
        }
    }
    // sends spent: more may be due
    Ok(Run::More)
}

/// Records how an event's attempt ended.
async fn record(
    env: &Env,
    tenant: &Tenant,
    db: &Db,
    event: &Claimed,
    sent: &Sent,
    at: Timestamp,
    timeout: i64,
) -> ApiResult<()> {
    if let Sent::Refused(410) = sent {
        db.event_not_sent(&event.id, false, at).await?;
        console_log!(
            "{}",
            json!({"level": "warn", "tenant": tenant.app_def_id, "event": event.id,
                   "message": "the receiver answered 410 Gone: its endpoint is disabled until the merchant enables it"})
        );
        return Ok(());
    }
    let (status, next_attempt) = match sent {
        Sent::Taken(_) => (DeliveryStatus::Delivered, None),
        _ => match next_attempt(
            event.attempts,
            crate::pipeline::now(),
            second_ms(env),
            jitter(),
        ) {
            Some(next) => (DeliveryStatus::Pending, Some(next)),
            None => (DeliveryStatus::Failed, None),
        },
    };
    if let Sent::Failed(detail) = sent {
        crate::log::failure("delivery", &ApiError::Internal(detail.clone()));
    }
    let (http_status, error) = sent.outcome(timeout);
    db.event_attempted(
        &event.id,
        &Attempted {
            status,
            next_attempt,
            at,
            http_status,
            error: error.as_deref(),
        },
    )
    .await?;
    let delivered = status == DeliveryStatus::Delivered;
    console_log!(
        "{}",
        json!({"level": if delivered { "info" } else { "warn" },
               "event": event.id, "tenant": tenant.app_def_id, "status": status.as_str(),
               "attempt": event.attempts, "httpStatus": http_status, "error": error})
    );
    Ok(())
}

/// A new Standard Webhooks secret, from 32 random bytes.
pub fn fresh_secret() -> ApiResult<String> {
    let mut random = [0u8; 32];
    getrandom::fill(&mut random)?;
    Ok(webhooks::new_secret(random))
}

/// How an attempt ended.
enum Sent {
    /// Answered 2xx.
    Taken(u16),
    /// Answered another status.
    Refused(u16),
    /// No answer within the timeout.
    TimedOut,
    /// No answer: the request could not be made or the connection failed.
    Failed(String),
}

impl Sent {
    /// The answer's status and, if it was not taken, why, as the merchant sees them.
    fn outcome(&self, timeout_ms: i64) -> (Option<u16>, Option<String>) {
        match self {
            Sent::Taken(status) => (Some(*status), None),
            Sent::Refused(status @ 300..=399) => (
                Some(*status),
                Some(format!(
                    "the receiver answered {status}: a redirect, not followed"
                )),
            ),
            Sent::Refused(status) => (
                Some(*status),
                Some(format!("the receiver answered {status}")),
            ),
            Sent::TimedOut => (None, Some(format!("no answer within {timeout_ms} ms"))),
            // a fixed text: what the network said stays in the worker's log
            Sent::Failed(_) => (None, Some("the receiver could not be reached".into())),
        }
    }
}

/// One attempt: the token posted to the receiver with the Standard
/// Webhooks headers over its exact bytes (signed by each of `secrets`),
/// given up after `timeout_ms`.
async fn send(
    url: &str,
    id: &str,
    jwt: String,
    secrets: &[&str],
    at: Timestamp,
    timeout_ms: i64,
) -> Sent {
    let headers = Headers::new();
    let timestamp = at.millis().div_euclid(1000);
    let signature = webhooks::signature(secrets, id, timestamp, &jwt);
    for (name, value) in [
        ("content-type", "text/plain; charset=utf-8"),
        ("webhook-id", id),
        ("webhook-timestamp", &timestamp.to_string()),
        ("webhook-signature", &signature),
    ] {
        if let Err(e) = headers.set(name, value) {
            return Sent::Failed(e.to_string());
        }
    }
    let mut init = RequestInit::new();
    // a redirect is a failed attempt: it is never followed to where it points
    init.with_method(Method::Post)
        .with_headers(headers)
        .with_redirect(RequestRedirect::Manual)
        .with_body(Some(jwt.into()));
    let request = match Request::new_with_init(url, &init) {
        Ok(request) => request,
        Err(e) => return Sent::Failed(e.to_string()),
    };
    let controller = AbortController::default();
    let signal = controller.signal();
    let fetch = Fetch::Request(request);
    let answer = pin!(fetch.send_with_signal(&signal));
    let wait = Duration::from_millis(u64::try_from(timeout_ms).unwrap_or(10_000));
    let timer = pin!(Delay::from(wait));
    match select(answer, timer).await {
        Either::Left((Ok(response), _)) => match response.status_code() {
            status @ 200..=299 => Sent::Taken(status),
            status => Sent::Refused(status),
        },
        Either::Left((Err(e), _)) => Sent::Failed(e.to_string()),
        Either::Right(_) => {
            controller.abort();
            Sent::TimedOut
        }
    }
}

impl From<getrandom::Error> for ApiError {
    fn from(e: getrandom::Error) -> ApiError {
        ApiError::Internal(e.to_string())
    }
}
