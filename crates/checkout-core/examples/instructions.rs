//! The core's work of one request, `N` times, for counting instructions
//! (`valgrind --tool=callgrind`), which are repeatable where timings are not:
//! `cargo build --release --example instructions -p checkout-core`, then
//! `valgrind --tool=callgrind target/release/examples/instructions N [get]`
//! for N = 1 and 11; a tenth of the difference is one request's. The work:
//! create-order of a 300-line checkout of the demo store (priced, checked,
//! placed, its events written), or with `get` a checkout priced, written and
//! told of in an `updated` event. Figures in BENCHMARKS.md.
use checkout_core::checkout::quote::Quote;
use checkout_core::checkout::{Caller, CheckoutRecord, CreateCheckout};
use checkout_core::store::{Counters, Store, StoreConfig};
use checkout_core::time::Timestamp;
use serde_json::json;
use std::hint::black_box;

fn main() {
    let times: usize = std::env::args()
        .nth(1)
        .and_then(|a| a.parse().ok())
        .unwrap_or(1);
    let config = StoreConfig::from_json(include_str!("../../../scripts/demo-store.json"))
        .expect("demo store");
    let store = Store::new(config, Counters::default()).expect("demo store");
    let lines: Vec<_> = (0..300)
        .map(|i| json!({"quantity": 1 + i % 3, "catalogReference": {"catalogItemId": "stickers", "options": {"n": i}}}))
        .collect();
    let address = json!({"country": "US", "subdivision": "US-CA"});
    let req: CreateCheckout = serde_json::from_value(json!({"lineItems": lines, "checkoutInfo": {
        "buyerInfo": {"email": "bench@example.com"}, "billingInfo": {"address": address},
        "shippingInfo": {"shippingDestination": {"address": address}, "selectedCarrierServiceOption": {"code": "standard"}}}}))
    .expect("request");
    let mut n = 0u64;
    let mut ids = || {
        n += 1;
        format!("00000000-0000-4000-8000-{n:012}")
    };
    let now = Timestamp::from_millis(1_795_418_688_000);
    let record = CheckoutRecord::create(req, &store, (Caller::Merchant, "app"), &mut ids, now)
        .expect("checkout");
    let mut total = 0;
    for _ in 0..times {
        let quote = Quote::new(black_box(&record), &store, now).expect("quote");
        if std::env::args().nth(2).as_deref() == Some("get") {
            let view = quote.checkout_json(&record, false).expect("written");
            let e = checkout_core::events::envelope(
                "event",
                checkout_core::events::CHECKOUT,
                checkout_core::events::Kind::Updated,
                &record.id,
                &view,
                now,
            );
            total += view.len() + e.len();
            continue;
        }
        let made = checkout_core::checkout::order::Made {
            order_id: "order",
            gateway_order_id: "gateway",
            number: 1001,
        };
        let mut ev = || "event".to_owned();
        let p = checkout_core::checkout::placement::check(
            &record,
            &quote,
            checkout_core::checkout::placement::OrderOf::OpenCheckout,
        )
        .expect("it may be placed")
        .place(made, &mut ev, now)
        .expect("written");
        total += p.order.body.len() + p.events[0].body.len();
    }
    println!("{total}");
}
