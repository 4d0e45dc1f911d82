//! Events (`docs/api.md`, Events): the envelope of Wix's checkout events, and its
//! delivery form, a JWT signed with ES256 (RFC 7515, RFC 7518 section 3.4)
//! whose `data` claim is the envelope as JSON text, as Wix delivers webhooks.
//! The public key is served as a JWK set; signatures are deterministic
//! (RFC 6979), so signing needs no randomness.

use crate::checkout::Ids;
use crate::time::Timestamp;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine;
use p256::ecdsa::signature::Signer;
use p256::ecdsa::{Signature, SigningKey};
use serde::Serialize;
use serde_json::value::RawValue;
use serde_json::{json, Value};
use std::collections::BTreeMap;

/// What happened to an entity.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Kind {
    /// `createdEvent: {entity}`
    Created,
    /// `updatedEvent: {currentEntity}`
    Updated,
    /// `actionEvent: {body}` (a checkout `completed`)
    Action(&'static str),
}

/// An event as the outbox keeps it: its id, its envelope (JSON text) and
/// when it happened. It is written in the same transaction as the change it
/// tells of, and sent later.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Event {
    pub id: String,
    pub body: String,
    pub at: Timestamp,
}

impl Event {
    /// An event of an entity (`fqdn`, as [`CHECKOUT`]) with a fresh id,
    /// carrying the bounded snapshot of the entity (`entity`, its JSON).
    pub fn new(
        ids: &mut impl Ids,
        fqdn: &str,
        kind: Kind,
        entity_id: &str,
        entity: &str,
        at: Timestamp,
    ) -> Event {
        let id = ids.new_id();
        Event {
            body: envelope(&id, fqdn, kind, entity_id, entity, at),
            id,
            at,
        }
    }
}

pub const CHECKOUT: &str = "wix.ecom.v1.checkout";
pub const ORDER: &str = "wix.ecom.v1.order";

/// The most of an entity an event carries, in bytes of its JSON. A larger
/// entity's snapshot keeps its `id` and as many of its other top-level fields
/// as fit, smallest first; the envelope names the rest in `omittedFields`, and
/// a receiver reads them from the API.
pub const MAX_SNAPSHOT_BYTES: usize = 32 * 1024;

/// The event of a change of an entity (`entity_json` as the API shows it) as
/// JSON text, its entity bounded by [`MAX_SNAPSHOT_BYTES`].
pub fn envelope(
    id: &str,
    entity_fqdn: &str,
    kind: Kind,
    entity_id: &str,
    entity_json: &str,
    now: Timestamp,
) -> String {
    #[derive(Serialize)]
    #[serde(rename_all = "camelCase")]
    struct Head<'a> {
        id: &'a str,
        entity_fqdn: &'a str,
        slug: &'a str,
        entity_id: &'a str,
        event_time: Timestamp,
        triggered_by_anonymize_request: bool,
        #[serde(skip_serializing_if = "<[_]>::is_empty")]
        omitted_fields: &'a [String],
    }
    let (slug, key, inner) = match kind {
        Kind::Created => ("created", "createdEvent", "entity"),
        Kind::Updated => ("updated", "updatedEvent", "currentEntity"),
        Kind::Action(slug) => (slug, "actionEvent", "body"),
    };
    let (entity_json, omitted) = snapshot(entity_json, MAX_SNAPSHOT_BYTES);
    let head = Head {
        id,
        entity_fqdn,
        slug,
        entity_id,
        event_time: now,
        triggered_by_anonymize_request: false,
        omitted_fields: &omitted,
    };
    // A struct of strings and a bool: serializing cannot fail.
    let head = serde_json::to_string(&head).unwrap_or_default();
    let body = if matches!(kind, Kind::Action(_)) {
        crate::member(entity_name(entity_fqdn), &entity_json)
    } else {
        entity_json
    };
    format!(
        "{},\"{key}\":{{\"{inner}\":{body}}}}}",
        head.trim_end_matches('}')
    )
}

/// The entity's JSON within `cap` bytes, and the top-level fields left out
/// to keep it there (sorted): the largest go first, `id` never. Only the top
/// level is read: each field's value is kept as the text it was.
fn snapshot(entity_json: &str, cap: usize) -> (String, Vec<String>) {
    if entity_json.len() <= cap {
        return (entity_json.to_owned(), Vec::new());
    }
    let Ok(fields) = serde_json::from_str::<BTreeMap<String, &RawValue>>(entity_json) else {
        // not an object: nothing of it can be kept by field
        return ("{}".to_owned(), Vec::new());
    };
    // a field as written: `"key":value`
    let written: Vec<(&String, String)> = fields
        .iter()
        .map(|(k, v)| (k, format!("{}:{}", Value::from(k.as_str()), v.get())))
        .collect();
    let mut by_size: Vec<(usize, &String)> = written
        .iter()
        .filter(|(k, _)| k.as_str() != "id")
        .map(|(k, w)| (w.len() + 1, *k))
        .collect();
    by_size.sort_by(|a, b| b.cmp(a));
    // `{`, each field and its comma (the last one's is the `}`)
    let mut size = 1 + written.iter().map(|(_, w)| w.len() + 1).sum::<usize>();
    let mut omitted = Vec::new();
    for (share, key) in by_size {
        if size <= cap {
            break;
        }
        size = size.saturating_sub(share);
        omitted.push(key.clone());
    }
    omitted.sort();
    let kept: Vec<&str> = written
        .iter()
        .filter(|(k, _)| omitted.binary_search(k).is_err())
        .map(|(_, w)| w.as_str())
        .collect();
    (format!("{{{}}}", kept.join(",")), omitted)
}

fn entity_name(fqdn: &str) -> &str {
    fqdn.rsplit('.').next().unwrap_or(fqdn)
}

/// How long an event's token is valid after it is signed (each attempt signs anew).
pub const EVENT_TOKEN_SECONDS: i64 = 300;

/// The ES256 key that signs event JWTs.
pub struct EventSigner {
    kid: String,
    key: SigningKey,
}

impl EventSigner {
    /// From the base64url of the private scalar (a JWK's `d`).
    pub fn from_base64url(kid: &str, d: &str) -> Option<EventSigner> {
        let bytes = URL_SAFE_NO_PAD.decode(d).ok()?;
        let key = SigningKey::from_slice(&bytes).ok()?;
        Some(EventSigner {
            kid: kid.to_owned(),
            key,
        })
    }

    /// The public key as a JWK (one of `/.well-known/jwks.json`'s keys).
    pub fn jwk(&self) -> serde_json::Value {
        let point = self.key.verifying_key().to_encoded_point(false);
        let (x, y) = (
            point.x().map(|x| URL_SAFE_NO_PAD.encode(x)),
            point.y().map(|y| URL_SAFE_NO_PAD.encode(y)),
        );
        json!({"kty": "EC", "crv": "P-256", "x": x, "y": y, "kid": self.kid, "alg": "ES256", "use": "sig"})
    }

    /// The JWT that delivers one event to one tenant: `{iss, aud, iat, exp,
    /// jti, data}`, where `aud` is the tenant's `appDefId` (a receiver checks
    /// it, so another tenant's genuine event does not verify there), `exp` is
    /// [`EVENT_TOKEN_SECONDS`] after signing, `jti` is the event's id (what a
    /// receiver drops duplicates by) and `data` the envelope as JSON text.
    pub fn sign(
        &self,
        issuer: &str,
        tenant: &str,
        event_id: &str,
        envelope: &str,
        now: Timestamp,
    ) -> String {
        let header = URL_SAFE_NO_PAD
            .encode(json!({"alg": "ES256", "kid": self.kid, "typ": "JWT"}).to_string());
        let iat = now.millis().div_euclid(1000);
        let claims = URL_SAFE_NO_PAD.encode(
            json!({"iss": issuer, "aud": tenant, "iat": iat, "exp": iat + EVENT_TOKEN_SECONDS,
                   "jti": event_id, "data": envelope})
            .to_string(),
        );
        let signing_input = format!("{header}.{claims}");
        let signature: Signature = self.key.sign(signing_input.as_bytes());
        format!(
            "{signing_input}.{}",
            URL_SAFE_NO_PAD.encode(signature.to_bytes())
        )
    }
}

/// Where an event's delivery stands.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum DeliveryStatus {
    /// Not taken yet: its next attempt is due at a time.
    Pending,
    /// The receiver answered 2xx.
    Delivered,
    /// Every attempt failed (dead-lettered): kept for the merchant to redeliver.
    Failed,
    /// Kept, not sent: made while the store had no webhook URL, or of a
    /// type its endpoint does not take (recover sends it on request).
    Skipped,
}

impl DeliveryStatus {
    pub const ALL: [DeliveryStatus; 4] = [
        DeliveryStatus::Pending,
        DeliveryStatus::Delivered,
        DeliveryStatus::Failed,
        DeliveryStatus::Skipped,
    ];

    pub const fn as_str(self) -> &'static str {
        match self {
            DeliveryStatus::Pending => "PENDING",
            DeliveryStatus::Delivered => "DELIVERED",
            DeliveryStatus::Failed => "FAILED",
            DeliveryStatus::Skipped => "SKIPPED",
        }
    }

    pub fn parse(s: &str) -> Option<DeliveryStatus> {
        DeliveryStatus::ALL.into_iter().find(|x| x.as_str() == s)
    }
}

/// Attempts at an event before it is dead-lettered: with the waits of
/// [`next_attempt`], one to two days of retries.
pub const MAX_ATTEMPTS: u32 = 24;
/// The longest wait between two attempts, in seconds.
const MAX_WAIT_SECONDS: i64 = 3 * 3600;
/// Days a delivered event is kept, for the merchant to look up.
const DELIVERED_KEPT_DAYS: i64 = 7;
/// Days any other event is kept (a failed one, or one never sent because the
/// store has no webhook URL): no buyer's data stays in the outbox longer.
const KEPT_DAYS: i64 = 30;

/// The outbox's retention at `now`: events delivered before the first
/// instant, and any event created before the second, are deleted.
pub fn retention_cutoffs(now: Timestamp) -> (Timestamp, Timestamp) {
    (
        now.minus_days(DELIVERED_KEPT_DAYS),
        now.minus_days(KEPT_DAYS),
    )
}

/// When the attempt after attempt number `attempts` (1 for the first), which
/// the receiver did not take, is due; `None` when it was the last. The wait is
/// 10 s doubling up to 3 h, with equal jitter: half of it, plus up to the
/// other half by `jitter` (uniform over `u16`), so that a receiver coming
/// back is not met by every event at once. `second_ms` is a second's length
/// (1000; tests shorten it).
pub fn next_attempt(
    attempts: u32,
    now: Timestamp,
    second_ms: i64,
    jitter: u16,
) -> Option<Timestamp> {
    if attempts >= MAX_ATTEMPTS {
        return None;
    }
    let doublings = attempts.saturating_sub(1).min(20);
    let full = (10i64 << doublings)
        .min(MAX_WAIT_SECONDS)
        .saturating_mul(second_ms);
    let half = full / 2;
    Some(now.plus_millis(half + half * i64::from(jitter) / i64::from(u16::MAX)))
}

#[cfg(test)]
mod tests {
    use super::*;
    use p256::ecdsa::signature::Verifier;
    use p256::ecdsa::VerifyingKey;

    #[test]
    fn a_large_entity_is_carried_as_a_bounded_snapshot_naming_what_it_left_out() {
        let now = Timestamp::from_millis(0);
        let entity = json!({"id": "c1", "lineItems": ["a".repeat(MAX_SNAPSHOT_BYTES)],
            "customFields": ["b".repeat(MAX_SNAPSHOT_BYTES / 2)], "currency": "USD", "completed": false});
        let text = envelope("e", CHECKOUT, Kind::Updated, "c1", &entity.to_string(), now);
        assert!(text.len() <= MAX_SNAPSHOT_BYTES + 512, "{}", text.len());
        let e: Value = serde_json::from_str(&text).unwrap();
        // the largest field went first; the next would have fitted
        assert_eq!(e["omittedFields"], json!(["lineItems"]));
        let kept = &e["updatedEvent"]["currentEntity"];
        assert_eq!(kept["id"], "c1");
        assert_eq!(kept["currency"], "USD");
        assert!(kept["customFields"].is_array());
        assert!(kept.get("lineItems").is_none());
        // an entity within the bound is carried whole, and the envelope does not name the field
        let small = envelope("e", CHECKOUT, Kind::Updated, "c1", r#"{"id":"c1"}"#, now);
        assert!(!small.contains("omittedFields"));
        // the id stays however large the rest
        let (json, omitted) = snapshot(
            &json!({"id": "x", "a": "a".repeat(100), "b": "b".repeat(50)}).to_string(),
            20,
        );
        assert_eq!(json, r#"{"id":"x"}"#);
        assert_eq!(omitted, ["a", "b"]);
        // what is kept is kept as it was written, its fields in their order
        let written = format!(
            r#"{{"id":"x","big":"{}","nested":{{"z":1,"a":[2,"3"]}}}}"#,
            "b".repeat(64)
        );
        let (json, omitted) = snapshot(&written, 60);
        assert_eq!(json, r#"{"id":"x","nested":{"z":1,"a":[2,"3"]}}"#);
        assert_eq!(omitted, ["big"]);
    }

    #[test]
    fn retries_wait_longer_each_time_with_jitter_and_stop_after_the_last_attempt() {
        let now = Timestamp::from_millis(0);
        let wait = |n, jitter| next_attempt(n, now, 1000, jitter).map(|t| t.millis());
        assert_eq!(wait(1, 0), Some(5_000));
        assert_eq!(wait(1, u16::MAX), Some(10_000));
        assert_eq!(wait(2, u16::MAX), Some(20_000));
        assert_eq!(wait(30, u16::MAX), None);
        let mut total = 0;
        for n in 1..MAX_ATTEMPTS {
            let (low, high) = (wait(n, 0).unwrap(), wait(n, u16::MAX).unwrap());
            assert!(low * 2 == high && high <= 3 * 3600 * 1000, "attempt {n}");
            if n > 1 {
                assert!(high >= wait(n - 1, u16::MAX).unwrap());
            }
            total += high;
        }
        assert_eq!(wait(MAX_ATTEMPTS, 0), None);
        // every attempt within two days of the first
        assert!(total <= 48 * 3600 * 1000, "{total}");
        for s in DeliveryStatus::ALL {
            assert_eq!(DeliveryStatus::parse(s.as_str()), Some(s));
        }
    }

    #[test]
    fn envelopes_embed_the_entity_under_the_wix_key() {
        let now = Timestamp::from_millis(0);
        let e: serde_json::Value = serde_json::from_str(&envelope(
            "e1",
            CHECKOUT,
            Kind::Created,
            "c1",
            r#"{"id":"c1"}"#,
            now,
        ))
        .unwrap();
        assert_eq!(e["slug"], "created");
        assert_eq!(e["createdEvent"]["entity"]["id"], "c1");
        assert_eq!(e["triggeredByAnonymizeRequest"], false);
        let e: serde_json::Value =
            serde_json::from_str(&envelope("e2", CHECKOUT, Kind::Updated, "c1", "{}", now))
                .unwrap();
        assert!(e["updatedEvent"]["currentEntity"].is_object());
        let e: serde_json::Value = serde_json::from_str(&envelope(
            "e3",
            CHECKOUT,
            Kind::Action("completed"),
            "c1",
            "{}",
            now,
        ))
        .unwrap();
        assert_eq!(e["slug"], "completed");
        assert!(e["actionEvent"]["body"]["checkout"].is_object());
    }

    #[test]
    fn signs_verifiable_es256_jwts() {
        let signer =
            EventSigner::from_base64url("ev1", &URL_SAFE_NO_PAD.encode([7u8; 32])).unwrap();
        let jwt = signer.sign(
            "edge-checkout",
            "app-1",
            "e1",
            r#"{"id":"e1"}"#,
            Timestamp::from_millis(1_000_000),
        );
        let claims: serde_json::Value = serde_json::from_slice(
            &URL_SAFE_NO_PAD
                .decode(jwt.split('.').nth(1).unwrap())
                .unwrap(),
        )
        .unwrap();
        assert_eq!(
            claims,
            json!({"iss": "edge-checkout", "aud": "app-1", "iat": 1000, "exp": 1300,
                   "jti": "e1", "data": r#"{"id":"e1"}"#})
        );
        let (input, sig) = jwt.rsplit_once('.').unwrap();
        let sig = Signature::from_slice(&URL_SAFE_NO_PAD.decode(sig).unwrap()).unwrap();
        let jwk = signer.jwk();
        let x = URL_SAFE_NO_PAD.decode(jwk["x"].as_str().unwrap()).unwrap();
        let y = URL_SAFE_NO_PAD.decode(jwk["y"].as_str().unwrap()).unwrap();
        let point = p256::EncodedPoint::from_affine_coordinates(
            x.as_slice().into(),
            y.as_slice().into(),
            false,
        );
        let key = VerifyingKey::from_encoded_point(&point).unwrap();
        assert!(key.verify(input.as_bytes(), &sig).is_ok());
        assert!(key.verify(b"tampered", &sig).is_err());
    }
}
