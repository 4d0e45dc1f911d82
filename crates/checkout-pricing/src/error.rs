//! The pricing crate's one error type: a stable code, the path of the offending
//! field and a human message. The browser module turns it into a thrown JS
//! `Error`; `checkout-core` wraps its code (`ErrorCode::Pricing`), and the
//! worker turns that into an HTTP answer.

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
        }
    }
}

impl fmt::Display for ErrorCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// A code set an [`Error`] can carry: this crate's [`ErrorCode`], or a
/// larger set that holds it (`checkout-core`'s, which wraps it).
pub trait Code: Copy + fmt::Debug + From<ErrorCode> {
    /// The stable string clients match on.
    fn as_str(self) -> &'static str;
}

impl Code for ErrorCode {
    fn as_str(self) -> &'static str {
        ErrorCode::as_str(self)
    }
}

/// A rejected input: nothing was computed from it. `C` is the code set;
/// the one struct serves this crate and the crates built on it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Error<C = ErrorCode> {
    pub code: C,
    /// Path of the field in the input, as `lineItems[2].price`; empty for the whole input.
    pub field: String,
    pub message: String,
}

impl<C: Code> Error<C> {
    pub fn new(code: impl Into<C>, field: impl Into<String>, message: impl Into<String>) -> Self {
        Error {
            code: code.into(),
            field: field.into(),
            message: message.into(),
        }
    }

    /// `INVALID_INPUT` at `field`: a value of the wrong type or shape.
    pub fn invalid(field: impl Into<String>, message: impl Into<String>) -> Self {
        Error::new(ErrorCode::InvalidInput, field, message)
    }

    /// The same error in a larger code set.
    pub fn widen<W: Code + From<C>>(self) -> Error<W> {
        Error {
            code: self.code.into(),
            field: self.field,
            message: self.message,
        }
    }
}

/// A code set that holds this crate's codes among its own (never
/// [`ErrorCode`] itself): `?` turns this crate's errors into its errors.
pub trait Wider: Code {}

impl<W: Wider> From<Error<ErrorCode>> for Error<W> {
    fn from(e: Error<ErrorCode>) -> Error<W> {
        e.widen()
    }
}

impl<C: Code> fmt::Display for Error<C> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.field.is_empty() {
            write!(f, "{}: {}", self.code.as_str(), self.message)
        } else {
            write!(
                f,
                "{} at {}: {}",
                self.code.as_str(),
                self.field,
                self.message
            )
        }
    }
}

impl<C: Code> std::error::Error for Error<C> {}

/// Serialized as `{"code", "field", "message"}`, the shape of `docs/pricing.md`, Errors.
impl<C: Code> serde::Serialize for Error<C> {
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
