//! Every route the worker serves, declared once: its method, path and
//! operation id, who may call it, the rate limits its publishable-key calls
//! spend, whether a retry under the same `Idempotency-Key` must not repeat
//! it, and its handler. The router ([`find`]), the key checks (`request`),
//! the CORS methods ([`methods_of`]) and the OpenAPI document's paths
//! (`openapi.rs`) all derive from this table. Whether a call writes (and so
//! sends its events at once) is not declared: it is known from what its
//! statements did (`db::Effects`).

use crate::db::Counter;
use crate::delivery;
use crate::error::{ApiError, ApiResult};
use crate::handlers::{checkouts, events, orders, payments, plans, sessions, store, webhooks};
use crate::openapi;
use crate::request::Call;
use checkout_core::checkout::payment::Happening;
use checkout_core::plans::order::{self as plan_order, PlanOrderChange};
use checkout_core::plans::Action;
use std::future::Future;
use std::pin::Pin;
use Access::{Public, Secret, Signed, Storefront};

/// Who may call a route.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Access {
    /// No key needed.
    Public,
    /// The secret key only.
    Secret,
    /// The secret key or the publishable key (storefront operations).
    Storefront,
    /// No key: a provider's call, authenticated by its signature over the
    /// body with the secret of the tenant the query names (`?tenant=`).
    Signed,
}

/// The rate limits a route's publishable-key calls spend (`limits.rs`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Limit {
    /// None: no publishable key nor provider may call it.
    None,
    /// Each call counts against the storefront limit.
    Storefront,
    /// Each call counts, and a call that tries a coupon or gift card code
    /// also counts against the stricter limit on codes.
    Codes,
    /// Each call counts against the per-client limit, whatever it carries
    /// (a provider's signed call: counted before its signature is checked).
    Client,
}

/// A handler's answer: the body as JSON text.
pub type Answer<'c> = Pin<Box<dyn Future<Output = ApiResult<String>> + 'c>>;
/// A route's handler.
pub type Handler = for<'c> fn(&'c Call<'c>) -> Answer<'c>;

pub struct Route {
    pub method: &'static str,
    /// OpenAPI-style template: `{name}` matches one non-empty path segment.
    pub path: &'static str,
    /// The operation's id in the OpenAPI document.
    pub id: &'static str,
    pub access: Access,
    pub limit: Limit,
    /// It creates something: a retry with the same `Idempotency-Key` gets
    /// the first answer again, and creates nothing more.
    pub creates: bool,
    /// A read a page may preload: the publishable key may come in the URL
    /// (`?key=`) when no `Authorization` header does, so that the request
    /// needs no preflight and a `<link rel="preload">` can make it.
    pub key_in_url: bool,
    pub handler: Handler,
}

const fn route(
    method: &'static str,
    path: &'static str,
    id: &'static str,
    access: Access,
    handler: Handler,
) -> Route {
    let limit = match access {
        Storefront => Limit::Storefront,
        _ => Limit::None,
    };
    Route {
        method,
        path,
        id,
        access,
        limit,
        creates: false,
        key_in_url: false,
        handler,
    }
}
const fn get(path: &'static str, id: &'static str, access: Access, handler: Handler) -> Route {
    route("GET", path, id, access, handler)
}
const fn post(path: &'static str, id: &'static str, access: Access, handler: Handler) -> Route {
    route("POST", path, id, access, handler)
}
const fn put(path: &'static str, id: &'static str, access: Access, handler: Handler) -> Route {
    route("PUT", path, id, access, handler)
}
const fn patch(path: &'static str, id: &'static str, access: Access, handler: Handler) -> Route {
    route("PATCH", path, id, access, handler)
}

impl Route {
    const fn creating(self) -> Route {
        Route {
            creates: true,
            ..self
        }
    }

    const fn trying_codes(self) -> Route {
        Route {
            limit: Limit::Codes,
            ..self
        }
    }

    const fn key_in_url(self) -> Route {
        Route {
            key_in_url: true,
            ..self
        }
    }

    const fn limited_per_client(self) -> Route {
        Route {
            limit: Limit::Client,
            ..self
        }
    }
}

/// What a handler's expression gives, as the answer's JSON text.
pub trait Body {
    fn into_body(self) -> String;
}

impl Body for String {
    fn into_body(self) -> String {
        self
    }
}

impl Body for serde_json::Value {
    fn into_body(self) -> String {
        self.to_string()
    }
}

/// A [`Handler`] from an expression of the call `c` that is a future of its answer.
macro_rules! handler {
    (|$c:ident| $answer:expr) => {{
        fn handle<'c>($c: &'c Call<'c>) -> Answer<'c> {
            Box::pin(async move { Ok(Body::into_body($answer.await?)) })
        }
        handle as Handler
    }};
}

#[rustfmt::skip]
pub const ROUTES: &[Route] = &[
    get("/openapi.json", "getOpenApi", Public, handler!(|c| openapi::served(c))),
    get("/.well-known/jwks.json", "getJwks", Public, handler!(|c| async { Ok::<_, ApiError>(delivery::jwks(c.env)) })),
    get("/admin/v1/store", "getStore", Secret, handler!(|c| store::get(c))),
    put("/admin/v1/store", "putStore", Secret, handler!(|c| store::put(c))),
    get("/admin/v1/store/usage", "getStoreUsage", Secret, handler!(|c| store::usage(c))),
    post("/admin/v1/catalog/{itemId}/stock", "changeStock", Secret, handler!(|c| store::change_counter(c, Counter::Stock))),
    post("/admin/v1/gift-cards/{code}/balance", "changeGiftCardBalance", Secret, handler!(|c| store::change_counter(c, Counter::GiftCard))),
    get("/admin/v1/events", "listEvents", Secret, handler!(|c| events::list(c))),
    get("/admin/v1/events/{id}", "getEvent", Secret, handler!(|c| events::get(c))),
    post("/admin/v1/events/{id}/redeliver", "redeliverEvent", Secret, handler!(|c| events::redeliver(c))),
    get("/admin/v1/webhooks", "getWebhookEndpoint", Secret, handler!(|c| webhooks::health(c))),
    get("/admin/v1/webhooks/secret", "getWebhookSecrets", Secret, handler!(|c| webhooks::secret(c))),
    post("/admin/v1/webhooks/rotate-secret", "rotateWebhookSecret", Secret, handler!(|c| webhooks::rotate_secret(c))),
    post("/admin/v1/webhooks/retire-secrets", "retireWebhookSecrets", Secret, handler!(|c| webhooks::retire_secrets(c))),
    post("/admin/v1/webhooks/recover", "recoverWebhookEvents", Secret, handler!(|c| webhooks::recover(c))),
    post("/ecom/v1/checkouts", "createCheckout", Storefront, handler!(|c| checkouts::create(c))).creating().trying_codes(),
    // before the routes of one checkout, whose `{id}` it would otherwise fill
    get("/ecom/v1/checkouts/by-cart-id/{id}", "getCheckoutByCartId", Storefront, handler!(|c| checkouts::by_cart_id(c))),
    get("/ecom/v1/checkouts/{id}", "getCheckout", Storefront, handler!(|c| checkouts::get(c))).key_in_url(),
    patch("/ecom/v1/checkouts/{id}", "updateCheckout", Storefront, handler!(|c| checkouts::update(c))).trying_codes(),
    get("/ecom/v1/checkouts/{id}/checkout-url", "getCheckoutUrl", Storefront, handler!(|c| checkouts::checkout_url(c, true))),
    get("/ecom/v1/checkouts/{id}/wix-checkout-url", "getWixCheckoutUrl", Storefront, handler!(|c| checkouts::checkout_url(c, false))),
    post("/ecom/v1/checkouts/{id}/add-to-checkout", "addToCheckout", Storefront, handler!(|c| checkouts::add_to_checkout(c))),
    post("/ecom/v1/checkouts/{id}/remove-line-items", "removeLineItems", Storefront, handler!(|c| checkouts::remove_line_items(c))),
    post("/ecom/v1/checkouts/{id}/update-line-items-quantity", "updateLineItemsQuantity", Storefront, handler!(|c| checkouts::update_quantities(c))),
    post("/ecom/v1/checkouts/{id}/remove-coupon", "removeCoupon", Storefront, handler!(|c| checkouts::remove_coupon(c))),
    post("/ecom/v1/checkouts/{id}/remove-gift-card", "removeGiftCard", Storefront, handler!(|c| checkouts::remove_gift_card(c))),
    post("/ecom/v1/checkouts/{id}/remove-override-checkout-url", "removeOverrideCheckoutUrl", Secret, handler!(|c| checkouts::remove_override_checkout_url(c))),
    post("/ecom/v1/checkouts/{id}/mark-as-completed", "markCheckoutAsCompleted", Secret, handler!(|c| checkouts::mark_as_completed(c))),
    post("/ecom/v1/checkouts/{id}/create-order", "createOrder", Storefront, handler!(|c| orders::create(c))).creating(),
    post("/ecom/v1/checkouts/{id}/create-order-and-charge", "createOrderAndCharge", Storefront, handler!(|c| orders::create_and_charge(c))).creating(),
    get("/ecom/v1/orders/{id}", "getOrder", Secret, handler!(|c| orders::get(c))),
    post("/ecom/v1/orders/search", "searchOrders", Secret, handler!(|c| orders::search(c))),
    post("/ecom/v1/orders/{id}/mark-as-paid", "markOrderPaid", Secret, handler!(|c| payments::by_merchant(c, &Happening::MarkedPaid))),
    // the same, where Wix's SDK sends it (`orders.paymentCollectionMarkOrderAsPaid`)
    post("/ecom/v1/payments-collector/orders/{id}/mark-as-paid", "paymentCollectionMarkOrderAsPaid", Secret, handler!(|c| payments::by_merchant(c, &Happening::MarkedPaid))),
    post("/ecom/v1/orders/{id}/cancel", "cancelOrder", Secret, handler!(|c| payments::by_merchant(c, &Happening::Canceled))),
    post("/payments/v1/stripe/webhook", "stripeWebhook", Signed, handler!(|c| payments::stripe_webhook(c))).limited_per_client(),
    post("/v2/order-sessions", "createOrderSession", Secret, handler!(|c| sessions::create(c))).creating(),
    get("/v2/order-sessions/{orderSessionId}", "getOrderSession", Secret, handler!(|c| sessions::get(c))),
    post("/api/v1/orders/checkout", "createOrderFromCheckoutSession", Secret, handler!(|c| orders::of_completed_checkout(c))),
    post("/pricing-plans/v2/checkout/orders/price-preview", "getPricePreview", Secret, handler!(|c| plans::price_preview(c))),
    post("/pricing-plans/v2/checkout/orders/preview-offline", "getOfflineOrderPreview", Secret, handler!(|c| plans::preview(c, false))),
    post("/pricing-plans/v2/checkout/orders/preview-online", "getOnlineOrderPreview", Secret, handler!(|c| plans::preview(c, true))),
    post("/pricing-plans/v2/checkout/orders/eligibility", "getEligibility", Secret, handler!(|c| plans::eligibility(c))),
    post("/pricing-plans/v2/checkout/orders/offline", "createOfflineOrder", Secret, handler!(|c| plans::create_offline(c))).creating(),
    get("/pricing-plans/v2/orders", "managementListOrders", Secret, handler!(|c| plans::list(c))),
    get("/pricing-plans/v2/orders/{id}", "managementGetOrder", Secret, handler!(|c| plans::get(c))),
    patch("/pricing-plans/v2/orders/{id}", "postponeEndDate", Secret, handler!(|c| plans::change(c, |b| Ok(PlanOrderChange::Act(plan_order::postpone_end_date(b)?))))),
    post("/pricing-plans/v2/orders/{id}/set-start-date", "setStartDate", Secret, handler!(|c| plans::change(c, |b| Ok(PlanOrderChange::Act(plan_order::set_start_date(b)?))))),
    post("/pricing-plans/v2/orders/{id}/mark-as-paid", "markAsPaid", Secret, handler!(|c| plans::change(c, |_| Ok(PlanOrderChange::MarkAsPaid)))),
    post("/pricing-plans/v2/orders/{id}/cancel", "managementCancelOrder", Secret, handler!(|c| plans::change(c, |b| Ok(PlanOrderChange::Act(plan_order::cancel(b)?))))),
    post("/pricing-plans/v2/orders/{id}/pause", "pauseOrder", Secret, handler!(|c| plans::change(c, |_| Ok(PlanOrderChange::Act(Action::Pause))))),
    post("/pricing-plans/v2/orders/{id}/resume", "resumeOrder", Secret, handler!(|c| plans::change(c, |_| Ok(PlanOrderChange::Act(Action::Resume))))),
];

#[derive(Debug, PartialEq, Eq)]
pub enum Miss {
    NotFound,
    MethodNotAllowed,
}

/// The route for a method and path, with the path parameters in order.
pub fn find<'p>(method: &str, path: &'p str) -> Result<(&'static Route, Vec<&'p str>), Miss> {
    let mut path_matched = false;
    for route in ROUTES {
        if let Some(params) = match_path(route.path, path) {
            if route.method == method {
                return Ok((route, params));
            }
            path_matched = true;
        }
    }
    Err(if path_matched {
        Miss::MethodNotAllowed
    } else {
        Miss::NotFound
    })
}

/// Path parameters that are secrets (a gift card's code, an order
/// session's token): the access log keeps their names, never their values.
const SECRET_PARAMS: [&str; 2] = ["{code}", "{orderSessionId}"];

/// A path as the access log may keep it: the secret parameters of its
/// route (`routed`, when the request was routed; else the route whose path
/// it has) written as their names; a path of no route cut after its second
/// segment (whatever a client typed there stays out of the log).
pub fn loggable(path: &str, routed: Option<&Route>) -> String {
    let route = routed.or_else(|| ROUTES.iter().find(|r| match_path(r.path, path).is_some()));
    let Some(route) = route else {
        let kept: Vec<&str> = path.split('/').take(3).collect();
        let cut = path.split('/').count() > 3;
        return format!("{}{}", kept.join("/"), if cut { "/…" } else { "" });
    };
    route
        .path
        .split('/')
        .zip(path.split('/'))
        .map(|(t, p)| if SECRET_PARAMS.contains(&t) { t } else { p })
        .collect::<Vec<_>>()
        .join("/")
}

/// The methods of the routes of `access` on a path (for a CORS preflight).
pub fn methods_of(path: &str, access: Access) -> Vec<&'static str> {
    ROUTES
        .iter()
        .filter(|r| r.access == access && match_path(r.path, path).is_some())
        .map(|r| r.method)
        .collect()
}

fn match_path<'p>(template: &str, path: &'p str) -> Option<Vec<&'p str>> {
    let mut params = Vec::new();
    let mut t = template.split('/');
    let mut p = path.split('/');
    loop {
        match (t.next(), p.next()) {
            (None, None) => return Some(params),
            (Some(ts), Some(ps)) if ts.starts_with('{') && ts.ends_with('}') && !ps.is_empty() => {
                params.push(ps)
            }
            (Some(ts), Some(ps)) if ts == ps => {}
            _ => return None,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::BTreeSet;

    #[test]
    fn matches_templates_and_tells_405_from_404() {
        assert_eq!(
            find("GET", "/admin/v1/store").map(|(r, _)| r.id),
            Ok("getStore")
        );
        assert_eq!(
            find("DELETE", "/admin/v1/store").err(),
            Some(Miss::MethodNotAllowed)
        );
        assert_eq!(find("GET", "/admin/v1/stores").err(), Some(Miss::NotFound));
        assert_eq!(find("GET", "/admin/v1/store/").err(), Some(Miss::NotFound));
        assert_eq!(match_path("/a/{id}/b", "/a/x1/b"), Some(vec!["x1"]));
        assert_eq!(match_path("/a/{id}/b", "/a//b"), None);
    }

    #[test]
    fn the_log_keeps_no_code_nor_token() {
        assert_eq!(
            loggable("/admin/v1/gift-cards/GIFT-25/balance", None),
            "/admin/v1/gift-cards/{code}/balance"
        );
        assert_eq!(
            loggable("/v2/order-sessions/a.b.c.d.e", None),
            "/v2/order-sessions/{orderSessionId}"
        );
        assert_eq!(
            loggable("/ecom/v1/checkouts/c-1/create-order", None),
            "/ecom/v1/checkouts/c-1/create-order"
        );
        assert_eq!(
            loggable("/v2/order-sessions/a.b.c.d.e/x", None),
            "/v2/order-sessions/…"
        );
        assert_eq!(loggable("/nothing", None), "/nothing");
    }

    fn document() -> serde_json::Value {
        crate::openapi::document().expect("the OpenAPI document is made")
    }

    /// The served document's operations are the routes, each at its method
    /// and path with its id; every description is a route's, and no route
    /// lacks one.
    #[test]
    fn openapi_document_is_the_routes() {
        let doc = document();
        assert_eq!(
            doc["openapi"].as_str().map(|v| v.starts_with("3.1")),
            Some(true)
        );
        let mut documented = BTreeSet::new();
        for (path, item) in doc["paths"].as_object().expect("paths") {
            for method in ["get", "put", "post", "patch", "delete"] {
                if let Some(op) = item.get(method) {
                    documented.insert((
                        method.to_uppercase(),
                        path.clone(),
                        op["operationId"].to_string(),
                    ));
                }
            }
        }
        let served: BTreeSet<_> = ROUTES
            .iter()
            .map(|r| {
                (
                    r.method.to_string(),
                    r.path.to_string(),
                    serde_json::json!(r.id).to_string(),
                )
            })
            .collect();
        assert_eq!(documented, served);
        let ids: BTreeSet<&str> = ROUTES.iter().map(|r| r.id).collect();
        assert_eq!(ids.len(), ROUTES.len(), "every operation id is unique");
        let source: serde_json::Value =
            serde_json::from_str(include_str!("../openapi.json")).expect("openapi.json parses");
        let described: BTreeSet<&str> = source["x-operations"]
            .as_object()
            .expect("x-operations")
            .keys()
            .map(String::as_str)
            .collect();
        assert_eq!(described, ids, "every description is a route's");
    }

    /// What the declarations say is in the document: the keys, and the
    /// rate limit where a publishable key's calls have one.
    #[test]
    fn openapi_document_says_what_the_declarations_say() {
        let doc = document();
        for r in ROUTES {
            let op = &doc["paths"][r.path][r.method.to_lowercase()];
            let keys: Vec<&str> = op["security"]
                .as_array()
                .map(|s| {
                    s.iter()
                        .filter_map(|k| k.as_object()?.keys().next().map(String::as_str))
                        .collect()
                })
                .unwrap_or_default();
            let expected: &[&str] = match r.access {
                Access::Public | Access::Signed => &[],
                Access::Secret => &["secretKey"],
                Access::Storefront => &["secretKey", "publishableKey"],
            };
            assert_eq!(keys, expected, "{} {}", r.method, r.path);
            let limited = matches!(r.access, Access::Storefront | Access::Signed);
            assert_eq!(r.limit != Limit::None, limited, "{}", r.id);
        }
    }

    /// The document lists create-order's preconditions as the core has them, in order.
    #[test]
    fn openapi_document_lists_the_preconditions() {
        use checkout_core::checkout::order::Precondition;
        let doc = document();
        let listed = &doc["components"]["schemas"]["CreateOrderPrecondition"]["enum"];
        let core: Vec<&str> = Precondition::ALL.iter().map(|p| p.as_str()).collect();
        assert_eq!(listed, &serde_json::json!(core));
    }

    /// Every route `of` picks names `response` for `status` in the document.
    fn every_route_answers(of: impl Fn(&Route) -> bool, status: &str, response: &str) {
        let doc = document();
        for r in ROUTES.iter().filter(|r| of(r)) {
            let op = &doc["paths"][r.path][r.method.to_lowercase()];
            assert_eq!(
                op["responses"][status]["$ref"],
                format!("#/components/responses/{response}"),
                "{} {}",
                r.method,
                r.path
            );
        }
    }

    /// Every route the publishable key may call says it may be rate limited.
    #[test]
    fn openapi_document_says_the_storefront_routes_are_rate_limited() {
        every_route_answers(|r| r.access == Access::Storefront, "429", "RateLimited");
    }

    /// Every route of a tenant's store says it may answer 503 while the store moves.
    #[test]
    fn openapi_document_says_a_moving_store_answers_503() {
        every_route_answers(|r| r.access != Access::Public, "503", "StoreMoving");
    }

    /// The document's currencies and sales channels are the core's.
    #[test]
    fn openapi_document_lists_the_currencies_and_channels() {
        use checkout_core::pricing::Currency;
        let doc = document();
        let schemas = &doc["components"]["schemas"];
        let currencies: Vec<&str> = Currency::all().map(Currency::code).collect();
        assert_eq!(
            schemas["CurrencyCode"]["enum"],
            serde_json::json!(currencies)
        );
        assert_eq!(
            schemas["ChannelType"]["enum"],
            serde_json::json!(checkout_core::checkout::CHANNELS)
        );
    }
}
