//! The browser module: the core's pricing function and live cart, bound to
//! JavaScript. A thin shell: every rule is in `checkout-core`.

use checkout_core::input::{Count, RawCoupon, RawLine};
use checkout_core::{Cart, Currency, Error};
use serde::{Deserialize, Serialize};
use wasm_bindgen::prelude::*;

/// A core error as a JS `Error` with `code` and `field` properties.
fn js_error(e: Error) -> JsValue {
    let err = js_sys::Error::new(&e.message);
    err.set_name("CheckoutError");
    // Setting a property on a fresh Error object cannot fail.
    let _ = js_sys::Reflect::set(&err, &"code".into(), &e.code.as_str().into());
    let _ = js_sys::Reflect::set(&err, &"field".into(), &e.field.into());
    err.into()
}

fn to_js<T: Serialize + ?Sized>(value: &T) -> Result<JsValue, JsValue> {
    value
        .serialize(&serde_wasm_bindgen::Serializer::json_compatible())
        .map_err(|e| js_sys::Error::new(&e.to_string()).into())
}

/// Reads a JS value with the core's rules, so errors carry the core's codes and paths.
fn from_js<T: for<'de> Deserialize<'de>>(value: JsValue) -> Result<T, JsValue> {
    checkout_core::input::deserialize(serde_wasm_bindgen::Deserializer::from(value))
        .map_err(js_error)
}

/// Prices a checkout: the input object of `pricing.md` in, its output object out.
/// Throws an `Error` with `code` and `field` for an invalid input.
#[wasm_bindgen]
pub fn price(input: JsValue) -> Result<JsValue, JsValue> {
    let cart =
        Cart::deserialize_from(serde_wasm_bindgen::Deserializer::from(input)).map_err(js_error)?;
    to_js(&cart.price())
}

/// The number of fraction digits of a supported currency, or `undefined`.
#[wasm_bindgen(js_name = currencyDigits)]
pub fn currency_digits(code: &str) -> Option<u8> {
    Currency::from_code(code).map(Currency::exponent)
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
        let cart = Cart::deserialize_from(serde_wasm_bindgen::Deserializer::from(input))
            .map_err(js_error)?;
        Ok(Checkout { cart })
    }

    /// The whole priced checkout, lines included.
    pub fn pricing(&self) -> Result<JsValue, JsValue> {
        to_js(&self.cart.price())
    }

    /// The totals only.
    pub fn summary(&self) -> Result<JsValue, JsValue> {
        to_js(&self.cart.price().summary())
    }

    #[wasm_bindgen(js_name = setQuantity)]
    pub fn set_quantity(
        &mut self,
        line_item_id: &str,
        quantity: JsValue,
    ) -> Result<JsValue, JsValue> {
        let quantity: Count = from_js(quantity)?;
        self.cart
            .set_quantity(line_item_id, quantity)
            .map_err(js_error)?;
        self.summary()
    }

    #[wasm_bindgen(js_name = addLine)]
    pub fn add_line(&mut self, line: JsValue) -> Result<JsValue, JsValue> {
        let line: RawLine = from_js(line)?;
        self.cart.add_line(line).map_err(js_error)?;
        self.summary()
    }

    #[wasm_bindgen(js_name = removeLine)]
    pub fn remove_line(&mut self, line_item_id: &str) -> Result<JsValue, JsValue> {
        self.cart.remove_line(line_item_id).map_err(js_error)?;
        self.summary()
    }

    #[wasm_bindgen(js_name = applyCoupon)]
    pub fn apply_coupon(&mut self, coupon: JsValue) -> Result<JsValue, JsValue> {
        let coupon: RawCoupon = from_js(coupon)?;
        self.cart.apply_coupon(coupon).map_err(js_error)?;
        self.summary()
    }

    #[wasm_bindgen(js_name = removeCoupon)]
    pub fn remove_coupon(&mut self) -> Result<JsValue, JsValue> {
        self.cart.remove_coupon();
        self.summary()
    }
}
