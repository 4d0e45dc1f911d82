//! Events (`docs/api.md`, Events): the envelope of Wix's checkout events, and its
//! delivery form, a JWT signed with ES256 (RFC 7515, RFC 7518 section 3.4)
//! whose `data` claim is the envelope as JSON text, as Wix delivers webhooks.
//! The public key is served as a JWK set; signatures are deterministic
//! (RFC 6979), so signing needs no randomness.

use crate::error::{Error, ErrorCode, Result};
use crate::time::Timestamp;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine;
use p256::ecdsa::signature::Signer;
use p256::ecdsa::{Signature, SigningKey};
use serde::Serialize;
use serde_json::json;

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

pub const CHECKOUT: &str = "wix.ecom.v1.checkout";
pub const ORDER: &str = "wix.ecom.v1.order";

/// The envelope as JSON text. `entity_json` is the entity's JSON, embedded as it is.
/// Ceiling of an event's JSON text, in bytes: a change whose event would pass
/// it is refused whole. The field limits keep every event well below it.
pub const MAX_EVENT_BYTES: usize = 512 * 1024;

/// The event of a change of an entity (`entity_json` as the API shows it),
/// or `EVENT_TOO_LARGE` above [`MAX_EVENT_BYTES`].
pub fn envelope(
    id: &str,
    entity_fqdn: &str,
    kind: Kind,
    entity_id: &str,
    entity_json: &str,
    now: Timestamp,
) -> Result<String> {
    #[derive(Serialize)]
    #[serde(rename_all = "camelCase")]
    struct Head<'a> {
        id: &'a str,
        entity_fqdn: &'a str,
        slug: &'a str,
        entity_id: &'a str,
        event_time: Timestamp,
        triggered_by_anonymize_request: bool,
    }
    let (slug, key, inner) = match kind {
        Kind::Created => ("created", "createdEvent", "entity"),
        Kind::Updated => ("updated", "updatedEvent", "currentEntity"),
        Kind::Action(slug) => (slug, "actionEvent", "body"),
    };
    let head = Head {
        id,
        entity_fqdn,
        slug,
        entity_id,
        event_time: now,
        triggered_by_anonymize_request: false,
    };
    // A struct of strings and a bool: serializing cannot fail.
    let head = serde_json::to_string(&head).unwrap_or_default();
    let body = if matches!(kind, Kind::Action(_)) {
        format!("{{\"{}\":{entity_json}}}", entity_name(entity_fqdn))
    } else {
        entity_json.to_owned()
    };
    let event = format!(
        "{},\"{key}\":{{\"{inner}\":{body}}}}}",
        head.trim_end_matches('}')
    );
    if event.len() > MAX_EVENT_BYTES {
        return Err(Error::new(
            ErrorCode::EventTooLarge,
            "",
            format!(
                "its event would take {} bytes; at most {MAX_EVENT_BYTES}",
                event.len()
            ),
        ));
    }
    Ok(event)
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

    /// The public key as a JWK set (`/.well-known/jwks.json`).
    pub fn jwks(&self) -> serde_json::Value {
        let point = self.key.verifying_key().to_encoded_point(false);
        let (x, y) = (
            point.x().map(|x| URL_SAFE_NO_PAD.encode(x)),
            point.y().map(|y| URL_SAFE_NO_PAD.encode(y)),
        );
        json!({"keys": [{"kty": "EC", "crv": "P-256", "x": x, "y": y, "kid": self.kid, "alg": "ES256", "use": "sig"}]})
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

/// Seconds to wait before attempt `n + 1` of a delivery: 10 s doubling, at most an hour.
pub fn backoff_seconds(attempts: u32) -> i64 {
    (10i64 << attempts.min(9)).min(3600)
}

#[cfg(test)]
mod tests {
    use super::*;
    use p256::ecdsa::signature::Verifier;
    use p256::ecdsa::VerifyingKey;

    #[test]
    fn an_event_above_its_ceiling_is_refused() {
        let big = format!("{{\"x\":\"{}\"}}", "a".repeat(MAX_EVENT_BYTES));
        let e = envelope(
            "e",
            CHECKOUT,
            Kind::Updated,
            "c",
            &big,
            Timestamp::from_millis(0),
        );
        assert_eq!(e.unwrap_err().code, ErrorCode::EventTooLarge);
    }

    #[test]
    fn envelopes_embed_the_entity_under_the_wix_key() {
        let now = Timestamp::from_millis(0);
        let e: serde_json::Value = serde_json::from_str(
            &envelope("e1", CHECKOUT, Kind::Created, "c1", r#"{"id":"c1"}"#, now).unwrap(),
        )
        .unwrap();
        assert_eq!(e["slug"], "created");
        assert_eq!(e["createdEvent"]["entity"]["id"], "c1");
        assert_eq!(e["triggeredByAnonymizeRequest"], false);
        let e: serde_json::Value = serde_json::from_str(
            &envelope("e2", CHECKOUT, Kind::Updated, "c1", "{}", now).unwrap(),
        )
        .unwrap();
        assert!(e["updatedEvent"]["currentEntity"].is_object());
        let e: serde_json::Value = serde_json::from_str(
            &envelope("e3", CHECKOUT, Kind::Action("completed"), "c1", "{}", now).unwrap(),
        )
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
        let jwk = signer.jwks();
        let x = URL_SAFE_NO_PAD
            .decode(jwk["keys"][0]["x"].as_str().unwrap())
            .unwrap();
        let y = URL_SAFE_NO_PAD
            .decode(jwk["keys"][0]["y"].as_str().unwrap())
            .unwrap();
        let point = p256::EncodedPoint::from_affine_coordinates(
            x.as_slice().into(),
            y.as_slice().into(),
            false,
        );
        let key = VerifyingKey::from_encoded_point(&point).unwrap();
        assert!(key.verify(input.as_bytes(), &sig).is_ok());
        assert!(key.verify(b"tampered", &sig).is_err());
        assert_eq!(backoff_seconds(0), 10);
        assert_eq!(backoff_seconds(20), 3600);
    }
}
