//! Events (`docs/api.md`, Events): the envelope of Wix's checkout events, and its
//! delivery form, a JWT signed with ES256 (RFC 7515, RFC 7518 section 3.4)
//! whose `data` claim is the envelope as JSON text, as Wix delivers webhooks.
//! The public key is served as a JWK set; signatures are deterministic
//! (RFC 6979), so signing needs no randomness.

use crate::checkout::payment::CHANGING;
use crate::checkout::Ids;
use crate::json::{write_fields, Fields};
use crate::time::Timestamp;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine;
use p256::ecdsa::signature::Signer;
use p256::ecdsa::{Signature, SigningKey};
use serde::{Deserialize, Serialize};
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
    /// For an event of an order ([`Event::of_order`]): the order whose
    /// stored body completes its entity when it is read ([`complete`]).
    pub order_id: Option<String>,
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
            order_id: None,
        }
    }

    /// An event of an order (`order_json`: the Wix order object as it is
    /// now), which keeps of it only its `id` and the fields an order changes
    /// after it is made ([`CHANGING`]), as they are now. The rest, which an
    /// order never changes, is the stored order's, put back when the event
    /// is read ([`complete`]): the outbox holds no second copy of each
    /// order, and an order that forgets its buyer forgets them in its
    /// events too.
    pub fn of_order(
        ids: &mut impl Ids,
        kind: Kind,
        order_id: &str,
        order_json: &str,
        at: Timestamp,
    ) -> Event {
        let kept = match serde_json::from_str::<Fields>(order_json) {
            Ok(Fields(fields)) => {
                write_fields(fields.into_iter().filter(|(k, _)| kept_of_order(k)))
            }
            // not an object: kept whole, as any entity
            Err(_) => order_json.to_owned(),
        };
        Event {
            order_id: Some(order_id.to_owned()),
            ..Event::new(ids, ORDER, kind, order_id, &kept, at)
        }
    }
}

/// Whether an event of an order keeps the order's field `key`: its `id`,
/// and what an order changes after it is made.
fn kept_of_order(key: &str) -> bool {
    key == "id" || CHANGING.contains(&key)
}

/// An order's event as it is sent and shown: the fields its outbox row
/// kept (`stored`, as [`Event::of_order`] wrote it) over the order as
/// stored now (`order_json`), the entity then bounded as every event's is.
/// The event as it was kept when either is not what it should be.
pub fn complete(stored: &str, order_json: &str) -> String {
    #[derive(Deserialize)]
    #[serde(rename_all = "camelCase")]
    struct Kept<'a> {
        id: String,
        entity_fqdn: String,
        slug: String,
        entity_id: String,
        event_time: Timestamp,
        #[serde(borrow)]
        created_event: Option<Inner<'a>>,
        #[serde(borrow)]
        updated_event: Option<Inner<'a>>,
        #[serde(borrow)]
        action_event: Option<Inner<'a>>,
    }
    #[derive(Deserialize)]
    #[serde(rename_all = "camelCase")]
    struct Inner<'a> {
        #[serde(borrow)]
        entity: Option<&'a RawValue>,
        #[serde(borrow)]
        current_entity: Option<&'a RawValue>,
        #[serde(borrow)]
        body: Option<BTreeMap<String, &'a RawValue>>,
    }
    let completed = || {
        let k: Kept = serde_json::from_str(stored)
            .ok()
            .filter(|k: &Kept| k.entity_fqdn == ORDER)?;
        let (key, inner, kept) = match (k.created_event, k.updated_event, k.action_event) {
            (Some(e), _, _) => ("createdEvent", "entity", e.entity?),
            (_, Some(e), _) => ("updatedEvent", "currentEntity", e.current_entity?),
            (_, _, Some(e)) => {
                let name = entity_name(&k.entity_fqdn);
                ("actionEvent", "body", *e.body?.get(name)?)
            }
            _ => return None,
        };
        let Fields(order) = serde_json::from_str(order_json).ok()?;
        let Fields(kept) = serde_json::from_str(kept.get()).ok()?;
        let kept_value = |key: &str| kept.iter().find(|(k, _)| k == key).map(|(_, v)| *v);
        // the order's fields in their order, those it changes as the event kept them
        let mut fields: Vec<(String, &RawValue)> = order
            .iter()
            .filter_map(|(k, v)| match kept_of_order(k) {
                true => kept_value(k).map(|v| (k.clone(), v)),
                false => Some((k.clone(), *v)),
            })
            .collect();
        // and those the order no longer has (a payment deadline, say)
        for (k, v) in &kept {
            if !order.iter().any(|(o, _)| o == k) {
                fields.push((k.clone(), v));
            }
        }
        let head = Head::new(&k.id, &k.entity_fqdn, &k.slug, &k.entity_id, k.event_time);
        Some(write_envelope(head, key, inner, &write_fields(fields)))
    };
    completed().unwrap_or_else(|| stored.to_owned())
}

pub const CHECKOUT: &str = "wix.ecom.v1.checkout";
pub const ORDER: &str = "wix.ecom.v1.order";

/// The most of an entity an event carries, in bytes of its JSON. A larger
/// entity's snapshot keeps its `id` and as many of its other top-level fields
/// as fit, smallest first; the envelope names the rest in `omittedFields`, and
/// a receiver reads them from the API.
pub const MAX_SNAPSHOT_BYTES: usize = 32 * 1024;

/// The head of an event's envelope: everything but its entity.
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
    omitted_fields: Vec<String>,
}

impl<'a> Head<'a> {
    fn new(
        id: &'a str,
        entity_fqdn: &'a str,
        slug: &'a str,
        entity_id: &'a str,
        event_time: Timestamp,
    ) -> Head<'a> {
        Head {
            id,
            entity_fqdn,
            slug,
            entity_id,
            event_time,
            triggered_by_anonymize_request: false,
            omitted_fields: Vec::new(),
        }
    }
}

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
    let (slug, key, inner) = match kind {
        Kind::Created => ("created", "createdEvent", "entity"),
        Kind::Updated => ("updated", "updatedEvent", "currentEntity"),
        Kind::Action(slug) => (slug, "actionEvent", "body"),
    };
    let head = Head::new(id, entity_fqdn, slug, entity_id, now);
    write_envelope(head, key, inner, entity_json)
}

/// The envelope of `head`, its entity (bounded) under `key`'s `inner` (an
/// action's wrapped in its entity's name: `{"order": …}`).
fn write_envelope(mut head: Head, key: &str, inner: &str, entity_json: &str) -> String {
    let (entity_json, omitted) = snapshot(entity_json, MAX_SNAPSHOT_BYTES);
    head.omitted_fields = omitted;
    // A struct of strings and a bool: serializing cannot fail.
    let head_json = serde_json::to_string(&head).unwrap_or_default();
    let body = if key == "actionEvent" {
        crate::member(entity_name(head.entity_fqdn), &entity_json)
    } else {
        entity_json
    };
    format!(
        "{},\"{key}\":{{\"{inner}\":{body}}}}}",
        head_json.trim_end_matches('}')
    )
}

/// The entity's JSON within `cap` bytes, and the top-level fields left out
/// to keep it there (sorted): the largest go first, `id` never. Only the top
/// level is read: each field's value is kept as the text it was.
fn snapshot(entity_json: &str, cap: usize) -> (String, Vec<String>) {
    if entity_json.len() <= cap {
        return (entity_json.to_owned(), Vec::new());
    }
    let Ok(Fields(fields)) = serde_json::from_str::<Fields>(entity_json) else {
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
    fn an_orders_event_keeps_what_the_order_changes_and_takes_the_rest_from_the_order_when_read() {
        let now = Timestamp::from_millis(0);
        let made = r#"{"id":"o1","number":"10001","status":"INITIALIZED","paymentStatus":"NOT_PAID","lineItems":[{"id":"l1","quantity":2}],"buyerInfo":{"email":"a@example.com"},"updatedDate":"2026-01-01T00:00:00.000Z","payByDate":"2026-01-01T00:30:00.000Z"}"#;
        let mut n = 0;
        let mut ids = || {
            n += 1;
            format!("e{n}")
        };
        let e = Event::of_order(&mut ids, Kind::Created, "o1", made, now);
        assert_eq!(e.order_id.as_deref(), Some("o1"));
        // the outbox keeps the order's id and what it changes, not its lines or its buyer
        let kept: Value = serde_json::from_str(&e.body).unwrap();
        let entity = kept["createdEvent"]["entity"].as_object().unwrap();
        let keys: Vec<&str> = entity.keys().map(String::as_str).collect();
        assert_eq!(
            keys,
            [
                "id",
                "number",
                "payByDate",
                "paymentStatus",
                "status",
                "updatedDate"
            ]
        );
        // read while the order is as it was made: the event it carried whole, to the byte
        let whole = envelope("e1", ORDER, Kind::Created, "o1", made, now);
        assert_eq!(complete(&e.body, made), whole);
        // read after the order was paid: still the order as it was made
        let paid = r#"{"id":"o1","number":"10001","status":"APPROVED","paymentStatus":"PAID","lineItems":[{"id":"l1","quantity":2}],"buyerInfo":{"email":"a@example.com"},"updatedDate":"2026-01-01T00:10:00.000Z","payments":[{"id":"pi_1"}]}"#;
        assert_eq!(complete(&e.body, paid), whole);
        // the order's event of its payment, read then, tells of the paid order
        let approved = Event::of_order(&mut ids, Kind::Action("approved"), "o1", paid, now);
        let sent: Value = serde_json::from_str(&complete(&approved.body, paid)).unwrap();
        assert_eq!(sent["slug"], "approved");
        assert_eq!(
            sent["actionEvent"]["body"]["order"],
            serde_json::from_str::<Value>(paid).unwrap()
        );
        // an order that forgot its buyer: forgotten in its events too
        let forgot = paid.replace(r#""buyerInfo":{"email":"a@example.com"},"#, "");
        let sent: Value = serde_json::from_str(&complete(&e.body, &forgot)).unwrap();
        assert!(sent["createdEvent"]["entity"].get("buyerInfo").is_none());
        assert_eq!(sent["createdEvent"]["entity"]["status"], "INITIALIZED");
        // a large order: bounded as every entity, what it left out named
        let large = made.replace(
            r#""quantity":2"#,
            &format!(
                r#""quantity":2,"note":"{}""#,
                "x".repeat(MAX_SNAPSHOT_BYTES)
            ),
        );
        let e = Event::of_order(&mut ids, Kind::Created, "o1", &large, now);
        assert!(e.body.len() < 1024, "{}", e.body.len());
        let sent: Value = serde_json::from_str(&complete(&e.body, &large)).unwrap();
        assert_eq!(sent["omittedFields"], json!(["lineItems"]));
        assert_eq!(
            sent["createdEvent"]["entity"]["buyerInfo"]["email"],
            "a@example.com"
        );
        // what is not an order's event, or an order that is not an object, leaves the event as kept
        let checkout = envelope("e9", CHECKOUT, Kind::Updated, "c1", r#"{"id":"c1"}"#, now);
        assert_eq!(complete(&checkout, made), checkout);
        assert_eq!(complete(&e.body, "[]"), e.body);
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
