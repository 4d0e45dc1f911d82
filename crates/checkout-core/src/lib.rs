//! # checkout-core
//!
//! Every rule of edge checkout above the pricing function, once: the store
//! configuration and its live counters (`store`), checkouts, their changes,
//! Wix's views of them and create-order's preconditions (`checkout`), plan
//! orders and their state machine (`plans`), order-session tokens (`session`)
//! and paging cursors sealed the same way (`cursor`),
//! event envelopes and their signatures (`events`) and instants (`time`).
//! Prices come from `checkout-pricing`, re-exported here as [`pricing`].
//!
//! Pure Rust, no I/O: randomness and the clock come from the caller. The
//! worker (`checkout-worker`) is a thin shell around this crate.

pub mod checkout;
pub mod counters;
pub mod cursor;
pub mod error;
pub mod events;
pub mod json;
pub mod plans;
pub mod session;
pub mod store;
pub mod stripe;
pub mod time;
pub mod web;
pub mod webhooks;

#[cfg(test)]
mod testing;

/// The pricing crate, whole: the worker reaches it through the core.
pub use checkout_pricing as pricing;
pub use error::{Error, ErrorCode, PricingCode, Result};

/// `{"name":json}`, copied once into a string of its size: `json` is often
/// a whole checkout or order (hundreds of KB at 300 lines), which
/// `format!` would copy through its machinery, growing its string as it goes.
pub fn member(name: &str, json: &str) -> String {
    let mut out = String::with_capacity(name.len() + json.len() + 5);
    out.push_str("{\"");
    out.push_str(name);
    out.push_str("\":");
    out.push_str(json);
    out.push('}');
    out
}

/// JSON text of a value, written into a buffer of about the size it will take.
pub(crate) fn to_json<T: serde::Serialize>(value: &T, capacity: usize) -> Result<String> {
    let mut out = Vec::with_capacity(capacity);
    json::write(&mut out, value)
        .map_err(|e| Error::invalid("", format!("output could not be written: {e}")))?;
    // only UTF-8 is written
    let text = String::from_utf8(out).map_err(|e| Error::invalid("", e.to_string()))?;
    // every test that writes a view, an order or an event checks it is serde_json's text
    debug_assert_eq!(Some(&text), serde_json::to_string(value).ok().as_ref());
    Ok(text)
}

#[cfg(test)]
mod tests {
    /// A member is the object `format!` writes.
    #[test]
    fn a_member_is_its_object() {
        let json = r#"{"id":"c1","lineItems":[]}"#;
        assert_eq!(
            super::member("checkout", json),
            format!("{{\"checkout\":{json}}}")
        );
    }
}
