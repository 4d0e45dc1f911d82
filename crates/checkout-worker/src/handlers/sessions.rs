//! Order sessions (`docs/api.md`, Order sessions): `POST /v2/order-sessions` prices
//! the session's data with the core and seals it in a JWE with the tenant's
//! newest key; `GET /v2/order-sessions/{id}` opens it with any of the tenant's
//! keys. Nothing is stored.

use crate::error::{ApiError, ApiResult};
use crate::ids::{self, uuid_v4};
use crate::request::Call;
use checkout_core::session::{self, Claims, SessionError};
use checkout_core::time::Timestamp;
use serde_json::{json, Value};

/// Lifetime of a session unless `ttlSeconds` says otherwise, and the bounds of that.
const DEFAULT_TTL: i64 = 30 * 60;
const TTL: std::ops::RangeInclusive<i64> = 60..=7 * 24 * 3600;
const ISSUER: &str = "edge-checkout";

pub async fn create(call: &Call<'_>) -> ApiResult<Value> {
    let tenant = call.tenant()?;
    let data = call.body.get("sessionData").cloned().unwrap_or(Value::Null);
    let ttl = match call.body.get("ttlSeconds") {
        None | Some(Value::Null) => DEFAULT_TTL,
        Some(v) => v.as_i64().filter(|t| TTL.contains(t)).ok_or_else(|| {
            ApiError::invalid(
                "ttlSeconds",
                format!(
                    "a whole number of seconds from {} to {}",
                    TTL.start(),
                    TTL.end()
                ),
            )
        })?,
    };
    let store = call.db()?.store().await?;
    session::cart(&data, store.as_ref(), Some(call.now))?;
    let keys = tenant.session_keys();
    let key = keys.last().ok_or_else(|| {
        ApiError::Internal(format!("tenant {} has no session key", tenant.app_def_id))
    })?;
    let iat = call.now.millis().div_euclid(1000);
    let claims = Claims {
        iss: ISSUER.into(),
        aud: tenant.app_def_id.clone(),
        iat,
        exp: iat + ttl,
        jti: uuid_v4().map_err(|e| ApiError::Internal(e.to_string()))?,
        session_data: data,
    };
    Ok(json!({ "orderSessionId": session::seal(&claims, key, ids::nonce()?) }))
}

pub async fn get(call: &Call<'_>) -> ApiResult<Value> {
    let tenant = call.tenant()?;
    let token = call.param(0);
    let claims = session::open(token, &tenant.session_keys(), &tenant.app_def_id, call.now)
        .map_err(|e| match e {
            SessionError::Invalid => ApiError::InvalidOrderSession,
            SessionError::Expired => ApiError::OrderSessionExpired,
        })?;
    let store = call.db()?.store().await?;
    // Priced again from the data it carries; the coupon's rules as the store has them now.
    let cart = session::cart(&claims.session_data, store.as_ref(), None)?;
    let pricing = cart.price();
    Ok(json!({ "orderSession": {
        "id": token,
        "sessionData": claims.session_data,
        "priceSummary": pricing.price_summary,
        "createdDate": Timestamp::from_millis(claims.iat.saturating_mul(1000)),
        "expirationDate": Timestamp::from_millis(claims.exp.saturating_mul(1000)),
    }}))
}
