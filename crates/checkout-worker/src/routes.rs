//! Every route the worker serves, in one table: the router dispatches on it and
//! a test holds it equal to the OpenAPI document (`openapi.json`).

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

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Op {
    OpenApi,
    Jwks,
    GetStore,
    PutStore,
    ChangeStock,
    ChangeGiftCardBalance,
    ListEvents,
    GetEvent,
    RedeliverEvent,
    CreateCheckout,
    GetCheckoutByCartId,
    GetCheckout,
    GetWixCheckoutUrl,
    UpdateCheckout,
    GetCheckoutUrl,
    AddToCheckout,
    RemoveLineItems,
    UpdateLineItemsQuantity,
    RemoveCoupon,
    RemoveGiftCard,
    RemoveOverrideCheckoutUrl,
    MarkAsCompleted,
    CreateOrder,
    CreateOrderAndCharge,
    GetOrder,
    SearchOrders,
    CreateOrderSession,
    GetOrderSession,
    CheckoutSessionOrder,
    PlanPricePreview,
    PlanPreviewOffline,
    PlanPreviewOnline,
    PlanEligibility,
    PlanCreateOffline,
    PlanGet,
    PlanList,
    PlanSetStartDate,
    PlanMarkAsPaid,
    PlanPostpone,
    PlanCancel,
    PlanPause,
    PlanResume,
    MarkOrderPaid,
    CancelOrder,
    StripeWebhook,
}

impl Op {
    /// Whether the operation creates something, so that a retry with the
    /// same `Idempotency-Key` must not create it twice.
    pub fn creates(self) -> bool {
        matches!(
            self,
            Op::CreateCheckout
                | Op::CreateOrder
                | Op::CreateOrderAndCharge
                | Op::PlanCreateOffline
                | Op::CreateOrderSession
        )
    }
}

pub struct Route {
    pub method: &'static str,
    /// OpenAPI-style template: `{name}` matches one non-empty path segment.
    pub path: &'static str,
    pub op: Op,
    pub access: Access,
}

pub const ROUTES: &[Route] = &[
    Route {
        method: "GET",
        path: "/openapi.json",
        op: Op::OpenApi,
        access: Access::Public,
    },
    Route {
        method: "GET",
        path: "/.well-known/jwks.json",
        op: Op::Jwks,
        access: Access::Public,
    },
    Route {
        method: "GET",
        path: "/admin/v1/store",
        op: Op::GetStore,
        access: Access::Secret,
    },
    Route {
        method: "PUT",
        path: "/admin/v1/store",
        op: Op::PutStore,
        access: Access::Secret,
    },
    Route {
        method: "POST",
        path: "/admin/v1/catalog/{itemId}/stock",
        op: Op::ChangeStock,
        access: Access::Secret,
    },
    Route {
        method: "POST",
        path: "/admin/v1/gift-cards/{code}/balance",
        op: Op::ChangeGiftCardBalance,
        access: Access::Secret,
    },
    Route {
        method: "GET",
        path: "/admin/v1/events",
        op: Op::ListEvents,
        access: Access::Secret,
    },
    Route {
        method: "GET",
        path: "/admin/v1/events/{id}",
        op: Op::GetEvent,
        access: Access::Secret,
    },
    Route {
        method: "POST",
        path: "/admin/v1/events/{id}/redeliver",
        op: Op::RedeliverEvent,
        access: Access::Secret,
    },
    Route {
        method: "POST",
        path: "/ecom/v1/checkouts",
        op: Op::CreateCheckout,
        access: Access::Storefront,
    },
    // before the routes of one checkout, whose `{id}` it would otherwise fill
    Route {
        method: "GET",
        path: "/ecom/v1/checkouts/by-cart-id/{id}",
        op: Op::GetCheckoutByCartId,
        access: Access::Storefront,
    },
    Route {
        method: "GET",
        path: "/ecom/v1/checkouts/{id}",
        op: Op::GetCheckout,
        access: Access::Storefront,
    },
    Route {
        method: "PATCH",
        path: "/ecom/v1/checkouts/{id}",
        op: Op::UpdateCheckout,
        access: Access::Storefront,
    },
    Route {
        method: "GET",
        path: "/ecom/v1/checkouts/{id}/checkout-url",
        op: Op::GetCheckoutUrl,
        access: Access::Storefront,
    },
    Route {
        method: "GET",
        path: "/ecom/v1/checkouts/{id}/wix-checkout-url",
        op: Op::GetWixCheckoutUrl,
        access: Access::Storefront,
    },
    Route {
        method: "POST",
        path: "/ecom/v1/checkouts/{id}/add-to-checkout",
        op: Op::AddToCheckout,
        access: Access::Storefront,
    },
    Route {
        method: "POST",
        path: "/ecom/v1/checkouts/{id}/remove-line-items",
        op: Op::RemoveLineItems,
        access: Access::Storefront,
    },
    Route {
        method: "POST",
        path: "/ecom/v1/checkouts/{id}/update-line-items-quantity",
        op: Op::UpdateLineItemsQuantity,
        access: Access::Storefront,
    },
    Route {
        method: "POST",
        path: "/ecom/v1/checkouts/{id}/remove-coupon",
        op: Op::RemoveCoupon,
        access: Access::Storefront,
    },
    Route {
        method: "POST",
        path: "/ecom/v1/checkouts/{id}/remove-gift-card",
        op: Op::RemoveGiftCard,
        access: Access::Storefront,
    },
    Route {
        method: "POST",
        path: "/ecom/v1/checkouts/{id}/remove-override-checkout-url",
        op: Op::RemoveOverrideCheckoutUrl,
        access: Access::Secret,
    },
    Route {
        method: "POST",
        path: "/ecom/v1/checkouts/{id}/mark-as-completed",
        op: Op::MarkAsCompleted,
        access: Access::Secret,
    },
    Route {
        method: "POST",
        path: "/ecom/v1/checkouts/{id}/create-order",
        op: Op::CreateOrder,
        access: Access::Storefront,
    },
    Route {
        method: "POST",
        path: "/ecom/v1/checkouts/{id}/create-order-and-charge",
        op: Op::CreateOrderAndCharge,
        access: Access::Storefront,
    },
    Route {
        method: "GET",
        path: "/ecom/v1/orders/{id}",
        op: Op::GetOrder,
        access: Access::Secret,
    },
    Route {
        method: "POST",
        path: "/ecom/v1/orders/search",
        op: Op::SearchOrders,
        access: Access::Secret,
    },
    Route {
        method: "POST",
        path: "/ecom/v1/orders/{id}/mark-as-paid",
        op: Op::MarkOrderPaid,
        access: Access::Secret,
    },
    // the same, where Wix's SDK sends it (`orders.paymentCollectionMarkOrderAsPaid`)
    Route {
        method: "POST",
        path: "/ecom/v1/payments-collector/orders/{id}/mark-as-paid",
        op: Op::MarkOrderPaid,
        access: Access::Secret,
    },
    Route {
        method: "POST",
        path: "/ecom/v1/orders/{id}/cancel",
        op: Op::CancelOrder,
        access: Access::Secret,
    },
    Route {
        method: "POST",
        path: "/payments/v1/stripe/webhook",
        op: Op::StripeWebhook,
        access: Access::Signed,
    },
    Route {
        method: "POST",
        path: "/v2/order-sessions",
        op: Op::CreateOrderSession,
        access: Access::Secret,
    },
    Route {
        method: "GET",
        path: "/v2/order-sessions/{orderSessionId}",
        op: Op::GetOrderSession,
        access: Access::Secret,
    },
    Route {
        method: "POST",
        path: "/api/v1/orders/checkout",
        op: Op::CheckoutSessionOrder,
        access: Access::Secret,
    },
    Route {
        method: "POST",
        path: "/pricing-plans/v2/checkout/orders/price-preview",
        op: Op::PlanPricePreview,
        access: Access::Secret,
    },
    Route {
        method: "POST",
        path: "/pricing-plans/v2/checkout/orders/preview-offline",
        op: Op::PlanPreviewOffline,
        access: Access::Secret,
    },
    Route {
        method: "POST",
        path: "/pricing-plans/v2/checkout/orders/preview-online",
        op: Op::PlanPreviewOnline,
        access: Access::Secret,
    },
    Route {
        method: "POST",
        path: "/pricing-plans/v2/checkout/orders/eligibility",
        op: Op::PlanEligibility,
        access: Access::Secret,
    },
    Route {
        method: "POST",
        path: "/pricing-plans/v2/checkout/orders/offline",
        op: Op::PlanCreateOffline,
        access: Access::Secret,
    },
    Route {
        method: "GET",
        path: "/pricing-plans/v2/orders",
        op: Op::PlanList,
        access: Access::Secret,
    },
    Route {
        method: "GET",
        path: "/pricing-plans/v2/orders/{id}",
        op: Op::PlanGet,
        access: Access::Secret,
    },
    Route {
        method: "PATCH",
        path: "/pricing-plans/v2/orders/{id}",
        op: Op::PlanPostpone,
        access: Access::Secret,
    },
    Route {
        method: "POST",
        path: "/pricing-plans/v2/orders/{id}/set-start-date",
        op: Op::PlanSetStartDate,
        access: Access::Secret,
    },
    Route {
        method: "POST",
        path: "/pricing-plans/v2/orders/{id}/mark-as-paid",
        op: Op::PlanMarkAsPaid,
        access: Access::Secret,
    },
    Route {
        method: "POST",
        path: "/pricing-plans/v2/orders/{id}/cancel",
        op: Op::PlanCancel,
        access: Access::Secret,
    },
    Route {
        method: "POST",
        path: "/pricing-plans/v2/orders/{id}/pause",
        op: Op::PlanPause,
        access: Access::Secret,
    },
    Route {
        method: "POST",
        path: "/pricing-plans/v2/orders/{id}/resume",
        op: Op::PlanResume,
        access: Access::Secret,
    },
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
            find("GET", "/admin/v1/store").map(|(r, _)| r.op),
            Ok(Op::GetStore)
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

    /// Every route is in the OpenAPI document, and every operation there is a route.
    #[test]
    fn openapi_document_lists_exactly_the_routes() {
        let doc: serde_json::Value =
            serde_json::from_str(crate::handlers::OPENAPI).expect("openapi.json parses");
        assert_eq!(
            doc["openapi"].as_str().map(|v| v.starts_with("3.1")),
            Some(true)
        );
        let mut documented = BTreeSet::new();
        for (path, item) in doc["paths"].as_object().expect("paths") {
            for method in ["get", "put", "post", "patch", "delete"] {
                if item.get(method).is_some() {
                    documented.insert((method.to_uppercase(), path.clone()));
                }
            }
        }
        let served: BTreeSet<_> = ROUTES
            .iter()
            .map(|r| (r.method.to_string(), r.path.to_string()))
            .collect();
        assert_eq!(documented, served);
        let ids: Vec<&str> = doc["paths"]
            .as_object()
            .expect("paths")
            .values()
            .flat_map(|item| item.as_object().into_iter().flat_map(|ops| ops.values()))
            .filter_map(|op| op["operationId"].as_str())
            .collect();
        let unique: BTreeSet<&str> = ids.iter().copied().collect();
        assert_eq!(unique.len(), ids.len(), "every operationId is unique");
    }

    /// The document lists create-order's preconditions as the core has them, in order.
    #[test]
    fn openapi_document_lists_the_preconditions() {
        use checkout_core::checkout::order::Precondition;
        let doc: serde_json::Value =
            serde_json::from_str(crate::handlers::OPENAPI).expect("openapi.json parses");
        let listed = &doc["components"]["schemas"]["CreateOrderPrecondition"]["enum"];
        let core: Vec<&str> = Precondition::ALL.iter().map(|p| p.as_str()).collect();
        assert_eq!(listed, &serde_json::json!(core));
    }

    /// Every route `of` picks names `response` for `status` in the document.
    fn every_route_answers(of: impl Fn(&Route) -> bool, status: &str, response: &str) {
        let doc: serde_json::Value =
            serde_json::from_str(crate::handlers::OPENAPI).expect("openapi.json parses");
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
        let doc: serde_json::Value =
            serde_json::from_str(crate::handlers::OPENAPI).expect("openapi.json parses");
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
