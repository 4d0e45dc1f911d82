//! The worker's CPU per checkout request, natively: `cargo bench -p checkout-core --bench checkout`.
//! A 300-line checkout of the demo store: the stored record parsed, priced into
//! the Wix checkout object (GET), and create-order's draft (preconditions,
//! snapshot). Figures in BENCHMARKS.md.
use checkout_core::checkout::order::Made;
use checkout_core::checkout::placement::{self, OrderOf};
use checkout_core::checkout::quote::Quote;
use checkout_core::checkout::CheckoutRecord;
use checkout_core::session;
mod support;

use criterion::{black_box, criterion_group, criterion_main, Criterion};

fn bench(c: &mut Criterion) {
    let (store, record) = support::checkout_of_300_lines();
    let now = support::NOW;
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
