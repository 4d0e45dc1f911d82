//! # checkout-core
//!
//! Every rule of the edge checkout engine, once: currencies and money, the
//! pricing function of `spec/pricing.md`, the validation of its input, and the
//! live cart the browser re-prices on every change. No I/O, no JavaScript: the
//! browser module (`checkout-wasm`) and the worker (`checkout-worker`) are thin
//! shells around this crate, so that the total a shopper sees is the total the
//! order is created with.
//!
//! ```
//! let out = checkout_core::price_json(r#"{"currency": "USD",
//!     "lineItems": [{"id": "a", "price": "19.99", "quantity": 3, "taxRate": "0.0825"}]}"#).unwrap();
//! assert!(out.contains(r#""total":{"amount":"64.92"}"#));
//! ```

pub mod amount;
pub mod cart;
pub mod checkout;
pub mod currency;
pub mod error;
pub mod events;
pub mod input;
pub mod json;
pub mod plans;
pub mod pricing;
pub mod session;
pub mod store;
pub mod time;

pub use amount::Amount;
pub use cart::Cart;
pub use currency::Currency;
pub use error::{Error, ErrorCode, Result};
pub use pricing::Pricing;

/// Prices a JSON input and returns the JSON output of `pricing.md`, or the
/// validation error. The bytes are the same wherever this runs.
pub fn price_json(input: &str) -> Result<String> {
    Ok(Cart::from_json(input)?.price_json())
}

/// JSON text of a value, written into a buffer of about the size it will take.
pub(crate) fn to_json<T: serde::Serialize>(value: &T, capacity: usize) -> Result<String> {
    let mut out = Vec::with_capacity(capacity);
    serde_json::to_writer(&mut out, value).map_err(|e| {
        Error::new(
            ErrorCode::InvalidInput,
            "",
            format!("output could not be written: {e}"),
        )
    })?;
    // serde_json writes UTF-8 only
    String::from_utf8(out).map_err(|e| Error::new(ErrorCode::InvalidInput, "", e.to_string()))
}
