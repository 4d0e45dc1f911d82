//! The core's one error type: a stable code, the path of the offending field and
//! a human message. The worker and the browser module translate it, each in one
//! place, to an HTTP answer or a thrown JS `Error`.

use std::fmt;

/// Stable error codes. The string of each (`as_str`) is part of the public
/// contract: clients match on it.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum ErrorCode {
    UnsupportedCurrency,
    InvalidAmount,
    InvalidQuantity,
    TooManyLineItems,
    DuplicateLineItemId,
    InvalidTaxRate,
    InvalidCoupon,
    MoreThanOneCoupon,
    InvalidRate,
    InvalidInput,
    /// The live engine was asked about a line that is not in the cart.
    LineItemNotFound,
    // Checkout changes (`api.md`, Checkouts); the Wix code where Wix has one.
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
    // Plan orders (`api.md`, Plan orders).
    PlanNotFound,
    /// The buyer holds as many orders of the plan as it allows.
    PurchaseLimitReached,
}

impl ErrorCode {
    pub const fn as_str(self) -> &'static str {
        match self {
            ErrorCode::UnsupportedCurrency => "UNSUPPORTED_CURRENCY",
            ErrorCode::InvalidAmount => "INVALID_AMOUNT",
            ErrorCode::InvalidQuantity => "INVALID_QUANTITY",
            ErrorCode::TooManyLineItems => "TOO_MANY_LINE_ITEMS",
            ErrorCode::DuplicateLineItemId => "DUPLICATE_LINE_ITEM_ID",
            ErrorCode::InvalidTaxRate => "INVALID_TAX_RATE",
            ErrorCode::InvalidCoupon => "INVALID_COUPON",
            ErrorCode::MoreThanOneCoupon => "MORE_THAN_ONE_COUPON",
            ErrorCode::InvalidRate => "INVALID_RATE",
            ErrorCode::InvalidInput => "INVALID_INPUT",
            ErrorCode::LineItemNotFound => "LINE_ITEM_NOT_FOUND",
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
        }
    }
}

impl fmt::Display for ErrorCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// A rejected input: nothing was computed from it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Error {
    pub code: ErrorCode,
    /// Path of the field in the input, as `lineItems[2].price`; empty for the whole input.
    pub field: String,
    pub message: String,
}

impl Error {
    pub fn new(code: ErrorCode, field: impl Into<String>, message: impl Into<String>) -> Error {
        Error {
            code,
            field: field.into(),
            message: message.into(),
        }
    }
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.field.is_empty() {
            write!(f, "{}: {}", self.code, self.message)
        } else {
            write!(f, "{} at {}: {}", self.code, self.field, self.message)
        }
    }
}

impl std::error::Error for Error {}

/// Serialized as `{"code", "field", "message"}`, the shape of `pricing.md` section 5.
impl serde::Serialize for Error {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        use serde::ser::SerializeStruct;
        let mut st = s.serialize_struct("Error", 3)?;
        st.serialize_field("code", self.code.as_str())?;
        st.serialize_field("field", &self.field)?;
        st.serialize_field("message", &self.message)?;
        st.end()
    }
}

pub type Result<T, E = Error> = std::result::Result<T, E>;
