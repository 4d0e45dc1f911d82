//! The worker's CPU per checkout request, natively: `cargo bench -p checkout-core --bench checkout`.
//! A 300-line checkout of the demo store: the stored record parsed, priced into
//! the Wix checkout object (GET), and create-order's draft (preconditions,
//! snapshot). Figures in BENCHMARKS.md.
use checkout_core::checkout::order::Made;
use checkout_core::checkout::placement::{self, OrderOf};
use checkout_core::checkout::quote::Quote;
use checkout_core::checkout::{Caller, CheckoutRecord, CreateCheckout};
use checkout_core::session;
use checkout_core::store::{Counters, Store, StoreConfig};
use checkout_core::time::Timestamp;
use criterion::{black_box, criterion_group, criterion_main, Criterion};
use serde_json::json;

fn bench(c: &mut Criterion) {
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
    let stored = serde_json::to_string(&record).expect("record");

    let mut g = c.benchmark_group("checkout, 300 lines");
    g.bench_function("read the stored record", |b| {
        b.iter(|| serde_json::from_str::<CheckoutRecord>(black_box(&stored)))
    });
    g.bench_function("GET: price and write the Wix checkout", |b| {
        b.iter(|| {
            Quote::new(black_box(&record), &store, now)
                .and_then(|q| q.checkout_json(&record, false))
        })
    });
    g.bench_function("create-order: price, check, place the order", |b| {
        let made = Made {
            order_id: "order",
            gateway_order_id: "gateway",
            number: 1001,
        };
        let mut ids = || "event".to_owned();
        b.iter(|| {
            let quote = Quote::new(black_box(&record), &store, now).expect("quote");
            placement::check(&record, &quote, OrderOf::OpenCheckout)
                .ok()
                .and_then(|p| p.place(made, &mut ids, now).ok())
                .map(|p| p.order.body.len())
        })
    });
    g.finish();

    // Order-session tokens, on the payload of bench/sessions.mjs (which times jose on it).
    let key =
        session::SessionKey::from_base64url("k1", "AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8")
            .expect("key");
    let claims = session::Claims {
        iss: "edge-checkout".into(),
        aud: "app-1".into(),
        iat: 1_795_418_688,
        exp: 1_795_420_488,
        jti: "00000000-0000-4000-8000-000000000001".into(),
        session_data: serde_json::from_str(include_str!("../../../bench/session-data.json"))
            .expect("session data"),
    };
    let token = session::seal(&claims, &key, [7; 12]);
    let keys = [key.clone()];
    let mut g = c.benchmark_group("order session token");
    g.bench_function("create", |b| {
        b.iter(|| session::seal(black_box(&claims), &key, [7; 12]))
    });
    g.bench_function("read", |b| {
        b.iter(|| session::open(black_box(&token), &keys, "app-1", now))
    });
    g.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
