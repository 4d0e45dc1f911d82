//! A stored checkout priced against a store at an instant: what each line is
//! (from the catalog, or the custom item), the shipping options for the
//! destination, the tax region, and the pricing input built from all of it.
//!
//! [`Quote`] is the one place where a checkout becomes a pricing input
//! (`docs/pricing.md`, section 1). The input is also returned in the checkout
//! (`pricingInput`), so that the browser module re-prices a change live from
//! exactly what the worker priced.

use super::{CheckoutRecord, StoredLine};
use crate::error::Result;
use crate::store::{CatalogItem, ShippingOption, Store, TaxRegion};
use crate::time::Timestamp;
use checkout_pricing::amount::Amount;
use checkout_pricing::cart::{Cart, ItemType};
use checkout_pricing::format::MoneyFormat;
use checkout_pricing::input::{
    Count, RawCharge, RawConversion, RawGiftCard, RawInput, RawLine, Text,
};
use checkout_pricing::pricing::Pricing;
use serde::Serialize;
use serde_json::Value;

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
    /// The store's rate for the line's tax group in the checkout's region.
    pub tax_rate: &'s str,
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
    /// The pricing input built from the checkout.
    pub input: RawInput<'s>,
    pub cart: Cart,
    pub lines: Vec<LineFacts<'s>>,
    pub shippable: bool,
    /// Options offered for the destination, with the price each would cost now.
    pub options: Vec<(&'s ShippingOption, Amount)>,
    pub selected: Option<&'s ShippingOption>,
    pub issues: Vec<CalculationIssue>,
    /// The language prices are written in: the buyer's, else the store's.
    pub language: String,
    /// How it writes the store's currency, and the buyer's when converted.
    formats: (MoneyFormat, Option<MoneyFormat>),
}

impl<'s> Quote<'s> {
    pub fn new(record: &CheckoutRecord, store: &'s Store, now: Timestamp) -> Result<Quote<'s>> {
        let mut lines: Vec<LineFacts> = record
            .line_items
            .iter()
            .map(|line| line_facts(line, store))
            .collect();
        let shippable = lines
            .iter()
            .any(|f| f.shippable && f.availability != Availability::NotFound);
        let mut issues = Vec::new();
        let options = if shippable {
            shipping_options(record, store, &lines)
        } else {
            Vec::new()
        };
        let selected = record
            .selected_shipping_option
            .as_ref()
            .filter(|_| shippable)
            .and_then(|code| selected_option(code, &options, &mut issues));
        let region = tax_region(record, store, selected, shippable);
        let mut input = RawInput {
            currency: text(store.config.currency.clone()),
            tax_included_in_price: Some(store.config.tax_included_in_price),
            line_items: Some(priced_lines(record, store, region, &mut lines)),
            // the buyer's currency, while the store still presents it
            conversion: record
                .conversion_currency
                .as_deref()
                .and_then(|code| store.config.presentment(code))
                .map(|p| RawConversion {
                    currency: text(p.currency.clone()),
                    rate: text(p.rate.clone()),
                }),
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
        input.shipping = selected.map(|option| shipping_charge(option, &options, region));
        input.additional_fees = fees(store, region);
        if let Some(code) = &record.gift_card_code {
            match store.check_gift_card(code, now) {
                Ok(card) => {
                    let balance =
                        Amount::new(store.gift_card_balance(card), store.currency().exponent());
                    input.gift_card = Some(RawGiftCard {
                        code: Some(code.clone().into()),
                        balance: text(balance.to_string()),
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
        let language = record
            .buyer_language
            .clone()
            .unwrap_or_else(|| store.config.site_language().to_owned());
        let formats = (
            MoneyFormat::new(store.currency(), &language),
            cart.conversion_currency()
                .map(|c| MoneyFormat::new(c, &language)),
        );
        Ok(Quote {
            store,
            input,
            cart,
            lines,
            shippable,
            options,
            selected,
            issues,
            formats,
            language,
        })
    }

    /// How the checkout's language writes the store's currency, and the
    /// buyer's when converted.
    pub fn formats(&self) -> (&MoneyFormat, Option<&MoneyFormat>) {
        (&self.formats.0, self.formats.1.as_ref())
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
}

fn text(s: impl Into<String>) -> Option<Text<'static>> {
    Some(Text::from(s.into()))
}

/// The options offered for the checkout's destination country, each with its
/// price now (free above its subtotal threshold).
fn shipping_options<'s>(
    record: &CheckoutRecord,
    store: &'s Store,
    lines: &[LineFacts],
) -> Vec<(&'s ShippingOption, Amount)> {
    let subtotal: u128 = record
        .line_items
        .iter()
        .zip(lines)
        .filter_map(|(l, f)| f.unit_price.map(|p| p * u128::from(l.quantity)))
        .sum();
    let country = record
        .shipping_destination
        .as_ref()
        .and_then(|d| d.address.as_ref())
        .and_then(|a| a.country.as_deref());
    let exp = store.currency().exponent();
    store
        .config
        .shipping_options
        .iter()
        .filter(|o| {
            o.countries
                .as_ref()
                .is_none_or(|c| country.is_some_and(|country| c.iter().any(|x| x == country)))
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
}

/// The selected option, if the destination still offers it (else an issue).
fn selected_option<'s>(
    code: &str,
    options: &[(&'s ShippingOption, Amount)],
    issues: &mut Vec<CalculationIssue>,
) -> Option<&'s ShippingOption> {
    let found = options
        .iter()
        .find(|(o, _)| o.code == code)
        .map(|(o, _)| *o);
    if found.is_none() {
        issues.push(CalculationIssue {
            kind: "selectedShippingOptionError",
            code: "SELECTED_CARRIER_SERVICE_OPTION_NO_LONGER_AVAILABLE".into(),
            description: format!("shipping option {code:?} is not offered for this destination"),
        });
    }
    found
}

/// Where tax is due: the pickup point, else the shipping destination (for a
/// cart that ships), else the billing address; the store's region for it.
fn tax_region<'s>(
    record: &CheckoutRecord,
    store: &'s Store,
    selected: Option<&ShippingOption>,
    shippable: bool,
) -> Option<&'s TaxRegion> {
    let pickup = selected
        .and_then(|o| o.pickup.as_ref())
        .and_then(|p| p.get("address"));
    let destination = record
        .shipping_destination
        .as_ref()
        .and_then(|d| d.address.as_ref());
    let (country, subdivision) = match (pickup, destination) {
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
    region_for(&store.config.tax_regions, country, subdivision)
}

/// The region of a subdivision, else of its country, else the `*` region.
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

/// The pricing input's lines: every line that has a price, with the region's
/// rate for its tax group (noted on its facts too).
fn priced_lines<'s>(
    record: &CheckoutRecord,
    store: &'s Store,
    region: Option<&'s TaxRegion>,
    lines: &mut [LineFacts<'s>],
) -> Vec<RawLine<'s>> {
    let exp = store.currency().exponent();
    let mut priced = Vec::with_capacity(record.line_items.len());
    for (line, facts) in record.line_items.iter().zip(lines.iter_mut()) {
        let (group, item_type) = match (&line.custom, facts.item) {
            (Some(c), _) => (c.tax_group_id.as_deref(), c.item_type.as_str()),
            (None, Some(item)) => (item.tax_group_id.as_deref(), item.item_type.as_str()),
            (None, None) => (None, "PHYSICAL"),
        };
        facts.tax_rate = rate_of(region, group);
        let Some(price) = facts.unit_price else {
            continue;
        };
        priced.push(RawLine {
            id: Some(line.id.clone().into()),
            price: text(Amount::new(price, exp).to_string()),
            quantity: Some(Count::from(line.quantity)),
            tax_rate: Some(Text::Str(facts.tax_rate.into())),
            catalog_item_id: line.catalog_item_id().map(|c| c.to_owned().into()),
            item_type: Some(item_type.to_owned().into()),
        });
    }
    priced
}

/// A tax group's rate in a region (its `*` rate for other groups; 0 outside any region).
fn rate_of<'s>(region: Option<&'s TaxRegion>, group: Option<&str>) -> &'s str {
    region
        .and_then(|r| {
            group
                .and_then(|g| r.rates.get(g))
                .or_else(|| r.rates.get("*"))
        })
        .map_or("0", String::as_str)
}

/// The store's fees as the pricing input's, each taxed at the region's rate
/// for its tax group (untaxed without one); none when the store has none.
fn fees(store: &Store, region: Option<&TaxRegion>) -> Option<Vec<RawCharge<'static>>> {
    let fees = &store.config.additional_fees;
    (!fees.is_empty()).then(|| {
        fees.iter()
            .map(|fee| RawCharge {
                code: Some(fee.code.clone().into()),
                price: text(fee.price.clone()),
                tax_rate: text(match &fee.tax_group_id {
                    Some(group) => rate_of(region, Some(group)),
                    None => "0",
                }),
            })
            .collect()
    })
}

/// The selected option as the pricing input's shipping, at its price now.
fn shipping_charge(
    option: &ShippingOption,
    options: &[(&ShippingOption, Amount)],
    region: Option<&TaxRegion>,
) -> RawCharge<'static> {
    let price = options
        .iter()
        .find(|(o, _)| o.code == option.code)
        .map(|(_, p)| *p)
        .unwrap_or_default();
    RawCharge {
        code: Some(option.code.clone().into()),
        price: text(price.to_string()),
        tax_rate: text(
            region
                .and_then(|r| r.shipping_rate.clone())
                .unwrap_or_else(|| "0".into()),
        ),
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
        tax_rate: "0",
        unit_price: Some(store.money(price)),
    };
    match (
        &line.custom,
        line.catalog_item_id().and_then(|id| store.catalog_item(id)),
    ) {
        (Some(custom), _) => facts(
            custom.quantity_available.map(u64::from),
            None,
            custom.shippable,
            &custom.price,
        ),
        (None, Some(item)) => facts(
            store.stock_of(item),
            Some(item),
            ItemType::parse(&item.item_type) == Some(ItemType::Physical),
            &item.price,
        ),
        (None, None) => LineFacts {
            availability: Availability::NotFound,
            quantity_available: None,
            item: None,
            shippable: false,
            tax_rate: "0",
            unit_price: None,
        },
    }
}
