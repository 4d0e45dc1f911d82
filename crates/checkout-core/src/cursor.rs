//! Paging cursors: where a page ended and the query it answered, sealed for
//! the tenant, so that the next page needs only the cursor (as Wix's SDK asks
//! for it) and a cursor can be neither read nor altered nor used by another
//! tenant. The seal is the order-session token's (JWE, `dir` + `A256GCM`)
//! with a key derived from the tenant's session key for this use alone, so a
//! cursor never opens as an order session, nor the other way round.

use crate::session::{self, Claims, SessionKey};
use crate::time::Timestamp;
use serde_json::Value;

const ISSUER: &str = "edge-checkout/cursor";
/// How long a cursor may be used.
const LIFETIME_SECONDS: i64 = 24 * 3600;

fn cursor_key(key: &SessionKey) -> SessionKey {
    key.derive("edge-checkout paging cursor")
}

/// Seals `position` (the query and where the page ended) for tenant `aud`
/// with its newest key and a fresh `nonce`.
pub fn seal(
    position: Value,
    aud: &str,
    key: &SessionKey,
    now: Timestamp,
    nonce: [u8; 12],
) -> String {
    let iat = now.millis().div_euclid(1000);
    let claims = Claims {
        iss: ISSUER.into(),
        aud: aud.into(),
        iat,
        exp: iat + LIFETIME_SECONDS,
        jti: String::new(),
        session_data: position,
    };
    session::seal(&claims, &cursor_key(key), nonce)
}

/// The position a cursor of tenant `aud` carries; `None` for anything else
/// (altered, another tenant's, expired, an order-session token).
pub fn open(cursor: &str, keys: &[SessionKey], aud: &str, now: Timestamp) -> Option<Value> {
    let keys: Vec<SessionKey> = keys.iter().map(cursor_key).collect();
    let claims = session::open(cursor, &keys, aud, now).ok()?;
    (claims.iss == ISSUER).then_some(claims.session_data)
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn key(kid: &str, byte: u8) -> SessionKey {
        let k = base64_of(&[byte; 32]);
        SessionKey::from_base64url(kid, &k).expect("a key")
    }

    fn base64_of(bytes: &[u8]) -> String {
        use base64::engine::general_purpose::URL_SAFE_NO_PAD;
        use base64::Engine;
        URL_SAFE_NO_PAD.encode(bytes)
    }

    const NOW: Timestamp = Timestamp::from_millis(1_795_418_700_000);

    #[test]
    fn a_cursor_opens_only_for_its_tenant_unaltered_and_in_time() {
        let (k1, k2) = (key("k1", 1), key("k2", 2));
        let position =
            json!({"filter": {"status": "APPROVED"}, "after": ["2026-12-01T00:00:00.000Z", "o-1"]});
        let cursor = seal(position.clone(), "app-1", &k2, NOW, [7; 12]);
        assert_eq!(
            open(&cursor, &[k1.clone(), k2.clone()], "app-1", NOW),
            Some(position)
        );
        assert_eq!(
            open(&cursor, std::slice::from_ref(&k1), "app-1", NOW),
            None,
            "another key"
        );
        assert_eq!(
            open(&cursor, std::slice::from_ref(&k2), "app-2", NOW),
            None,
            "another tenant"
        );
        let later = NOW.plus_millis((LIFETIME_SECONDS + 1) * 1000);
        assert_eq!(
            open(&cursor, std::slice::from_ref(&k2), "app-1", later),
            None,
            "expired"
        );
        let mut altered = cursor.clone().into_bytes();
        let at = altered.len() - 30;
        altered[at] = if altered[at] == b'A' { b'B' } else { b'A' };
        let altered = String::from_utf8(altered).unwrap();
        assert_eq!(
            open(&altered, std::slice::from_ref(&k2), "app-1", NOW),
            None,
            "altered"
        );
        assert!(!cursor.contains("APPROVED"), "opaque");
    }

    #[test]
    fn cursors_and_order_sessions_never_open_as_each_other() {
        let k = key("k1", 1);
        let claims = Claims {
            iss: ISSUER.into(),
            aud: "app-1".into(),
            iat: NOW.millis() / 1000,
            exp: NOW.millis() / 1000 + 60,
            jti: String::new(),
            session_data: json!({}),
        };
        let session = session::seal(&claims, &k, [1; 12]);
        assert_eq!(open(&session, std::slice::from_ref(&k), "app-1", NOW), None);
        let cursor = seal(json!({}), "app-1", &k, NOW, [1; 12]);
        assert!(session::open(&cursor, &[k], "app-1", NOW).is_err());
    }
}
