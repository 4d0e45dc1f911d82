//! Idempotency keys on the routes that create something (`docs/api.md`,
//! Idempotency), as Stripe defines them: a request with an `Idempotency-Key`
//! header claims the key and stores its answer (a success, or a refusal that
//! would be the same again); the same key with the same method, path and
//! body answers that again (`Idempotent-Replayed: true`) for 24 hours; with
//! another request it is refused. An answer is kept whole up to 16 KiB; a
//! longer one (a big checkout) as the checkout it created, replayed as that
//! checkout is then. An answer not worth repeating (a `5xx`, a
//! rate limit, a change that kept losing its race) lets the key go, so a
//! retry runs anew.

use crate::error::{ApiError, ApiResult};
use crate::handlers::checkouts;
use crate::ids::hex;
use crate::request::Call;
use checkout_core::checkout::Caller;
use checkout_core::time::Timestamp;
use sha2::{Digest, Sha256};
use std::future::Future;

/// How long a key's answer is kept.
const KEPT_MS: i64 = 24 * 3600 * 1000;
/// After how long a claim whose request never stored its answer (it
/// crashed, say) may be taken over by a retry.
const ABANDONED_MS: i64 = 60 * 1000;
/// The longest key (Stripe's limit).
const MAX_KEY: usize = 255;
/// The longest answer kept whole. A longer one (a checkout of many lines,
/// up to a few hundred KiB) is kept as the checkout it created, and a replay
/// answers that checkout as it is then, so that a key costs at most this
/// much storage whatever its request.
const MAX_KEPT_ANSWER: usize = 16 * 1024;
/// How a kept answer names the checkout it is replayed from.
const CHECKOUT_REF: &str = "@checkout:";

/// An answer: fresh, or repeated from a key's first request.
pub struct Reply {
    pub status: u16,
    pub body: String,
    pub replayed: bool,
}

impl Reply {
    pub fn fresh(body: String) -> Reply {
        Reply {
            status: 200,
            body,
            replayed: false,
        }
    }
}

/// The `Idempotency-Key` header, if the request has one (1 to 255 visible
/// ASCII characters), as it is kept: per tenant and kind of key, so that a
/// publishable-key call never replays a secret-key call's answer, nor the
/// other way round.
fn key(call: &Call) -> ApiResult<Option<String>> {
    let Some(key) = call.headers.get("idempotency-key")? else {
        return Ok(None);
    };
    if key.is_empty() || key.len() > MAX_KEY || !key.bytes().all(|b| b.is_ascii_graphic()) {
        return Err(ApiError::invalid(
            "Idempotency-Key",
            format!("1 to {MAX_KEY} visible ASCII characters (a UUID, say)"),
        ));
    }
    let kind = match call.caller() {
        Caller::Merchant => "secret",
        Caller::Storefront => "publishable",
    };
    Ok(Some(format!("{kind}:{key}")))
}

/// What a key was first used for: the method, the path with its query and
/// the body's bytes.
fn fingerprint(method: &str, path: &str, query: &[(String, String)], body: &[u8]) -> String {
    let mut h = Sha256::new();
    h.update(method.as_bytes());
    h.update(b" ");
    h.update(path.as_bytes());
    for (k, v) in query {
        h.update(format!("\n{}={}", k.len(), v.len()).as_bytes());
        h.update(k.as_bytes());
        h.update(v.as_bytes());
    }
    h.update(b"\n\n");
    h.update(body);
    hex(&h.finalize())
}

/// Whether a refusal is the answer the same request would get again, and so
/// is stored: not a failure of ours, a rate limit, a store on the move or a
/// lost race.
fn repeatable(e: &ApiError) -> bool {
    !matches!(
        e,
        ApiError::Internal(_)
            | ApiError::RateLimited { .. }
            | ApiError::TooManyUnpaidOrders { .. }
            | ApiError::StoreMoving { .. }
            | ApiError::KeptChanging(_)
    )
}

/// Runs `handler` once per key: the request's answer, or the answer its
/// key's first request stored.
pub async fn run(
    call: &Call<'_>,
    method: &str,
    path: &str,
    handler: impl Future<Output = ApiResult<String>>,
) -> ApiResult<Reply> {
    let Some(key) = key(call)? else {
        return handler.await.map(Reply::fresh);
    };
    let db = call.db()?;
    let print = fingerprint(method, path, &call.query, &call.raw);
    let now: Timestamp = call.now;
    let found = db
        .claim_idempotency_key(
            &key,
            &print,
            now,
            now.plus_millis(-KEPT_MS),
            now.plus_millis(-ABANDONED_MS),
        )
        .await?;
    if let Some(row) = found {
        if row.fingerprint != print {
            return Err(ApiError::IdempotencyKeyReused);
        }
        let body = match (row.status, row.response) {
            (Some(_), Some(kept)) if kept.starts_with(CHECKOUT_REF) => {
                checkouts::answer(call, &kept[CHECKOUT_REF.len()..]).await?
            }
            (Some(_), Some(body)) => body,
            _ => return Err(ApiError::IdempotencyKeyInUse),
        };
        return Ok(Reply {
            status: row.status.unwrap_or(200),
            body,
            replayed: true,
        });
    }
    let result = handler.await;
    let stored = match &result {
        Ok(body) => db.store_idempotent_answer(&key, 200, &kept(body)).await,
        Err(e) if repeatable(e) => {
            db.store_idempotent_answer(&key, e.status(), &e.body().to_string())
                .await
        }
        Err(_) => db.release_idempotency_key(&key).await,
    };
    // the request's own answer stands; the key is taken over after a minute
    if let Err(e) = stored {
        crate::log::failure("idempotency", &e);
    }
    result.map(Reply::fresh)
}

/// A success as it is kept: whole, or when longer than [`MAX_KEPT_ANSWER`]
/// (only a created checkout's answer is), the checkout it names.
fn kept(body: &str) -> String {
    #[derive(serde::Deserialize)]
    struct Created {
        checkout: Id,
    }
    #[derive(serde::Deserialize)]
    struct Id {
        id: String,
    }
    if body.len() <= MAX_KEPT_ANSWER {
        return body.to_owned();
    }
    match serde_json::from_str::<Created>(body) {
        Ok(created) => format!("{CHECKOUT_REF}{}", created.checkout.id),
        Err(_) => body.to_owned(),
    }
}

/// The keys stored before this, at `now`, are deleted.
pub fn cutoff(now: Timestamp) -> Timestamp {
    now.plus_millis(-KEPT_MS)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_fingerprint_tells_method_path_and_body_apart() {
        let none = &[];
        let f = fingerprint("POST", "/ecom/v1/checkouts", none, b"{}");
        assert_eq!(f, fingerprint("POST", "/ecom/v1/checkouts", none, b"{}"));
        assert_ne!(f, fingerprint("POST", "/ecom/v1/checkouts", none, b"{ }"));
        assert_ne!(f, fingerprint("POST", "/v2/order-sessions", none, b"{}"));
        let query = [("include".to_string(), "pricingInput".to_string())];
        assert_ne!(f, fingerprint("POST", "/ecom/v1/checkouts", &query, b"{}"));
        assert_eq!(f.len(), 64);
    }

    #[test]
    fn a_long_answer_is_kept_as_the_checkout_it_created() {
        let short = r#"{"orderId":"o-1"}"#;
        assert_eq!(kept(short), short);
        let lines = "x".repeat(MAX_KEPT_ANSWER);
        let long = format!(r#"{{"checkout":{{"id":"c-1","lines":"{lines}"}}}}"#);
        assert_eq!(kept(&long), "@checkout:c-1");
        assert!(kept(&long).len() < 100);
    }

    #[test]
    fn only_answers_the_same_request_would_get_again_are_kept() {
        assert!(repeatable(&ApiError::NotFound("checkout")));
        assert!(repeatable(&ApiError::AlreadyOrdered {
            order_id: None,
            paid: true
        }));
        assert!(!repeatable(&ApiError::Internal("d1".into())));
        assert!(!repeatable(&ApiError::RateLimited { retry_after: 60 }));
        assert!(!repeatable(&ApiError::KeptChanging(
            crate::error::Contended::Checkout
        )));
    }
}
