//! Property tests for every invariant of `docs/pricing.md` section 4, over 0-, 2-
//! and 3-digit currencies, with values spread from zero to every limit.
//! proptest keeps minimized failures in `props.proptest-regressions` beside
//! this file; they are replayed first on every run.

use proptest::prelude::*;
use proptest::test_runner::FileFailurePersistence;
use serde_json::{json, Value};

const CURRENCIES: &[(&str, u32)] = &[("JPY", 0), ("USD", 2), ("KWD", 3)];

/// A money amount in minor units: mostly small, sometimes at the limit.
fn minor(exp: u32) -> impl Strategy<Value = u128> {
    let max = 1_000_000_000_000u128 * 10u128.pow(exp);
    prop_oneof![
        4 => 0u128..10_000,
        2 => 0u128..=max,
        1 => (max - 1000)..=max,
        1 => Just(0u128),
    ]
}

fn quantity() -> impl Strategy<Value = u32> {
    prop_oneof![4 => 1u32..10, 1 => 1u32..=100_000, 1 => 99_990u32..=100_000]
}

fn tax_rate() -> impl Strategy<Value = Option<u32>> {
    prop_oneof![1 => Just(None), 3 => (0u32..=1_000_000).prop_map(Some), 1 => Just(Some(1_000_000))]
}

fn decimal(units: u128, scale: u32) -> String {
    if scale == 0 {
        return units.to_string();
    }
    let p = 10u128.pow(scale);
    format!(
        "{}.{:0width$}",
        units / p,
        units % p,
        width = scale as usize
    )
}

/// A whole valid pricing input.
fn input(lines: std::ops::RangeInclusive<usize>) -> impl Strategy<Value = Value> {
    (0..CURRENCIES.len()).prop_flat_map(move |c| {
        let lines_range = lines.clone();
        let (code, exp) = CURRENCIES[c];
        let line = (minor(exp), quantity(), tax_rate(), 0usize..3);
        let coupon = prop_oneof![
            (1u32..=1_000_000).prop_map(|p| json!({"type": "PERCENTAGE", "value": decimal(u128::from(p), 4)})),
            minor(exp).prop_map(move |v| json!({"type": "FIXED_AMOUNT", "value": decimal(v, exp)})),
            Just(json!({"type": "FREE_SHIPPING"})),
        ];
        let coupon = (coupon, proptest::option::of(minor(exp)), proptest::option::of(proptest::collection::vec(0usize..3, 0..3)));
        let charge = move || (minor(exp), tax_rate());
        (
            proptest::collection::vec(line, lines_range),
            any::<bool>(),
            proptest::option::of(coupon),
            proptest::option::of(charge()),
            proptest::option::of(proptest::collection::vec(charge(), 0..3)),
            proptest::option::of(minor(exp)),
            proptest::option::of((0..CURRENCIES.len(), 1u128..=10_000_000_000_000)),
        )
            .prop_map(move |(lines, included, coupon, shipping, fees, gift, conversion)| {
                let catalog = ["shirt", "mug", "hat"];
                let rate = |r: Option<u32>| r.map(|r| decimal(u128::from(r), 6));
                let mut v = json!({
                    "currency": code,
                    "taxIncludedInPrice": included,
                    "lineItems": lines.iter().enumerate().map(|(i, (p, q, r, cat))| {
                        let mut l = json!({"id": format!("li-{i}"), "price": decimal(*p, exp), "quantity": q,
                                           "catalogItemId": catalog[*cat], "itemType": "PHYSICAL"});
                        if let Some(r) = rate(*r) { l["taxRate"] = json!(r); }
                        l
                    }).collect::<Vec<_>>(),
                });
                if let Some((mut c, min, ids)) = coupon {
                    c["code"] = json!("C");
                    if let Some(m) = min { c["minimumSubtotal"] = json!(decimal(m, exp)); }
                    if let Some(ids) = ids { c["catalogItemIds"] = json!(ids.iter().map(|i| catalog[*i]).collect::<Vec<_>>()); }
                    v["coupons"] = json!([c]);
                }
                let charge = |(p, r): (u128, Option<u32>), code: &str| {
                    let mut c = json!({"code": code, "price": decimal(p, exp)});
                    if let Some(r) = rate(r) { c["taxRate"] = json!(r); }
                    c
                };
                if let Some(s) = shipping { v["shipping"] = charge(s, "ship"); }
                if let Some(f) = fees { v["additionalFees"] = json!(f.into_iter().map(|f| charge(f, "fee")).collect::<Vec<_>>()); }
                if let Some(g) = gift { v["giftCard"] = json!({"code": "G", "balance": decimal(g, exp)}); }
                if let Some((c, r)) = conversion { v["conversion"] = json!({"currency": CURRENCIES[c].0, "rate": decimal(r, 10)}); }
                v
            })
    })
}

/// `cases` per property; a failing input, once minimized, is kept in
/// `tests/props.proptest-regressions` and tried first on every later run.
fn config(cases: u32) -> ProptestConfig {
    ProptestConfig {
        cases,
        failure_persistence: Some(Box::new(FileFailurePersistence::Direct(
            "tests/props.proptest-regressions",
        ))),
        ..ProptestConfig::default()
    }
}

fn price(input: &Value) -> Value {
    let out = checkout_pricing::price_json(&input.to_string())
        .unwrap_or_else(|e| panic!("valid input refused: {e}\n{input}"));
    serde_json::from_str(&out).unwrap()
}

/// An amount string in minor units, checking it has exactly `exp` fraction digits.
fn units(v: &Value, exp: u32) -> i128 {
    let s = v.as_str().unwrap_or_else(|| panic!("not an amount: {v}"));
    let (int, frac) = s.split_once('.').unwrap_or((s, ""));
    assert_eq!(
        frac.len() as u32,
        exp,
        "{s} should have {exp} fraction digits"
    );
    assert!(
        !int.is_empty() && int.bytes().chain(frac.bytes()).all(|b| b.is_ascii_digit()),
        "{s}"
    );
    format!("{int}{frac}").parse().unwrap()
}

fn exponent(code: &str) -> u32 {
    CURRENCIES.iter().find(|c| c.0 == code).unwrap().1
}

fn check_invariants(input: &Value, out: &Value) -> Result<(), TestCaseError> {
    let exp = exponent(input["currency"].as_str().unwrap());
    let amt = |v: &Value| units(v, exp);
    let sum = |key: &str| -> i128 {
        out["priceSummary"][key]["amount"]
            .as_str()
            .map(|_| amt(&out["priceSummary"][key]["amount"]))
            .unwrap()
    };
    let (subtotal, discount, shipping, tax, fees, total) = (
        sum("subtotal"),
        sum("discount"),
        sum("shipping"),
        sum("tax"),
        sum("additionalFees"),
        sum("total"),
    );

    let mut line_discounts = 0;
    for line in out["lineItems"].as_array().unwrap() {
        let d = amt(&line["discount"]);
        let p = amt(&line["lineItemPrice"]);
        prop_assert!(0 <= d && d <= p, "line discount {d} outside 0..={p}");
        line_discounts += d;
        for key in [
            "taxableAmount",
            "tax",
            "totalPriceBeforeTax",
            "totalPriceAfterTax",
        ] {
            amt(&line[key]);
        }
    }
    let shipping_discount = if out["shipping"].is_object() {
        amt(&out["shipping"]["discount"])
    } else {
        0
    };
    prop_assert_eq!(line_discounts + shipping_discount, discount);
    let exclusive = !input["taxIncludedInPrice"].as_bool().unwrap_or(false);
    prop_assert_eq!(
        total,
        subtotal - discount + shipping + fees + if exclusive { tax } else { 0 }
    );
    prop_assert!(total >= 0);
    let gift = if out["giftCard"].is_object() {
        amt(&out["giftCard"]["amount"])
    } else {
        0
    };
    let pay_now = amt(&out["payNow"]["total"]["amount"]);
    prop_assert_eq!(pay_now + gift, total);
    prop_assert!(pay_now >= 0);
    prop_assert_eq!(amt(&out["payLater"]["total"]["amount"]), 0);
    if let Some(conv) = input.get("conversion") {
        let cexp = exponent(conv["currency"].as_str().unwrap());
        for key in [
            "subtotal",
            "discount",
            "shipping",
            "tax",
            "additionalFees",
            "total",
        ] {
            units(&out["priceSummary"][key]["convertedAmount"], cexp);
        }
        units(&out["payNow"]["total"]["convertedAmount"], cexp);
    } else {
        prop_assert!(!out.to_string().contains("convertedAmount"));
    }
    Ok(())
}

proptest! {
    #![proptest_config(config(512))]

    #[test]
    fn invariants_hold(input in input(0..=8)) {
        let out = price(&input);
        check_invariants(&input, &out)?;
    }

    /// Reordering the lines changes only the order of the output lines and,
    /// where remainders tie, which line gets the extra minor unit.
    #[test]
    fn reordering_lines_only_moves_them(input in input(0..=8), seed in any::<u64>()) {
        let mut shuffled = input.clone();
        let lines = shuffled["lineItems"].as_array_mut().unwrap();
        // a deterministic shuffle from the seed
        let mut s = seed;
        for i in (1..lines.len()).rev() {
            s = s.wrapping_mul(6364136223846793005).wrapping_add(1442695040888963407);
            lines.swap(i, (s >> 33) as usize % (i + 1));
        }
        let (a, b) = (price(&input), price(&shuffled));
        prop_assert_eq!(&a["priceSummary"]["subtotal"], &b["priceSummary"]["subtotal"]);
        prop_assert_eq!(&a["priceSummary"]["discount"], &b["priceSummary"]["discount"]);
        prop_assert_eq!(&a["appliedDiscounts"].as_array().map(|d| d.len()), &b["appliedDiscounts"].as_array().map(|d| d.len()));
        let exp = exponent(input["currency"].as_str().unwrap());
        for line in a["lineItems"].as_array().unwrap() {
            let other = b["lineItems"].as_array().unwrap().iter().find(|l| l["id"] == line["id"]).unwrap();
            prop_assert_eq!(&line["lineItemPrice"], &other["lineItemPrice"]);
            let diff = units(&line["discount"], exp) - units(&other["discount"], exp);
            prop_assert!(diff.abs() <= 1, "discount of {} moved by {diff}", line["id"]);
            if diff == 0 {
                prop_assert_eq!(line, other);
            }
        }
        let order: Vec<&Value> = b["lineItems"].as_array().unwrap().iter().map(|l| &l["id"]).collect();
        let expected: Vec<&Value> = shuffled["lineItems"].as_array().unwrap().iter().map(|l| &l["id"]).collect();
        prop_assert_eq!(order, expected);
    }
}

proptest! {
    #![proptest_config(config(256))]

    /// One line's price alone (what a page shows after a quantity change) is
    /// the line's `lineItemPrice` in the whole pricing; an unknown line is
    /// LINE_ITEM_NOT_FOUND.
    #[test]
    fn a_line_priced_alone_as_in_the_whole(input in input(0..=8)) {
        let out = price(&input);
        let cart = checkout_pricing::Cart::from_json(&input.to_string()).unwrap();
        for line in out["lineItems"].as_array().unwrap() {
            let alone = cart.line_item_price(line["id"].as_str().unwrap()).ok().map(|a| a.to_string());
            prop_assert_eq!(alone.as_deref(), line["lineItemPrice"].as_str());
        }
        let missing = cart.line_item_price("no such line").map(|a| a.to_string());
        prop_assert_eq!(missing.err().map(|e| e.code), Some(checkout_pricing::ErrorCode::LineItemNotFound));
    }
}

proptest! {
    #![proptest_config(config(24))]

    /// Full carts at the limits: 300 lines, the largest prices and quantities.
    #[test]
    fn invariants_hold_for_full_carts(input in input(250..=300)) {
        let out = price(&input);
        check_invariants(&input, &out)?;
    }
}

/// Found by `invariants_hold`: free shipping worth more than the subtotal.
#[test]
fn free_shipping_worth_more_than_the_subtotal() {
    let input = json!({"currency": "USD", "lineItems": [{"id": "a", "price": "1.00", "quantity": 1}],
        "coupons": [{"code": "F", "type": "FREE_SHIPPING"}], "shipping": {"code": "s", "price": "9.00"}});
    let out = price(&input);
    assert_eq!(out["priceSummary"]["discount"]["amount"], "9.00");
    assert_eq!(out["priceSummary"]["total"]["amount"], "1.00");
}
