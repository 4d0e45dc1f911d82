//! The core's one error type: a stable code, the path of the offending field and
//! a human message. The worker translates it, in one place, to an HTTP answer.
//! The pricing input's own rules keep their codes from `checkout-pricing`
//! ([`ErrorCode::Pricing`]), so a code means the same in the browser and at
//! the edge.

use checkout_pricing::error::{Code, Wider};
pub use checkout_pricing::ErrorCode as PricingCode;
use std::fmt;

/// Stable error codes. The string of each (`as_str`) is part of the public
/// contract: clients match on it.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum ErrorCode {
    /// A rule of the pricing input (a malformed amount, too many lines), or a
    /// request field that is malformed (`INVALID_INPUT`).
    Pricing(PricingCode),
    // Checkout changes (`docs/api.md`, Checkouts); the Wix code where Wix has one.
    CatalogItemNotFound,
    CouponNotFound,
    CouponExpired,
    CouponUsageExceeded,
    GiftCardNotFound,
    GiftCardExpired,
    GiftCardIsEmpty,
    ShippingOptionNotFound,
    /// A completed checkout cannot change.
    CheckoutIsComplete,
    /// The caller's key may not do this (a custom price with a publishable key).
    PermissionDenied,
    // Plan orders (`docs/api.md`, Plan orders).
    PlanNotFound,
    /// The buyer holds as many orders of the plan as it allows.
    PurchaseLimitReached,
    /// A stored checkout would pass its ceiling in bytes.
    CheckoutTooLarge,
    /// An order's status does not allow what was asked (mark a canceled order paid).
    OrderStatusDoesNotAllow,
    /// The checkout's order awaits payment: it cannot change meanwhile.
    CheckoutPaymentInProgress,
    /// A payment provider's webhook call that does not verify or cannot be read.
    WebhookRefused,
    /// A payment could not be charged.
    PaymentError,
    /// The checkout disabled manual payment: its order cannot be marked paid offline.
    ManualPaymentDisabled,
    /// A payment would take stock or a coupon's uses that are gone.
    OutOfStock,
}

impl ErrorCode {
    pub const fn as_str(self) -> &'static str {
        match self {
            ErrorCode::Pricing(code) => code.as_str(),
            ErrorCode::CatalogItemNotFound => "CATALOG_ITEM_NOT_FOUND",
            ErrorCode::CouponNotFound => "ERROR_COUPON_DOES_NOT_EXIST",
            ErrorCode::CouponExpired => "ERROR_COUPON_HAS_EXPIRED",
            ErrorCode::CouponUsageExceeded => "ERROR_COUPON_USAGE_EXCEEDED",
            ErrorCode::GiftCardNotFound => "GIFT_CARD_NOT_FOUND",
            ErrorCode::GiftCardExpired => "GIFT_CARD_EXPIRED",
            ErrorCode::GiftCardIsEmpty => "GIFT_CARD_IS_EMPTY",
            ErrorCode::ShippingOptionNotFound => "SELECTED_CARRIER_SERVICE_OPTION_NOT_FOUND",
            ErrorCode::CheckoutIsComplete => "CHECKOUT_IS_COMPLETE",
            ErrorCode::PermissionDenied => "PERMISSION_DENIED",
            ErrorCode::PlanNotFound => "PLAN_NOT_FOUND",
            ErrorCode::PurchaseLimitReached => "PURCHASE_LIMIT_REACHED",
            ErrorCode::CheckoutTooLarge => "CHECKOUT_TOO_LARGE",
            ErrorCode::OrderStatusDoesNotAllow => "ORDER_STATUS_DOES_NOT_ALLOW",
            ErrorCode::CheckoutPaymentInProgress => "CHECKOUT_PAYMENT_ALREADY_IN_PROGRESS",
            ErrorCode::WebhookRefused => "WEBHOOK_REFUSED",
            ErrorCode::PaymentError => "PAYMENT_ERROR",
            ErrorCode::ManualPaymentDisabled => "MANUAL_PAYMENT_DISABLED",
            ErrorCode::OutOfStock => "OUT_OF_STOCK",
        }
    }
}

impl fmt::Display for ErrorCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl Code for ErrorCode {
    fn as_str(self) -> &'static str {
        ErrorCode::as_str(self)
    }
}

impl Wider for ErrorCode {}

impl From<PricingCode> for ErrorCode {
    fn from(code: PricingCode) -> ErrorCode {
        ErrorCode::Pricing(code)
    }
}

/// A refused request: the pricing crate's error struct with the core's codes.
pub type Error = checkout_pricing::Error<ErrorCode>;

pub type Result<T, E = Error> = std::result::Result<T, E>;
