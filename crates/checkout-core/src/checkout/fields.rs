//! How a request's fields reach a checkout: the buyer's info and addresses,
//! the codes (coupon, gift card, checkout URL) and the items, each checked
//! against the store and the caller's key.

use super::*;
use crate::error::{Error, ErrorCode, PricingCode, Result};
use crate::store::Store;
use crate::time::Timestamp;
use checkout_pricing::cart::{ItemType, MAX_LINE_ITEMS, MAX_QUANTITY};
use checkout_pricing::input::{self, Count, Text};
use serde_json::{Map, Value};
use std::collections::hash_map::DefaultHasher;
use std::collections::HashMap;
use std::hash::{Hash, Hasher};

impl CheckoutRecord {
    pub(super) fn apply_info(
        &mut self,
        info: CheckoutInfo,
        store: &Store,
        caller: Caller,
        path: &str,
    ) -> Result<()> {
        if let Some(billing) = info.billing_info {
            billing.validate(&format!("{path}.billingInfo"))?;
            self.billing_info = Some(billing);
        }
        if let Some(shipping) = info.shipping_info {
            if let Some(dest) = shipping.shipping_destination {
                dest.validate(&format!("{path}.shippingInfo.shippingDestination"))?;
                self.shipping_destination = Some(dest);
            }
            if let Some(code) = shipping
                .selected_carrier_service_option
                .and_then(|o| o.code)
            {
                if !store.config.shipping_options.iter().any(|o| o.code == code) {
                    return Err(Error::new(
                        ErrorCode::ShippingOptionNotFound,
                        format!("{path}.shippingInfo.selectedCarrierServiceOption.code"),
                        format!("the store has no shipping option {code:?}"),
                    ));
                }
                self.selected_shipping_option = Some(code);
            }
        }
        if let Some(buyer) = info.buyer_info {
            let field = format!("{path}.buyerInfo.email");
            match buyer.email {
                Some(email) if email.is_empty() && self.buyer_info.email.is_some() => {
                    return Err(Error::invalid(
                        field,
                        "the buyer's email cannot be removed once set",
                    ));
                }
                Some(email) if email.is_empty() => {}
                Some(email) => {
                    if !valid_email(&email) {
                        return Err(Error::invalid(
                            field,
                            "an email address, as buyer@example.com",
                        ));
                    }
                    self.buyer_info.email = Some(email);
                }
                None => {}
            }
            for (value, key) in [
                (buyer.visitor_id, "visitorId"),
                (buyer.member_id, "memberId"),
                (buyer.contact_id, "contactId"),
            ] {
                if let Some(v) = value {
                    let field = format!("{path}.buyerInfo.{key}");
                    check_len(&v, 100, &field)?;
                    let held = match key {
                        "visitorId" => &mut self.buyer_info.visitor_id,
                        "memberId" => &mut self.buyer_info.member_id,
                        _ => &mut self.buyer_info.contact_id,
                    };
                    // a page may send back what the checkout holds, never change it
                    if caller == Caller::Storefront && held.as_deref() != Some(v.as_str()) {
                        return Err(Error::new(
                            ErrorCode::PermissionDenied,
                            field,
                            "the buyer's identity is set by the store's backend, with the secret key",
                        ));
                    }
                    *held = Some(v);
                }
            }
        }
        if let Some(code) = info.conversion_currency {
            if code == store.config.currency {
                self.conversion_currency = None;
            } else if store.config.presentment(&code).is_some() {
                self.conversion_currency = Some(code);
            } else {
                return Err(Error::invalid(
                    format!("{path}.conversionCurrency"),
                    "the store's currency or one of its presentmentCurrencies",
                ));
            }
        }
        if let Some(language) = info.buyer_language {
            if !crate::store::is_language_tag(&language) {
                return Err(Error::invalid(
                    format!("{path}.buyerLanguage"),
                    crate::store::LANGUAGE_TAG,
                ));
            }
            self.buyer_language = Some(language);
        }
        if let Some(note) = info.buyer_note {
            if note.chars().count() > MAX_BUYER_NOTE {
                return Err(Error::invalid(
                    format!("{path}.buyerNote"),
                    format!("a buyer note has at most {MAX_BUYER_NOTE} characters"),
                ));
            }
            self.buyer_note = (!note.is_empty()).then_some(note);
        }
        if let Some(fields) = info.custom_fields {
            if fields.len() > MAX_CUSTOM_FIELDS {
                return Err(Error::invalid(
                    format!("{path}.customFields"),
                    format!("at most {MAX_CUSTOM_FIELDS} custom fields"),
                ));
            }
            for (i, f) in fields.iter().enumerate() {
                let at = format!("{path}.customFields[{i}]");
                check_len(&f.title, MAX_CUSTOM_FIELD_TITLE, &format!("{at}.title"))?;
                if let Some(t) = &f.translated_title {
                    check_len(t, MAX_CUSTOM_FIELD_TITLE, &format!("{at}.translatedTitle"))?;
                }
                check_json_size(
                    &f.value,
                    MAX_CUSTOM_FIELD_VALUE_BYTES,
                    &format!("{at}.value"),
                )?;
            }
            self.custom_fields = fields;
        }
        Ok(())
    }

    pub(super) fn apply_codes(
        &mut self,
        coupon: Option<String>,
        gift_card: Option<String>,
        override_url: Option<String>,
        store: &Store,
        caller: Caller,
        now: Timestamp,
    ) -> Result<()> {
        self.custom_settings
            .check_codes(caller, coupon.is_some(), gift_card.is_some())?;
        if let Some(code) = coupon {
            store.check_coupon(&code, now)?;
            self.coupon_code = Some(code);
        }
        if let Some(code) = gift_card {
            store.check_gift_card(&code, now)?;
            self.gift_card_code = Some(code);
        }
        if let Some(url) = override_url {
            if caller == Caller::Storefront {
                return Err(Error::new(
                    ErrorCode::PermissionDenied,
                    "overrideCheckoutUrl",
                    "setting the checkout URL needs the secret key",
                ));
            }
            check_len(&url, 1000, "overrideCheckoutUrl")?;
            if !(url.starts_with("https://") || url.starts_with("http://")) {
                return Err(Error::invalid(
                    "overrideCheckoutUrl",
                    "an absolute http(s) URL",
                ));
            }
            self.override_checkout_url = Some(url);
        }
        Ok(())
    }

    /// Adds catalog and custom items: all are checked before any is added.
    pub(super) fn add_items(
        &mut self,
        items: Option<Vec<LineItemInput>>,
        custom: Option<Vec<CustomLineItemInput>>,
        store: &Store,
        caller: Caller,
        ids: &mut dyn Ids,
        max_per_request: usize,
    ) -> Result<()> {
        let items = items.unwrap_or_default();
        let custom = custom.unwrap_or_default();
        if !custom.is_empty() && caller == Caller::Storefront {
            return Err(Error::new(
                ErrorCode::PermissionDenied,
                "customLineItems",
                "custom line items (with a caller-given price) need the secret key",
            ));
        }
        for (list, len) in [
            ("lineItems", items.len()),
            ("customLineItems", custom.len()),
        ] {
            if len > max_per_request {
                return Err(Error::new(
                    PricingCode::TooManyLineItems,
                    list,
                    format!("at most {max_per_request} per request"),
                ));
            }
        }
        let mut lines = self.line_items.clone();
        // the catalog lines by their reference's hash: an item finds its line among those of the same
        // hash, not by comparing it with every line (300 lines made at once compared 45,000 pairs)
        let mut by_hash: HashMap<u64, Vec<usize>> = HashMap::new();
        for (at, line) in lines.iter().enumerate() {
            if let (None, Some(reference)) = (&line.custom, &line.catalog_reference) {
                by_hash.entry(reference.hash_of()).or_default().push(at);
            }
        }
        for (i, item) in items.into_iter().enumerate() {
            // a field named within its item, and the item's place written only when it is refused
            let at = |mut e: Error| {
                e.field = format!("lineItems[{i}].{}", e.field);
                e
            };
            let quantity = input::quantity(item.quantity.unwrap_or(Count::Int(1)), "quantity")
                .map_err(|e| at(e.into()))?;
            let reference = item.catalog_reference.unwrap_or_default();
            let item_id = reference.catalog_item_id.unwrap_or_default();
            if store.catalog_item(&item_id).is_none() {
                return Err(at(Error::new(
                    ErrorCode::CatalogItemNotFound,
                    "catalogReference.catalogItemId",
                    format!("the catalog has no item {item_id:?}"),
                )));
            }
            let reference = CatalogReference {
                catalog_item_id: item_id,
                app_id: reference.app_id,
                options: reference.options,
            };
            reference.check("catalogReference").map_err(at)?;
            let hash = reference.hash_of();
            let same = by_hash.get(&hash).and_then(|places| {
                places.iter().copied().find(|&k| {
                    lines.get(k).and_then(|l| l.catalog_reference.as_ref()) == Some(&reference)
                })
            });
            match same.and_then(|k| lines.get_mut(k)) {
                Some(line) => {
                    let total = line.quantity + quantity;
                    if total > MAX_QUANTITY {
                        return Err(at(Error::new(
                            PricingCode::InvalidQuantity,
                            "quantity",
                            format!(
                                "the line would hold {total}; a quantity is at most {MAX_QUANTITY}"
                            ),
                        )));
                    }
                    line.quantity = total;
                }
                None => {
                    by_hash.entry(hash).or_default().push(lines.len());
                    lines.push(StoredLine {
                        id: ids.new_id(),
                        quantity,
                        catalog_reference: Some(reference),
                        custom: None,
                    });
                }
            }
        }
        for (i, item) in custom.into_iter().enumerate() {
            let path = format!("customLineItems[{i}]");
            let line = item.into_line(&path, store, ids)?;
            lines.push(line);
        }
        if lines.len() > MAX_LINE_ITEMS {
            return Err(Error::new(
                PricingCode::TooManyLineItems,
                "lineItems",
                format!("a checkout holds at most {MAX_LINE_ITEMS} line items"),
            ));
        }
        self.line_items = lines;
        Ok(())
    }
}

impl CustomLineItemInput {
    fn into_line(self, path: &str, store: &Store, ids: &mut dyn Ids) -> Result<StoredLine> {
        let quantity = input::quantity(
            self.quantity.unwrap_or(Count::Int(1)),
            &format!("{path}.quantity"),
        )?;
        let price = match self.price {
            Some(Text::Str(p)) => p.into_owned(),
            _ => {
                return Err(Error::new(
                    PricingCode::InvalidAmount,
                    format!("{path}.price"),
                    "a custom line item needs a price, a decimal string",
                ))
            }
        };
        input::money(
            Some(&Text::from(price.clone())),
            store.currency(),
            &format!("{path}.price"),
        )?;
        let name = self
            .product_name
            .and_then(|n| n.original)
            .unwrap_or_default();
        if name.is_empty() {
            return Err(Error::invalid(
                format!("{path}.productName.original"),
                "a custom line item needs a name",
            ));
        }
        check_len(&name, 200, &format!("{path}.productName.original"))?;
        let item_type = self
            .item_type
            .and_then(|t| t.preset)
            .unwrap_or_else(|| "PHYSICAL".into());
        if ItemType::parse(&item_type).is_none() {
            return Err(Error::invalid(
                format!("{path}.itemType.preset"),
                "itemType.preset is one of PHYSICAL, DIGITAL, SERVICE, GIFT_CARD, PLAN",
            ));
        }
        let physical = self.physical_properties.unwrap_or_default();
        if let Some(sku) = &physical.sku {
            check_len(sku, 40, &format!("{path}.physicalProperties.sku"))?;
        }
        let quantity_available = match self.quantity_available {
            None => None,
            Some(Count::Int(q)) if (0..=i128::from(MAX_QUANTITY)).contains(&q) => {
                u32::try_from(q).ok()
            }
            Some(_) => {
                return Err(Error::invalid(
                    format!("{path}.quantityAvailable"),
                    format!("a whole number from 0 to {MAX_QUANTITY}"),
                ))
            }
        };
        let reference = self.catalog_reference.map(|r| CatalogReference {
            catalog_item_id: r.catalog_item_id.unwrap_or_default(),
            app_id: r.app_id,
            options: r.options,
        });
        if let Some(r) = &reference {
            r.check(&format!("{path}.catalogReference"))?;
        }
        Ok(StoredLine {
            id: ids.new_id(),
            quantity,
            catalog_reference: reference,
            custom: Some(CustomItem {
                shippable: physical.shippable.unwrap_or(item_type == "PHYSICAL"),
                name,
                price,
                item_type,
                tax_group_id: self.tax_group_id,
                sku: physical.sku,
                weight: physical.weight,
                quantity_available,
            }),
        })
    }
}

impl CatalogReference {
    /// A hash that two equal references (`==`) share: the same item, app and
    /// options, where two numbers are equal as `serde_json` has them (an
    /// integer is not equal to a float; `0.0` is `-0.0`).
    fn hash_of(&self) -> u64 {
        fn value(v: &Value, h: &mut DefaultHasher) {
            match v {
                Value::Null => 0u8.hash(h),
                Value::Bool(b) => (1u8, b).hash(h),
                Value::Number(n) => match (n.as_u64(), n.as_i64(), n.as_f64()) {
                    (Some(u), _, _) => (2u8, u).hash(h),
                    (None, Some(i), _) => (3u8, i).hash(h),
                    // + 0.0: -0.0 hashes as 0.0, which it equals
                    (None, None, f) => (4u8, f.map(|f| (f + 0.0).to_bits())).hash(h),
                },
                Value::String(s) => (5u8, s).hash(h),
                Value::Array(a) => {
                    (6u8, a.len()).hash(h);
                    a.iter().for_each(|v| value(v, h));
                }
                Value::Object(o) => object(o, h),
            }
        }
        fn object(o: &Map<String, Value>, h: &mut DefaultHasher) {
            // a map's entries in key order, as its equality compares them
            (7u8, o.len()).hash(h);
            for (k, v) in o {
                k.hash(h);
                value(v, h);
            }
        }
        let mut h = DefaultHasher::new();
        (&self.catalog_item_id, &self.app_id).hash(&mut h);
        match &self.options {
            None => 0u8.hash(&mut h),
            Some(o) => object(o, &mut h),
        }
        h.finish()
    }

    /// The free-form parts of a reference within their limits.
    fn check(&self, path: &str) -> Result<()> {
        check_len(&self.catalog_item_id, 100, || {
            format!("{path}.catalogItemId")
        })?;
        if let Some(app) = &self.app_id {
            check_len(app, 100, || format!("{path}.appId"))?;
        }
        if let Some(options) = &self.options {
            check_json_size(options, MAX_OPTIONS_BYTES, || format!("{path}.options"))?;
        }
        Ok(())
    }
}

/// The sales channel: `WEB` unless the store's backend (the secret key) says
/// otherwise.
pub(super) fn channel_type(value: Option<&str>, caller: Caller) -> Result<String> {
    match value {
        None => Ok("WEB".into()),
        Some(c) if !CHANNELS.contains(&c) => Err(Error::invalid(
            "channelType",
            "channelType is one of Wix's ChannelType values, as WEB",
        )),
        Some(c) if caller == Caller::Storefront && c != "WEB" => Err(Error::new(
            ErrorCode::PermissionDenied,
            "channelType",
            "the channel is set by the store's backend, with the secret key",
        )),
        Some(c) => Ok(c.into()),
    }
}

/// Wix's `ChannelType` values.
pub const CHANNELS: &[&str] = &[
    "UNSPECIFIED",
    "WEB",
    "POS",
    "EBAY",
    "AMAZON",
    "OTHER_PLATFORM",
    "WIX_APP_STORE",
    "WIX_INVOICES",
    "BACKOFFICE_MERCHANT",
    "WISH",
    "CLASS_PASS",
    "GLOBAL_E",
    "FACEBOOK",
    "ETSY",
    "TIKTOK",
    "FAIRE_COM",
    "PAYPAL_AGENTIC_CHECKOUT",
    "STRIPE_AGENTIC_CHECKOUT",
];

/// A GUID: 8-4-4-4-12 hexadecimal digits.
pub(super) fn is_guid(s: &str) -> bool {
    let groups: Vec<&str> = s.split('-').collect();
    groups.iter().map(|g| g.len()).eq([8, 4, 4, 4, 12])
        && groups
            .iter()
            .all(|g| g.bytes().all(|b| b.is_ascii_hexdigit()))
}

impl CreatedBy {
    /// The member or visitor the checkout is made for, else the app that
    /// made it (the merchant's backend), else nobody known.
    pub(super) fn of(buyer: &BuyerInfo, caller: Caller, app_id: &str) -> CreatedBy {
        if let Some(member) = &buyer.member_id {
            return CreatedBy {
                member_id: Some(member.clone()),
                ..CreatedBy::default()
            };
        }
        if let Some(visitor) = &buyer.visitor_id {
            return CreatedBy {
                visitor_id: Some(visitor.clone()),
                ..CreatedBy::default()
            };
        }
        CreatedBy {
            app_id: (caller == Caller::Merchant).then(|| app_id.to_owned()),
            ..CreatedBy::default()
        }
    }
}

impl CustomSettings {
    /// Whether `caller` may add or remove the coupon and the gift card: the
    /// locks hold for the checkout page (the publishable key) only.
    pub(super) fn check_codes(&self, caller: Caller, coupon: bool, gift_card: bool) -> Result<()> {
        if caller == Caller::Merchant {
            return Ok(());
        }
        let locked = |field: &str, what: &str| {
            Err(Error::new(
                ErrorCode::PermissionDenied,
                field,
                format!("this checkout's {what} is locked (customSettings): only the merchant's backend may change it"),
            ))
        };
        if coupon && self.lock_coupon_code {
            return locked("couponCode", "coupon code");
        }
        if gift_card && self.lock_gift_card {
            return locked("giftCardCode", "gift card");
        }
        Ok(())
    }

    /// Whether an order of this checkout may be marked paid offline.
    pub fn check_manual_payment(&self) -> Result<()> {
        if self.disabled_manual_payment {
            return Err(Error::new(
                ErrorCode::ManualPaymentDisabled,
                "id",
                "this order's checkout disabled manual payment (customSettings): it is paid through the payment provider",
            ));
        }
        Ok(())
    }
}

fn valid_email(email: &str) -> bool {
    let Some((local, domain)) = email.rsplit_once('@') else {
        return false;
    };
    email.len() <= 254
        && !local.is_empty()
        && domain.contains('.')
        && !domain.starts_with('.')
        && !domain.ends_with('.')
        && !email.chars().any(|c| c.is_whitespace() || c.is_control())
}
