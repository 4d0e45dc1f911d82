//! The Wix checkout object of a stored checkout: every price computed now, by
//! the pricing function, from the store's catalog, tax regions, shipping
//! options, coupons and gift cards.
//!
//! [`Quote`] is the one place where a checkout becomes a pricing input. The
//! input is also returned in the checkout (`pricingInput`), so that the
//! browser module can re-price a change live from exactly what the worker
//! priced. The object is written by typed, borrowing structs straight to JSON.

use super::{
    AddressWithContact, BuyerInfo, CatalogReference, CheckoutRecord, CustomField, StoredLine,
};
use crate::amount::Amount;
use crate::cart::{Cart, ItemType};
use crate::error::Result;
use crate::input::{Count, RawCharge, RawGiftCard, RawInput, RawLine, Text};
use crate::pricing::{DiscountType, PricedLine, Pricing};
use crate::store::{CatalogItem, ShippingOption, Store, TaxRegion};
use crate::time::Timestamp;
use serde::Serialize;
use serde_json::Value;
use std::collections::BTreeMap;

/// Carrier id of the store's own shipping options (Wix groups options by carrier).
pub const STORE_CARRIER_ID: &str = "00000000-0000-4000-8000-000000000001";

/// Availability of a line (`ItemAvailabilityStatus`).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum Availability {
    Available,
    PartiallyAvailable,
    NotAvailable,
    NotFound,
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
    pub input: RawInput<'static>,
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

fn text(s: impl Into<String>) -> Option<Text<'static>> {
    Some(Text::from(s.into()))
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
            let (group, item_type) = match (&line.custom, facts.item) {
                (Some(c), _) => (c.tax_group_id.as_deref(), c.item_type.as_str()),
                (None, Some(item)) => (item.tax_group_id.as_deref(), item.item_type.as_str()),
                (None, None) => (None, "PHYSICAL"),
            };
            facts.tax_rate = rate_of(group);
            let Some(price) = facts.unit_price else {
                continue;
            };
            priced_lines.push(RawLine {
                id: Some(line.id.clone().into()),
                price: text(Amount::new(price, exp).to_string()),
                quantity: Some(Count::from(line.quantity)),
                tax_rate: text(facts.tax_rate.clone()),
                catalog_item_id: line.catalog_item_id().map(|c| c.to_owned().into()),
                item_type: Some(item_type.to_owned().into()),
            });
        }
        let mut input = RawInput {
            currency: text(config.currency.clone()),
            tax_included_in_price: Some(config.tax_included_in_price),
            line_items: Some(priced_lines),
            ..RawInput::default()
        };
        if let Some(code) = &record.coupon_code {
            match store.check_coupon(code, now) {
                Ok(c) => input.coupons = Some(vec![c.to_raw()]),
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
            input.shipping = Some(RawCharge {
                code: Some(option.code.clone().into()),
                price: text(price.to_string()),
                tax_rate: text(
                    region
                        .and_then(|r| r.shipping_rate.clone())
                        .unwrap_or_else(|| "0".into()),
                ),
            });
        }
        if let Some(code) = &record.gift_card_code {
            match store.check_gift_card(code, now) {
                Ok(card) => {
                    input.gift_card = Some(RawGiftCard {
                        code: Some(code.clone().into()),
                        balance: text(Amount::new(store.gift_card_balance(card), exp).to_string()),
                    })
                }
                Err(e) => issues.push(CalculationIssue {
                    kind: "giftCardCalculationError",
                    code: e.code.as_str().into(),
                    description: e.message,
                }),
            }
        }
        let cart = Cart::from_raw(input.clone())?;
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
            issues.push(CalculationIssue {
                kind: "couponCalculationError",
                code: e.code.as_str().into(),
                description: e.message.clone(),
            });
        }
        issues
    }

    /// The whole Wix checkout object (`wix-wire.md` section 6), REST shape,
    /// borrowing from the record, the store and `pricing` (from [`Quote::pricing`]).
    /// `with_input` adds the pricing input (`pricingInput`, not in Wix), for
    /// clients that re-price live.
    pub fn checkout<'q>(
        &'q self,
        record: &'q CheckoutRecord,
        pricing: &'q Pricing<'q>,
        with_input: bool,
    ) -> CheckoutView<'q> {
        let exp = self.store.currency().exponent();
        let zero = Amount::new(0, exp);
        let mut priced = pricing.line_items.iter();
        let line_items = record
            .line_items
            .iter()
            .zip(&self.lines)
            .map(|(line, facts)| {
                let p = if facts.unit_price.is_some() {
                    priced.next()
                } else {
                    None
                };
                let unit = Money::of(Amount::new(facts.unit_price.unwrap_or(0), exp));
                let of = |f: fn(&PricedLine) -> Amount| Money::of(p.map_or(zero, f));
                let (name, sku, weight, image, item_type) = match (&line.custom, facts.item) {
                    (Some(c), _) => (
                        c.name.as_str(),
                        c.sku.as_deref(),
                        c.weight.as_deref(),
                        None,
                        c.item_type.as_str(),
                    ),
                    (None, Some(i)) => (
                        i.name.as_str(),
                        i.sku.as_deref(),
                        i.weight.as_deref(),
                        i.image.as_deref(),
                        i.item_type.as_str(),
                    ),
                    (None, None) => ("", None, None, None, "UNRECOGNISED"),
                };
                LineView {
                    id: &line.id,
                    quantity: line.quantity,
                    catalog_reference: line.catalog_reference.as_ref(),
                    product_name: Name { original: name },
                    price: unit,
                    line_item_price: of(|p| p.line_item_price),
                    discount: of(|p| p.discount),
                    total_price_before_tax: of(|p| p.total_price_before_tax),
                    total_price_after_tax: of(|p| p.total_price_after_tax),
                    tax_details: TaxDetails {
                        taxable_amount: of(|p| p.taxable_amount),
                        tax_rate: &facts.tax_rate,
                        total_tax: of(|p| p.tax),
                    },
                    availability: AvailabilityView {
                        status: facts.availability,
                        quantity_available: facts.quantity_available,
                    },
                    physical_properties: Physical {
                        sku,
                        weight: weight.and_then(|w| w.parse::<serde_json::Number>().ok()),
                        shippable: facts.shippable,
                    },
                    item_type: Preset { preset: item_type },
                    custom_line_item: line.custom.is_some(),
                    media: image.map(|url| Media { url }),
                }
            })
            .collect();

        let s = &pricing.price_summary;
        let shipping_taxable = pricing
            .shipping
            .as_ref()
            .map_or(0, |x| x.price.minor() - x.discount.minor());
        let taxable: u128 = pricing
            .line_items
            .iter()
            .map(|l| l.taxable_amount.minor())
            .sum::<u128>()
            + shipping_taxable;
        let mut calculation_errors = BTreeMap::new();
        for issue in self.calculation_issues(pricing) {
            calculation_errors.entry(issue.kind).or_insert(Details {
                application_error: ApplicationError {
                    code: issue.code,
                    description: issue.description,
                    data: EmptyObject {},
                },
            });
        }
        CheckoutView {
            id: &record.id,
            line_items,
            billing_info: record.billing_info.as_ref(),
            shipping_info: self.shipping(record, pricing),
            buyer_info: &record.buyer_info,
            buyer_note: record.buyer_note.as_deref(),
            currency: pricing.currency,
            conversion_currency: pricing.currency,
            payment_currency: pricing.currency,
            price_summary: SummaryView {
                subtotal: Money::of(s.subtotal.amount),
                shipping: Money::of(s.shipping.amount),
                tax: Money::of(s.tax.amount),
                discount: Money::of(s.discount.amount),
                total: Money::of(s.total.amount),
                additional_fees: Money::of(s.additional_fees.amount),
            },
            pay_now: TotalView {
                total: Money::of(pricing.pay_now.total.amount),
            },
            pay_later: TotalView {
                total: Money::of(pricing.pay_later.total.amount),
            },
            tax_summary: TaxSummary {
                taxable_amount: Money::of(Amount::new(taxable, exp)),
                total_tax: Money::of(s.tax.amount),
            },
            applied_discounts: pricing
                .applied_discounts
                .iter()
                .map(|d| DiscountView {
                    discount_type: d.discount_type,
                    coupon: CouponView {
                        id: d.coupon.code,
                        code: d.coupon.code,
                        name: d.coupon.code,
                        amount: Money::of(d.coupon.amount),
                    },
                    line_item_ids: &d.line_item_ids,
                })
                .collect(),
            gift_card: pricing.gift_card.as_ref().map(|g| {
                let tail: Vec<char> = g.code.chars().rev().take(4).collect();
                GiftCardView {
                    obfuscated_code: format!("****{}", tail.iter().rev().collect::<String>()),
                    amount: Money::of(g.amount),
                }
            }),
            calculation_errors: (!calculation_errors.is_empty()).then_some(calculation_errors),
            additional_fees: [],
            custom_fields: &record.custom_fields,
            weight_unit: "KG",
            tax_included_in_price: self.store.config.tax_included_in_price,
            channel_type: &record.channel_type,
            site_language: "en",
            buyer_language: "en",
            completed: record.completed,
            created_date: record.created_date,
            updated_date: record.updated_date,
            purchase_flow_id: &record.purchase_flow_id,
            pricing_input: with_input.then_some(&self.input),
        }
    }

    /// The checkout as JSON text.
    pub fn checkout_json(&self, record: &CheckoutRecord, with_input: bool) -> String {
        let pricing = self.pricing();
        // Serializing these types cannot fail: string keys, no maps of other keys.
        crate::to_json(
            &self.checkout(record, &pricing, with_input),
            2048 + record.line_items.len() * 900,
        )
        .unwrap_or_default()
    }

    fn shipping<'q>(
        &'q self,
        record: &'q CheckoutRecord,
        pricing: &'q Pricing,
    ) -> ShippingView<'q> {
        let exp = self.store.currency().exponent();
        let selected = match (self.selected, &pricing.shipping) {
            (Some(o), Some(s)) => {
                let before = s.price.minor() - s.discount.minor();
                let (before_tax, after_tax) = if self.store.config.tax_included_in_price {
                    (before - s.tax.minor(), before)
                } else {
                    (before, before + s.tax.minor())
                };
                let rate = self
                    .input
                    .shipping
                    .as_ref()
                    .and_then(|c| match &c.tax_rate {
                        Some(Text::Str(r)) => Some(r.as_ref()),
                        _ => None,
                    });
                Some(SelectedOption {
                    code: &o.code,
                    title: &o.title,
                    logistics: Logistics::of(o),
                    carrier_id: STORE_CARRIER_ID,
                    requested_shipping_option: true,
                    cost: SelectedCost {
                        price: Money::of(s.price),
                        total_discount: Money::of(s.discount),
                        total_price_before_tax: Money::of(Amount::new(before_tax, exp)),
                        total_price_after_tax: Money::of(Amount::new(after_tax, exp)),
                        tax_details: TaxDetails {
                            taxable_amount: Money::of(Amount::new(before, exp)),
                            tax_rate: rate.unwrap_or("0"),
                            total_tax: Money::of(s.tax),
                        },
                    },
                })
            }
            _ => None,
        };
        ShippingView {
            shipping_destination: record.shipping_destination.as_ref(),
            selected_carrier_service_option: selected,
            carrier_service_options: self.shippable.then(|| {
                [Carrier {
                    carrier_id: STORE_CARRIER_ID,
                    shipping_options: self
                        .options
                        .iter()
                        .map(|(o, price)| OptionView {
                            code: &o.code,
                            title: &o.title,
                            logistics: Logistics::of(o),
                            cost: Cost {
                                price: Money::of(*price),
                            },
                        })
                        .collect(),
                }]
            }),
        }
    }
}

fn line_facts<'s>(line: &StoredLine, store: &'s Store) -> LineFacts<'s> {
    let availability_of = |left: Option<u64>| match left {
        None => Availability::Available,
        Some(0) => Availability::NotAvailable,
        Some(n) if n < u64::from(line.quantity) => Availability::PartiallyAvailable,
        Some(_) => Availability::Available,
    };
    let facts = |left: Option<u64>, item, shippable, price: &str| LineFacts {
        availability: availability_of(left),
        quantity_available: left,
        item,
        shippable,
        tax_rate: String::new(),
        unit_price: Some(store.money(price)),
    };
    match (
        &line.custom,
        line.catalog_item_id()
            .and_then(|id| store.config.catalog_item(id)),
    ) {
        (Some(custom), _) => facts(
            custom.quantity_available.map(u64::from),
            None,
            custom.shippable,
            &custom.price,
        ),
        (None, Some(item)) => facts(
            store.stock(&item.id),
            Some(item),
            ItemType::parse(&item.item_type) == Some(ItemType::Physical),
            &item.price,
        ),
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

// The Wix checkout object, field by field (`wix-wire.md` section 6).

/// A `MultiCurrencyPrice`.
#[derive(Clone, Copy, Debug, Serialize)]
pub struct Money {
    pub amount: Amount,
}

impl Money {
    pub fn of(amount: Amount) -> Money {
        Money { amount }
    }
}

#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct CheckoutView<'a> {
    pub id: &'a str,
    pub line_items: Vec<LineView<'a>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub billing_info: Option<&'a AddressWithContact>,
    pub shipping_info: ShippingView<'a>,
    pub buyer_info: &'a BuyerInfo,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub buyer_note: Option<&'a str>,
    pub currency: &'static str,
    pub conversion_currency: &'static str,
    pub payment_currency: &'static str,
    pub price_summary: SummaryView,
    pub pay_now: TotalView,
    pub pay_later: TotalView,
    pub tax_summary: TaxSummary,
    pub applied_discounts: Vec<DiscountView<'a>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub gift_card: Option<GiftCardView>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub calculation_errors: Option<BTreeMap<&'static str, Details>>,
    pub additional_fees: [(); 0],
    pub custom_fields: &'a [CustomField],
    pub weight_unit: &'static str,
    pub tax_included_in_price: bool,
    pub channel_type: &'a str,
    pub site_language: &'static str,
    pub buyer_language: &'static str,
    pub completed: bool,
    pub created_date: Timestamp,
    pub updated_date: Timestamp,
    pub purchase_flow_id: &'a str,
    /// Not in Wix: the pricing input this checkout was priced from (on request).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub pricing_input: Option<&'a RawInput<'static>>,
}

#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct LineView<'a> {
    pub id: &'a str,
    pub quantity: u32,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub catalog_reference: Option<&'a CatalogReference>,
    pub product_name: Name<'a>,
    /// Also Wix's `fullPrice` and `priceBeforeDiscounts`, which default to it
    /// (there are no catalog-defined discounts).
    pub price: Money,
    pub line_item_price: Money,
    pub discount: Money,
    pub total_price_before_tax: Money,
    pub total_price_after_tax: Money,
    pub tax_details: TaxDetails<'a>,
    pub availability: AvailabilityView,
    pub physical_properties: Physical<'a>,
    pub item_type: Preset<'a>,
    /// `paymentOption` is left out: Wix's default, `FULL_PAYMENT_ONLINE`.
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    pub custom_line_item: bool,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub media: Option<Media<'a>>,
}

#[derive(Debug, Serialize)]
pub struct Name<'a> {
    pub original: &'a str,
}

#[derive(Debug, Serialize)]
pub struct Preset<'a> {
    pub preset: &'a str,
}

#[derive(Debug, Serialize)]
pub struct Media<'a> {
    pub url: &'a str,
}

#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct TaxDetails<'a> {
    pub taxable_amount: Money,
    pub tax_rate: &'a str,
    pub total_tax: Money,
}

#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct AvailabilityView {
    pub status: Availability,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub quantity_available: Option<u64>,
}

#[derive(Debug, Serialize)]
pub struct Physical<'a> {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub sku: Option<&'a str>,
    /// Not money: a JSON number, as Wix types it.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub weight: Option<serde_json::Number>,
    pub shippable: bool,
}

#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct SummaryView {
    pub subtotal: Money,
    pub shipping: Money,
    pub tax: Money,
    pub discount: Money,
    pub total: Money,
    pub additional_fees: Money,
}

#[derive(Debug, Serialize)]
pub struct TotalView {
    pub total: Money,
}

#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct TaxSummary {
    pub taxable_amount: Money,
    pub total_tax: Money,
}

#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct DiscountView<'a> {
    pub discount_type: DiscountType,
    pub coupon: CouponView<'a>,
    pub line_item_ids: &'a [&'a str],
}

#[derive(Debug, Serialize)]
pub struct CouponView<'a> {
    pub id: &'a str,
    pub code: &'a str,
    pub name: &'a str,
    pub amount: Money,
}

#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct GiftCardView {
    pub obfuscated_code: String,
    pub amount: Money,
}

#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Details {
    pub application_error: ApplicationError,
}

#[derive(Debug, Serialize)]
pub struct ApplicationError {
    pub code: String,
    pub description: String,
    pub data: EmptyObject,
}

#[derive(Debug, Serialize)]
pub struct EmptyObject {}

#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct ShippingView<'a> {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub shipping_destination: Option<&'a AddressWithContact>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub selected_carrier_service_option: Option<SelectedOption<'a>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub carrier_service_options: Option<[Carrier<'a>; 1]>,
}

#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Carrier<'a> {
    pub carrier_id: &'static str,
    pub shipping_options: Vec<OptionView<'a>>,
}

#[derive(Debug, Serialize)]
pub struct OptionView<'a> {
    pub code: &'a str,
    pub title: &'a str,
    pub logistics: Logistics<'a>,
    pub cost: Cost,
}

#[derive(Debug, Serialize)]
pub struct Cost {
    pub price: Money,
}

#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct SelectedOption<'a> {
    pub code: &'a str,
    pub title: &'a str,
    pub logistics: Logistics<'a>,
    pub carrier_id: &'static str,
    pub requested_shipping_option: bool,
    pub cost: SelectedCost<'a>,
}

#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct SelectedCost<'a> {
    pub price: Money,
    pub total_discount: Money,
    pub total_price_before_tax: Money,
    pub total_price_after_tax: Money,
    pub tax_details: TaxDetails<'a>,
}

#[derive(Clone, Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Logistics<'a> {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub delivery_time: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub instructions: Option<&'a Value>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub pickup_details: Option<PickupDetails<'a>>,
}

#[derive(Clone, Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct PickupDetails<'a> {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub address: Option<&'a Value>,
    pub pickup_method: &'static str,
}

impl<'a> Logistics<'a> {
    fn of(o: &'a ShippingOption) -> Logistics<'a> {
        Logistics {
            delivery_time: o.delivery_time.as_deref(),
            instructions: o.pickup.as_ref().and_then(|p| p.get("instructions")),
            pickup_details: o.pickup.as_ref().map(|p| PickupDetails {
                address: p.get("address"),
                pickup_method: "STORE_PICKUP",
            }),
        }
    }
}
