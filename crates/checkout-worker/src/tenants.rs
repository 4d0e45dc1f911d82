//! Tenants and their keys, from the `TENANTS` secret (`docs/api.md`, Tenants
//! and keys), parsed once per isolate.

use crate::error::{ApiError, ApiResult};
use crate::ids::hex;
use serde::Deserialize;
use sha2::{Digest, Sha256};
use std::cell::RefCell;
use std::rc::Rc;
use worker::js_sys::Reflect;
use worker::wasm_bindgen::JsValue;
use worker::Env;

#[derive(Clone, Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Tenant {
    pub app_def_id: String,
    /// Lowercase hex SHA-256 of the secret key; the key itself is never configured.
    pub secret_key_sha256: String,
    /// Secret keys being rotated out (their SHA-256): they still work until
    /// they are removed from this list (`npm run tenants -- retire-secret`).
    #[serde(default)]
    pub previous_secret_key_sha256: Vec<String>,
    pub publishable_key: String,
    #[serde(default)]
    pub session_keys: Vec<SessionKeyEntry>,
    /// The signing secret (`whsec_…`) of the tenant's Stripe webhook
    /// endpoint, which authenticates Stripe's calls to it.
    #[serde(default)]
    pub stripe_webhook_secret: Option<String>,
    /// Where the store's rows live, when not where the worker's `STORAGE`
    /// variable puts every store (`npm run move-store` sets it).
    #[serde(default)]
    pub storage: Option<crate::db::Storage>,
    /// The store's storage budget in bytes (`quota_bytes`).
    #[serde(default)]
    quota_bytes: Option<u64>,
}

/// A store's storage budget unless its tenant sets one: 1 GiB.
const DEFAULT_QUOTA_BYTES: u64 = 1 << 30;

impl Tenant {
    /// The bytes the store may keep: its `quotaBytes`, else 1 GiB.
    pub fn quota_bytes(&self) -> u64 {
        self.quota_bytes.unwrap_or(DEFAULT_QUOTA_BYTES)
    }
}

#[derive(Clone, Debug, Deserialize)]
pub struct SessionKeyEntry {
    pub kid: String,
    /// base64url of 32 random bytes.
    pub k: String,
}

impl SessionKeyEntry {
    pub fn key(&self) -> Option<checkout_core::session::SessionKey> {
        checkout_core::session::SessionKey::from_base64url(&self.kid, &self.k)
    }
}

impl Tenant {
    /// The SHA-256 of every secret key that works: the current one, then those being rotated out.
    fn secret_hashes(&self) -> impl Iterator<Item = &str> {
        std::iter::once(self.secret_key_sha256.as_str())
            .chain(self.previous_secret_key_sha256.iter().map(String::as_str))
    }

    /// Every session key (all decrypt); the last listed is the newest (new tokens use it).
    pub fn session_keys(&self) -> Vec<checkout_core::session::SessionKey> {
        self.session_keys
            .iter()
            .filter_map(SessionKeyEntry::key)
            .collect()
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum KeyKind {
    Secret,
    Publishable,
}

/// The tenants of the `TENANTS` secret (or var, locally).
pub fn load(env: &Env) -> ApiResult<Rc<Vec<Tenant>>> {
    thread_local! {
        /// The tenant list as last parsed, with the secret's JavaScript string
        /// it came from: an isolate serves many requests, and the secret
        /// rarely changes. The string is compared where it lives (no copy of
        /// a list of many tenants into the module on every request).
        static PARSED: RefCell<Option<(JsValue, Rc<Vec<Tenant>>)>> = const { RefCell::new(None) };
    }
    let raw = Reflect::get(env, &JsValue::from_str("TENANTS"))
        .ok()
        .filter(JsValue::is_string)
        .ok_or_else(|| ApiError::Internal("no TENANTS secret is configured".into()))?;
    if let Some(tenants) = PARSED.with_borrow(|p| {
        p.as_ref()
            .filter(|(text, _)| *text == raw)
            .map(|(_, t)| Rc::clone(t))
    }) {
        return Ok(tenants);
    }
    let text = raw.as_string().unwrap_or_default();
    let tenants = Rc::new(parse(&text).map_err(ApiError::Internal)?);
    PARSED.set(Some((raw, Rc::clone(&tenants))));
    Ok(tenants)
}

/// Parses the `TENANTS` JSON list.
pub fn parse(json: &str) -> Result<Vec<Tenant>, String> {
    let tenants: Vec<Tenant> = serde_json::from_str(json)
        .map_err(|e| format!("TENANTS is not a valid tenant list: {e}"))?;
    for (i, t) in tenants.iter().enumerate() {
        // which earlier tenant repeats this one's id or a key; the keys are never quoted
        let earlier = &tenants[..i];
        let repeats = |what: &str, same: &dyn Fn(&Tenant) -> bool| {
            earlier.iter().find(|e| same(e)).map(|e| {
                format!(
                    "TENANTS entries {:?} and {:?} have the same {what}: each tenant needs its own",
                    e.app_def_id, t.app_def_id
                )
            })
        };
        if let Some(why) = repeats("appDefId", &|e| e.app_def_id == t.app_def_id)
            .or_else(|| {
                repeats("secret key", &|e| {
                    e.secret_hashes()
                        .any(|a| t.secret_hashes().any(|b| a.eq_ignore_ascii_case(b)))
                })
            })
            .or_else(|| {
                repeats("publishable key", &|e| {
                    e.publishable_key == t.publishable_key
                })
            })
            .or_else(|| {
                // one tenant's public key may never be another's secret key
                let secret_of = |k: &str| hex(&Sha256::digest(k.as_bytes()));
                repeats("key, public for one and secret for the other", &|e| {
                    secret_of(&e.publishable_key).eq_ignore_ascii_case(&t.secret_key_sha256)
                        || secret_of(&t.publishable_key).eq_ignore_ascii_case(&e.secret_key_sha256)
                })
            })
        {
            return Err(why);
        }
        if t.session_keys.iter().any(|k| k.key().is_none()) {
            return Err(format!(
                "TENANTS entry {:?} has a session key whose k is not the base64url of 32 bytes",
                t.app_def_id
            ));
        }
        if t.app_def_id.is_empty()
            || t.secret_hashes()
                .any(|h| h.len() != 64 || !h.bytes().all(|b| b.is_ascii_hexdigit()))
            || t.publishable_key.is_empty()
        {
            return Err(format!(
                "TENANTS entry {:?} needs appDefId, a 64-hex secretKeySha256 (and previousSecretKeySha256) and a publishableKey",
                t.app_def_id
            ));
        }
    }
    Ok(tenants)
}

/// The tenant and kind of the key in an `Authorization` header (`<key>` or
/// `Bearer <key>`). Every key is compared in constant time.
pub fn authenticate<'t>(
    tenants: &'t [Tenant],
    authorization: Option<&str>,
) -> Option<(&'t Tenant, KeyKind)> {
    let header = authorization?.trim();
    // the scheme is case-insensitive (RFC 9110): `Bearer`, `bearer`, `BEARER`
    let key = match header.split_once(' ') {
        Some((scheme, key)) if scheme.eq_ignore_ascii_case("bearer") => key.trim(),
        _ => header,
    };
    if key.is_empty() {
        return None;
    }
    let digest = hex(&Sha256::digest(key.as_bytes()));
    let mut found = None;
    for t in tenants {
        // No early exit: each tenant (and each of its keys) costs the same whether or not it matches.
        let secret = t.secret_hashes().fold(false, |any, h| {
            constant_time_eq(digest.as_bytes(), h.to_ascii_lowercase().as_bytes()) | any
        });
        let publishable = constant_time_eq(key.as_bytes(), t.publishable_key.as_bytes());
        if found.is_none() && secret {
            found = Some((t, KeyKind::Secret));
        } else if found.is_none() && publishable {
            found = Some((t, KeyKind::Publishable));
        }
    }
    found
}

fn constant_time_eq(a: &[u8], b: &[u8]) -> bool {
    if a.len() != b.len() {
        return false;
    }
    a.iter().zip(b).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
}

#[cfg(test)]
mod tests {
    use super::*;

    fn tenants() -> Vec<Tenant> {
        let json = format!(
            r#"[{{"appDefId":"app-1","secretKeySha256":"{}","publishableKey":"pk_1"}},
                {{"appDefId":"app-2","secretKeySha256":"{}","publishableKey":"pk_2"}}]"#,
            hex(&Sha256::digest(b"sk_1")),
            hex(&Sha256::digest(b"sk_2"))
        );
        parse(&json).unwrap()
    }

    #[test]
    fn finds_the_tenant_and_kind_of_a_key() {
        let t = tenants();
        let who = |h: Option<&str>| authenticate(&t, h).map(|(t, k)| (t.app_def_id.as_str(), k));
        assert_eq!(who(Some("sk_1")), Some(("app-1", KeyKind::Secret)));
        assert_eq!(who(Some("Bearer sk_2")), Some(("app-2", KeyKind::Secret)));
        assert_eq!(who(Some("bearer sk_2")), Some(("app-2", KeyKind::Secret)));
        assert_eq!(
            who(Some("BEARER  pk_2")),
            Some(("app-2", KeyKind::Publishable))
        );
        assert_eq!(who(Some("pk_2")), Some(("app-2", KeyKind::Publishable)));
        assert_eq!(
            who(Some("Bearer pk_1")),
            Some(("app-1", KeyKind::Publishable))
        );
        for bad in [
            None,
            Some(""),
            Some("Bearer "),
            Some("sk_3"),
            Some("sk_1x"),
            Some("PK_1"),
        ] {
            assert_eq!(who(bad), None, "{bad:?}");
        }
    }

    #[test]
    fn rejects_a_malformed_tenant_list() {
        assert!(parse("{}").is_err());
        assert!(
            parse(r#"[{"appDefId":"a","secretKeySha256":"abc","publishableKey":"pk"}]"#).is_err()
        );
    }

    #[test]
    fn rejects_a_repeated_tenant_or_key_without_quoting_it() {
        let entry = |id: &str, secret: &[u8], pk: &str| {
            format!(
                r#"{{"appDefId":"{id}","secretKeySha256":"{}","publishableKey":"{pk}"}}"#,
                hex(&Sha256::digest(secret))
            )
        };
        for (second, what) in [
            (entry("app-1", b"sk_2", "pk_2"), "appDefId"),
            (entry("app-2", b"sk_1", "pk_2"), "secret key"),
            (entry("app-2", b"sk_2", "pk_1"), "publishable key"),
            (
                entry("app-2", b"pk_1", "pk_2"),
                "public for one and secret for the other",
            ),
        ] {
            let list = format!("[{},{second}]", entry("app-1", b"sk_1", "pk_1"));
            let why = parse(&list).unwrap_err();
            assert!(why.contains(what), "{why}");
            assert!(
                !why.contains("pk_") && !why.contains(&hex(&Sha256::digest(b"sk_1"))),
                "{why}"
            );
        }
        assert!(parse(&format!(
            "[{},{}]",
            entry("app-1", b"sk_1", "pk_1"),
            entry("app-2", b"sk_2", "pk_2")
        ))
        .is_ok());
    }

    #[test]
    fn a_secret_key_being_rotated_out_works_until_it_is_removed() {
        let h = |k: &[u8]| hex(&Sha256::digest(k));
        let list = format!(
            r#"[{{"appDefId":"app-1","secretKeySha256":"{}","previousSecretKeySha256":["{}"],"publishableKey":"pk_1"}}]"#,
            h(b"sk_new"),
            h(b"sk_old")
        );
        let t = parse(&list).unwrap();
        for key in ["sk_new", "sk_old"] {
            assert_eq!(
                authenticate(&t, Some(key)).map(|(t, k)| (t.app_def_id.as_str(), k)),
                Some(("app-1", KeyKind::Secret)),
                "{key}"
            );
        }
        let t = parse(&list.replace(&format!(r#""{}""#, h(b"sk_old")), "")).unwrap();
        assert!(authenticate(&t, Some("sk_old")).is_none(), "retired");
        // an old key may not be another tenant's key, nor malformed
        let other = format!(
            r#"{{"appDefId":"app-2","secretKeySha256":"{}","publishableKey":"pk_2"}}"#,
            h(b"sk_old")
        );
        let why = parse(&format!("[{},{other}]", &list[1..list.len() - 1])).unwrap_err();
        assert!(why.contains("secret key"), "{why}");
        assert!(parse(&list.replace(&h(b"sk_old"), "xyz")).is_err());
    }
}
