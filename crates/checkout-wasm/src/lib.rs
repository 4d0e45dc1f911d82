//! The browser module: the pricing function and live cart of `checkout-pricing`,
//! bound to JavaScript. A thin shell: every rule is in that crate, the only one
//! this module depends on (Cargo keeps the boundary).
//!
//! `price()` crosses the boundary in a compact format (see [`compact`] and
//! `js/compact.js`); everything else, and whatever the compact format does not
//! carry, crosses as JSON text.
//!
//! Without the `price` feature (on by default) the module is the checkout
//! element's engine: the live checkout and the money formats, without
//! `price()` and its compact format, built for size (`pkg/checkout_live*`,
//! `js/engine.js`): what a page loads for its first render.

use checkout_pricing::amount::Amount;
use checkout_pricing::input::{self, Count, Text};
use checkout_pricing::{Cart, Currency, Error, ErrorCode};
use wasm_bindgen::prelude::*;

#[cfg(feature = "price")]
pub mod compact;
#[cfg(feature = "price")]
mod price;
#[cfg(feature = "price")]
pub use price::{compact_input, price, price_compact};

// The element's engine (built without `price`, for size) allocates with
// talc: a few KiB of .wasm less than the standard library's dlmalloc.
#[cfg(all(
    feature = "talc",
    target_family = "wasm",
    not(target_feature = "atomics")
))]
#[global_allocator]
static TALC: talc::wasm::WasmDynamicTalc = talc::wasm::new_wasm_dynamic_allocator();

/// A pricing error as a JS `Error` with `code` and `field` properties.
fn js_error(e: Error) -> JsValue {
    let err = js_sys::Error::new(&e.message);
    err.set_name("CheckoutError");
    // Setting a property on a fresh Error object cannot fail.
    let _ = js_sys::Reflect::set(&err, &"code".into(), &e.code.as_str().into());
    let _ = js_sys::Reflect::set(&err, &"field".into(), &e.field.into());
    err.into()
}

/// The JSON text of a JS value, or the pricing crate's `INVALID_INPUT` error.
fn json_text(value: &JsValue) -> Result<String, JsValue> {
    js_sys::JSON::stringify(value)
        .ok()
        .and_then(|s| s.as_string())
        .ok_or_else(|| {
            js_error(Error::new(
                ErrorCode::InvalidInput,
                "",
                "the input is not a JSON value",
            ))
        })
}

/// The number of fraction digits of a supported currency, or `undefined`.
#[wasm_bindgen(js_name = currencyDigits)]
pub fn currency_digits(code: &str) -> Option<u8> {
    Currency::from_code(code).map(Currency::exponent)
}

/// An amount (a decimal string, `-` in front when negative) of a currency,
/// as the language `locale` writes it, from the core's table: the text the
/// worker's `formattedAmount` has. Throws `UNSUPPORTED_CURRENCY` or
/// `INVALID_AMOUNT`.
#[wasm_bindgen(js_name = formatMoney)]
pub fn format_money(amount: &str, currency: &str, locale: &str) -> Result<String, JsValue> {
    checkout_pricing::format::format_text(amount, currency, locale).map_err(js_error)
}

/// A live checkout: parsed once, then changed one edit at a time. Every edit
/// returns the new summary (totals, discounts, calculation errors).
#[wasm_bindgen]
pub struct Checkout {
    cart: Cart,
}

#[wasm_bindgen]
impl Checkout {
    #[wasm_bindgen(constructor)]
    pub fn new(input: JsValue) -> Result<Checkout, JsValue> {
        let cart = Cart::from_json(&json_text(&input)?).map_err(js_error)?;
        Ok(Checkout { cart })
    }

    /// The whole priced checkout, lines included.
    pub fn pricing(&self) -> Result<JsValue, JsValue> {
        js_sys::JSON::parse(&self.cart.price_json())
    }

    /// The totals only.
    pub fn summary(&self) -> Result<JsValue, JsValue> {
        js_sys::JSON::parse(&self.cart.summary_json())
    }

    #[wasm_bindgen(js_name = setQuantity)]
    pub fn set_quantity(
        &mut self,
        line_item_id: &str,
        quantity: JsValue,
    ) -> Result<JsValue, JsValue> {
        // Anything but a whole JS number in range is not a whole number (the
        // pricing crate's rule then answers INVALID_QUANTITY).
        let quantity: Count = match quantity.as_f64() {
            Some(n) if n.fract() == 0.0 && (0.0..=f64::from(u32::MAX)).contains(&n) => {
                Count::from(n as u32)
            }
            _ => Count::NotAWholeNumber,
        };
        self.cart
            .set_quantity(line_item_id, quantity)
            .map_err(js_error)?;
        self.summary()
    }

    /// One line's `lineItemPrice` (its unit price times its quantity),
    /// without pricing the rest. Throws `LINE_ITEM_NOT_FOUND`.
    #[wasm_bindgen(js_name = linePrice)]
    pub fn line_price(&self, line_item_id: &str) -> Result<String, JsValue> {
        self.cart
            .line_item_price(line_item_id)
            .map(|a| a.to_string())
            .map_err(js_error)
    }

    #[wasm_bindgen(js_name = addLine)]
    pub fn add_line(&mut self, line: JsValue) -> Result<JsValue, JsValue> {
        self.cart
            .add_line_json(&json_text(&line)?)
            .map_err(js_error)?;
        self.summary()
    }

    #[wasm_bindgen(js_name = removeLine)]
    pub fn remove_line(&mut self, line_item_id: &str) -> Result<JsValue, JsValue> {
        self.cart.remove_line(line_item_id).map_err(js_error)?;
        self.summary()
    }

    #[wasm_bindgen(js_name = applyCoupon)]
    pub fn apply_coupon(&mut self, coupon: JsValue) -> Result<JsValue, JsValue> {
        self.cart
            .apply_coupon_json(&json_text(&coupon)?)
            .map_err(js_error)?;
        self.summary()
    }

    #[wasm_bindgen(js_name = removeCoupon)]
    pub fn remove_coupon(&mut self) -> Result<JsValue, JsValue> {
        self.cart.remove_coupon();
        self.summary()
    }

    /// An amount of the checkout's currency (a line's price, say) in the
    /// buyer's currency (`conversion.currency`) by the pricing function's
    /// rule, or `undefined` when the input has no conversion. Throws
    /// `INVALID_AMOUNT`.
    pub fn convert(&self, amount: &str) -> Result<Option<String>, JsValue> {
        let currency = self.cart.currency();
        let text = Text::from(amount.to_string());
        let minor = input::money(Some(&text), currency, "amount").map_err(js_error)?;
        let amount = Amount::new(minor, currency.exponent());
        Ok(self.cart.convert(amount).map(|a| a.to_string()))
    }
}
