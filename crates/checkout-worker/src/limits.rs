//! Rate limits on what the publishable key may call (Cloudflare's
//! rate-limiting binding, which `wrangler dev` runs too): every call per
//! tenant and client (`STOREFRONT_RATE_LIMIT`), and more strictly the calls
//! that try a coupon or gift card code (`CODE_RATE_LIMIT`), so that guessing
//! codes is slow (`RELIABILITY.md`, Abuse). The limits themselves are in
//! `wrangler.toml`; a worker deployed without the bindings has no limits.

use crate::error::{ApiError, ApiResult};
use worker::{Env, Request};

/// Every publishable-key call, per tenant and client.
pub const STOREFRONT: &str = "STOREFRONT_RATE_LIMIT";
/// Publishable-key calls that try a coupon or gift card code, per tenant and client.
pub const CODES: &str = "CODE_RATE_LIMIT";
/// The period of both limits in `wrangler.toml`: how long to wait when one is spent.
pub const PERIOD_SECONDS: u32 = 60;

/// Who a limit counts: the tenant and the client's address (as Cloudflare
/// gives it; `local` where nothing does, as under a local test).
pub fn key(req: &Request, tenant: &str) -> ApiResult<String> {
    let client = req
        .headers()
        .get("cf-connecting-ip")?
        .unwrap_or_else(|| "local".into());
    Ok(format!("{tenant}:{client}"))
}

/// One more call against `binding` for `key`; `429` once the limit is spent.
pub async fn spend(env: &Env, binding: &str, key: String) -> ApiResult<()> {
    let Ok(limiter) = env.rate_limiter(binding) else {
        return Ok(());
    };
    if limiter.limit(key).await?.success {
        Ok(())
    } else {
        Err(ApiError::RateLimited {
            retry_after: PERIOD_SECONDS,
        })
    }
}
