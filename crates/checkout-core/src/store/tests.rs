//! The tests of `store`.
use super::*;
use crate::error::ErrorCode;
use crate::testing::{config, now, store};
use serde_json::{json, Value};

/// The refusal of the test store with the value at `pointer` replaced.
fn refusal(pointer: &str, value: Value) -> (ErrorCode, String) {
    let mut c = config();
    *c.pointer_mut(pointer).expect("a field of the test store") = value;
    let e = StoreConfig::from_json(&c.to_string()).expect_err("refused");
    (e.code, e.field)
}

#[test]
fn the_demo_store_is_valid() {
    let demo = include_str!("../../../../scripts/demo-store.json");
    assert!(StoreConfig::from_json(demo).is_ok());
}

#[test]
fn every_amount_rate_and_reference_is_checked_at_its_path() {
    let invalid = ErrorCode::from(PricingCode::InvalidInput);
    let amount = ErrorCode::from(PricingCode::InvalidAmount);
    let tax_rate = ErrorCode::from(PricingCode::InvalidTaxRate);
    let table: Vec<(&str, Value, ErrorCode, &str)> = vec![
        (
            "/currency",
            json!("usd"),
            PricingCode::UnsupportedCurrency.into(),
            "currency",
        ),
        (
            "/catalog/0/price",
            json!("1.001"),
            amount,
            "catalog[0].price",
        ),
        ("/catalog/1/id", json!("tee"), invalid, "catalog[1].id"),
        (
            "/catalog/0/itemType",
            json!("CAR"),
            invalid,
            "catalog[0].itemType",
        ),
        (
            "/catalog/0/itemType",
            json!("PLAN"),
            invalid,
            "catalog[0].plan",
        ),
        (
            "/catalog/2/taxGroupId",
            json!(7),
            invalid,
            "catalog[2].taxGroupId",
        ),
        (
            "/taxRegions/0/rates/*",
            json!("1.5"),
            tax_rate,
            "taxRegions[0].rates.*",
        ),
        (
            "/taxRegions/0/shippingRate",
            json!("-0"),
            tax_rate,
            "taxRegions[0].shippingRate",
        ),
        (
            "/shippingOptions/1/code",
            json!("standard"),
            invalid,
            "shippingOptions[1].code",
        ),
        (
            "/shippingOptions/0/price",
            json!("x"),
            amount,
            "shippingOptions[0].price",
        ),
        (
            "/coupons/0/value",
            json!("101"),
            PricingCode::InvalidCoupon.into(),
            "coupons[0].value",
        ),
        (
            "/coupons/1/expiresAt",
            json!("tomorrow"),
            invalid,
            "coupons[1].expiresAt",
        ),
        ("/giftCards/0/code", json!(""), invalid, "giftCards[0].code"),
        (
            "/giftCards/0/balance",
            json!("-1"),
            amount,
            "giftCards[0].balance",
        ),
    ];
    for (pointer, value, code, field) in table {
        assert_eq!(
            refusal(pointer, value),
            (code, field.to_owned()),
            "{pointer}"
        );
    }
}

#[test]
fn settings_are_checked_at_their_paths() {
    let with = |key: &str, value: Value| {
        let mut c = config();
        c[key] = value;
        StoreConfig::from_json(&c.to_string()).map_err(|e| e.field)
    };
    assert_eq!(
        with("weightUnit", json!("STONE")).unwrap_err(),
        "weightUnit"
    );
    assert!(with("weightUnit", json!("LB")).is_ok());
    assert_eq!(
        with("siteLanguage", json!("english")).unwrap_err(),
        "siteLanguage"
    );
    assert!(with("siteLanguage", json!("pt-BR")).is_ok());
    assert_eq!(
        with("paymentTimeoutMinutes", json!(0)).unwrap_err(),
        "paymentTimeoutMinutes"
    );
    let p = |currency: &str, rate: &str| json!([{"currency": currency, "rate": rate}]);
    assert!(with("presentmentCurrencies", p("EUR", "0.92")).is_ok());
    for (list, field) in [
        (p("USD", "1"), "presentmentCurrencies[0].currency"),
        (p("XXX", "1"), "presentmentCurrencies[0].currency"),
        (p("EUR", "-1"), "presentmentCurrencies[0].rate"),
        (p("EUR", "0.12345678901"), "presentmentCurrencies[0].rate"),
        (
            json!([{"currency": "EUR", "rate": "1"}, {"currency": "EUR", "rate": "2"}]),
            "presentmentCurrencies[1].currency",
        ),
    ] {
        assert_eq!(
            with("presentmentCurrencies", list.clone()).unwrap_err(),
            field,
            "{list}"
        );
    }
}

#[test]
fn counters_override_the_configured_stock_and_balances() {
    let mut s = store();
    assert_eq!(s.stock("tee"), Some(5));
    assert_eq!(s.stock("ebook"), None, "no stock: unlimited");
    s.counters.stock.insert("tee".into(), 0);
    assert_eq!(s.stock("tee"), Some(0));
    let card = s.gift_card("GIFT-30").unwrap().clone();
    assert_eq!(s.gift_card_balance(&card), 3000);
    s.counters.gift_card_balances.insert("GIFT-30".into(), 0);
    assert_eq!(
        s.check_gift_card("GIFT-30", now()).unwrap_err().code,
        ErrorCode::GiftCardIsEmpty
    );
}

#[test]
fn a_client_may_hold_the_stores_unpaid_orders_and_waits_for_the_earliest_to_free_a_place() {
    let now = Timestamp::from_millis(1_000_000);
    let mut config: StoreConfig =
        serde_json::from_value(serde_json::json!({"currency": "USD"})).expect("config");
    assert_eq!(config.client_may_order(2, None, now), Ok(()));
    let earliest = Some(now.plus_millis(90_500));
    assert_eq!(
        config.client_may_order(3, earliest, now),
        Err(91),
        "3 by default; seconds rounded up"
    );
    config.unpaid_orders_per_client = Some(1);
    assert_eq!(
        config.client_may_order(1, Some(now), now),
        Err(1),
        "never less than a second"
    );
    config.unpaid_orders_per_client = Some(101);
    assert!(config.validate().is_err(), "at most 100");
}

#[test]
fn a_long_catalog_finds_each_item_as_a_reading_in_order_does_once_indexed() {
    let base = store();
    let mut config = StoreConfig::clone(&base.config);
    let template = config.catalog[0].clone();
    // 200 items, one id twice (the first is found), looked up many times (the index is made after a few)
    config.catalog = (0..200)
        .map(|i| CatalogItem {
            id: format!("item-{}", i % 199),
            price: format!("{i}.00"),
            ..template.clone()
        })
        .collect();
    let long = Store::new(config, base.counters.clone()).unwrap();
    for round in 0..3 {
        for i in 0..210 {
            let id = format!("item-{i}");
            let found = long.catalog_item(&id).map(|item| item.price.as_str());
            let expected = long
                .config
                .catalog_item(&id)
                .map(|item| item.price.as_str());
            assert_eq!(found, expected, "{id}, round {round}");
        }
    }
    assert_eq!(
        long.catalog_item("item-0").map(|i| i.price.as_str()),
        Some("0.00")
    );
    assert!(long.items.by_hash.get().is_some(), "indexed");
    assert_eq!(long.catalog_item("nothing"), None);
}
