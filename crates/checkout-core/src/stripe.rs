//! Stripe's webhooks (`docs/api.md`, Payment): the `Stripe-Signature` header
//! checked as Stripe specifies it (HMAC-SHA256 with the endpoint's signing
//! secret over `{t}.{payload}`, any `v1` signature matching, the timestamp
//! within five minutes), and a PaymentIntent's event read as what happened
//! to the order it names (`metadata.paymentGatewayOrderId`).

use crate::checkout::payment::{Happening, ProviderPayment};
use crate::error::{Error, ErrorCode, Result};
use crate::time::Timestamp;
use hmac::{Hmac, Mac};
use serde::Deserialize;
use sha2::Sha256;

/// Seconds a signature's timestamp may be away from now (Stripe's default tolerance).
pub const TOLERANCE_SECONDS: i64 = 300;

/// A verified event about a payment of one of our orders.
#[derive(Debug, PartialEq, Eq)]
pub struct PaymentEvent {
    /// Stripe's event id (`evt_…`).
    pub id: String,
    /// What create-order handed out, which the PaymentIntent carries in its metadata.
    pub gateway_order_id: String,
    pub happening: Happening,
}

fn refused(message: impl Into<String>) -> Error {
    Error::new(ErrorCode::WebhookRefused, "", message)
}

/// Signatures read from one header, at most: each costs a comparison, and
/// Stripe sends one or two (two while a secret rolls).
pub const MAX_SIGNATURES: usize = 8;

/// The refusal of a call whose signature does not match, and of every call
/// that cannot be checked (an unknown endpoint, no header): one answer, so
/// that a caller learns nothing of which tenants exist.
pub fn unsigned() -> Error {
    refused("no signature matches the payload")
}

/// Checks `header` (the `Stripe-Signature` value) over `payload` with the
/// endpoint's `secret` at `now`.
pub fn verify(payload: &[u8], header: &str, secret: &str, now: Timestamp) -> Result<()> {
    let mut timestamp = None;
    let mut signatures = Vec::new();
    for part in header.split(',') {
        match part.trim().split_once('=') {
            Some(("t", t)) => timestamp = t.parse::<i64>().ok(),
            Some(("v1", sig)) if signatures.len() < MAX_SIGNATURES => signatures.push(sig),
            _ => {}
        }
    }
    let t = timestamp.ok_or_else(|| refused("the Stripe-Signature header has no timestamp"))?;
    if (now.millis().div_euclid(1000) - t).abs() > TOLERANCE_SECONDS {
        return Err(refused(
            "the signature's timestamp is outside the tolerance zone",
        ));
    }
    // the payload is hashed once, whatever the number of signatures
    let mut mac = Hmac::<Sha256>::new_from_slice(secret.as_bytes()).map_err(|_| unsigned())?;
    mac.update(t.to_string().as_bytes());
    mac.update(b".");
    mac.update(payload);
    let matches =
        |sig: &&str| hex(sig).is_some_and(|bytes| mac.clone().verify_slice(&bytes).is_ok());
    if signatures.iter().any(matches) {
        Ok(())
    } else {
        Err(unsigned())
    }
}

fn hex(s: &str) -> Option<Vec<u8>> {
    if !s.len().is_multiple_of(2) {
        return None;
    }
    (0..s.len())
        .step_by(2)
        .map(|i| u8::from_str_radix(s.get(i..i + 2)?, 16).ok())
        .collect()
}

/// A verified payload read as a payment event: `Ok(None)` for an event this
/// engine does not act on (another type, or a PaymentIntent of no order of
/// ours), which Stripe should still see taken.
pub fn payment_event(payload: &[u8]) -> Result<Option<PaymentEvent>> {
    #[derive(Deserialize)]
    struct Event {
        id: String,
        #[serde(rename = "type")]
        kind: String,
        data: Data,
    }
    #[derive(Deserialize)]
    struct Data {
        object: Intent,
    }
    #[derive(Deserialize)]
    struct Intent {
        id: String,
        #[serde(default)]
        amount: u128,
        #[serde(default)]
        amount_received: u128,
        currency: String,
        #[serde(default)]
        metadata: std::collections::HashMap<String, String>,
    }
    let event: Event =
        serde_json::from_slice(payload).map_err(|e| refused(format!("not a Stripe event: {e}")))?;
    let succeeded = match event.kind.as_str() {
        "payment_intent.succeeded" => true,
        "payment_intent.payment_failed" => false,
        _ => return Ok(None),
    };
    let intent = event.data.object;
    let Some(gateway_order_id) = intent.metadata.get("paymentGatewayOrderId").cloned() else {
        return Ok(None);
    };
    let payment = ProviderPayment {
        provider: "stripe",
        id: intent.id,
        minor: if succeeded {
            intent.amount_received
        } else {
            intent.amount
        },
        currency: intent.currency,
    };
    Ok(Some(PaymentEvent {
        id: event.id,
        gateway_order_id,
        happening: if succeeded {
            Happening::Paid(payment)
        } else {
            Happening::PaymentFailed(payment)
        },
    }))
}

#[cfg(test)]
mod tests {
    use super::*;

    const NOW: Timestamp = Timestamp::from_millis(1_800_000_000_000);
    const SECRET: &str = "whsec_test";

    fn sign(payload: &str, t: i64, secret: &str) -> String {
        let mut mac = Hmac::<Sha256>::new_from_slice(secret.as_bytes()).unwrap();
        mac.update(format!("{t}.{payload}").as_bytes());
        let sig: String = mac
            .finalize()
            .into_bytes()
            .iter()
            .map(|b| format!("{b:02x}"))
            .collect();
        format!("t={t},v1={sig}")
    }

    #[test]
    fn a_signature_verifies_only_for_its_payload_secret_and_time() {
        let t = 1_800_000_000;
        let payload = r#"{"id":"evt_1"}"#;
        let good = sign(payload, t, SECRET);
        assert!(verify(payload.as_bytes(), &good, SECRET, NOW).is_ok());
        // several v1 signatures (a secret being rolled): any one may match
        let rolled = format!(
            "{},v1={}",
            sign(payload, t, "whsec_old"),
            &good[good.find("v1=").unwrap() + 3..]
        );
        assert!(verify(payload.as_bytes(), &rolled, SECRET, NOW).is_ok());
        for (payload, header, now) in [
            (r#"{"id":"evt_2"}"#, good.clone(), NOW),
            (payload, sign(payload, t, "whsec_other"), NOW),
            (
                payload,
                good.clone(),
                NOW.plus_millis((TOLERANCE_SECONDS + 1) * 1000),
            ),
            (
                payload,
                sign(payload, t - TOLERANCE_SECONDS - 1, SECRET),
                NOW,
            ),
            (payload, "v1=00".into(), NOW),
            (payload, format!("t={t},v1=zz"), NOW),
            (payload, String::new(), NOW),
        ] {
            let e = verify(payload.as_bytes(), &header, SECRET, now).unwrap_err();
            assert_eq!(e.code, ErrorCode::WebhookRefused, "{header}");
        }
    }

    #[test]
    fn at_most_eight_signatures_are_read() {
        let t = 1_800_000_000;
        let payload = r#"{"id":"evt_1"}"#;
        let good = sign(payload, t, SECRET);
        let sig = &good[good.find("v1=").unwrap() + 3..];
        let header = |before: usize| {
            let junk = (0..before)
                .map(|i| format!(",v1={i:064x}"))
                .collect::<String>();
            format!("t={t}{junk},v1={sig}")
        };
        assert!(verify(payload.as_bytes(), &header(7), SECRET, NOW).is_ok());
        let e = verify(payload.as_bytes(), &header(8), SECRET, NOW).unwrap_err();
        assert_eq!(e.code, ErrorCode::WebhookRefused);
        assert_eq!(e.message, unsigned().message);
    }

    #[test]
    fn payment_intent_events_name_the_order_and_what_happened() {
        let event = |kind: &str, metadata: &str| {
            format!(
                r#"{{"id":"evt_1","type":"{kind}","data":{{"object":{{"id":"pi_1","object":"payment_intent",
                "amount":2500,"amount_received":2500,"currency":"usd","metadata":{metadata}}}}}}}"#
            )
        };
        let read = |kind, metadata| payment_event(event(kind, metadata).as_bytes()).unwrap();
        let paid = read(
            "payment_intent.succeeded",
            r#"{"paymentGatewayOrderId":"g1"}"#,
        )
        .unwrap();
        assert_eq!(paid.gateway_order_id, "g1");
        assert!(
            matches!(paid.happening, Happening::Paid(ref p) if p.minor == 2500 && p.id == "pi_1")
        );
        let failed = read(
            "payment_intent.payment_failed",
            r#"{"paymentGatewayOrderId":"g1"}"#,
        )
        .unwrap();
        assert!(matches!(failed.happening, Happening::PaymentFailed(_)));
        assert_eq!(
            read("charge.refunded", r#"{"paymentGatewayOrderId":"g1"}"#),
            None
        );
        assert_eq!(read("payment_intent.succeeded", "{}"), None);
        assert!(payment_event(b"not json").is_err());
    }
}
