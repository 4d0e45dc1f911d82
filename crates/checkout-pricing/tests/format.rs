//! Every language and currency of the money formats, against the runtime the
//! table was generated from (`format_cases.json`, made with it by
//! `scripts/gen-money-format.mjs`): the same text to the byte.

use checkout_pricing::amount::Amount;
use checkout_pricing::currency::Currency;
use checkout_pricing::format::{format_money, SOURCE};
use serde_json::Value;

#[test]
fn formats_as_the_runtime_the_table_came_from() {
    let cases: Value = serde_json::from_str(include_str!("format_cases.json")).expect("cases");
    assert_eq!(
        cases["source"], SOURCE,
        "the table and the cases are of one generation"
    );
    let cases = cases["cases"].as_array().expect("a list");
    assert!(cases.len() > 3000);
    let mut wrong = Vec::new();
    for case in cases {
        let (tag, code) = (case[0].as_str().unwrap(), case[1].as_str().unwrap());
        let currency = Currency::from_code(code).expect("a supported currency");
        let minor: u128 = case[2].as_str().unwrap().parse().unwrap();
        let negative = case[3].as_bool().unwrap();
        let got = format_money(
            Amount::new(minor, currency.exponent()),
            currency,
            negative,
            tag,
        );
        if got != case[4].as_str().unwrap() {
            wrong.push(format!("{tag} {code} {minor}: {got:?}, not {}", case[4]));
        }
    }
    assert!(
        wrong.is_empty(),
        "{} wrong, as {:?}",
        wrong.len(),
        &wrong[..wrong.len().min(10)]
    );
}
