//! The hand-written JSON reader (`checkout_pricing::json`) against the serde
//! readers of the same raw types on `serde_json`, over generated inputs of the
//! pricing input's shape with right and wrong types in every field, and over
//! the same texts with one character inserted or deleted (mostly no longer
//! JSON). Both must accept the same texts and read the same values; on a
//! well-formed text they refuse at the same field. The two differences the
//! reader's documentation names are left out of the generated inputs.

mod common;

use checkout_pricing::input::{self, RawCoupon, RawInput, RawLine};
use checkout_pricing::{json, ErrorCode};
use common::serde_cart;
use proptest::prelude::*;
use proptest::strategy::Union;
use proptest::test_runner::FileFailurePersistence;
use serde_json::{json, Map, Value};

type Read<T> = Result<T, (ErrorCode, String)>;

fn serde_read<'a, T: serde::Deserialize<'a>>(text: &'a str) -> Read<T> {
    let mut de = serde_json::Deserializer::from_str(text);
    let value = input::deserialize(&mut de).map_err(|e| (e.code, e.field))?;
    de.end()
        .map_err(|_| (ErrorCode::InvalidInput, String::new()))?;
    Ok(value)
}

fn ours<T>(read: checkout_pricing::Result<T>) -> Read<T> {
    read.map_err(|e| (e.code, e.field))
}

/// Anything but an array (where a struct belongs: serde would read an array
/// as the struct's fields in order, which the JSON reader refuses).
fn scalar() -> impl Strategy<Value = Value> {
    prop_oneof![
        prop::sample::select(vec![
            "USD",
            "JPY",
            "KWD",
            "usd",
            "",
            "1.00",
            "19.99",
            "0.0825",
            "10",
            "1e3",
            "-1",
            "é",
            "a\"b\\",
            "\u{1}",
            "😀",
            "PERCENTAGE",
            "FIXED_AMOUNT",
            "FREE_SHIPPING",
            "PHYSICAL",
            "a",
            "b",
        ])
        .prop_map(Value::from),
        prop::sample::select(vec![0i64, 1, 3, -1, 100_000, 100_001, i64::MIN])
            .prop_map(Value::from),
        Just(json!(u64::MAX)),
        prop::sample::select(vec![1.5f64, 2.0, -0.0, 1e19, 2.5e-3]).prop_map(Value::from),
        any::<bool>().prop_map(Value::from),
        Just(Value::Null),
        Just(json!({})),
        Just(json!({"x": [1, {"y": null}]})),
    ]
}

fn any_value() -> impl Strategy<Value = Value> {
    prop_oneof![
        4 => scalar(),
        1 => Just(json!([])),
        1 => Just(json!(["a", 1, null])),
    ]
}

fn field(
    name: &'static str,
    value: impl Strategy<Value = Value> + 'static,
) -> BoxedStrategy<(String, Value)> {
    value.prop_map(move |v| (name.to_owned(), v)).boxed()
}

/// An object of some of `fields`, in any order.
fn object(fields: Vec<BoxedStrategy<(String, Value)>>) -> impl Strategy<Value = Value> {
    prop::collection::vec(Union::new(fields), 0..8)
        .prop_map(|entries| Value::Object(entries.into_iter().collect::<Map<_, _>>()))
}

/// A struct where one belongs, or something else.
fn or_scalar(s: impl Strategy<Value = Value> + 'static) -> BoxedStrategy<Value> {
    prop_oneof![4 => s, 1 => scalar()].boxed()
}

fn list(item: impl Strategy<Value = Value> + 'static) -> BoxedStrategy<Value> {
    prop_oneof![
        4 => prop::collection::vec(item, 0..4).prop_map(Value::Array),
        1 => scalar(),
    ]
    .boxed()
}

fn line() -> impl Strategy<Value = Value> {
    let names = [
        "id",
        "price",
        "quantity",
        "taxRate",
        "catalogItemId",
        "itemType",
        "note",
    ];
    object(names.into_iter().map(|n| field(n, any_value())).collect())
}

fn coupon() -> impl Strategy<Value = Value> {
    let mut fields: Vec<_> = ["code", "type", "value", "minimumSubtotal", "other"]
        .into_iter()
        .map(|n| field(n, any_value()))
        .collect();
    fields.push(field("catalogItemIds", list(any_value())));
    object(fields)
}

fn pricing_input() -> impl Strategy<Value = Value> {
    let charge = || {
        or_scalar(object(
            ["code", "price", "taxRate"]
                .into_iter()
                .map(|n| field(n, any_value()))
                .collect(),
        ))
    };
    let pair = |a: &'static str, b: &'static str| {
        or_scalar(object(vec![field(a, any_value()), field(b, any_value())]))
    };
    prop_oneof![
        9 => object(vec![
            field("currency", any_value()),
            field("taxIncludedInPrice", any_value()),
            field("lineItems", list(or_scalar(line()))),
            field("coupons", list(or_scalar(coupon()))),
            field("shipping", charge()),
            field("additionalFees", list(charge())),
            field("giftCard", pair("code", "balance")),
            field("conversion", pair("currency", "rate")),
            field("extra", any_value()),
        ]),
        1 => scalar(),
    ]
}

/// The text with one character inserted or deleted at a character boundary.
fn mutated(text: &str, at: prop::sample::Index, insert: Option<char>) -> String {
    let bounds: Vec<usize> = text
        .char_indices()
        .map(|(i, _)| i)
        .chain([text.len()])
        .collect();
    let i = bounds[at.index(bounds.len())];
    let mut out = text.to_owned();
    match insert {
        Some(c) => out.insert(i, c),
        None if i < text.len() => {
            out.remove(i);
        }
        None => {}
    }
    out
}

fn mutation() -> impl Strategy<Value = Option<char>> {
    prop::option::of(prop::sample::select(vec![
        '{', '}', '[', ']', ',', ':', '"', '\\', '0', '1', '-', '.', 'e', ' ', 'n', 'u', '\u{1}',
    ]))
}

/// Whether the text has an exponent of three digits or more (`1e400`).
fn huge_exponent(text: &str) -> bool {
    let b = text.as_bytes();
    b.iter().enumerate().any(|(i, &c)| {
        let rest = &b[i + 1..];
        let rest = rest
            .strip_prefix(b"-")
            .or(rest.strip_prefix(b"+"))
            .unwrap_or(rest);
        (c == b'e' || c == b'E') && rest.len() >= 3 && rest[..3].iter().all(u8::is_ascii_digit)
    })
}

fn config() -> ProptestConfig {
    ProptestConfig {
        cases: 3000,
        failure_persistence: Some(Box::new(FileFailurePersistence::Direct(
            "tests/json_reader.proptest-regressions",
        ))),
        ..ProptestConfig::default()
    }
}

proptest! {
    #![proptest_config(config())]

    #[test]
    fn reads_as_serde_reads(input in pricing_input()) {
        let text = input.to_string();
        prop_assert_eq!(ours(json::input(&text)), serde_read::<RawInput>(&text), "{}", text);
        prop_assert_eq!(ours(checkout_pricing::Cart::from_json(&text)),
            ours(serde_cart(&text)));
    }

    #[test]
    fn reads_lines_and_coupons_as_serde_reads(line in line(), coupon in coupon()) {
        let (line, coupon) = (line.to_string(), coupon.to_string());
        prop_assert_eq!(ours(json::line(&line)), serde_read::<RawLine>(&line), "{}", line);
        prop_assert_eq!(ours(json::coupon(&coupon)), serde_read::<RawCoupon>(&coupon), "{}", coupon);
    }

    #[test]
    fn accepts_and_refuses_the_texts_serde_does(
        input in pricing_input(),
        at in any::<prop::sample::Index>(),
        insert in mutation(),
    ) {
        let text = mutated(&input.to_string(), at, insert);
        // serde_json refuses a number past a float's range; ours reads it as
        // not a whole number (see the module's documentation)
        prop_assume!(!huge_exponent(&text));
        let (a, b) = (ours(json::input(&text)), serde_read::<RawInput>(&text));
        match (&a, &b) {
            (Ok(_), Ok(_)) => prop_assert_eq!(a, b, "{}", text),
            (Err((code, _)), Err(_)) => prop_assert_eq!(*code, ErrorCode::InvalidInput),
            _ => prop_assert!(false, "{}: {:?} / {:?}", text, a, b),
        }
    }
}
