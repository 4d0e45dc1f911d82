//! Rate limits on what the publishable key may call (Cloudflare's
//! rate-limiting binding, which `wrangler dev` runs too): every call per
//! tenant and client (`STOREFRONT_RATE_LIMIT`), and more strictly the calls
//! that try a coupon or gift card code (`CODE_RATE_LIMIT`), so that guessing
//! codes is slow (`RELIABILITY.md`, Abuse). The limits themselves are in
//! `wrangler.toml`; a worker deployed without the bindings serves no
//! publishable-key call (`503 RATE_LIMITS_UNAVAILABLE`, and a log line)
//! rather than none limited.

use crate::error::{ApiError, ApiResult};
use worker::{Env, Request};

/// Every publishable-key call, per tenant and client.
pub const STOREFRONT: &str = "STOREFRONT_RATE_LIMIT";
/// Publishable-key calls that try a coupon or gift card code, per tenant and client.
pub const CODES: &str = "CODE_RATE_LIMIT";
/// The client of a request without an address, or from a loopback one
/// (local development).
const NO_ADDRESS: &str = "local";
/// The period of both limits in `wrangler.toml`: how long to wait when one is spent.
pub const PERIOD_SECONDS: u32 = 60;

/// Who a limit counts: the tenant and the client (as Cloudflare gives its
/// address; `local` where nothing does, as under a local test).
pub fn key(req: &Request, tenant: &str) -> ApiResult<String> {
    Ok(format!("{tenant}:{}", client_of(req)?))
}

/// Who a preflight's limit counts: the client alone (a preflight carries
/// no key, so no tenant).
pub fn preflight_key(req: &Request) -> ApiResult<String> {
    Ok(format!("preflight:{}", client_of(req)?))
}

/// The client a limit key of [`key`] counts (what follows its tenant),
/// when it is someone on the internet: a request without an address or from
/// a loopback one (only under local development: Cloudflare's edge gives
/// every request its client's address) is no one's.
pub fn client_in_key(key: &str) -> Option<&str> {
    key.split_once(':')
        .map(|(_, client)| client)
        .filter(|c| *c != NO_ADDRESS)
}

fn client_of(req: &Request) -> ApiResult<String> {
    Ok(client(req.headers().get("cf-connecting-ip")?.as_deref()))
}

/// The client an address counts as: an IPv4 address itself, an IPv6
/// address its /64 (one subscriber's whole prefix, which it may rotate
/// through at will); none, or a loopback address, is local.
fn client(address: Option<&str>) -> String {
    match address.map(|a| a.parse::<std::net::IpAddr>()) {
        None => NO_ADDRESS.into(),
        Some(Ok(ip)) if ip.is_loopback() => NO_ADDRESS.into(),
        Some(Ok(std::net::IpAddr::V6(ip))) => {
            let s = ip.segments();
            format!("{:x}:{:x}:{:x}:{:x}::/64", s[0], s[1], s[2], s[3])
        }
        Some(Ok(std::net::IpAddr::V4(ip))) => ip.to_string(),
        Some(Err(_)) => address.unwrap_or_default().chars().take(64).collect(),
    }
}

/// One more call against `binding` for `key`; `429` once the limit is spent.
pub async fn spend(env: &Env, binding: &str, key: String) -> ApiResult<()> {
    let Ok(limiter) = env.rate_limiter(binding) else {
        crate::log::failure(
            "limits",
            &ApiError::Internal(format!("no {binding} binding")),
        );
        return Err(ApiError::LimitsUnavailable);
    };
    if limiter.limit(key).await?.success {
        Ok(())
    } else {
        Err(ApiError::RateLimited {
            retry_after: PERIOD_SECONDS,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::client;

    #[test]
    fn an_ipv6_client_is_its_64_and_an_ipv4_one_its_address() {
        assert_eq!(client(Some("2001:db8:1:2:aaaa::1")), "2001:db8:1:2::/64");
        assert_eq!(
            client(Some("2001:db8:1:2:ffff:ffff:ffff:ffff")),
            "2001:db8:1:2::/64"
        );
        assert_ne!(
            client(Some("2001:db8:1:3::1")),
            client(Some("2001:db8:1:2::1"))
        );
        assert_eq!(client(Some("203.0.113.7")), "203.0.113.7");
        assert_eq!(client(None), "local");
        assert_eq!(client(Some("127.0.0.1")), "local");
        assert_eq!(client(Some("::1")), "local");
    }
}
