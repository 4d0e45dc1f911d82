//! Pricing speed: `cargo bench -p checkout-pricing`. Figures in BENCHMARKS.md.
use checkout_pricing::{price_json, Cart};
use criterion::{black_box, criterion_group, criterion_main, BenchmarkId, Criterion, Throughput};

/// A cart of `n` lines with everything switched on: a coupon on some items,
/// tax, shipping, fees, a gift card and a conversion.
pub fn input(n: usize) -> String {
    let lines: Vec<String> = (0..n)
        .map(|i| {
            format!(
                r#"{{"id":"line-{i}","price":"{}.{:02}","quantity":{},"taxRate":"0.0{}25","catalogItemId":"item-{}","itemType":"PHYSICAL"}}"#,
                3 + i * 7 % 90,
                i * 13 % 100,
                1 + i % 5,
                i % 9,
                i % 4
            )
        })
        .collect();
    format!(
        r#"{{"currency":"USD","lineItems":[{}],
            "coupons":[{{"code":"SAVE15","type":"PERCENTAGE","value":"15","catalogItemIds":["item-0","item-1","item-2"]}}],
            "shipping":{{"code":"standard","price":"5.00","taxRate":"0.0825"}},
            "additionalFees":[{{"code":"handling","price":"2.00","taxRate":"0.0825"}}],
            "giftCard":{{"code":"GIFT","balance":"30.00"}},
            "conversion":{{"currency":"EUR","rate":"0.9234"}}}}"#,
        lines.join(",")
    )
}

fn bench(c: &mut Criterion) {
    let mut group = c.benchmark_group("price");
    for n in [10usize, 150, 300] {
        let json = input(n);
        let cart = Cart::from_json(&json).expect("valid bench input");
        group.throughput(Throughput::Elements(n as u64));
        group.bench_with_input(BenchmarkId::new("priced cart", n), &cart, |b, cart| {
            b.iter(|| black_box(cart).price())
        });
        group.bench_with_input(BenchmarkId::new("json to json", n), &json, |b, json| {
            b.iter(|| price_json(black_box(json)).expect("prices"))
        });
    }
    group.finish();

    let mut cart = Cart::from_json(&input(300)).expect("valid bench input");
    let mut q = 1u32;
    c.bench_function("live/set quantity and re-price, 300 lines", |b| {
        b.iter(|| {
            q = q % 9 + 1;
            cart.set_quantity("line-150", q).expect("valid quantity");
            black_box(cart.price().price_summary)
        })
    });
}

criterion_group!(benches, bench);
criterion_main!(benches);
