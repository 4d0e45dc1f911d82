//! The checkout the benches and `examples/instructions.rs` measure: 300
//! lines of the demo store, with a buyer, addresses and a shipping option.

use checkout_core::checkout::{Caller, CheckoutRecord, CreateCheckout};
use checkout_core::store::{Counters, Store, StoreConfig};
use checkout_core::time::Timestamp;
use serde_json::json;

/// When the checkout is made and priced.
pub const NOW: Timestamp = Timestamp::from_millis(1_795_418_688_000);

/// The demo store, and a 300-line checkout of it ready to order.
pub fn checkout_of_300_lines() -> (Store, CheckoutRecord) {
    let config = StoreConfig::from_json(include_str!("../../../../scripts/demo-store.json"))
        .expect("demo store");
    let store = Store::new(config, Counters::default()).expect("demo store");
    let record = create_300_lines(&store, &request_of_300_lines());
    (store, record)
}

/// The create-checkout request of [`checkout_of_300_lines`], as its JSON.
pub fn request_of_300_lines() -> String {
    let lines: Vec<_> = (0..300)
        .map(|i| json!({"quantity": 1 + i % 3, "catalogReference": {"catalogItemId": "stickers", "options": {"n": i}}}))
        .collect();
    let address = json!({"country": "US", "subdivision": "US-CA"});
    json!({"lineItems": lines, "checkoutInfo": {
        "buyerInfo": {"email": "bench@example.com"}, "billingInfo": {"address": address},
        "shippingInfo": {"shippingDestination": {"address": address}, "selectedCarrierServiceOption": {"code": "standard"}}}})
    .to_string()
}

/// The checkout `request` (a create-checkout body) makes in `store`.
pub fn create_300_lines(store: &Store, request: &str) -> CheckoutRecord {
    let req: CreateCheckout = serde_json::from_str(request).expect("request");
    let mut n = 0u64;
    let mut ids = || {
        n += 1;
        format!("00000000-0000-4000-8000-{n:012}")
    };
    CheckoutRecord::create(req, store, (Caller::Merchant, "app"), &mut ids, NOW).expect("checkout")
}
