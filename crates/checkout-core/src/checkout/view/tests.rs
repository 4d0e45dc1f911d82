//! The tests of `view`.
use crate::checkout::quote::Quote;
use crate::testing::{now, store, CheckoutBuilder};
use serde_json::Value;

fn view(record: &crate::checkout::CheckoutRecord, with_input: bool) -> Value {
    let store = store();
    let quote = Quote::new(record, &store, now()).unwrap();
    serde_json::from_str(&quote.checkout_json(record, with_input).unwrap()).unwrap()
}

#[test]
fn the_pricing_input_shows_a_gift_card_only_as_far_as_it_is_used() {
    // a 20.00 tee, 1.65 tax, 5.00 shipping and 0.41 tax on it: 27.06 of the card's 30.00
    let record = CheckoutBuilder::ready()
        .gift_card("GIFT-30")
        .build(&store());
    let v = view(&record, true);
    assert_eq!(v["giftCard"]["amount"]["amount"], "27.06");
    assert_eq!(v["pricingInput"]["giftCard"]["balance"], "27.06");
    assert_eq!(v["payNow"]["total"]["amount"], "0.00");
    assert!(
        !v.to_string().contains("30.00"),
        "the balance shows nowhere"
    );
    assert_eq!(view(&record, false).get("pricingInput"), None);
}

#[test]
fn weights_tax_by_rate_and_wixs_empty_lists() {
    let store = crate::testing::store_with(|c| {
        c["weightUnit"] = serde_json::json!("LB");
        c["catalog"][0]["weight"] = serde_json::json!("0.25");
        c["catalog"][1]["weight"] = serde_json::json!("1.5");
    });
    let record = CheckoutBuilder::new()
        .line("tee", 2)
        .line("mug", 1)
        .line("ebook", 1)
        .build(&store);
    let quote = Quote::new(&record, &store, now()).unwrap();
    let v: Value = serde_json::from_str(&quote.checkout_json(&record, false).unwrap()).unwrap();
    assert_eq!(v["weightUnit"], "LB");
    assert_eq!(v["totalWeight"], serde_json::json!(2));
    // 8.25% on the tee and the mug; the e-book's 0 rate is not listed
    let by_rate = v["taxSummary"]["taxBreakdown"].as_array().unwrap();
    assert_eq!(by_rate.len(), 1);
    assert_eq!(by_rate[0]["rate"], "0.0825");
    assert_eq!(by_rate[0]["taxableAmount"]["amount"], "52.50");
    assert_eq!(
        by_rate[0]["taxAmount"]["amount"],
        v["priceSummary"]["tax"]["amount"]
    );
    assert_eq!(
        v["membershipOptions"]["selectedMemberships"]["memberships"],
        serde_json::json!([])
    );
    assert_eq!(v["violations"], serde_json::json!([]));
    assert_eq!(v["customSettings"]["lockGiftCard"], false);
    assert!(v["createdBy"].is_object());
    // without weights there is no total
    let plain = view(
        &CheckoutBuilder::new()
            .line("tee", 1)
            .build(&crate::testing::store()),
        false,
    );
    assert!(plain.get("totalWeight").is_none());
    assert_eq!(plain["weightUnit"], "KG");
}

#[test]
fn the_buyers_language_is_the_stores_until_the_buyer_names_one() {
    let store = crate::testing::store_with(|c| c["siteLanguage"] = serde_json::json!("de-AT"));
    let record = CheckoutBuilder::new().line("tee", 1).build(&store);
    let quote = Quote::new(&record, &store, now()).unwrap();
    let v: Value = serde_json::from_str(&quote.checkout_json(&record, false).unwrap()).unwrap();
    assert_eq!(
        (v["siteLanguage"].as_str(), v["buyerLanguage"].as_str()),
        (Some("de-AT"), Some("de-AT"))
    );
    // every price is written in that language too
    assert_eq!(v["priceSummary"]["subtotal"]["amount"], "20.00");
    assert_eq!(
        v["priceSummary"]["subtotal"]["formattedAmount"],
        "20,00\u{a0}$"
    );
    assert_eq!(
        v["lineItems"][0]["price"]["formattedAmount"],
        "20,00\u{a0}$"
    );
    let mut record = record;
    record.buyer_language = Some("he".into());
    let quote = Quote::new(&record, &store, now()).unwrap();
    let v: Value = serde_json::from_str(&quote.checkout_json(&record, false).unwrap()).unwrap();
    assert_eq!(v["buyerLanguage"], "he");
    assert_eq!(
        v["priceSummary"]["subtotal"]["formattedAmount"],
        "\u{200f}20.00\u{a0}\u{200f}$"
    );
    for tag in ["en", "de-AT", "zh-Hant-TW", "es-419"] {
        assert!(crate::store::is_language_tag(tag), "{tag}");
    }
    for tag in [
        "",
        "e",
        "english-language",
        "de_AT",
        "de-",
        "12",
        "x-toolongsubtag",
    ] {
        assert!(!crate::store::is_language_tag(tag), "{tag}");
    }
}

#[test]
fn a_buyers_currency_converts_every_price_as_the_pricing_function_does() {
    let store = crate::testing::store_with(|c| {
        c["presentmentCurrencies"] = serde_json::json!([{"currency": "EUR", "rate": "0.92"}, {"currency": "JPY", "rate": "151.37"}]);
    });
    let mut record = CheckoutBuilder::ready().line("mug", 2).build(&store);
    for (code, digits) in [("EUR", 2), ("JPY", 0)] {
        record.conversion_currency = Some(code.into());
        let quote = Quote::new(&record, &store, now()).unwrap();
        let pricing = quote.pricing();
        let v: Value = serde_json::from_str(&quote.checkout_json(&record, false).unwrap()).unwrap();
        assert_eq!(v["conversionCurrency"], code);
        assert_eq!(v["currency"], "USD");
        // the summary is the pricing function's own conversion
        let total = pricing
            .price_summary
            .total
            .converted_amount
            .unwrap()
            .to_string();
        assert_eq!(
            v["priceSummary"]["total"]["convertedAmount"],
            total.as_str()
        );
        assert_eq!(total.split('.').nth(1).map_or(0, str::len), digits);
        // and every other price is converted by the same rule
        let line = &v["lineItems"][0]["price"];
        assert!(line["convertedAmount"].is_string(), "{line}");
        assert!(line["formattedConvertedAmount"]
            .as_str()
            .unwrap()
            .contains(if code == "EUR" { "€" } else { "¥" }));
    }
    // the store's own currency, or none: no conversion
    record.conversion_currency = None;
    let quote = Quote::new(&record, &store, now()).unwrap();
    let v: Value = serde_json::from_str(&quote.checkout_json(&record, false).unwrap()).unwrap();
    assert_eq!(v["conversionCurrency"], "USD");
    assert!(v["priceSummary"]["total"].get("convertedAmount").is_none());
    assert!(v.get("presentmentCurrencies").is_none());
    // a page that prices live is told what the buyer may switch to
    let v: Value = serde_json::from_str(&quote.checkout_json(&record, true).unwrap()).unwrap();
    assert_eq!(
        v["presentmentCurrencies"],
        serde_json::json!([{"currency": "EUR", "rate": "0.92"}, {"currency": "JPY", "rate": "151.37"}])
    );
}

#[test]
fn a_stores_fees_are_priced_into_every_checkout_and_listed() {
    let store = crate::testing::store_with(|c| {
        c["additionalFees"] = serde_json::json!([
            {"code": "handling", "name": "Handling", "price": "2.00"},
            {"code": "packing", "name": "Gift packing", "price": "3.50", "taxGroupId": "wrap"}
        ]);
        c["taxRegions"][0]["rates"]["wrap"] = serde_json::json!("0.2");
    });
    let record = CheckoutBuilder::new().line("tee", 1).build(&store);
    let quote = Quote::new(&record, &store, now()).unwrap();
    let v: Value = serde_json::from_str(&quote.checkout_json(&record, true).unwrap()).unwrap();
    // 20.00 + 1.65 tax on the tee; 2.00 untaxed; 3.50 + 0.70 tax at the wrap group's 20%
    assert_eq!(v["priceSummary"]["additionalFees"]["amount"], "5.50");
    assert_eq!(v["priceSummary"]["tax"]["amount"], "2.35");
    assert_eq!(v["priceSummary"]["total"]["amount"], "27.85");
    let fees = v["additionalFees"].as_array().unwrap();
    assert_eq!(fees.len(), 2);
    assert_eq!(fees[1]["code"], "packing");
    assert_eq!(fees[1]["name"], "Gift packing");
    assert_eq!(fees[1]["price"]["formattedAmount"], "$3.50");
    assert_eq!(fees[1]["taxDetails"]["taxRate"], "0.2");
    assert_eq!(fees[1]["taxDetails"]["totalTax"]["amount"], "0.70");
    // the page prices the same input: the fees travel in it
    assert_eq!(
        v["pricingInput"]["additionalFees"],
        serde_json::json!([
            {"code": "handling", "price": "2.00", "taxRate": "0"},
            {"code": "packing", "price": "3.50", "taxRate": "0.2"}
        ])
    );
    let page = checkout_pricing::price_json(&v["pricingInput"].to_string()).unwrap();
    let page: Value = serde_json::from_str(&page).unwrap();
    assert_eq!(page["priceSummary"]["total"]["amount"], "27.85");
    // a store without fees lists none, as Wix's object does
    assert_eq!(
        view(&record, false)["additionalFees"],
        serde_json::json!([])
    );
}

#[test]
fn fees_are_checked_with_the_stores_configuration() {
    for (fees, path) in [
        (
            serde_json::json!([{"code": "a", "name": "A", "price": "1.001"}]),
            "additionalFees[0].price",
        ),
        (
            serde_json::json!([{"code": "a", "name": "A", "price": "1"}, {"code": "a", "name": "B", "price": "1"}]),
            "additionalFees[1].code",
        ),
        (
            serde_json::json!([{"code": "a", "name": " ", "price": "1"}]),
            "additionalFees[0].name",
        ),
    ] {
        let mut config = crate::testing::config();
        config["additionalFees"] = fees;
        let e = crate::store::StoreConfig::from_json(&config.to_string())
            .and_then(|c| crate::store::Store::new(c, Default::default()))
            .expect_err("refused");
        assert_eq!(e.field, path);
    }
}
