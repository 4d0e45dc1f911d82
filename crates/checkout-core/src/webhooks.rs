//! Standard Webhooks (`docs/api.md`, Events): each delivery carries
//! `webhook-id`, `webhook-timestamp` and `webhook-signature` over the exact
//! bytes sent, keyed by a secret of the store's own, so that a receiver
//! verifies with any Standard Webhooks library and one store's secret
//! verifies nothing of another's; and the event types a store's endpoint may
//! choose to take.

use base64::engine::general_purpose::STANDARD;
use base64::Engine;
use hmac::{Hmac, Mac};
use sha2::Sha256;

/// The prefix of a secret as the merchant sees it.
const PREFIX: &str = "whsec_";

/// A store's secret from 32 random bytes: `whsec_` and their base64.
pub fn new_secret(random: [u8; 32]) -> String {
    format!("{PREFIX}{}", STANDARD.encode(random))
}

/// The key bytes of a secret (`None`: not a secret this module made).
fn key(secret: &str) -> Option<Vec<u8>> {
    STANDARD.decode(secret.strip_prefix(PREFIX)?).ok()
}

/// The `webhook-signature` header of a delivery: `v1,` and the base64
/// HMAC-SHA256 of `{id}.{timestamp}.{body}` under each secret, separated by
/// spaces (two while a rotation's secrets both sign). Secrets that are not
/// well formed sign nothing.
pub fn signature(secrets: &[&str], id: &str, timestamp: i64, body: &str) -> String {
    let signed = format!("{id}.{timestamp}.{body}");
    secrets
        .iter()
        .filter_map(|s| key(s))
        .filter_map(|key| Hmac::<Sha256>::new_from_slice(&key).ok())
        .map(|mut mac| {
            mac.update(signed.as_bytes());
            format!("v1,{}", STANDARD.encode(mac.finalize().into_bytes()))
        })
        .collect::<Vec<_>>()
        .join(" ")
}

/// An event's type, as an endpoint's `webhooks.events` lists it: the
/// entity's name and what happened, Wix's way (`wix.ecom.v1.order_approved`).
pub fn event_type(entity_fqdn: &str, slug: &str) -> String {
    format!("{entity_fqdn}_{slug}")
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The example of the Standard Webhooks specification's reference
    /// libraries: this secret, id, timestamp and body give this signature.
    #[test]
    fn signs_as_the_standard_webhooks_libraries_verify() {
        let secret = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw";
        let body = r#"{"test": 2432232314}"#;
        assert_eq!(
            signature(&[secret], "msg_p5jXN8AQM9LWM0D4loKWxJek", 1614265330, body),
            "v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE="
        );
    }

    #[test]
    fn two_secrets_sign_twice_and_a_malformed_one_signs_nothing() {
        let a = new_secret([1; 32]);
        let b = new_secret([2; 32]);
        assert!(a.starts_with("whsec_") && a != b);
        let both = signature(&[&a, &b], "evt", 1, "{}");
        let parts: Vec<&str> = both.split(' ').collect();
        assert_eq!(parts.len(), 2);
        assert_eq!(parts[0], signature(&[&a], "evt", 1, "{}"));
        assert_eq!(parts[1], signature(&[&b], "evt", 1, "{}"));
        // each part names its version, and a change of any signed part changes it
        assert!(parts.iter().all(|p| p.starts_with("v1,")));
        assert_ne!(signature(&[&a], "evt", 2, "{}"), parts[0]);
        assert_ne!(signature(&[&a], "evt2", 1, "{}"), parts[0]);
        assert_ne!(signature(&[&a], "evt", 1, "{ }"), parts[0]);
        assert_eq!(signature(&["whsec_not base64", "sk_1"], "evt", 1, "{}"), "");
    }

    #[test]
    fn an_event_type_is_its_entity_and_slug() {
        assert_eq!(
            event_type(crate::events::ORDER, "approved"),
            "wix.ecom.v1.order_approved"
        );
    }
}
