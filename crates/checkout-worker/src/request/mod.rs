//! What a handler knows about a request: the tenant and kind of its key, its
//! path parameters and query, its body read as JSON (bounded in size) and as
//! a typed request, and the instant it is served at. The requests the core
//! does not type (an orders search) are read in their own modules.

pub mod search;

use crate::cors;
use crate::db::{Db, Effects};
use crate::error::{ApiError, ApiResult};
use crate::limits;
use crate::routes::{Access, Limit, Route};
use crate::tenants::{self, KeyKind, Tenant};
use checkout_core::checkout::Caller;
use checkout_core::pricing::input;
use checkout_core::time::Timestamp;
use futures_util::StreamExt;
use serde::de::DeserializeOwned;
use serde_json::{json, Value};
use worker::{Env, Request};

/// Largest request body accepted (`413` above it).
pub const MAX_BODY: usize = 256 * 1024;

pub struct Call<'a> {
    pub env: &'a Env,
    /// The tenant's store's rows (none on a public route).
    db: Option<Db>,
    pub tenant: Option<Tenant>,
    kind: Option<KeyKind>,
    /// The body as JSON (`{}` when empty); `Null` for methods without one.
    pub body: Value,
    /// The body's bytes as they came (what a provider's signature covers).
    pub raw: Vec<u8>,
    pub headers: worker::Headers,
    /// The path parameters, in order (`{id}`).
    params: Vec<String>,
    pub now: Timestamp,
    /// `?include=pricingInput`: checkouts carry the input they were priced from.
    pub include_pricing_input: bool,
    /// The query string's pairs, decoded.
    pub query: Vec<(String, String)>,
    limit_key: String,
    /// The rate limits its route declares.
    limit: Limit,
    /// What the call's statements did (every `db()` of it notes it here).
    pub effects: Effects,
}

/// Who calls: the tenant and kind of the key (none on a public route), and
/// the page's origin when it is another than the worker's (a publishable
/// key's storefront call; whether the store lists it is [`Who::check_origin`]'s
/// to say, where the store's rows are).
pub struct Who {
    pub tenant: Option<Tenant>,
    pub kind: Option<KeyKind>,
    pub cors_origin: Option<String>,
    /// Whom the rate limits count this call against.
    pub limit_key: String,
}

/// Checks the key for the route, and a page's origin: from another origin
/// than the worker's, only a publishable-key route may be called (a secret
/// key is never used from a page), and only if the store lists the origin.
pub async fn authenticate(req: &Request, env: &Env, route: &Route) -> ApiResult<Who> {
    let keyless = |tenant| Who {
        tenant,
        kind: None,
        cors_origin: None,
        limit_key: String::new(),
    };
    let (tenant, kind) = match route.access {
        Access::Public => return Ok(keyless(None)),
        Access::Signed => return signed(req, env, route).await,
        access => {
            let tenants = tenants::load(env)?;
            let (auth, in_url) = match req.headers().get("authorization")? {
                None if route.key_in_url => (key_in_url(req)?, true),
                header => (header, false),
            };
            let (tenant, kind) = tenants::authenticate(&tenants, auth.as_deref())
                .ok_or(ApiError::Unauthenticated)?;
            if access == Access::Secret && kind != KeyKind::Secret {
                return Err(ApiError::Forbidden);
            }
            // a URL is written into pages, logs and histories: only the public key goes there
            if in_url && kind == KeyKind::Secret {
                return Err(ApiError::SecretKeyInUrl);
            }
            // a page's key is public: a checkout page never reads with the secret key
            if kind == KeyKind::Secret && req.headers().has(PAGE_HEADER)? {
                return Err(ApiError::Forbidden);
            }
            (tenant.clone(), kind)
        }
    };
    let limit_key = limits::key(req, &tenant.app_def_id)?;
    if kind == KeyKind::Publishable && route.limit != Limit::None {
        limits::spend(env, limits::STOREFRONT, limit_key.clone()).await?;
    }
    let cors_origin = match cors::foreign_origin(req)? {
        // the store's own list is checked where its rows are (`Who::check_origin`)
        Some(origin) if route.access == Access::Storefront && kind == KeyKind::Publishable => {
            Some(origin)
        }
        Some(_) => return Err(ApiError::OriginNotAllowed),
        None => None,
    };
    Ok(Who {
        tenant: Some(tenant),
        kind: Some(kind),
        cors_origin,
        limit_key,
    })
}

/// The `?key=` of a route that takes the publishable key in its URL.
fn key_in_url(req: &Request) -> ApiResult<Option<String>> {
    Ok(req
        .url()?
        .query_pairs()
        .find(|(k, _)| k == "key")
        .map(|(_, v)| v.into_owned()))
}

/// A provider's call (Stripe's), checked here before any store is touched:
/// counted against the per-client limit first, then its signature verified
/// over the body with the secret of the tenant `?tenant=` names. An unknown
/// tenant, one without a secret, a missing header and a bad signature get
/// one and the same answer.
async fn signed(req: &Request, env: &Env, route: &Route) -> ApiResult<Who> {
    let named = req
        .url()?
        .query_pairs()
        .find(|(k, _)| k == "tenant")
        .map(|(_, v)| v.into_owned())
        .ok_or_else(|| ApiError::invalid("tenant", "the tenant's appDefId, as ?tenant="))?;
    let limit_key = limits::key(req, &named)?;
    if route.limit != Limit::None {
        limits::spend(env, limits::STOREFRONT, limit_key.clone()).await?;
    }
    let unsigned = || ApiError::from(checkout_core::stripe::unsigned());
    let tenant = tenants::load(env)?
        .iter()
        .find(|t| t.app_def_id == named)
        .cloned()
        .ok_or_else(unsigned)?;
    let secret = tenant
        .stripe_webhook_secret
        .as_deref()
        .ok_or_else(unsigned)?;
    let header = req
        .headers()
        .get("stripe-signature")?
        .ok_or_else(unsigned)?;
    let body = read_body(&mut req.clone()?).await?;
    checkout_core::stripe::verify(&body, &header, secret, crate::pipeline::now())?;
    Ok(Who {
        tenant: Some(tenant),
        kind: None,
        cors_origin: None,
        limit_key,
    })
}

/// The header the worker's checkout pages (`js/page.js`) set on the read
/// they make with the key in their URL: a secret key there is refused (403),
/// so that a page never renders, nor writes into its HTML, a secret key.
pub const PAGE_HEADER: &str = "x-edge-checkout-page";

/// The header that carries [`Who`] from the worker to a store's object:
/// set by the worker on the request it forwards (over any a client sent),
/// read only by the object, which nothing else can call.
pub const WHO_HEADER: &str = "x-edge-checkout-caller";

impl Who {
    /// `Who` as [`WHO_HEADER`] carries it.
    pub fn to_header(&self) -> String {
        json!({
            "tenant": self.tenant.as_ref().map(|t| &t.app_def_id),
            "secret": self.kind.map(|k| k == KeyKind::Secret),
            "origin": self.cors_origin,
            "limitKey": self.limit_key,
        })
        .to_string()
    }

    /// `Who` from [`WHO_HEADER`], its tenant looked up again.
    pub fn from_header(text: &str, env: &Env) -> ApiResult<Who> {
        #[derive(serde::Deserialize)]
        #[serde(rename_all = "camelCase")]
        struct Sent {
            tenant: Option<String>,
            secret: Option<bool>,
            origin: Option<String>,
            limit_key: String,
        }
        let sent: Sent =
            serde_json::from_str(text).map_err(|e| ApiError::Internal(e.to_string()))?;
        let tenant = match sent.tenant {
            Some(id) => Some(
                tenants::load(env)?
                    .iter()
                    .find(|t| t.app_def_id == id)
                    .cloned()
                    .ok_or(ApiError::Unauthenticated)?,
            ),
            None => None,
        };
        Ok(Who {
            tenant,
            kind: sent.secret.map(|s| {
                if s {
                    KeyKind::Secret
                } else {
                    KeyKind::Publishable
                }
            }),
            cors_origin: sent.origin,
            limit_key: sent.limit_key,
        })
    }

    /// A page of another origin may call only if the store lists its origin.
    pub async fn check_origin(&self, db: Option<&Db>) -> ApiResult<()> {
        if let (Some(origin), Some(db)) = (&self.cors_origin, db) {
            if !db.allows_origin(origin).await? {
                return Err(ApiError::OriginNotAllowed);
            }
        }
        Ok(())
    }

    /// A publishable-key call that writes (any method but `GET`) is refused
    /// once its store keeps its tenant's budget of bytes (as last measured);
    /// reads, payments and the merchant's calls go on.
    pub async fn check_budget(&self, route: &Route, db: Option<&Db>) -> ApiResult<()> {
        let (Some(KeyKind::Publishable), Some(tenant), Some(db)) = (self.kind, &self.tenant, db)
        else {
            return Ok(());
        };
        if route.method == "GET" {
            return Ok(());
        }
        match db.stored_bytes().await? {
            Some((bytes, _)) if bytes >= tenant.quota_bytes() => Err(ApiError::StoreQuotaExceeded),
            _ => Ok(()),
        }
    }
}

impl<'a> Call<'a> {
    /// Reads the request of a caller [`authenticate`]d for its route.
    pub async fn read(
        mut req: Request,
        env: &'a Env,
        who: Who,
        route: &Route,
        params: Vec<&str>,
        now: Timestamp,
        db: Option<Db>,
    ) -> ApiResult<Call<'a>> {
        let Who {
            tenant,
            kind,
            limit_key,
            ..
        } = who;
        let url = req.url().ok();
        let query: Vec<(String, String)> = url
            .as_ref()
            .map(|u| {
                u.query_pairs()
                    .map(|(k, v)| (k.into_owned(), v.into_owned()))
                    .collect()
            })
            .unwrap_or_default();
        let include_pricing_input = query
            .iter()
            .any(|(k, v)| k == "include" && v.split(',').any(|x| x == "pricingInput"));
        let (body, raw) = match route.method {
            "POST" | "PUT" | "PATCH" => read_json(&mut req).await?,
            _ => (Value::Null, Vec::new()),
        };
        Ok(Call {
            env,
            db,
            tenant,
            kind,
            body,
            raw,
            headers: req.headers().clone(),
            params: params.into_iter().map(String::from).collect(),
            now,
            include_pricing_input,
            query,
            limit_key,
            limit: route.limit,
            effects: Effects::default(),
        })
    }

    /// Who is asking, as the core's rules tell callers apart.
    pub fn caller(&self) -> Caller {
        match self.kind {
            Some(KeyKind::Secret) => Caller::Merchant,
            _ => Caller::Storefront,
        }
    }

    pub fn tenant(&self) -> ApiResult<&Tenant> {
        self.tenant.as_ref().ok_or(ApiError::Unauthenticated)
    }

    /// The client a publishable-key call comes from (a page's address, an
    /// IPv6 one by its /64); none for the merchant's own calls, nor for a
    /// call without an address (local development).
    pub fn storefront_client(&self) -> Option<&str> {
        (self.kind == Some(KeyKind::Publishable))
            .then(|| limits::client_in_key(&self.limit_key))
            .flatten()
    }

    /// The tenant's storage.
    pub fn db(&self) -> ApiResult<Db> {
        let db = self.db.clone().ok_or(ApiError::Unauthenticated)?;
        Ok(db.noting(&self.effects))
    }

    /// A publishable-key call that tries a coupon or gift card code spends
    /// the stricter limit too.
    pub async fn spend_code_attempt(&self) -> ApiResult<()> {
        if self.limit != Limit::Codes {
            return Err(ApiError::Internal(
                "a code tried on a route not declared as trying codes".into(),
            ));
        }
        if self.kind == Some(KeyKind::Publishable) {
            limits::spend(self.env, limits::CODES, self.limit_key.clone()).await?;
        }
        Ok(())
    }

    /// The `i`th path parameter (`""` when the route has none).
    pub fn param(&self, i: usize) -> &str {
        self.params.get(i).map_or("", String::as_str)
    }

    /// The body as a typed request; a mistyped field is a 400 at its path.
    pub fn request<T: DeserializeOwned>(&self) -> ApiResult<T> {
        Ok(input::deserialize(self.body_or_empty())?)
    }

    /// The body, `{}` when there is none.
    pub fn body_or_empty(&self) -> Value {
        match &self.body {
            Value::Null => json!({}),
            body => body.clone(),
        }
    }
}

/// The request body as JSON, and its bytes: at most [`MAX_BODY`] bytes, `{}`
/// when empty. A larger body is refused when its `Content-Length` says so,
/// and otherwise while it streams in, as soon as it passes the limit: never
/// held whole.
async fn read_json(req: &mut Request) -> ApiResult<(Value, Vec<u8>)> {
    let bytes = read_body(req).await?;
    if bytes.iter().all(u8::is_ascii_whitespace) {
        return Ok((json!({}), bytes));
    }
    let json = serde_json::from_slice(&bytes).map_err(|e| ApiError::Invalid {
        field: String::new(),
        description: format!("the body is not valid JSON: {e}"),
        rule: "FORMAT",
    })?;
    Ok((json, bytes))
}

/// Reads a refused request's body (up to [`MAX_BODY`]) and drops it: a
/// body left unread where a call was forwarded (a store's object) cuts the
/// caller's connection under workerd, and the caller's next request on it
/// fails.
pub async fn discard_body(mut req: Request) {
    let _ = read_body(&mut req).await;
}

/// The body's bytes, at most [`MAX_BODY`] of them.
async fn read_body(req: &mut Request) -> ApiResult<Vec<u8>> {
    let too_large = ApiError::PayloadTooLarge { limit: MAX_BODY };
    let declared = req
        .headers()
        .get("content-length")?
        .and_then(|l| l.parse::<usize>().ok());
    if declared.is_some_and(|l| l > MAX_BODY) {
        return Err(too_large);
    }
    let mut bytes = Vec::with_capacity(declared.unwrap_or(0));
    if req.inner().body().is_some() {
        let mut stream = req.stream()?;
        while let Some(chunk) = stream.next().await {
            let chunk = chunk?;
            if bytes.len() + chunk.len() > MAX_BODY {
                return Err(too_large);
            }
            bytes.extend_from_slice(&chunk);
        }
    }
    Ok(bytes)
}
