//! Cross-origin calls from storefront pages (CORS). A store lists its
//! storefront origins (`allowedOrigins`); the worker's own origin always may
//! call. Only the publishable-key routes answer CORS: a preflight for them
//! from a listed origin is allowed with their methods and headers, anything
//! else gets no CORS headers, and a request from a page of an origin its
//! tenant does not list is refused before it is read (`403
//! ORIGIN_NOT_ALLOWED`). A secret key is never used from a page: a secret-key
//! call that carries another origin is refused the same way.

use crate::error::ApiResult;
use crate::routes::{self, Access};
use crate::{db, limits};
use worker::{Env, Headers, Request, Response};

/// How long a browser may keep a preflight's answer.
const MAX_AGE_SECONDS: &str = "600";
/// The request headers a storefront page sends.
const ALLOWED_HEADERS: &str = "authorization, content-type, idempotency-key";
/// The response headers a page may read.
const EXPOSED_HEADERS: &str = "x-wix-request-id, x-request-id, idempotent-replayed, retry-after";

/// The `Origin` of a cross-origin call: present and not the worker's own.
pub fn foreign_origin(req: &Request) -> ApiResult<Option<String>> {
    let own = req
        .url()
        .map(|u| u.origin().ascii_serialization())
        .unwrap_or_default();
    Ok(req.headers().get("origin")?.filter(|o| *o != own))
}

/// The answer to a preflight (`OPTIONS`): the storefront methods of the path
/// for an origin some store lists; no CORS headers otherwise. A cross-origin
/// preflight counts against its client's storefront limit (it carries no
/// key, so no tenant's) and costs one index probe.
pub async fn preflight(req: &Request, env: &Env) -> ApiResult<Response> {
    let methods = routes::methods_of(&req.path(), Access::Storefront);
    let mut resp = Response::empty()?.with_status(204);
    let headers = resp.headers_mut();
    headers.set("vary", "Origin")?;
    let Some(origin) = foreign_origin(req)? else {
        return Ok(resp);
    };
    limits::spend(env, limits::STOREFRONT, limits::preflight_key(req)?).await?;
    if methods.is_empty() || !db::any_store_allows_origin(env, &origin).await? {
        return Ok(resp);
    }
    headers.set("access-control-allow-origin", &origin)?;
    headers.set("access-control-allow-methods", &methods.join(", "))?;
    headers.set("access-control-allow-headers", ALLOWED_HEADERS)?;
    headers.set("access-control-max-age", MAX_AGE_SECONDS)?;
    Ok(resp)
}

/// The CORS headers of an answer to an allowed cross-origin call.
pub fn allow(headers: &Headers, origin: &str) -> ApiResult<()> {
    headers.set("access-control-allow-origin", origin)?;
    headers.set("access-control-expose-headers", EXPOSED_HEADERS)?;
    Ok(())
}
