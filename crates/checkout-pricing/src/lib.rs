//! # checkout-pricing
//!
//! The pricing function of edge checkout, exact to the minor unit, and
//! everything it needs: currencies and money (`currency`, `amount`), the input
//! and its validation (`input`), the live cart the browser re-prices on every
//! change (`cart`), the function itself (`pricing`) and its JSON (`json`).
//! The contract is `docs/pricing.md`.
//!
//! Pure Rust, no I/O. The browser module (`checkout-wasm`) is built from this
//! crate alone; `checkout-core` builds its checkouts and orders on it, so the
//! total a shopper sees is the total the order is created with.
//!
//! ```
//! let out = checkout_pricing::price_json(r#"{"currency": "USD",
//!     "lineItems": [{"id": "a", "price": "19.99", "quantity": 3, "taxRate": "0.0825"}]}"#).unwrap();
//! assert!(out.contains(r#""total":{"amount":"64.92"}"#));
//! ```

pub mod amount;
pub mod cart;
pub mod currency;
pub mod error;
pub mod format;
pub mod input;
pub mod json;
pub mod pricing;

pub use amount::Amount;
pub use cart::Cart;
pub use currency::Currency;
pub use error::{Error, ErrorCode, Result};
pub use pricing::Pricing;

/// Prices a JSON input and returns the JSON output of `docs/pricing.md`, or
/// the validation error. The bytes are the same wherever this runs.
pub fn price_json(input: &str) -> Result<String> {
    Ok(Cart::from_json(input)?.price_json())
}
