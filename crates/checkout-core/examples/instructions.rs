//! The core's work of one request, `N` times, for counting instructions
//! (`valgrind --tool=callgrind`), which are repeatable where timings are not:
//! `cargo build --release --example instructions -p checkout-core`, then
//! `valgrind --tool=callgrind target/release/examples/instructions N [get|read]`
//! for N = 1 and 11; a tenth of the difference is one request's. The work:
//! create-order of a 300-line checkout of the demo store (priced, checked,
//! placed, its events written), with `get` a checkout priced, written and
//! told of in an `updated` event, with `read` a GET checkout's (the
//! stored record parsed, priced and written), or with `create` a create
//! checkout's (the request parsed, the checkout made, priced and written).
//! `PAD=n` puts n more items in the store's catalog before its own (a store
//! with a long catalog); `FRESH=1` makes the store again for each request, as
//! the worker does. Figures in BENCHMARKS.md.
use checkout_core::checkout::quote::Quote;
use std::hint::black_box;

#[path = "../benches/support/mod.rs"]
mod support;

fn main() {
    let times: usize = std::env::args()
        .nth(1)
        .and_then(|a| a.parse().ok())
        .unwrap_or(1);
    let (store, record) = support::checkout_of_300_lines();
    // PAD=n: n more catalog items before the demo store's (a store with a large catalog)
    let pad: usize = std::env::var("PAD")
        .ok()
        .and_then(|p| p.parse().ok())
        .unwrap_or(0);
    let store = if pad == 0 {
        store
    } else {
        let mut config = (*store.config).clone();
        let template = config.catalog[0].clone();
        let extra = (0..pad).map(|i| checkout_core::store::CatalogItem {
            id: format!("item-{i:06}"),
            ..template.clone()
        });
        config.catalog.splice(0..0, extra);
        checkout_core::store::Store::new(config, store.counters.clone()).expect("store")
    };
    let now = support::NOW;
    let stored = record.to_stored_json().expect("stored");
    let mode = std::env::args().nth(2);
    let mut total = 0;
    let request = support::request_of_300_lines();
    // FRESH=1: the store made again for each request, as the worker makes it
    let fresh_each = std::env::var("FRESH").is_ok();
    for _ in 0..times {
        if mode.as_deref() == Some("create") {
            let record = support::create_300_lines(&store, black_box(&request));
            let quote = Quote::new(&record, &store, now).expect("quote");
            total += quote.checkout_json(&record, false).expect("written").len();
            continue;
        }
        let fresh = fresh_each.then(|| {
            checkout_core::store::Store::new((*store.config).clone(), store.counters.clone())
                .expect("store")
        });
        let store = fresh.as_ref().unwrap_or(&store);
        if mode.as_deref() == Some("read") {
            let record: checkout_core::checkout::CheckoutRecord =
                serde_json::from_str(black_box(&stored)).expect("read");
            let quote = Quote::new(&record, store, now).expect("quote");
            total += quote.checkout_json(&record, false).expect("written").len();
            continue;
        }
        let quote = Quote::new(black_box(&record), store, now).expect("quote");
        if mode.as_deref() == Some("get") {
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
