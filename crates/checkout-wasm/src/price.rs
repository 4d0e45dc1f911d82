//! `price()`: the pricing function's entry points, the compact format (see
//! [`crate::compact`] and `js/compact.js`) first and JSON for what it does
//! not carry. Not in the element's engine (the crate without its `price`
//! feature), which never calls it.

use crate::{compact, js_error, json_text};
use checkout_pricing::Cart;
use std::cell::RefCell;
use wasm_bindgen::prelude::*;

/// Prices a checkout: the input object of `docs/pricing.md` in, its output object out.
/// Throws an `Error` with `code` and `field` for an invalid input. The
/// package's `price()` tries the compact format ([`price_compact`]) first and
/// comes here for what it does not take.
#[wasm_bindgen(js_name = priceJson)]
pub fn price(input: JsValue) -> Result<JsValue, JsValue> {
    let out = Cart::from_json(&json_text(&input)?)
        .map(|cart| cart.price_json())
        .map_err(js_error)?;
    js_sys::JSON::parse(&out)
}

/// The buffers of the compact format: the input the JS side writes, and the
/// last output with the header that locates it.
#[derive(Default)]
struct Wire {
    input: Vec<u8>,
    output: compact::Output,
    header: [u32; 6],
}

thread_local! {
    static WIRE: RefCell<Wire> = RefCell::default();
}

/// Makes room for an input of up to `len` bytes; returns where to write it.
#[wasm_bindgen(js_name = compactInput)]
pub fn compact_input(len: usize) -> *mut u8 {
    WIRE.with_borrow_mut(|w| {
        // grown when too small, never cleared: the caller writes over it
        if w.input.len() < len {
            w.input.resize(len, 0);
        }
        w.input.as_mut_ptr()
    })
}

/// Prices the `len` bytes written at [`compact_input`] (see [`compact`]). Returns the
/// address of six u32s: the address and length of the output's text, of its
/// UTF-16 ends and of its shape numbers; or 0 when the input is not for the
/// compact path (or is invalid): the caller then uses `priceJson`, which
/// answers exactly, error included.
#[wasm_bindgen(js_name = priceCompact)]
pub fn price_compact(len: usize) -> *const u32 {
    WIRE.with_borrow_mut(|w| {
        let Wire {
            input,
            output,
            header,
        } = w;
        let cart = std::str::from_utf8(input.get(..len).unwrap_or_default())
            .ok()
            .and_then(compact::read)
            .and_then(|raw| Cart::from_raw(raw).ok());
        let Some(cart) = cart else {
            return std::ptr::null();
        };
        output.clear();
        compact::write(&cart.price(), output);
        // Addresses and lengths in 32-bit WebAssembly memory fit a u32.
        *header = [
            output.text().as_ptr() as u32,
            output.text().len() as u32,
            output.ends.as_ptr() as u32,
            output.ends.len() as u32,
            output.shape.as_ptr() as u32,
            output.shape.len() as u32,
        ];
        header.as_ptr()
    })
}
