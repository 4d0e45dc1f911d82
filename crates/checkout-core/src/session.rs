//! Order sessions (`docs/api.md`, Order sessions): the order's data carried in a
//! JWE compact token (RFC 7516), `alg` `dir`, `enc` `A256GCM`, with a `kid`
//! naming the tenant's key. Stateless: nothing is stored per session.
//!
//! Every way a token can be wrong (not five parts, bad base64, another `alg`
//! or `enc`, a `zip` or `crit` header, an unknown `kid`, a failed tag, claims
//! that are not ours) is the same [`SessionError::Invalid`], so that an
//! attacker learns nothing; only a token that decrypts and has expired is
//! [`SessionError::Expired`]. The nonce comes from the caller (the worker's
//! CSPRNG): this crate does no I/O.

use crate::time::Timestamp;
use aes_gcm::aead::{Aead, KeyInit, Payload};
use aes_gcm::{Aes256Gcm, Nonce};
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine;
use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

/// A tenant's content encryption key.
#[derive(Clone)]
pub struct SessionKey {
    pub kid: String,
    key: [u8; 32],
}

impl std::fmt::Debug for SessionKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SessionKey")
            .field("kid", &self.kid)
            .finish_non_exhaustive()
    }
}

impl SessionKey {
    /// Another key for another use, derived from this one (SHA-256 of the
    /// label and the key), under the same `kid`: what one use seals, the
    /// other cannot open.
    pub fn derive(&self, label: &str) -> SessionKey {
        use sha2::{Digest, Sha256};
        let mut h = Sha256::new();
        h.update(label.as_bytes());
        h.update([0]);
        h.update(self.key);
        SessionKey {
            kid: self.kid.clone(),
            key: h.finalize().into(),
        }
    }

    /// A key from its `kid` and the base64url of its 32 bytes; `None` if it is not that.
    pub fn from_base64url(kid: &str, k: &str) -> Option<SessionKey> {
        let bytes = URL_SAFE_NO_PAD.decode(k.trim_end_matches('=')).ok()?;
        Some(SessionKey {
            kid: kid.to_owned(),
            key: bytes.try_into().ok()?,
        })
    }
}

/// The claims of a session token.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Claims {
    pub iss: String,
    /// The tenant's `appDefId`.
    pub aud: String,
    /// Seconds since the epoch.
    pub iat: i64,
    pub exp: i64,
    pub jti: String,
    pub session_data: Value,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum SessionError {
    /// Not a token of ours, for any reason at all.
    Invalid,
    /// Ours, and past its `exp`.
    Expired,
}

#[derive(Serialize)]
struct Header<'a> {
    alg: &'static str,
    enc: &'static str,
    kid: &'a str,
    typ: &'static str,
}

/// Encrypts the claims with `key` (the tenant's newest) and `nonce` (12 random bytes).
pub fn seal(claims: &Claims, key: &SessionKey, nonce: [u8; 12]) -> String {
    // A struct of strings and numbers and a JSON value: serializing cannot fail.
    let header = serde_json::to_vec(&Header {
        alg: "dir",
        enc: "A256GCM",
        kid: &key.kid,
        typ: "JWT",
    })
    .unwrap_or_default();
    let protected = URL_SAFE_NO_PAD.encode(header);
    let plaintext = serde_json::to_vec(claims).unwrap_or_default();
    let cipher = Aes256Gcm::new((&key.key).into());
    // AES-GCM encryption fails only for inputs beyond 64 GiB.
    let sealed = cipher
        .encrypt(
            Nonce::from_slice(&nonce),
            Payload {
                msg: &plaintext,
                aad: protected.as_bytes(),
            },
        )
        .unwrap_or_default();
    let (ciphertext, tag) = sealed.split_at(sealed.len().saturating_sub(16));
    format!(
        "{protected}..{}.{}.{}",
        URL_SAFE_NO_PAD.encode(nonce),
        URL_SAFE_NO_PAD.encode(ciphertext),
        URL_SAFE_NO_PAD.encode(tag)
    )
}

/// Decrypts and checks a token with any of the tenant's keys, for tenant `aud`.
pub fn open(
    token: &str,
    keys: &[SessionKey],
    aud: &str,
    now: Timestamp,
) -> Result<Claims, SessionError> {
    let claims = decrypt(token, keys).ok_or(SessionError::Invalid)?;
    let claims: Claims = serde_json::from_slice(&claims).map_err(|_| SessionError::Invalid)?;
    if claims.aud != aud {
        return Err(SessionError::Invalid);
    }
    if now.millis().div_euclid(1000) >= claims.exp {
        return Err(SessionError::Expired);
    }
    Ok(claims)
}

fn decrypt(token: &str, keys: &[SessionKey]) -> Option<Vec<u8>> {
    let mut parts = token.split('.');
    let (protected, encrypted_key, iv, ciphertext, tag) = (
        parts.next()?,
        parts.next()?,
        parts.next()?,
        parts.next()?,
        parts.next()?,
    );
    if parts.next().is_some() || !encrypted_key.is_empty() {
        return None;
    }
    let header: Map<String, Value> =
        serde_json::from_slice(&URL_SAFE_NO_PAD.decode(protected).ok()?).ok()?;
    let field = |name: &str| header.get(name).and_then(Value::as_str);
    if field("alg") != Some("dir")
        || field("enc") != Some("A256GCM")
        || header.contains_key("zip")
        || header.contains_key("crit")
    {
        return None;
    }
    let kid = field("kid")?;
    let key = keys.iter().find(|k| k.kid == kid)?;
    let iv = URL_SAFE_NO_PAD.decode(iv).ok()?;
    let tag = URL_SAFE_NO_PAD.decode(tag).ok()?;
    if iv.len() != 12 || tag.len() != 16 {
        return None;
    }
    let mut sealed = URL_SAFE_NO_PAD.decode(ciphertext).ok()?;
    sealed.extend_from_slice(&tag);
    Aes256Gcm::new((&key.key).into())
        .decrypt(
            Nonce::from_slice(&iv),
            Payload {
                msg: &sealed,
                aad: protected.as_bytes(),
            },
        )
        .ok()
}

/// A session's data as a cart to price: `currency`, `taxIncludedInPrice`,
/// `lineItems`, `shipping` and `additionalFees` as in `docs/pricing.md`, and at most
/// one code in `couponCodes`, whose rules come from the store. `check_coupon`
/// (on creation) also refuses an expired or used-up coupon.
pub fn cart(
    session_data: &Value,
    store: Option<&crate::store::Store>,
    check_coupon: Option<Timestamp>,
) -> crate::Result<checkout_pricing::Cart> {
    use crate::error::{Error, ErrorCode, PricingCode};
    let data = session_data
        .as_object()
        .ok_or_else(|| Error::invalid("sessionData", "sessionData is an object"))?;
    let mut input = Map::new();
    for key in [
        "currency",
        "taxIncludedInPrice",
        "lineItems",
        "shipping",
        "additionalFees",
    ] {
        if let Some(v) = data.get(key) {
            input.insert(key.into(), v.clone());
        }
    }
    let codes = match data.get("couponCodes") {
        None | Some(Value::Null) => Vec::new(),
        Some(Value::Array(list)) => list
            .iter()
            .enumerate()
            .map(|(i, c)| {
                c.as_str().map(String::from).ok_or_else(|| {
                    Error::invalid(format!("sessionData.couponCodes[{i}]"), "a coupon code")
                })
            })
            .collect::<crate::Result<_>>()?,
        Some(_) => {
            return Err(Error::invalid(
                "sessionData.couponCodes",
                "a list of coupon codes",
            ))
        }
    };
    if codes.len() > 1 {
        return Err(Error::new(
            PricingCode::MoreThanOneCoupon,
            "sessionData.couponCodes",
            "at most one coupon code",
        ));
    }
    if let Some(code) = codes.first() {
        let not_found = || {
            Error::new(
                ErrorCode::CouponNotFound,
                "sessionData.couponCodes[0]",
                format!("no coupon {code:?}"),
            )
        };
        let store = store.ok_or_else(not_found)?;
        let coupon = match check_coupon {
            Some(now) => store.check_coupon(code, now).map_err(|e| Error {
                field: "sessionData.couponCodes[0]".into(),
                ..e
            })?,
            None => store.coupon(code).ok_or_else(not_found)?,
        };
        input.insert(
            "coupons".into(),
            Value::Array(vec![
                serde_json::to_value(coupon.to_raw()).unwrap_or_default()
            ]),
        );
    }
    let within = |e: checkout_pricing::Error| {
        Error::new(e.code, format!("sessionData.{}", e.field), e.message)
    };
    let raw = checkout_pricing::input::deserialize(Value::Object(input)).map_err(within)?;
    checkout_pricing::Cart::from_raw(raw).map_err(within)
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn key(kid: &str, byte: u8) -> SessionKey {
        SessionKey::from_base64url(kid, &URL_SAFE_NO_PAD.encode([byte; 32])).unwrap()
    }

    fn claims(exp: i64) -> Claims {
        Claims {
            iss: "edge-checkout".into(),
            aud: "app-1".into(),
            iat: 1_795_418_688,
            exp,
            jti: "00000000-0000-4000-8000-000000000001".into(),
            session_data: json!({"currency": "USD", "lineItems": []}),
        }
    }

    const NOW: Timestamp = Timestamp::from_millis(1_795_418_700_000);

    /// A known answer from an independent implementation: `jose` 6.2.17's
    /// `CompactEncrypt` with key bytes 0..=31, IV bytes 0xa0..=0xab and the same
    /// header and claims gives these exact bytes (RFC 7516 compact form, the
    /// construction of RFC 7520 section 5.6 with A256GCM).
    #[test]
    fn seals_the_bytes_jose_seals() {
        const JOSE: &str = "eyJhbGciOiJkaXIiLCJlbmMiOiJBMjU2R0NNIiwia2lkIjoiazEiLCJ0eXAiOiJKV1QifQ..oKGio6Slpqeoqaqr.\
            nToVXjbpOJ0HAeC2KhmouxPHNmXmlW5O_XtCpEWJFHGiW3bdgwA6XCu-Pvk-Q7bNdiNwcFr8OBs5LilklUe8hYCOtVsIncjCnpaWOrXs_\
            Ir9O5uU9fG0St5FDreFqn2korwbmzODv6uu6zZgtbjdGBRhQ4L8Rv5PXKaxyvA0hiznK8tdsDfyZVI3nfIwcLOD252PR5y8k-KYhMmQwrQWE\
            Z1jPdjSSHo04ygHAB-g34ISBMe6M1-AB7ugWhst9345QF84sELriJCuID0.lRJDkeQeUWT_P4Yi2TzbLg";
        let key = SessionKey {
            kid: "k1".into(),
            key: std::array::from_fn(|i| i as u8),
        };
        let nonce = std::array::from_fn(|i| 0xa0 + i as u8);
        let claims = Claims {
            iss: "edge-checkout".into(),
            aud: "app-1".into(),
            iat: 1_795_418_688,
            exp: 1_795_420_488,
            jti: "00000000-0000-4000-8000-000000000001".into(),
            session_data: json!({"currency": "USD", "lineItems": [{"id": "a", "price": "19.99", "quantity": 3}]}),
        };
        assert_eq!(seal(&claims, &key, nonce), JOSE);
        assert_eq!(open(JOSE, &[key], "app-1", NOW), Ok(claims));
    }

    #[test]
    fn round_trips_with_any_listed_key() {
        let (old, new) = (key("k1", 1), key("k2", 2));
        let token = seal(&claims(1_795_420_000), &new, [7; 12]);
        assert_eq!(token.split('.').count(), 5);
        assert_eq!(token.split('.').nth(1), Some(""));
        assert_eq!(
            open(&token, &[old.clone(), new.clone()], "app-1", NOW),
            Ok(claims(1_795_420_000))
        );
        let by_old = seal(&claims(1_795_420_000), &old, [8; 12]);
        assert_eq!(
            open(&by_old, &[old, new], "app-1", NOW),
            Ok(claims(1_795_420_000))
        );
    }

    #[test]
    fn everything_wrong_is_the_same_invalid_and_only_ours_can_be_expired() {
        let k = key("k1", 1);
        let good = seal(&claims(1_795_420_000), &k, [7; 12]);
        let parts: Vec<&str> = good.split('.').collect();
        let header = |h: Value| URL_SAFE_NO_PAD.encode(h.to_string());
        let with = |i: usize, v: &str| {
            let mut p = parts.clone();
            p[i] = v;
            p.join(".")
        };
        let mut flipped = parts[3].to_owned().into_bytes();
        flipped[5] = if flipped[5] == b'A' { b'B' } else { b'A' };
        let flipped = String::from_utf8(flipped).unwrap();
        let bad = [
            good[..good.len() - 3].to_owned(),
            with(3, &flipped),
            with(
                0,
                &header(json!({"alg": "RSA-OAEP", "enc": "A256GCM", "kid": "k1"})),
            ),
            with(
                0,
                &header(json!({"alg": "dir", "enc": "A128GCM", "kid": "k1"})),
            ),
            with(
                0,
                &header(json!({"alg": "dir", "enc": "A256GCM", "kid": "k1", "zip": "DEF"})),
            ),
            with(
                0,
                &header(json!({"alg": "dir", "enc": "A256GCM", "kid": "k9"})),
            ),
            with(1, "AAAA"),
            format!("{good}.x"),
            "not a token".into(),
            String::new(),
        ];
        for token in &bad {
            assert_eq!(
                open(token, std::slice::from_ref(&k), "app-1", NOW),
                Err(SessionError::Invalid),
                "{token}"
            );
        }
        // another tenant's key, or another tenant's audience
        assert_eq!(
            open(&good, &[key("k1", 9)], "app-1", NOW),
            Err(SessionError::Invalid)
        );
        assert_eq!(
            open(&good, std::slice::from_ref(&k), "app-2", NOW),
            Err(SessionError::Invalid)
        );
        let expired = seal(&claims(1_795_418_690), &k, [7; 12]);
        assert_eq!(
            open(&expired, &[k], "app-1", NOW),
            Err(SessionError::Expired)
        );
    }
}
