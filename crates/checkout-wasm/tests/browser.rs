//! The bindings in headless Chromium: every spec vector through the JS API,
//! with output identical to the pricing crate's, natively.
#![cfg(target_arch = "wasm32")]

use checkout_wasm::{price, Checkout};
use js_sys::{Reflect, JSON};
use wasm_bindgen::JsValue;
use wasm_bindgen_test::*;

wasm_bindgen_test_configure!(run_in_browser);

include!(concat!(env!("OUT_DIR"), "/vectors.rs"));

fn js(json: &str) -> JsValue {
    JSON::parse(json).expect("test JSON parses")
}

fn stringify(v: &JsValue) -> String {
    JSON::stringify(v)
        .expect("stringify")
        .as_string()
        .expect("a string")
}

fn prop(v: &JsValue, key: &str) -> Option<String> {
    Reflect::get(v, &key.into())
        .ok()
        .and_then(|p| p.as_string())
}

#[wasm_bindgen_test]
fn every_vector_gives_the_pricing_crates_bytes() {
    assert!(VECTORS.len() >= 89, "found {} vectors", VECTORS.len());
    for (name, text) in VECTORS {
        let vector: serde_json::Value = serde_json::from_str(text).expect("vector JSON");
        let input = vector["input"].to_string();
        match (checkout_pricing::price_json(&input), price(js(&input))) {
            (Ok(expected), Ok(got)) => assert_eq!(stringify(&got), expected, "{name}"),
            (Err(expected), Err(got)) => {
                assert_eq!(
                    prop(&got, "code").as_deref(),
                    Some(expected.code.as_str()),
                    "{name}"
                );
                assert_eq!(prop(&got, "field"), Some(expected.field.clone()), "{name}");
                assert_eq!(vector["error"]["code"], expected.code.as_str(), "{name}");
            }
            (expected, got) => {
                panic!("{name}: the pricing crate gave {expected:?}, wasm gave {got:?}")
            }
        }
    }
}

#[wasm_bindgen_test]
fn live_checkout_matches_pricing_from_scratch() {
    let input = r#"{"currency":"USD","lineItems":[
        {"id":"a","price":"19.99","quantity":1,"catalogItemId":"shirt","taxRate":"0.0825"},
        {"id":"b","price":"5.00","quantity":2,"catalogItemId":"mug"}]}"#;
    let mut checkout = Checkout::new(js(input)).expect("valid input");
    let summary = checkout
        .set_quantity("a", JsValue::from(3))
        .expect("valid quantity");
    let fresh = price(js(&input.replace(r#""quantity":1"#, r#""quantity":3"#))).expect("valid");
    let total = |v: &JsValue| stringify(&Reflect::get(v, &"priceSummary".into()).unwrap());
    assert_eq!(total(&summary), total(&fresh));
    assert!(
        total(&summary).contains(r#""total":{"amount":"74.92"}"#),
        "{}",
        total(&summary)
    );

    let err = checkout
        .set_quantity("a", JsValue::from(1.5))
        .expect_err("fraction");
    assert_eq!(prop(&err, "code").as_deref(), Some("INVALID_QUANTITY"));
    assert_eq!(
        prop(&err, "field").as_deref(),
        Some("lineItems[0].quantity")
    );
    let err = checkout.remove_line("zzz").expect_err("unknown line");
    assert_eq!(prop(&err, "code").as_deref(), Some("LINE_ITEM_NOT_FOUND"));

    let summary = checkout
        .apply_coupon(js(r#"{"code":"TEN","type":"PERCENTAGE","value":"10"}"#))
        .unwrap();
    assert!(
        stringify(&summary).contains(r#""discount":{"amount":"7.00"}"#),
        "{}",
        stringify(&summary)
    );
}

#[wasm_bindgen_test]
fn convert_is_the_pricing_functions_conversion() {
    let input = r#"{"currency":"USD","lineItems":[{"id":"a","price":"19.99","quantity":3}],
        "conversion":{"currency":"JPY","rate":"151.37"}}"#;
    let checkout = Checkout::new(js(input)).expect("valid input");
    let summary = stringify(&checkout.summary().unwrap());
    // the subtotal 59.97 converts as the summary does; a line's price by the same rule
    assert!(
        summary.contains(r#""subtotal":{"amount":"59.97","convertedAmount":"9078"}"#),
        "{summary}"
    );
    assert_eq!(checkout.convert("59.97").unwrap().as_deref(), Some("9078"));
    assert_eq!(checkout.convert("19.99").unwrap().as_deref(), Some("3026"));
    let err = checkout.convert("19.999").expect_err("three digits in USD");
    assert_eq!(prop(&err, "code").as_deref(), Some("INVALID_AMOUNT"));
    let plain = Checkout::new(js(r#"{"currency":"USD","lineItems":[]}"#)).unwrap();
    assert_eq!(plain.convert("1.00").unwrap(), None);
}
