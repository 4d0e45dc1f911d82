//! The worker's one error type, a closed set of the answers an API call can be
//! refused with, and its translation to HTTP in Wix's error shape
//! (`docs/api.md`, Errors). This module alone knows status numbers; handlers
//! name what went wrong.

use checkout_core::checkout::order::{Precondition, Violation};
use checkout_core::plans::Refused;
use checkout_core::{ErrorCode, PricingCode};
use serde_json::{json, Value};

/// What a retried write gave up on (`409` after every attempt lost).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Contended {
    Checkout,
    /// An order or a plan order.
    Order,
}

#[derive(Debug)]
pub enum ApiError {
    /// 400: a request field is missing, mistyped or out of range.
    Invalid {
        field: String,
        description: String,
        rule: &'static str,
    },
    /// 400: a rule of the core refused a value (a malformed amount, an
    /// unknown coupon), with the core's code.
    Rejected {
        code: &'static str,
        field: String,
        description: String,
    },
    /// 400: the checkout of a checkout-session order is not completed.
    CheckoutNotCompleted,
    /// 400: the checkout of a checkout-session order has no lines.
    NoLineItems,
    /// 400: the order-session id is not a token of this tenant.
    InvalidOrderSession,
    /// 401: no key, or a key of no tenant.
    Unauthenticated,
    /// 403: the key is valid but may not do this.
    Forbidden,
    /// 403: the key may not set this field (a price, the buyer's identity, a
    /// locked coupon), with why.
    FieldForbidden { field: String, description: String },
    /// 403: a page of an origin the tenant's store does not list (or a
    /// secret key used from a page).
    OriginNotAllowed,
    /// 403: a secret key in a URL (`?key=`), where only the publishable key
    /// may go.
    SecretKeyInUrl,
    /// 403: the store keeps as many bytes as its tenant's budget allows: a
    /// storefront call that would store more is refused.
    StoreQuotaExceeded,
    /// 404: no such route, or no such entity for this tenant.
    NotFound(&'static str),
    /// 405: the path exists, the method does not.
    MethodNotAllowed,
    /// 409: the checkout already has an order (its id, when known), paid or
    /// awaiting payment.
    AlreadyOrdered {
        order_id: Option<String>,
        paid: bool,
    },
    /// 409: a payment would take stock or a coupon's uses that are gone
    /// (`stockReservation: "PAYMENT"`); nothing changed.
    OutOfStock { description: String },
    /// 409: every attempt to write found the entity changed by another request.
    KeptChanging(Contended),
    /// 402: a payment could not be charged.
    PaymentFailed { description: String },
    /// 400: an idempotency key sent again with another request.
    IdempotencyKeyReused,
    /// 409: the first request with this idempotency key is still running.
    IdempotencyKeyInUse,
    /// 409: a live counter's change was not made: a guarded set found another
    /// value, or a delta would take it below zero; its value now, as shown.
    CounterConflict {
        would_be_negative: bool,
        current: Value,
    },
    /// 410: the order session's token has expired.
    OrderSessionExpired,
    /// 429: the caller spent its rate limit; try again after `retry_after` seconds.
    RateLimited { retry_after: u32 },
    /// 429: the client holds as many live unpaid orders in the store as it
    /// allows (`unpaidOrdersPerClient`); the earliest frees its place in
    /// `retry_after` seconds.
    TooManyUnpaidOrders { retry_after: u32 },
    /// 413: the request body is larger than `limit` bytes.
    PayloadTooLarge { limit: usize },
    /// 413: what the change would store (the checkout, its event) passes its
    /// ceiling in bytes.
    TooLargeToStore {
        code: &'static str,
        description: String,
    },
    /// 428: the tenant has no store configuration yet (PUT /admin/v1/store).
    StoreNotConfigured,
    /// 428: neither the store (`checkoutUrl`) nor the worker (`PUBLIC_URL`)
    /// names the checkout page.
    CheckoutUrlNotConfigured,
    /// 428: the entity's state does not allow the change (a completed
    /// checkout, a plan the buyer holds as often as it allows).
    StateDoesNotAllow {
        code: &'static str,
        field: String,
        description: String,
    },
    /// 428: create-order's preconditions that failed, the first one's code first.
    Preconditions(Vec<Violation>),
    /// 428: a plan order's status does not allow the action.
    OrderStatus(Refused),
    /// 503: the store is moving to another storage backend; try again
    /// after `retry_after` seconds.
    StoreMoving { retry_after: u32 },
    /// 503: the worker has no rate-limit binding, so no publishable-key
    /// call is served (never unlimited); logged.
    LimitsUnavailable,
    /// 500: logged with the request id; the body says nothing more.
    Internal(String),
}

impl ApiError {
    /// The HTTP status: the one place the worker chooses a number.
    pub fn status(&self) -> u16 {
        match self {
            ApiError::Invalid { .. }
            | ApiError::Rejected { .. }
            | ApiError::CheckoutNotCompleted
            | ApiError::NoLineItems
            | ApiError::InvalidOrderSession
            | ApiError::IdempotencyKeyReused => 400,
            ApiError::Unauthenticated => 401,
            ApiError::Forbidden
            | ApiError::FieldForbidden { .. }
            | ApiError::OriginNotAllowed
            | ApiError::SecretKeyInUrl
            | ApiError::StoreQuotaExceeded => 403,
            ApiError::NotFound(_) => 404,
            ApiError::MethodNotAllowed => 405,
            ApiError::AlreadyOrdered { .. }
            | ApiError::KeptChanging(_)
            | ApiError::IdempotencyKeyInUse
            | ApiError::OutOfStock { .. }
            | ApiError::CounterConflict { .. } => 409,
            ApiError::PaymentFailed { .. } => 402,
            ApiError::OrderSessionExpired => 410,
            ApiError::PayloadTooLarge { .. } | ApiError::TooLargeToStore { .. } => 413,
            ApiError::RateLimited { .. } | ApiError::TooManyUnpaidOrders { .. } => 429,
            ApiError::StoreNotConfigured
            | ApiError::CheckoutUrlNotConfigured
            | ApiError::StateDoesNotAllow { .. }
            | ApiError::Preconditions(_)
            | ApiError::OrderStatus(_) => 428,
            ApiError::StoreMoving { .. } | ApiError::LimitsUnavailable => 503,
            ApiError::Internal(_) => 500,
        }
    }

    /// A request field that does not hold what the route needs (`VALIDATION`).
    pub fn invalid(field: impl Into<String>, description: impl Into<String>) -> ApiError {
        ApiError::Invalid {
            field: field.into(),
            description: description.into(),
            rule: "VALIDATION",
        }
    }

    /// Seconds to wait before trying again (`Retry-After`), where that is the answer.
    pub fn retry_after(&self) -> Option<u32> {
        match self {
            ApiError::RateLimited { retry_after }
            | ApiError::StoreMoving { retry_after }
            | ApiError::TooManyUnpaidOrders { retry_after } => Some(*retry_after),
            ApiError::IdempotencyKeyInUse => Some(1),
            _ => None,
        }
    }

    /// The stable code a client matches on.
    pub fn code(&self) -> &'static str {
        match self {
            ApiError::Invalid { .. } => "INVALID_ARGUMENT",
            ApiError::Rejected { code, .. }
            | ApiError::StateDoesNotAllow { code, .. }
            | ApiError::TooLargeToStore { code, .. } => code,
            ApiError::CheckoutNotCompleted => "CHECKOUT_NOT_COMPLETED",
            ApiError::NoLineItems => "NO_LINE_ITEMS",
            ApiError::InvalidOrderSession => "INVALID_ORDER_SESSION_ID",
            ApiError::Unauthenticated => "UNAUTHENTICATED",
            ApiError::Forbidden | ApiError::FieldForbidden { .. } => "PERMISSION_DENIED",
            ApiError::OriginNotAllowed => "ORIGIN_NOT_ALLOWED",
            ApiError::SecretKeyInUrl => "SECRET_KEY_IN_URL",
            ApiError::StoreQuotaExceeded => "STORE_QUOTA_EXCEEDED",
            ApiError::NotFound(_) => "NOT_FOUND",
            ApiError::MethodNotAllowed => "METHOD_NOT_ALLOWED",
            ApiError::AlreadyOrdered { paid: true, .. } => "CHECKOUT_ALREADY_PAID",
            ApiError::AlreadyOrdered { paid: false, .. } => "CHECKOUT_PAYMENT_ALREADY_IN_PROGRESS",
            ApiError::PaymentFailed { .. } => "PAYMENT_ERROR",
            ApiError::OutOfStock { .. } => "OUT_OF_STOCK",
            ApiError::IdempotencyKeyReused => "IDEMPOTENCY_KEY_REUSED",
            ApiError::IdempotencyKeyInUse => "IDEMPOTENCY_KEY_IN_USE",
            ApiError::CounterConflict {
                would_be_negative: true,
                ..
            } => "COUNTER_WOULD_BE_NEGATIVE",
            ApiError::CounterConflict {
                would_be_negative: false,
                ..
            } => "COUNTER_CHANGED",
            ApiError::KeptChanging(Contended::Checkout) => "CHECKOUT_CHANGED",
            ApiError::KeptChanging(Contended::Order) => "ORDER_CHANGED",
            ApiError::OrderSessionExpired => "ORDER_SESSION_EXPIRED",
            ApiError::PayloadTooLarge { .. } => "PAYLOAD_TOO_LARGE",
            ApiError::RateLimited { .. } => "TOO_MANY_REQUESTS",
            ApiError::TooManyUnpaidOrders { .. } => "TOO_MANY_UNPAID_ORDERS",
            ApiError::StoreMoving { .. } => "STORE_MOVING",
            ApiError::LimitsUnavailable => "RATE_LIMITS_UNAVAILABLE",
            ApiError::StoreNotConfigured => "STORE_NOT_CONFIGURED",
            ApiError::CheckoutUrlNotConfigured => "CHECKOUT_URL_NOT_CONFIGURED",
            ApiError::Preconditions(violations) => violations
                .first()
                .map_or(Precondition::CalculationError, |v| v.code)
                .as_str(),
            ApiError::OrderStatus(_) => "ORDER_STATUS_DOES_NOT_ALLOW",
            ApiError::Internal(_) => "INTERNAL",
        }
    }

    fn message(&self) -> String {
        match self {
            ApiError::Invalid {
                field, description, ..
            } => format!("INVALID_ARGUMENT: \"{field}\" {description}"),
            ApiError::Rejected {
                field, description, ..
            } if !field.is_empty() => format!("{field}: {description}"),
            ApiError::Rejected { description, .. }
            | ApiError::StateDoesNotAllow { description, .. }
            | ApiError::TooLargeToStore { description, .. } => description.clone(),
            ApiError::CheckoutNotCompleted => "the checkout session is not COMPLETED".into(),
            ApiError::NoLineItems => "the checkout session has no items".into(),
            ApiError::InvalidOrderSession => "this is not a valid order session id".into(),
            ApiError::Unauthenticated => {
                "a valid API key is required in the Authorization header".into()
            }
            ApiError::Forbidden => "this key may not do this".into(),
            ApiError::FieldForbidden { description, .. } => description.clone(),
            ApiError::OriginNotAllowed => {
                "pages of this origin may not call this store: list it in the store's allowedOrigins (and use the publishable key)".into()
            }
            ApiError::SecretKeyInUrl => {
                "a secret key is never sent in a URL (URLs are logged and kept): send it in the Authorization header, and rotate it".into()
            }
            ApiError::StoreQuotaExceeded => {
                "the store keeps as much as its storage budget allows: the merchant can make room or raise it".into()
            }
            ApiError::NotFound(what) => format!("{what} not found"),
            ApiError::MethodNotAllowed => "method not allowed on this path".into(),
            ApiError::AlreadyOrdered { paid: true, .. } => {
                "an order was already created for this checkout".into()
            }
            ApiError::AlreadyOrdered { paid: false, .. } => {
                "this checkout's order awaits payment: pay it, or wait until it is canceled".into()
            }
            ApiError::KeptChanging(Contended::Checkout) => {
                "the checkout kept changing; try again".into()
            }
            ApiError::PaymentFailed { description } | ApiError::OutOfStock { description } => {
                description.clone()
            }
            ApiError::IdempotencyKeyReused => {
                "this Idempotency-Key was used with another request (method, path or body): use a new key".into()
            }
            ApiError::IdempotencyKeyInUse => {
                "the first request with this Idempotency-Key is still running: retry shortly".into()
            }
            ApiError::CounterConflict {
                would_be_negative: true,
                current,
            } => format!("the change would take it below zero: it is {current}"),
            ApiError::CounterConflict {
                would_be_negative: false,
                current,
            } => format!("it is {current}, not the value expected: read it again"),
            ApiError::KeptChanging(Contended::Order) => {
                "the order kept changing; try again".into()
            }
            ApiError::OrderSessionExpired => "this order session has expired".into(),
            ApiError::PayloadTooLarge { limit } => {
                format!("the request body is larger than {limit} bytes")
            }
            ApiError::RateLimited { retry_after } => {
                format!("too many requests: try again in {retry_after} seconds")
            }
            ApiError::StoreMoving { retry_after } => {
                format!("the store is moving to new storage: try again in {retry_after} seconds")
            }
            ApiError::TooManyUnpaidOrders { retry_after } => format!(
                "this client holds as many unpaid orders as the store allows: pay one, or try again in {retry_after} seconds"
            ),
            ApiError::LimitsUnavailable => {
                "the worker's rate limits are not configured: storefront calls are refused".into()
            }
            ApiError::StoreNotConfigured => {
                "the store is not configured yet: PUT /admin/v1/store first".into()
            }
            ApiError::CheckoutUrlNotConfigured => {
                "no checkout page is configured: give the store a checkoutUrl, or the worker a PUBLIC_URL".into()
            }
            ApiError::Preconditions(violations) => violations
                .iter()
                .map(|v| v.description.as_str())
                .collect::<Vec<_>>()
                .join("; "),
            ApiError::OrderStatus(r) => format!(
                "{} is not allowed on a {} order: {}",
                r.action,
                r.current.as_str(),
                r.reason
            ),
            ApiError::Internal(_) => "internal error".into(),
        }
    }

    /// The `applicationError.data` of the answer.
    fn data(&self) -> Value {
        match self {
            ApiError::Rejected { field, .. }
            | ApiError::StateDoesNotAllow { field, .. }
            | ApiError::FieldForbidden { field, .. } => json!({ "field": field }),
            ApiError::AlreadyOrdered {
                order_id: Some(id), ..
            } => json!({ "orderId": id }),
            ApiError::Preconditions(violations) => {
                json!({ "violations": violations.iter().map(Violation::to_json).collect::<Vec<_>>() })
            }
            ApiError::OrderStatus(r) => {
                json!({ "currentStatus": r.current.as_str(), "action": r.action })
            }
            ApiError::RateLimited { retry_after }
            | ApiError::StoreMoving { retry_after }
            | ApiError::TooManyUnpaidOrders { retry_after } => {
                json!({ "retryAfterSeconds": retry_after })
            }
            ApiError::CounterConflict { current, .. } => json!({ "current": current }),
            _ => json!({}),
        }
    }

    /// The JSON body: `{message, details: {applicationError | validationError}}`.
    pub fn body(&self) -> Value {
        let message = self.message();
        let details = match self {
            ApiError::Invalid {
                field,
                description,
                rule,
            } => json!({"validationError": {"fieldViolations": [
                {"field": field, "description": description, "violatedRule": rule}
            ]}}),
            ApiError::Rejected {
                code,
                field,
                description,
            } => json!({
                "applicationError": {"code": code, "description": description, "data": self.data()},
                "validationError": {"fieldViolations": [
                    {"field": field, "description": description, "violatedRule": "VALIDATION", "ruleName": code}
                ]}
            }),
            _ => {
                json!({"applicationError": {"code": self.code(), "description": message, "data": self.data()}})
            }
        };
        json!({"message": message, "details": details})
    }
}

impl From<checkout_core::Error> for ApiError {
    fn from(e: checkout_core::Error) -> ApiError {
        match e.code {
            ErrorCode::Pricing(PricingCode::InvalidInput) => ApiError::Invalid {
                field: e.field,
                description: e.message,
                rule: "VALIDATION",
            },
            ErrorCode::PermissionDenied => ApiError::FieldForbidden {
                field: e.field,
                description: e.message,
            },
            ErrorCode::PlanNotFound => ApiError::NotFound("plan"),
            ErrorCode::CheckoutTooLarge => ApiError::TooLargeToStore {
                code: e.code.as_str(),
                description: e.message,
            },
            ErrorCode::CheckoutPaymentInProgress => ApiError::AlreadyOrdered {
                order_id: None,
                paid: false,
            },
            ErrorCode::PaymentError => ApiError::PaymentFailed {
                description: e.message,
            },
            ErrorCode::OutOfStock => ApiError::OutOfStock {
                description: e.message,
            },
            ErrorCode::CheckoutIsComplete
            | ErrorCode::PurchaseLimitReached
            | ErrorCode::ManualPaymentDisabled
            | ErrorCode::OrderStatusDoesNotAllow => ApiError::StateDoesNotAllow {
                code: e.code.as_str(),
                field: e.field,
                description: e.message,
            },
            code => ApiError::Rejected {
                code: code.as_str(),
                field: e.field,
                description: e.message,
            },
        }
    }
}

impl From<checkout_core::pricing::Error> for ApiError {
    fn from(e: checkout_core::pricing::Error) -> ApiError {
        checkout_core::Error::from(e).into()
    }
}

impl From<worker::Error> for ApiError {
    fn from(e: worker::Error) -> ApiError {
        ApiError::Internal(e.to_string())
    }
}

pub type ApiResult<T> = Result<T, ApiError>;

#[cfg(test)]
mod tests {
    use super::*;
    use checkout_core::plans::PlanStatus;

    /// Every kind of refusal, its code and its status: the API's error table.
    #[test]
    fn each_error_has_its_code_and_status() {
        let violation = |code| Violation {
            code,
            description: "d".into(),
            line_item_ids: Vec::new(),
        };
        let core = |code: ErrorCode| ApiError::from(checkout_core::Error::new(code, "f", "m"));
        let table: Vec<(ApiError, &str, u16)> = vec![
            (ApiError::invalid("f", "d"), "INVALID_ARGUMENT", 400),
            (
                core(PricingCode::InvalidInput.into()),
                "INVALID_ARGUMENT",
                400,
            ),
            (
                core(PricingCode::InvalidAmount.into()),
                "INVALID_AMOUNT",
                400,
            ),
            (
                core(ErrorCode::CouponNotFound),
                "ERROR_COUPON_DOES_NOT_EXIST",
                400,
            ),
            (
                ApiError::CheckoutNotCompleted,
                "CHECKOUT_NOT_COMPLETED",
                400,
            ),
            (ApiError::NoLineItems, "NO_LINE_ITEMS", 400),
            (core(ErrorCode::OutOfStock), "OUT_OF_STOCK", 409),
            (
                ApiError::InvalidOrderSession,
                "INVALID_ORDER_SESSION_ID",
                400,
            ),
            (ApiError::Unauthenticated, "UNAUTHENTICATED", 401),
            (ApiError::Forbidden, "PERMISSION_DENIED", 403),
            (ApiError::OriginNotAllowed, "ORIGIN_NOT_ALLOWED", 403),
            (ApiError::SecretKeyInUrl, "SECRET_KEY_IN_URL", 403),
            (ApiError::StoreQuotaExceeded, "STORE_QUOTA_EXCEEDED", 403),
            (core(ErrorCode::PermissionDenied), "PERMISSION_DENIED", 403),
            (ApiError::NotFound("checkout"), "NOT_FOUND", 404),
            (core(ErrorCode::PlanNotFound), "NOT_FOUND", 404),
            (ApiError::MethodNotAllowed, "METHOD_NOT_ALLOWED", 405),
            (
                ApiError::AlreadyOrdered {
                    order_id: None,
                    paid: true,
                },
                "CHECKOUT_ALREADY_PAID",
                409,
            ),
            (
                ApiError::KeptChanging(Contended::Checkout),
                "CHECKOUT_CHANGED",
                409,
            ),
            (
                ApiError::KeptChanging(Contended::Order),
                "ORDER_CHANGED",
                409,
            ),
            (ApiError::OrderSessionExpired, "ORDER_SESSION_EXPIRED", 410),
            (
                ApiError::PayloadTooLarge { limit: 1 },
                "PAYLOAD_TOO_LARGE",
                413,
            ),
            (ApiError::StoreNotConfigured, "STORE_NOT_CONFIGURED", 428),
            (
                ApiError::StoreMoving { retry_after: 30 },
                "STORE_MOVING",
                503,
            ),
            (ApiError::LimitsUnavailable, "RATE_LIMITS_UNAVAILABLE", 503),
            (
                ApiError::CheckoutUrlNotConfigured,
                "CHECKOUT_URL_NOT_CONFIGURED",
                428,
            ),
            (
                core(ErrorCode::CheckoutIsComplete),
                "CHECKOUT_IS_COMPLETE",
                428,
            ),
            (
                core(ErrorCode::PurchaseLimitReached),
                "PURCHASE_LIMIT_REACHED",
                428,
            ),
            (
                core(ErrorCode::OrderStatusDoesNotAllow),
                "ORDER_STATUS_DOES_NOT_ALLOW",
                428,
            ),
            (
                core(ErrorCode::CheckoutPaymentInProgress),
                "CHECKOUT_PAYMENT_ALREADY_IN_PROGRESS",
                409,
            ),
            (core(ErrorCode::WebhookRefused), "WEBHOOK_REFUSED", 400),
            (core(ErrorCode::PaymentError), "PAYMENT_ERROR", 402),
            (
                core(ErrorCode::ManualPaymentDisabled),
                "MANUAL_PAYMENT_DISABLED",
                428,
            ),
            (
                ApiError::IdempotencyKeyReused,
                "IDEMPOTENCY_KEY_REUSED",
                400,
            ),
            (ApiError::IdempotencyKeyInUse, "IDEMPOTENCY_KEY_IN_USE", 409),
            (
                ApiError::CounterConflict {
                    would_be_negative: false,
                    current: json!(3),
                },
                "COUNTER_CHANGED",
                409,
            ),
            (
                ApiError::CounterConflict {
                    would_be_negative: true,
                    current: json!("1.00"),
                },
                "COUNTER_WOULD_BE_NEGATIVE",
                409,
            ),
            (
                ApiError::Preconditions(vec![
                    violation(Precondition::EmptyCheckout),
                    violation(Precondition::BuyerEmailRequired),
                ]),
                "EMPTY_CHECKOUT",
                428,
            ),
            (
                ApiError::Preconditions(Vec::new()),
                "CALCULATION_ERROR",
                428,
            ),
            (
                ApiError::OrderStatus(Refused {
                    action: "PAUSE",
                    current: PlanStatus::Expired,
                    reason: "r",
                }),
                "ORDER_STATUS_DOES_NOT_ALLOW",
                428,
            ),
            (ApiError::Internal("x".into()), "INTERNAL", 500),
        ];
        for (error, code, status) in table {
            assert_eq!((error.code(), error.status()), (code, status), "{error:?}");
            let body = error.body();
            let answered = body["details"]["applicationError"]["code"]
                .as_str()
                .or(
                    body["details"]["validationError"]["fieldViolations"][0]["field"]
                        .as_str()
                        .map(|_| "INVALID_ARGUMENT"),
                );
            assert_eq!(answered, Some(code), "{body}");
        }
    }

    #[test]
    fn internal_errors_never_leak_their_cause() {
        let body = ApiError::Internal("D1: secret detail".into())
            .body()
            .to_string();
        assert!(!body.contains("secret detail"), "{body}");
    }

    #[test]
    fn data_carries_what_a_client_acts_on() {
        let e = ApiError::AlreadyOrdered {
            order_id: Some("o-1".into()),
            paid: false,
        };
        assert_eq!(
            e.body()["details"]["applicationError"]["data"],
            json!({"orderId": "o-1"})
        );
        let e = ApiError::OrderStatus(Refused {
            action: "PAUSE",
            current: PlanStatus::Expired,
            reason: "r",
        });
        assert_eq!(
            e.body()["details"]["applicationError"]["data"],
            json!({"currentStatus": "EXPIRED", "action": "PAUSE"})
        );
    }
}
