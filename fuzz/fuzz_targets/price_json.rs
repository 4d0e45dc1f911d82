//! Any bytes through the JSON-to-output path: never a panic, and every output
//! it gives holds the pricing invariants that can be checked cheaply.
#![no_main]
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else { return };
    if let Ok(out) = checkout_pricing::price_json(text) {
        let v: serde_json::Value = serde_json::from_str(&out).expect("the output is JSON");
        assert!(v["priceSummary"]["total"]["amount"].is_string());
    }
    // The live cart's edits must not panic either.
    if let Ok(mut cart) = checkout_pricing::Cart::from_json(text) {
        let ids: Vec<String> = cart.lines().iter().map(|l| l.id().to_string()).collect();
        for (i, id) in ids.iter().enumerate() {
            let _ = cart.set_quantity(id, (i as i64) * 7919 % 200_003 - 1);
            let _ = cart.price();
        }
        cart.remove_coupon();
        let _ = cart.price();
    }
});
