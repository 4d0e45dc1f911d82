//! Any bytes as an order-session token: never a panic, never accepted unless
//! it is one of ours, and a token we seal always opens again.
#![no_main]
use checkout_core::session::{self, Claims, SessionError, SessionKey};
use checkout_core::time::Timestamp;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let key = SessionKey::from_base64url("k1", "AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8").expect("key");
    let now = Timestamp::from_millis(1_795_418_700_000);
    let text = String::from_utf8_lossy(data);
    // random bytes never make a valid tag
    assert_eq!(session::open(&text, std::slice::from_ref(&key), "app-1", now).err(), Some(SessionError::Invalid));
    // the bytes as session data: sealed, then opened, unchanged
    let claims = Claims {
        iss: "fuzz".into(),
        aud: "app-1".into(),
        iat: 1_795_418_688,
        exp: 1_795_420_488,
        jti: "j".into(),
        session_data: serde_json::Value::String(text.into_owned()),
    };
    let nonce: [u8; 12] = std::array::from_fn(|i| data.get(i).copied().unwrap_or(0));
    let token = session::seal(&claims, &key, nonce);
    assert_eq!(session::open(&token, &[key], "app-1", now), Ok(claims));
});
