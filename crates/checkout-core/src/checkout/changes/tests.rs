//! The tests of `changes`.
use super::*;
use crate::testing::{now, store, CheckoutBuilder, SeqIds};
use checkout_pricing::cart::MAX_QUANTITY;
use serde_json::json;

fn code(r: Result<impl std::fmt::Debug>) -> ErrorCode {
    r.expect_err("refused").code
}

/// A checkout created from `body` by `caller` of the tenant `app-1`.
fn create_as(body: serde_json::Value, caller: Caller, store: &Store) -> Result<CheckoutRecord> {
    CheckoutRecord::create(
        request(body),
        store,
        (caller, "app-1"),
        &mut SeqIds::default(),
        now(),
    )
}

fn request<T: serde::de::DeserializeOwned>(v: serde_json::Value) -> T {
    serde_json::from_value(v).expect("a well-formed request")
}

#[test]
fn the_publishable_key_may_not_set_prices_or_the_checkout_url() {
    let store = store();
    let custom = CheckoutBuilder::new().custom_line("0.01");
    assert_eq!(
        code(custom.create(&store, Caller::Storefront)),
        ErrorCode::PermissionDenied
    );
    assert_eq!(custom.build(&store).line_items.len(), 1);
    let mut record = CheckoutBuilder::new().line("tee", 1).build(&store);
    let url: UpdateCheckout = request(json!({"overrideCheckoutUrl": "https://shop.example/pay"}));
    let mut ids = SeqIds::default();
    assert_eq!(
        code(record.update(url.clone(), &store, Caller::Storefront, &mut ids, now())),
        ErrorCode::PermissionDenied
    );
    assert_eq!(record.override_checkout_url, None);
    record
        .update(url, &store, Caller::Merchant, &mut ids, now())
        .unwrap();
    assert_eq!(
        record.checkout_url(&store, Some("https://x/")).as_deref(),
        Some("https://shop.example/pay")
    );
}

#[test]
fn only_the_secret_key_sets_the_buyers_identity_and_the_channel() {
    let store = store();
    let mut ids = SeqIds::default();
    let create = |body, caller| create_as(body, caller, &store);
    for body in [
        json!({"checkoutInfo": {"buyerInfo": {"memberId": "m-1"}}}),
        json!({"checkoutInfo": {"buyerInfo": {"contactId": "c-1"}}}),
        json!({"checkoutInfo": {"buyerInfo": {"visitorId": "v-1"}}}),
        json!({"channelType": "POS"}),
    ] {
        assert_eq!(
            code(create(body.clone(), Caller::Storefront)),
            ErrorCode::PermissionDenied,
            "{body}"
        );
        assert!(create(body, Caller::Merchant).is_ok());
    }
    assert_eq!(
        create(json!({"channelType": "WEB"}), Caller::Storefront)
            .unwrap()
            .channel_type,
        "WEB"
    );
    let mut record = create(
        json!({"checkoutInfo": {"buyerInfo": {"memberId": "m-1"}}, "channelType": "POS"}),
        Caller::Merchant,
    )
    .unwrap();
    // the page may send back what the checkout holds, and change nothing else of it
    let echo: UpdateCheckout =
        request(json!({"checkout": {"buyerInfo": {"memberId": "m-1", "email": "a@b.co"}}}));
    record
        .update(echo, &store, Caller::Storefront, &mut ids, now())
        .unwrap();
    let other: UpdateCheckout = request(json!({"checkout": {"buyerInfo": {"memberId": "m-2"}}}));
    assert_eq!(
        code(record.update(other, &store, Caller::Storefront, &mut ids, now())),
        ErrorCode::PermissionDenied
    );
    assert_eq!(record.buyer_info.member_id.as_deref(), Some("m-1"));
    assert_eq!(record.channel_type, "POS");
}

#[test]
fn adding_an_item_again_adds_to_its_line_up_to_the_quantity_limit() {
    let store = store();
    let mut record = CheckoutBuilder::new().line("tee", 2).build(&store);
    let add = |item: &str, quantity: u32| -> AddToCheckout {
        request(
            json!({"lineItems": [{"quantity": quantity, "catalogReference": {"catalogItemId": item}}]}),
        )
    };
    let mut ids = SeqIds::default();
    record
        .add_to_checkout(add("tee", 3), &store, Caller::Storefront, &mut ids)
        .unwrap();
    assert_eq!(record.line_items.len(), 1);
    assert_eq!(record.line_items[0].quantity, 5);
    let before = record.clone();
    assert_eq!(
        code(record.add_to_checkout(
            add("tee", MAX_QUANTITY),
            &store,
            Caller::Storefront,
            &mut ids
        )),
        PricingCode::InvalidQuantity.into()
    );
    assert_eq!(
        code(record.add_to_checkout(add("nothing", 1), &store, Caller::Storefront, &mut ids)),
        ErrorCode::CatalogItemNotFound
    );
    assert_eq!(record, before, "a refused change changes nothing");
}

#[test]
fn an_item_joins_the_line_of_an_equal_reference_and_no_other() {
    let store = store();
    let item = |quantity: u32, reference: serde_json::Value| {
        let mut reference = reference;
        reference["catalogItemId"] = json!("tee");
        json!({"quantity": quantity, "catalogReference": reference})
    };
    let nested = json!({"a": [1, 2.5, null, true], "b": {"c": "d"}});
    let record = create_as(
        json!({"lineItems": [
            item(1, json!({"options": {"size": "M", "n": 1, "x": nested}})),
            // the same options written in another order: the same line
            item(2, json!({"options": {"x": nested, "n": 1, "size": "M"}})),
            // a float is not the integer it equals, nor is a string
            item(4, json!({"options": {"size": "M", "n": 1.0, "x": nested}})),
            item(8, json!({"options": {"size": "M", "n": "1", "x": nested}})),
            // 0.0 and -0.0 are equal
            item(16, json!({"options": {"z": 0.0}})),
            item(32, json!({"options": {"z": -0.0}})),
            // no options is not empty options; an app makes another reference
            item(64, json!({})),
            item(128, json!({"options": {}})),
            item(256, json!({"appId": "app"})),
            item(512, json!({})),
        ]}),
        Caller::Storefront,
        &store,
    )
    .unwrap();
    let quantities: Vec<u32> = record.line_items.iter().map(|l| l.quantity).collect();
    assert_eq!(quantities, [3, 4, 8, 48, 576, 128, 256]);
    // a refused item is named by its place in the request
    let refused = create_as(
        json!({"lineItems": [item(1, json!({})), {"quantity": 1, "catalogReference": {"catalogItemId": "nothing"}},]}),
        Caller::Storefront,
        &store,
    )
    .expect_err("refused");
    assert_eq!(refused.field, "lineItems[1].catalogReference.catalogItemId");
    let refused = create_as(
        json!({"lineItems": [item(1, json!({})), item(MAX_QUANTITY, json!({}))]}),
        Caller::Storefront,
        &store,
    )
    .expect_err("refused");
    assert_eq!(refused.field, "lineItems[1].quantity");
    let refused = create_as(
        json!({"lineItems": [item(1, json!({"options": {"x": "x".repeat(MAX_OPTIONS_BYTES)}}))]}),
        Caller::Storefront,
        &store,
    )
    .expect_err("refused");
    assert_eq!(refused.field, "lineItems[0].catalogReference.options");
}

proptest::proptest! {
    /// Items made lines by their references' hashes are the lines a scan of
    /// every line for an equal reference makes.
    #[test]
    fn items_join_lines_as_a_scan_for_an_equal_reference_would(
        picks in proptest::collection::vec((0usize..10, 0usize..10, 1u32..5), 1..24)
    ) {
        let values = [json!(1), json!(1.0), json!("1"), json!(0.0), json!(-0.0), json!(null), json!(true),
            json!([1]), json!({"c": 1}), json!({"c": 1.0})];
        let store = store();
        let items: Vec<serde_json::Value> = picks.iter().map(|&(a, b, quantity)| {
            let options = if a == 9 { json!({}) } else { json!({"a": values[a], "b": values[b]}) };
            json!({"quantity": quantity, "catalogReference": {"catalogItemId": "tee", "options": options}})
        }).collect();
        let mut expected: Vec<(serde_json::Value, u32)> = Vec::new();
        for item in &items {
            let options = &item["catalogReference"]["options"];
            let quantity = item["quantity"].as_u64().unwrap() as u32;
            match expected.iter_mut().find(|(o, _)| o == options) {
                Some((_, q)) => *q += quantity,
                None => expected.push((options.clone(), quantity)),
            }
        }
        let record = create_as(json!({"lineItems": items}), Caller::Storefront, &store).unwrap();
        let made: Vec<(serde_json::Value, u32)> = record.line_items.iter().map(|l| {
            let options = l.catalog_reference.as_ref().and_then(|r| r.options.clone()).unwrap_or_default();
            (serde_json::Value::Object(options), l.quantity)
        }).collect();
        proptest::prop_assert_eq!(made, expected);
    }
}

#[test]
fn a_quantity_above_the_stock_left_is_lowered_to_it() {
    let store = store();
    let mut record = CheckoutBuilder::new()
        .line("tee", 1)
        .line("ebook", 1)
        .build(&store);
    let (tee, ebook) = (
        record.line_items[0].id.clone(),
        record.line_items[1].id.clone(),
    );
    let update: UpdateLineItemsQuantity =
        request(json!({"lineItems": [{"id": tee, "quantity": 9}, {"id": ebook, "quantity": 9}]}));
    record.update_quantities(update, &store).unwrap();
    assert_eq!(record.line_items[0].quantity, 5, "the tee has 5 in stock");
    assert_eq!(
        record.line_items[1].quantity, 9,
        "the e-book has no stock limit"
    );
    let unknown: UpdateLineItemsQuantity =
        request(json!({"lineItems": [{"id": "nope", "quantity": 1}]}));
    assert_eq!(
        code(record.update_quantities(unknown, &store)),
        PricingCode::LineItemNotFound.into()
    );
}

#[test]
fn a_completed_checkout_refuses_every_change() {
    let store = store();
    let mut record = CheckoutBuilder::ready().build(&store);
    record.mark_as_completed();
    let mut ids = SeqIds::default();
    let update: UpdateCheckout = request(json!({"checkout": {"buyerNote": "hi"}}));
    assert_eq!(
        code(record.update(update, &store, Caller::Merchant, &mut ids, now())),
        ErrorCode::CheckoutIsComplete
    );
    assert_eq!(
        code(record.remove_coupon(Caller::Merchant)),
        ErrorCode::CheckoutIsComplete
    );
    let remove: RemoveLineItems = request(json!({"lineItemIds": ["id-3"]}));
    assert_eq!(
        code(record.remove_line_items(remove)),
        ErrorCode::CheckoutIsComplete
    );
}

#[test]
fn updates_keep_the_buyers_email_and_bound_the_note() {
    let store = store();
    let mut record = CheckoutBuilder::new().email("a@b.co").build(&store);
    let mut ids = SeqIds::default();
    let mut update = |r: &mut CheckoutRecord, v| {
        r.update(request(v), &store, Caller::Storefront, &mut ids, now())
    };
    assert_eq!(
        code(update(&mut record, json!({}))),
        PricingCode::InvalidInput.into()
    );
    let removed = update(
        &mut record,
        json!({"checkout": {"buyerInfo": {"email": ""}}}),
    );
    assert_eq!(removed.unwrap_err().field, "checkout.buyerInfo.email");
    assert_eq!(
        code(update(
            &mut record,
            json!({"checkout": {"buyerInfo": {"email": "not an email"}}})
        )),
        PricingCode::InvalidInput.into()
    );
    let long = "n".repeat(MAX_BUYER_NOTE + 1);
    assert_eq!(
        update(&mut record, json!({"checkout": {"buyerNote": long}}))
            .unwrap_err()
            .field,
        "checkout.buyerNote"
    );
    assert_eq!(record.buyer_info.email.as_deref(), Some("a@b.co"));
}

#[test]
fn codes_are_checked_against_the_store_when_applied() {
    let store = store();
    let new = CheckoutBuilder::new;
    for (checkout, expected) in [
        (new().coupon("NOPE"), ErrorCode::CouponNotFound),
        (new().coupon("OLD"), ErrorCode::CouponExpired),
        (new().coupon("ONCE"), ErrorCode::CouponUsageExceeded),
        (new().gift_card("NOPE"), ErrorCode::GiftCardNotFound),
        (new().gift_card("GIFT-OLD"), ErrorCode::GiftCardExpired),
        (
            new().shipping("teleport"),
            ErrorCode::ShippingOptionNotFound,
        ),
    ] {
        assert_eq!(code(checkout.create(&store, Caller::Storefront)), expected);
    }
    let record = CheckoutBuilder::new()
        .coupon("SAVE10")
        .gift_card("GIFT-30")
        .build(&store);
    assert_eq!(record.coupon_code.as_deref(), Some("SAVE10"));
    assert_eq!(record.gift_card_code.as_deref(), Some("GIFT-30"));
}

/// The largest checkout a publishable-key caller can make: 300 lines each
/// with options at their limit, every custom field at its limit, the
/// longest note, addresses and contacts at their limits, a coupon and a
/// gift card. Its sizes are in RELIABILITY.md (Abuse); run with
/// `--nocapture` to see them.
#[test]
fn the_largest_checkout_a_page_can_make_stays_under_the_ceilings() {
    let store = crate::testing::store();
    let options = |i: usize| {
        // a JSON object of exactly MAX_OPTIONS_BYTES bytes, different on every line
        let fill = MAX_OPTIONS_BYTES - format!("{{\"n\":{i},\"x\":\"\"}}").len();
        json!({"n": i, "x": "é".repeat(fill / 2)})
    };
    let lines: Vec<_> = (0..MAX_LINE_ITEMS)
        .map(|i| {
            json!({"quantity": 100_000, "catalogReference": {"catalogItemId": "ebook",
            "appId": "a".repeat(100), "options": options(i)}})
        })
        .collect();
    let address = json!({"country": "US", "subdivision": "s".repeat(50), "city": "c".repeat(50),
        "postalCode": "p".repeat(50), "addressLine": "l".repeat(150), "addressLine2": "m".repeat(100),
        "formattedAddress": "f".repeat(500), "hint": "h".repeat(500),
        "streetAddress": {"number": "1".repeat(150), "name": "n".repeat(150), "apt": "a".repeat(150)}});
    let contact = json!({"firstName": "f".repeat(100), "lastName": "l".repeat(100), "phone": "1".repeat(50),
        "company": "c".repeat(1000), "vatId": {"id": "v".repeat(50), "type": "t".repeat(20)}});
    let field = json!({"title": "t".repeat(MAX_CUSTOM_FIELD_TITLE),
        "translatedTitle": "u".repeat(MAX_CUSTOM_FIELD_TITLE),
        "value": "v".repeat(MAX_CUSTOM_FIELD_VALUE_BYTES - 2)});
    let req: CreateCheckout = request(json!({
        "lineItems": lines,
        "checkoutInfo": {
            "billingInfo": {"address": address, "contactDetails": contact},
            "shippingInfo": {"shippingDestination": {"address": address, "contactDetails": contact}},
            "buyerInfo": {"email": format!("{}@example.com", "b".repeat(200))},
            "buyerNote": "n".repeat(MAX_BUYER_NOTE),
            "customFields": vec![field; MAX_CUSTOM_FIELDS],
        },
        "couponCode": "SAVE10",
        "giftCardCode": "GIFT-30",
    }));
    let record = CheckoutRecord::create(
        req,
        &store,
        (Caller::Storefront, "app-1"),
        &mut SeqIds::default(),
        now(),
    )
    .expect("within every field limit");
    let stored = record
        .to_stored_json()
        .expect("under the record ceiling")
        .len();
    let quote = crate::checkout::quote::Quote::new(&record, &store, now()).unwrap();
    let view = quote.checkout_json(&record, false).unwrap();
    let event = crate::events::envelope(
        "e",
        crate::events::CHECKOUT,
        crate::events::Kind::Updated,
        &record.id,
        &view,
        now(),
    )
    .len();
    let made = crate::checkout::order::Made {
        order_id: "o",
        gateway_order_id: "g",
        number: 1001,
    };
    let draft = crate::checkout::order::draft(&record, &quote, made, now())
        .expect("written")
        .expect("an order can be made of it");
    let order_event = crate::events::envelope(
        "e",
        crate::events::ORDER,
        crate::events::Kind::Created,
        "o",
        &draft.body,
        now(),
    )
    .len();
    println!(
        "largest record {stored} bytes; checkout view {} bytes, its event {event}; order {} bytes, its event {order_event}",
        view.len(),
        draft.body.len()
    );
    assert!(stored <= MAX_RECORD_BYTES * 3 / 4, "record {stored}");
    // events carry a bounded snapshot of the entity, and a short envelope around it
    for e in [event, order_event] {
        assert!(e <= crate::events::MAX_SNAPSHOT_BYTES + 1024, "event {e}");
    }
    // one byte more of options is refused at its field
    let mut over = options(0);
    over["x"] = json!(format!("{}a", over["x"].as_str().unwrap()));
    let req: AddToCheckout = request(json!({"lineItems": [{"quantity": 1,
        "catalogReference": {"catalogItemId": "ebook", "options": over}}]}));
    let e = record
        .clone()
        .add_to_checkout(req, &store, Caller::Storefront, &mut SeqIds::default())
        .unwrap_err();
    assert_eq!(e.field, "lineItems[0].catalogReference.options");
}

#[test]
fn the_checkout_url_is_the_stores_page_or_the_configured_one_never_guessed() {
    let store = store();
    let record = CheckoutBuilder::new().line("tee", 1).build(&store);
    assert_eq!(
        record.checkout_url(&store, Some("https://checkout.example/")),
        Some(format!(
            "https://checkout.example/?checkoutId={}",
            record.id
        ))
    );
    assert_eq!(record.checkout_url(&store, None), None);
    let with_page =
        crate::testing::store_with(|c| c["checkoutUrl"] = json!("https://shop.example/pay?x=1"));
    assert_eq!(
        record.checkout_url(&with_page, Some("https://checkout.example/")),
        Some(format!(
            "https://shop.example/pay?x=1&checkoutId={}",
            record.id
        ))
    );
}

#[test]
fn a_checkout_expires_when_idle_longer_than_its_store_keeps_it() {
    let store = store();
    let record = CheckoutBuilder::new().line("tee", 1).build(&store);
    let day = 86_400_000;
    assert!(!record.expired(&store, now().plus_millis(30 * day)));
    assert!(record.expired(&store, now().plus_millis(30 * day + 1)));
    let brief = crate::testing::store_with(|c| c["checkoutRetentionDays"] = json!(1));
    assert!(record.expired(&brief, now().plus_millis(day + 1)));
}

#[test]
fn a_checkout_holds_at_most_300_lines() {
    let store = store();
    let lines: Vec<serde_json::Value> = (0..=MAX_LINE_ITEMS)
        .map(|i| json!({"quantity": 1, "catalogReference": {"catalogItemId": "ebook", "options": {"n": i}}}))
        .collect();
    let req: CreateCheckout = request(json!({ "lineItems": lines }));
    let made = CheckoutRecord::create(
        req,
        &store,
        (Caller::Storefront, "app-1"),
        &mut SeqIds::default(),
        now(),
    );
    assert_eq!(code(made), PricingCode::TooManyLineItems.into());
}

#[test]
fn custom_settings_and_the_cart_are_set_on_create_only_and_the_locks_hold_for_the_page() {
    let store = store();
    let mut ids = SeqIds::default();
    let cart = "0b9c7c5e-7d3a-4c1e-9a55-1f2e3d4c5b6a";
    let mut record = CheckoutRecord::create(
        request(json!({"checkoutInfo": {"cartId": cart,
            "customSettings": {"lockCouponCode": true, "lockGiftCard": true, "disabledManualPayment": true}}})),
        &store,
        (Caller::Storefront, "app-1"),
        &mut ids,
        now(),
    )
    .unwrap();
    assert_eq!(record.cart_id.as_deref(), Some(cart));
    assert!(
        record.custom_settings.lock_coupon_code && record.custom_settings.disabled_manual_payment
    );
    // the page may not add or remove the coupon or the gift card; the merchant may
    for body in [
        json!({"couponCode": "SAVE10"}),
        json!({"giftCardCode": "GIFT-30"}),
    ] {
        let req: UpdateCheckout = request(body.clone());
        assert_eq!(
            code(record.update(req, &store, Caller::Storefront, &mut ids, now())),
            ErrorCode::PermissionDenied,
            "{body}"
        );
        let req: UpdateCheckout = request(body);
        record
            .update(req, &store, Caller::Merchant, &mut ids, now())
            .unwrap();
    }
    assert_eq!(
        code(record.remove_coupon(Caller::Storefront)),
        ErrorCode::PermissionDenied
    );
    assert_eq!(
        code(record.remove_gift_card(Caller::Storefront)),
        ErrorCode::PermissionDenied
    );
    record.remove_coupon(Caller::Merchant).unwrap();
    assert_eq!(
        record
            .custom_settings
            .check_manual_payment()
            .unwrap_err()
            .code,
        ErrorCode::ManualPaymentDisabled
    );
    // sent back unchanged on update, they are fine; changed, refused
    let same: UpdateCheckout = request(json!({"checkout": {"cartId": cart, "buyerNote": "hi",
        "customSettings": {"lockCouponCode": true, "lockGiftCard": true, "disabledManualPayment": true}}}));
    record
        .update(same, &store, Caller::Storefront, &mut ids, now())
        .unwrap();
    for body in [
        json!({"checkout": {"customSettings": {"lockCouponCode": false}, "buyerNote": "x"}}),
        json!({"checkout": {"cartId": "1b9c7c5e-7d3a-4c1e-9a55-1f2e3d4c5b6a", "buyerNote": "x"}}),
    ] {
        let req: UpdateCheckout = request(body.clone());
        assert_eq!(
            code(record.update(req, &store, Caller::Merchant, &mut ids, now())),
            ErrorCode::Pricing(PricingCode::InvalidInput),
            "{body}"
        );
    }
    let bad = CheckoutRecord::create(
        request(json!({"checkoutInfo": {"cartId": "not-a-guid"}})),
        &store,
        (Caller::Merchant, "app-1"),
        &mut ids,
        now(),
    );
    assert_eq!(bad.unwrap_err().field, "checkoutInfo.cartId");
}

#[test]
fn created_by_names_the_member_or_visitor_else_the_merchants_app() {
    let store = store();
    let made = |body, caller| create_as(body, caller, &store).unwrap().created_by;
    let by = made(
        json!({"checkoutInfo": {"buyerInfo": {"memberId": "m-1", "visitorId": "v-1"}}}),
        Caller::Merchant,
    );
    assert_eq!(
        (by.member_id.as_deref(), by.visitor_id, by.app_id),
        (Some("m-1"), None, None)
    );
    let by = made(
        json!({"checkoutInfo": {"buyerInfo": {"visitorId": "v-1"}}}),
        Caller::Merchant,
    );
    assert_eq!(by.visitor_id.as_deref(), Some("v-1"));
    assert_eq!(
        made(json!({}), Caller::Merchant).app_id.as_deref(),
        Some("app-1")
    );
    assert_eq!(made(json!({}), Caller::Storefront), CreatedBy::default());
}

#[test]
fn the_stores_own_page_ignores_the_override() {
    let store =
        crate::testing::store_with(|c| c["checkoutUrl"] = json!("https://shop.example/pay"));
    let mut record = CheckoutBuilder::new().line("tee", 1).build(&store);
    record.override_checkout_url = Some("https://elsewhere.example/".into());
    assert_eq!(
        record.checkout_url(&store, None).as_deref(),
        Some("https://elsewhere.example/")
    );
    assert_eq!(
        record.store_checkout_url(&store, None),
        Some(format!("https://shop.example/pay?checkoutId={}", record.id))
    );
    let charge: CreateOrderAndChargeRequest = request(json!({"paymentToken": "tok"}));
    assert_eq!(charge.check().unwrap_err().code, ErrorCode::PaymentError);
    let plain: CreateOrderAndChargeRequest = request(json!({}));
    assert!(plain.check().is_ok());
}

#[test]
fn the_buyer_chooses_a_currency_the_store_presents() {
    let store = crate::testing::store_with(|c| {
        c["presentmentCurrencies"] = json!([{"currency": "EUR", "rate": "0.92"}]);
    });
    let mut ids = SeqIds::default();
    let mut record = create_as(
        json!({"checkoutInfo": {"conversionCurrency": "EUR"}}),
        Caller::Storefront,
        &store,
    )
    .unwrap();
    assert_eq!(record.conversion_currency.as_deref(), Some("EUR"));
    let back: UpdateCheckout = request(json!({"checkout": {"conversionCurrency": "USD"}}));
    record
        .update(back, &store, Caller::Storefront, &mut ids, now())
        .unwrap();
    assert_eq!(
        record.conversion_currency, None,
        "the store's own currency: no conversion"
    );
    let other: UpdateCheckout = request(json!({"checkout": {"conversionCurrency": "GBP"}}));
    let e = record
        .update(other, &store, Caller::Storefront, &mut ids, now())
        .unwrap_err();
    assert_eq!(e.field, "checkout.conversionCurrency");
}
