//! The Wix checkout object of a stored checkout: every price computed now, by
//! the pricing function, from the store's catalog, tax regions, shipping
//! options, coupons and gift cards.
//!
//! [`Quote`] is the one place where a checkout becomes a pricing input. The
//! input is also returned in the checkout (`pricingInput`), so that the
//! browser module can re-price a change live from exactly what the worker priced.

use super::{CheckoutRecord, StoredLine};
use crate::amount::Amount;
use crate::cart::{Cart, ItemType};
use crate::error::Result;
use crate::pricing::Pricing;
use crate::store::{CatalogItem, ShippingOption, Store, TaxRegion};
use crate::time::Timestamp;
use serde_json::{json, Map, Value};

/// Carrier id of the store's own shipping options (Wix groups options by carrier).
pub const STORE_CARRIER_ID: &str = "00000000-0000-4000-8000-000000000001";

/// Availability of a line (`ItemAvailabilityStatus`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Availability {
    Available,
    PartiallyAvailable,
    NotAvailable,
    NotFound,
}

impl Availability {
    pub fn as_str(self) -> &'static str {
        match self {
            Availability::Available => "AVAILABLE",
            Availability::PartiallyAvailable => "PARTIALLY_AVAILABLE",
            Availability::NotAvailable => "NOT_AVAILABLE",
            Availability::NotFound => "NOT_FOUND",
        }
    }
}

/// What a line is, looked up in the catalog (or taken from the custom item).
#[derive(Clone, Debug)]
pub struct LineFacts<'s> {
    pub availability: Availability,
    pub quantity_available: Option<u64>,
    pub item: Option<&'s CatalogItem>,
    pub shippable: bool,
    pub tax_rate: String,
    /// Unit price in minor units; `None` for a vanished catalog item (not priced).
    pub unit_price: Option<u128>,
}

/// A calculation error of the checkout, under the Wix key it belongs to.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CalculationIssue {
    /// `couponCalculationError`, `giftCardCalculationError`, `selectedShippingOptionError`.
    pub kind: &'static str,
    pub code: String,
    pub description: String,
}

/// A checkout priced against a store at an instant.
pub struct Quote<'s> {
    pub store: &'s Store,
    /// The pricing input (`pricing.md` section 1) built from the checkout.
    pub input: Value,
    pub cart: Cart,
    pub lines: Vec<LineFacts<'s>>,
    pub shippable: bool,
    /// Options offered for the destination, with the price each would cost now.
    pub options: Vec<(&'s ShippingOption, Amount)>,
    pub selected: Option<&'s ShippingOption>,
    pub issues: Vec<CalculationIssue>,
}

fn region_for<'s>(
    regions: &'s [TaxRegion],
    country: Option<&str>,
    subdivision: Option<&str>,
) -> Option<&'s TaxRegion> {
    let exact = regions.iter().find(|r| {
        Some(r.country.as_str()) == country
            && r.subdivision.is_some()
            && r.subdivision.as_deref() == subdivision
    });
    exact
        .or_else(|| {
            regions
                .iter()
                .find(|r| Some(r.country.as_str()) == country && r.subdivision.is_none())
        })
        .or_else(|| regions.iter().find(|r| r.country == "*"))
}

impl<'s> Quote<'s> {
    pub fn new(record: &CheckoutRecord, store: &'s Store, now: Timestamp) -> Result<Quote<'s>> {
        let exp = store.currency().exponent();
        let config = &store.config;

        // What each line is, and which lines are priced (a vanished catalog item is not).
        let mut lines: Vec<LineFacts> = record
            .line_items
            .iter()
            .map(|line| line_facts(line, store))
            .collect();
        let shippable = lines
            .iter()
            .any(|f| f.shippable && f.availability != Availability::NotFound);
        let subtotal: u128 = record
            .line_items
            .iter()
            .zip(&lines)
            .filter_map(|(l, f)| f.unit_price.map(|p| p * u128::from(l.quantity)))
            .sum();

        // Shipping: the options for the destination, the selected one, and where tax is due.
        let destination = record
            .shipping_destination
            .as_ref()
            .and_then(|d| d.address.as_ref());
        let country = destination.and_then(|a| a.country.as_deref());
        let mut issues = Vec::new();
        let options: Vec<(&ShippingOption, Amount)> = if shippable {
            config
                .shipping_options
                .iter()
                .filter(|o| {
                    o.countries.as_ref().is_none_or(|c| {
                        country.is_some_and(|country| c.iter().any(|x| x == country))
                    })
                })
                .map(|o| {
                    let free = o
                        .free_above_subtotal
                        .as_deref()
                        .is_some_and(|m| subtotal >= store.money(m));
                    (
                        o,
                        Amount::new(if free { 0 } else { store.money(&o.price) }, exp),
                    )
                })
                .collect()
        } else {
            Vec::new()
        };
        let selected = match (&record.selected_shipping_option, shippable) {
            (Some(code), true) => {
                let found = options
                    .iter()
                    .find(|(o, _)| &o.code == code)
                    .map(|(o, _)| *o);
                if found.is_none() {
                    issues.push(CalculationIssue {
                        kind: "selectedShippingOptionError",
                        code: "SELECTED_CARRIER_SERVICE_OPTION_NO_LONGER_AVAILABLE".into(),
                        description: format!(
                            "shipping option {code:?} is not offered for this destination"
                        ),
                    });
                }
                found
            }
            _ => None,
        };
        let pickup_address = selected
            .and_then(|o| o.pickup.as_ref())
            .and_then(|p| p.get("address"));
        let (tax_country, tax_subdivision) = match (pickup_address, destination) {
            (Some(p), _) => (
                p.get("country").and_then(Value::as_str),
                p.get("subdivision").and_then(Value::as_str),
            ),
            (None, Some(d)) if shippable => (d.country.as_deref(), d.subdivision.as_deref()),
            _ => {
                let billing = record
                    .billing_info
                    .as_ref()
                    .and_then(|b| b.address.as_ref());
                (
                    billing.and_then(|a| a.country.as_deref()),
                    billing.and_then(|a| a.subdivision.as_deref()),
                )
            }
        };
        let region = region_for(&config.tax_regions, tax_country, tax_subdivision);
        let rate_of = |group: Option<&str>| -> String {
            region
                .and_then(|r| {
                    group
                        .and_then(|g| r.rates.get(g))
                        .or_else(|| r.rates.get("*"))
                })
                .cloned()
                .unwrap_or_else(|| "0".into())
        };

        // The pricing input.
        let mut priced_lines = Vec::with_capacity(record.line_items.len());
        for (line, facts) in record.line_items.iter().zip(lines.iter_mut()) {
            let group = match (&line.custom, facts.item) {
                (Some(c), _) => c.tax_group_id.as_deref(),
                (None, Some(item)) => item.tax_group_id.as_deref(),
                (None, None) => None,
            };
            facts.tax_rate = rate_of(group);
            let Some(price) = facts.unit_price else {
                continue;
            };
            let item_type = match (&line.custom, facts.item) {
                (Some(c), _) => c.item_type.as_str(),
                (None, Some(item)) => item.item_type.as_str(),
                (None, None) => "PHYSICAL",
            };
            let mut l = json!({
                "id": line.id, "price": Amount::new(price, exp), "quantity": line.quantity,
                "taxRate": facts.tax_rate, "itemType": item_type,
            });
            if let Some(c) = line.catalog_item_id() {
                l["catalogItemId"] = json!(c);
            }
            priced_lines.push(l);
        }
        let mut input = json!({
            "currency": config.currency,
            "taxIncludedInPrice": config.tax_included_in_price,
            "lineItems": priced_lines,
        });
        if let Some(code) = &record.coupon_code {
            match store.check_coupon(code, now) {
                Ok(c) => input["coupons"] = json!([c.to_pricing()]),
                Err(e) => issues.push(CalculationIssue {
                    kind: "couponCalculationError",
                    code: e.code.as_str().into(),
                    description: e.message,
                }),
            }
        }
        if let Some(option) = selected {
            let price = options
                .iter()
                .find(|(o, _)| o.code == option.code)
                .map(|(_, p)| *p)
                .unwrap_or_default();
            let rate = region
                .and_then(|r| r.shipping_rate.clone())
                .unwrap_or_else(|| "0".into());
            input["shipping"] = json!({"code": option.code, "price": price, "taxRate": rate});
        }
        if let Some(code) = &record.gift_card_code {
            match store.check_gift_card(code, now) {
                Ok(card) => {
                    input["giftCard"] = json!({"code": code, "balance": Amount::new(store.gift_card_balance(card), exp)})
                }
                Err(e) => issues.push(CalculationIssue {
                    kind: "giftCardCalculationError",
                    code: e.code.as_str().into(),
                    description: e.message,
                }),
            }
        }
        let cart = Cart::deserialize_from(&input)?;
        Ok(Quote {
            store,
            input,
            cart,
            lines,
            shippable,
            options,
            selected,
            issues,
        })
    }

    pub fn pricing(&self) -> Pricing<'_> {
        self.cart.price()
    }

    /// Every calculation error: the quote's own and the pricing function's.
    pub fn calculation_issues(&self, pricing: &Pricing) -> Vec<CalculationIssue> {
        let mut issues = self.issues.clone();
        for e in &pricing.calculation_errors {
            let code = serde_json::to_value(e.code)
                .ok()
                .and_then(|v| v.as_str().map(String::from))
                .unwrap_or_default();
            issues.push(CalculationIssue {
                kind: "couponCalculationError",
                code,
                description: e.message.clone(),
            });
        }
        issues
    }

    /// The whole Wix checkout object (`wix-wire.md` section 6), REST shape.
    pub fn checkout_json(&self, record: &CheckoutRecord) -> Value {
        let pricing = self.pricing();
        let exp = self.store.currency().exponent();
        let zero = Amount::new(0, exp);
        let mut priced = pricing.line_items.iter();
        let mut line_items = Vec::with_capacity(record.line_items.len());
        for (line, facts) in record.line_items.iter().zip(&self.lines) {
            let p = if facts.unit_price.is_some() {
                priced.next()
            } else {
                None
            };
            let unit = Amount::new(facts.unit_price.unwrap_or(0), exp);
            let (name, sku, weight, image) = match (&line.custom, facts.item) {
                (Some(c), _) => (c.name.as_str(), c.sku.as_deref(), c.weight.as_deref(), None),
                (None, Some(item)) => (
                    item.name.as_str(),
                    item.sku.as_deref(),
                    item.weight.as_deref(),
                    item.image.as_deref(),
                ),
                (None, None) => ("", None, None, None),
            };
            let item_type = match (&line.custom, facts.item) {
                (Some(c), _) => c.item_type.clone(),
                (None, Some(item)) => item.item_type.clone(),
                (None, None) => "UNRECOGNISED".into(),
            };
            let amounts = |f: fn(&crate::pricing::PricedLine) -> Amount| money(p.map_or(zero, f));
            let mut physical = Map::new();
            if let Some(sku) = sku {
                physical.insert("sku".into(), json!(sku));
            }
            if let Some(w) = weight.and_then(|w| w.parse::<serde_json::Number>().ok()) {
                physical.insert("weight".into(), Value::Number(w));
            }
            physical.insert("shippable".into(), json!(facts.shippable));
            let mut availability = json!({"status": facts.availability.as_str()});
            if let Some(q) = facts.quantity_available {
                availability["quantityAvailable"] = json!(q);
            }
            let mut l = json!({
                "id": line.id,
                "quantity": line.quantity,
                "productName": {"original": name},
                "price": money(unit),
                "fullPrice": money(unit),
                "priceBeforeDiscounts": money(unit),
                "lineItemPrice": amounts(|p| p.line_item_price),
                "discount": amounts(|p| p.discount),
                "totalPriceBeforeTax": amounts(|p| p.total_price_before_tax),
                "totalPriceAfterTax": amounts(|p| p.total_price_after_tax),
                "taxDetails": {
                    "taxableAmount": amounts(|p| p.taxable_amount),
                    "taxRate": facts.tax_rate,
                    "totalTax": amounts(|p| p.tax),
                },
                "availability": availability,
                "physicalProperties": physical,
                "itemType": {"preset": item_type},
                "paymentOption": "FULL_PAYMENT_ONLINE",
                "customLineItem": line.custom.is_some(),
            });
            if let Some(reference) = &line.catalog_reference {
                l["catalogReference"] = json!(reference);
            }
            if let Some(image) = image {
                l["media"] = json!({"url": image});
            }
            line_items.push(l);
        }

        let summary = &pricing.price_summary;
        let mut checkout = json!({
            "id": record.id,
            "lineItems": line_items,
            "buyerInfo": record.buyer_info,
            "currency": pricing.currency,
            "conversionCurrency": pricing.currency,
            "paymentCurrency": pricing.currency,
            "priceSummary": {
                "subtotal": money(summary.subtotal.amount),
                "shipping": money(summary.shipping.amount),
                "tax": money(summary.tax.amount),
                "discount": money(summary.discount.amount),
                "total": money(summary.total.amount),
                "additionalFees": money(summary.additional_fees.amount),
            },
            "payNow": {"total": money(pricing.pay_now.total.amount)},
            "payLater": {"total": money(pricing.pay_later.total.amount)},
            "taxSummary": {
                "taxableAmount": money(Amount::new(
                    pricing.line_items.iter().map(|l| l.taxable_amount.minor()).sum::<u128>()
                        + pricing.shipping.as_ref().map_or(0, |s| s.price.minor() - s.discount.minor()),
                    exp,
                )),
                "totalTax": money(summary.tax.amount),
            },
            "appliedDiscounts": pricing.applied_discounts.iter().map(|d| json!({
                "discountType": d.discount_type,
                "coupon": {"id": d.coupon.code, "code": d.coupon.code, "name": d.coupon.code, "amount": money(d.coupon.amount)},
                "lineItemIds": d.line_item_ids,
            })).collect::<Vec<_>>(),
            "additionalFees": [],
            "customFields": record.custom_fields,
            "weightUnit": "KG",
            "taxIncludedInPrice": self.store.config.tax_included_in_price,
            "channelType": record.channel_type,
            "siteLanguage": "en",
            "buyerLanguage": "en",
            "completed": record.completed,
            "createdDate": record.created_date,
            "updatedDate": record.updated_date,
            "purchaseFlowId": record.purchase_flow_id,
            "shippingInfo": self.shipping_json(record, &pricing),
            "pricingInput": self.input,
        });
        if let Some(b) = &record.billing_info {
            checkout["billingInfo"] = json!(b);
        }
        if let Some(note) = &record.buyer_note {
            checkout["buyerNote"] = json!(note);
        }
        if let Some(g) = &pricing.gift_card {
            let code = g.code;
            let tail: String = code
                .chars()
                .rev()
                .take(4)
                .collect::<Vec<_>>()
                .into_iter()
                .rev()
                .collect();
            checkout["giftCard"] =
                json!({"obfuscatedCode": format!("****{tail}"), "amount": money(g.amount)});
        }
        let issues = self.calculation_issues(&pricing);
        if !issues.is_empty() {
            let mut errors = Map::new();
            for issue in issues {
                errors.entry(issue.kind).or_insert_with(|| {
                    json!({"applicationError": {"code": issue.code, "description": issue.description, "data": {}}})
                });
            }
            checkout["calculationErrors"] = Value::Object(errors);
        }
        checkout
    }

    fn shipping_json(&self, record: &CheckoutRecord, pricing: &Pricing) -> Value {
        let mut info = Map::new();
        if let Some(d) = &record.shipping_destination {
            info.insert("shippingDestination".into(), json!(d));
        }
        let logistics = |o: &ShippingOption| {
            let mut l = json!({});
            if let Some(t) = &o.delivery_time {
                l["deliveryTime"] = json!(t);
            }
            if let Some(p) = &o.pickup {
                let mut details = json!({"pickupMethod": "STORE_PICKUP"});
                if let Some(a) = p.get("address") {
                    details["address"] = a.clone();
                }
                l["pickupDetails"] = details;
                if let Some(i) = p.get("instructions") {
                    l["instructions"] = i.clone();
                }
            }
            l
        };
        if self.shippable {
            let options: Vec<Value> = self
                .options
                .iter()
                .map(|(o, price)| json!({"code": o.code, "title": o.title, "logistics": logistics(o), "cost": {"price": money(*price)}}))
                .collect();
            info.insert(
                "carrierServiceOptions".into(),
                json!([{"carrierId": STORE_CARRIER_ID, "shippingOptions": options}]),
            );
        }
        if let (Some(o), Some(s)) = (self.selected, &pricing.shipping) {
            let exp = self.store.currency().exponent();
            let before = s.price.minor() - s.discount.minor();
            let (before_tax, after_tax) = if self.store.config.tax_included_in_price {
                (before - s.tax.minor(), before)
            } else {
                (before, before + s.tax.minor())
            };
            let rate = self.input["shipping"]["taxRate"].clone();
            info.insert(
                "selectedCarrierServiceOption".into(),
                json!({
                    "code": o.code,
                    "title": o.title,
                    "logistics": logistics(o),
                    "carrierId": STORE_CARRIER_ID,
                    "requestedShippingOption": true,
                    "cost": {
                        "price": money(s.price),
                        "totalDiscount": money(s.discount),
                        "totalPriceBeforeTax": money(Amount::new(before_tax, exp)),
                        "totalPriceAfterTax": money(Amount::new(after_tax, exp)),
                        "taxDetails": {"taxableAmount": money(Amount::new(before, exp)), "taxRate": rate, "totalTax": money(s.tax)},
                    },
                }),
            );
        }
        Value::Object(info)
    }
}

/// A `MultiCurrencyPrice`.
pub fn money(a: Amount) -> Value {
    json!({ "amount": a })
}

fn line_facts<'s>(line: &StoredLine, store: &'s Store) -> LineFacts<'s> {
    let availability_of = |left: Option<u64>| match left {
        None => Availability::Available,
        Some(0) => Availability::NotAvailable,
        Some(n) if n < u64::from(line.quantity) => Availability::PartiallyAvailable,
        Some(_) => Availability::Available,
    };
    match (
        &line.custom,
        line.catalog_item_id()
            .and_then(|id| store.config.catalog_item(id)),
    ) {
        (Some(custom), _) => {
            let left = custom.quantity_available.map(u64::from);
            LineFacts {
                availability: availability_of(left),
                quantity_available: left,
                item: None,
                shippable: custom.shippable,
                tax_rate: String::new(),
                unit_price: Some(store.money(&custom.price)),
            }
        }
        (None, Some(item)) => {
            let left = store.stock(&item.id);
            LineFacts {
                availability: availability_of(left),
                quantity_available: left,
                item: Some(item),
                shippable: ItemType::parse(&item.item_type) == Some(ItemType::Physical),
                tax_rate: String::new(),
                unit_price: Some(store.money(&item.price)),
            }
        }
        (None, None) => LineFacts {
            availability: Availability::NotFound,
            quantity_available: None,
            item: None,
            shippable: false,
            tax_rate: "0".into(),
            unit_price: None,
        },
    }
}
