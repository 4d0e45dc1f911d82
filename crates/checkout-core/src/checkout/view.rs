//! Wix's checkout object of a quoted checkout (`docs/wix-wire.md`,
//! Checkout), REST shape: typed, borrowing structs written straight to JSON,
//! every price from the quote's pricing.

use super::quote::{Availability, Quote, STORE_CARRIER_ID};
use super::{
    AddressWithContact, BuyerInfo, CatalogReference, CheckoutRecord, CreatedBy, CustomField,
    CustomSettings,
};
use crate::store::{Presentment, ShippingOption};
use crate::time::Timestamp;
use checkout_pricing::amount::{parse_decimal, Amount};
use checkout_pricing::format::MoneyFormat;
use checkout_pricing::input::{RawInput, Text};
use checkout_pricing::pricing::{
    AppliedDiscount, AppliedGiftCard, DiscountType, PricedLine, Pricing,
};
use rust_decimal::Decimal;
use serde::Serialize;
use serde_json::Value;
use std::collections::BTreeMap;

impl<'s> Quote<'s> {
    /// The whole Wix checkout object (`docs/wix-wire.md`), REST shape,
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
        let s = &pricing.price_summary;
        CheckoutView {
            id: &record.id,
            line_items: self.line_views(record, pricing),
            billing_info: record.billing_info.as_ref(),
            shipping_info: self.shipping(record, pricing),
            buyer_info: &record.buyer_info,
            buyer_note: record.buyer_note.as_deref(),
            currency: pricing.currency,
            conversion_currency: pricing.conversion_currency.unwrap_or(pricing.currency),
            payment_currency: pricing.currency,
            price_summary: SummaryView {
                subtotal: self.money(s.subtotal.amount),
                shipping: self.money(s.shipping.amount),
                tax: self.money(s.tax.amount),
                discount: self.money(s.discount.amount),
                total: self.money(s.total.amount),
                additional_fees: self.money(s.additional_fees.amount),
            },
            pay_now: TotalView {
                total: self.money(pricing.pay_now.total.amount),
            },
            pay_later: TotalView {
                total: self.money(pricing.pay_later.total.amount),
            },
            tax_summary: TaxSummary {
                taxable_amount: self.money(Amount::new(taxable(pricing), exp)),
                total_tax: self.money(s.tax.amount),
                tax_breakdown: self.tax_breakdown(pricing),
            },
            applied_discounts: pricing
                .applied_discounts
                .iter()
                .map(|d| DiscountView::of(d, self))
                .collect(),
            gift_card: pricing
                .gift_card
                .as_ref()
                .map(|g| GiftCardView::of(g, self)),
            calculation_errors: self.calculation_errors(pricing),
            additional_fees: self.fee_views(pricing),
            custom_fields: &record.custom_fields,
            weight_unit: self.store.config.weight_unit(),
            total_weight: self.total_weight(record),
            tax_included_in_price: self.store.config.tax_included_in_price,
            channel_type: &record.channel_type,
            site_language: self.store.config.site_language(),
            buyer_language: record
                .buyer_language
                .as_deref()
                .unwrap_or(self.store.config.site_language()),
            completed: record.completed,
            order: record.order_id.as_deref().map(|id| OrderOfCheckout {
                id,
                number: record.order_number.map(|n| n.to_string()),
                payment_gateway_order_id: record.payment_gateway_order_id.as_deref(),
            }),
            created_date: record.created_date,
            updated_date: record.updated_date,
            purchase_flow_id: &record.purchase_flow_id,
            created_by: &record.created_by,
            custom_settings: record.custom_settings,
            cart_id: record.cart_id.as_deref(),
            membership_options: MembershipOptions::default(),
            violations: [],
            pricing_input: with_input.then(|| self.input_for_page(pricing)),
            presentment_currencies: with_input.then_some(&self.store.config.presentment_currencies),
        }
    }

    /// The store's fees as priced: Wix's `AdditionalFee`s.
    fn fee_views(&self, pricing: &Pricing) -> Vec<FeeView<'s>> {
        let fees = pricing.additional_fees.iter().flatten();
        let rates = self.input.additional_fees.iter().flatten();
        self.store
            .config
            .additional_fees
            .iter()
            .zip(fees.zip(rates))
            .map(|(fee, (priced, raw))| FeeView {
                code: &fee.code,
                name: &fee.name,
                price: self.money(priced.price),
                tax_details: FeeTax {
                    tax_rate: match &raw.tax_rate {
                        Some(Text::Str(rate)) => rate.to_string(),
                        _ => "0".into(),
                    },
                    total_tax: self.money(priced.tax),
                },
            })
            .collect()
    }

    /// The tax of the priced lines by rate, lowest rate first: what each rate
    /// was charged on and how much it came to.
    fn tax_breakdown(&self, pricing: &Pricing) -> Vec<RateView<'_>> {
        let exp = self.store.currency().exponent();
        let mut by_rate: BTreeMap<Decimal, (&str, u128, u128)> = BTreeMap::new();
        let priced = self.lines.iter().filter(|f| f.unit_price.is_some());
        for (facts, line) in priced.zip(&pricing.line_items) {
            let Ok(rate) = parse_decimal(facts.tax_rate, 6) else {
                continue;
            };
            if rate.is_zero() {
                continue;
            }
            let entry = by_rate.entry(rate).or_insert((facts.tax_rate, 0, 0));
            entry.1 += line.taxable_amount.minor();
            entry.2 += line.tax.minor();
        }
        by_rate
            .into_values()
            .map(|(rate, taxable, tax)| RateView {
                rate,
                taxable_amount: self.money(Amount::new(taxable, exp)),
                tax_amount: self.money(Amount::new(tax, exp)),
            })
            .collect()
    }

    /// What the shippable lines weigh together (`weight` × `quantity`, in
    /// the store's unit); `None` when no line has a weight.
    fn total_weight(&self, record: &CheckoutRecord) -> Option<serde_json::Number> {
        let mut total = Decimal::ZERO;
        let mut any = false;
        for (line, facts) in record.line_items.iter().zip(&self.lines) {
            let weight = match (&line.custom, facts.item) {
                (Some(c), _) => c.weight.as_deref(),
                (None, Some(i)) => i.weight.as_deref(),
                (None, None) => None,
            };
            if let Some(w) = weight
                .filter(|_| facts.shippable)
                .and_then(|w| parse_decimal(w, 6).ok())
            {
                total = total.checked_add(w.checked_mul(Decimal::from(line.quantity))?)?;
                any = true;
            }
        }
        any.then(|| total.normalize().to_string().parse().ok())
            .flatten()
    }

    /// Each stored line with what the catalog says of it and its priced
    /// amounts (zero for a line whose item is gone, which is not priced).
    fn line_views<'q>(
        &'q self,
        record: &'q CheckoutRecord,
        pricing: &'q Pricing<'q>,
    ) -> Vec<LineView<'q>> {
        let exp = self.store.currency().exponent();
        let zero = Amount::new(0, exp);
        let mut priced = pricing.line_items.iter();
        record
            .line_items
            .iter()
            .zip(&self.lines)
            .map(|(line, facts)| {
                let p = if facts.unit_price.is_some() {
                    priced.next()
                } else {
                    None
                };
                let unit = self.money(Amount::new(facts.unit_price.unwrap_or(0), exp));
                let of = |f: fn(&PricedLine) -> Amount| self.money(p.map_or(zero, f));
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
                        tax_rate: facts.tax_rate,
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
            .collect()
    }

    /// The calculation errors under their Wix keys (the first of each kind);
    /// `None` when there are none.
    fn calculation_errors(&self, pricing: &Pricing) -> Option<BTreeMap<&'static str, Details>> {
        let mut errors = BTreeMap::new();
        for issue in self.calculation_issues(pricing) {
            errors.entry(issue.kind).or_insert(Details {
                application_error: ApplicationError {
                    code: issue.code,
                    description: issue.description,
                    data: EmptyObject {},
                },
            });
        }
        (!errors.is_empty()).then_some(errors)
    }

    /// The pricing input as a page may see it: a gift card's balance is
    /// shown only as far as this checkout uses it, never the whole of it.
    fn input_for_page(&self, pricing: &Pricing) -> RawInput<'s> {
        let mut input = self.input.clone();
        if let (Some(card), Some(applied)) = (input.gift_card.as_mut(), &pricing.gift_card) {
            card.balance = Some(Text::from(applied.amount.to_string()));
        }
        input
    }

    /// The checkout as JSON text.
    pub fn checkout_json(
        &self,
        record: &CheckoutRecord,
        with_input: bool,
    ) -> crate::Result<String> {
        let pricing = self.pricing();
        crate::to_json(
            &self.checkout(record, &pricing, with_input),
            2048 + record.line_items.len() * 900,
        )
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
                        price: self.money(s.price),
                        total_discount: self.money(s.discount),
                        total_price_before_tax: self.money(Amount::new(before_tax, exp)),
                        total_price_after_tax: self.money(Amount::new(after_tax, exp)),
                        tax_details: TaxDetails {
                            taxable_amount: self.money(Amount::new(before, exp)),
                            tax_rate: rate.unwrap_or("0"),
                            total_tax: self.money(s.tax),
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
                                price: self.money(*price),
                            },
                        })
                        .collect(),
                }]
            }),
        }
    }
}

/// What tax was computed on: the lines' taxable amounts and the shipping's.
fn taxable(pricing: &Pricing) -> u128 {
    let shipping = pricing
        .shipping
        .as_ref()
        .map_or(0, |x| x.price.minor() - x.discount.minor());
    pricing
        .line_items
        .iter()
        .map(|l| l.taxable_amount.minor())
        .sum::<u128>()
        + shipping
}

// The Wix checkout object, field by field (`docs/wix-wire.md`).

/// A `MultiCurrencyPrice`: the amount, and the amount as the buyer's
/// language writes it with the currency's symbol.
#[derive(Clone, Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Money {
    pub amount: Amount,
    pub formatted_amount: Formatted,
    /// In the buyer's presentment currency (`conversionCurrency`), when one is chosen.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub converted_amount: Option<Amount>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub formatted_converted_amount: Option<Formatted>,
}

/// An amount as a language writes it, written as its text is serialized
/// (a 300-line view has some 2,000: none is kept as a string of its own).
#[derive(Clone, Copy)]
pub struct Formatted {
    amount: Amount,
    format: MoneyFormat,
}

impl Serialize for Formatted {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        self.format
            .with_formatted(self.amount, false, |text| s.serialize_str(text))
    }
}

impl std::fmt::Debug for Formatted {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        self.format
            .with_formatted(self.amount, false, |text| f.write_str(text))
    }
}

impl Quote<'_> {
    /// A price of this checkout's currency, formatted in its language, and
    /// converted (by pricing step 11's rule) when the buyer chose a currency.
    pub fn money(&self, amount: Amount) -> Money {
        let converted = self.cart.convert(amount);
        let (own, buyers) = self.formats();
        Money {
            amount,
            formatted_amount: Formatted {
                amount,
                format: *own,
            },
            converted_amount: converted,
            formatted_converted_amount: converted
                .zip(buyers)
                .map(|(amount, f)| Formatted { amount, format: *f }),
        }
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
    pub tax_summary: TaxSummary<'a>,
    pub applied_discounts: Vec<DiscountView<'a>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub gift_card: Option<GiftCardView>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub calculation_errors: Option<BTreeMap<&'static str, Details>>,
    pub additional_fees: Vec<FeeView<'a>>,
    pub custom_fields: &'a [CustomField],
    pub weight_unit: &'static str,
    /// Not in Wix: what the shippable lines weigh together, in `weightUnit`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub total_weight: Option<serde_json::Number>,
    pub tax_included_in_price: bool,
    pub channel_type: &'a str,
    pub site_language: &'a str,
    pub buyer_language: &'a str,
    pub completed: bool,
    /// Not in Wix: the checkout's order, once create-order made one: a page
    /// that opens the checkout again shows its confirmation (paid when
    /// `completed`, else awaiting payment).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub order: Option<OrderOfCheckout<'a>>,
    pub created_date: Timestamp,
    pub updated_date: Timestamp,
    pub purchase_flow_id: &'a str,
    pub created_by: &'a CreatedBy,
    pub custom_settings: CustomSettings,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub cart_id: Option<&'a str>,
    /// No memberships apply in this engine: Wix's shape, empty.
    pub membership_options: MembershipOptions,
    /// No validations plugin runs: always empty.
    pub violations: [(); 0],
    /// Not in Wix: the pricing input this checkout was priced from (on request).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub pricing_input: Option<RawInput<'a>>,
    /// Not in Wix, with `pricingInput`: the currencies the buyer may choose
    /// (`conversionCurrency`) besides the store's, with their rates, so that a
    /// page can price the switch before the worker answers.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub presentment_currencies: Option<&'a Vec<Presentment>>,
}

/// The order a checkout names: `{id, number, paymentGatewayOrderId?}`.
#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct OrderOfCheckout<'a> {
    pub id: &'a str,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub number: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub payment_gateway_order_id: Option<&'a str>,
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
pub struct TaxSummary<'a> {
    pub taxable_amount: Money,
    pub total_tax: Money,
    /// Not in Wix's checkout (its order has one): the tax by rate.
    pub tax_breakdown: Vec<RateView<'a>>,
}

/// The tax of one rate.
#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct RateView<'a> {
    pub rate: &'a str,
    pub taxable_amount: Money,
    pub tax_amount: Money,
}

/// A store's fee on the checkout (`additionalFees`).
#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct FeeView<'a> {
    pub code: &'a str,
    pub name: &'a str,
    pub price: Money,
    pub tax_details: FeeTax,
}

#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct FeeTax {
    pub tax_rate: String,
    pub total_tax: Money,
}

/// Wix's `membershipOptions`, empty.
#[derive(Debug, Default, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct MembershipOptions {
    pub eligible_memberships: [(); 0],
    pub invalid_memberships: [(); 0],
    pub selected_memberships: SelectedMemberships,
}

#[derive(Debug, Default, Serialize)]
pub struct SelectedMemberships {
    pub memberships: [(); 0],
}

#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct DiscountView<'a> {
    pub discount_type: DiscountType,
    pub coupon: CouponView<'a>,
    pub line_item_ids: &'a [&'a str],
}

impl<'a> DiscountView<'a> {
    fn of(d: &'a AppliedDiscount<'a>, quote: &Quote) -> DiscountView<'a> {
        DiscountView {
            discount_type: d.discount_type,
            coupon: CouponView {
                id: d.coupon.code,
                code: d.coupon.code,
                name: d.coupon.code,
                amount: quote.money(d.coupon.amount),
            },
            line_item_ids: &d.line_item_ids,
        }
    }
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

impl GiftCardView {
    /// The card as a checkout shows it: its code's last four characters only.
    fn of(g: &AppliedGiftCard, quote: &Quote) -> GiftCardView {
        let tail: Vec<char> = g.code.chars().rev().take(4).collect();
        GiftCardView {
            obfuscated_code: format!("****{}", tail.iter().rev().collect::<String>()),
            amount: quote.money(g.amount),
        }
    }
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

#[cfg(test)]
mod tests;
