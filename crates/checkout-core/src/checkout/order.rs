//! Creating an order from a checkout (`docs/api.md`, Create order): the
//! preconditions, and the order they let be made (the Wix order object,
//! and what it takes: the stock, the gift card balance, the coupon use).
//! `super::placement` adds the rest of what creating it changes.

pub use super::held::{Held, HeldGiftCard};
use super::payment::{OrderState, OrderStatus};
use super::quote::{Availability, LineFacts, Quote};
use super::view::{
    DiscountView, GiftCardView, LineView, Logistics, SelectedCost, SummaryView, TaxSummary,
    TotalView,
};
use super::{AddressWithContact, BuyerInfo, CheckoutRecord, CustomField, StoredLine};
use crate::time::Timestamp;
use checkout_pricing::amount::Amount;
use checkout_pricing::pricing::Pricing;
use serde::Serialize;
use serde_json::{json, Value};
use std::collections::BTreeMap;

/// A failed precondition, with the code Wix declares for it where it has one.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Precondition {
    CalculationError,
    EmptyCheckout,
    LineItemNotAvailable,
    FullOutOfStock,
    PartialOutOfStock,
    BillingAddressRequired,
    ShippingDestinationRequired,
    NoSelectedCarrierServiceOption,
    PickupDetailsRequired,
    BuyerEmailRequired,
    CouponExpired,
    CouponUsageExceeded,
    GiftCardExpired,
    GiftCardIsEmpty,
    /// The balance moved between pricing and ordering (a concurrent order spent it).
    GiftCardBalanceChanged,
    /// A gift card applied to a checkout that buys gift cards.
    GiftCardForGiftCard,
    /// A coupon applied to a checkout that buys gift cards.
    CouponForGiftCard,
}

impl Precondition {
    pub const ALL: [Precondition; 17] = [
        Precondition::CalculationError,
        Precondition::EmptyCheckout,
        Precondition::LineItemNotAvailable,
        Precondition::FullOutOfStock,
        Precondition::PartialOutOfStock,
        Precondition::BillingAddressRequired,
        Precondition::ShippingDestinationRequired,
        Precondition::NoSelectedCarrierServiceOption,
        Precondition::PickupDetailsRequired,
        Precondition::BuyerEmailRequired,
        Precondition::CouponExpired,
        Precondition::CouponUsageExceeded,
        Precondition::GiftCardExpired,
        Precondition::GiftCardIsEmpty,
        Precondition::GiftCardBalanceChanged,
        Precondition::GiftCardForGiftCard,
        Precondition::CouponForGiftCard,
    ];

    pub const fn as_str(self) -> &'static str {
        match self {
            Precondition::CalculationError => "CALCULATION_ERROR",
            Precondition::EmptyCheckout => "EMPTY_CHECKOUT",
            Precondition::LineItemNotAvailable => "LINE_ITEM_NOT_AVAILABLE",
            Precondition::FullOutOfStock => "FULL_OUT_OF_STOCK",
            Precondition::PartialOutOfStock => "PARTIAL_OUT_OF_STOCK",
            Precondition::BillingAddressRequired => "BILLING_ADDRESS_REQUIRED",
            Precondition::ShippingDestinationRequired => "SHIPPING_DESTINATION_REQUIRED",
            Precondition::NoSelectedCarrierServiceOption => "NO_SELECTED_CARRIER_SERVICE_OPTION",
            Precondition::PickupDetailsRequired => "PICKUP_DETAILS_REQUIRED",
            Precondition::BuyerEmailRequired => "BUYER_EMAIL_REQUIRED",
            Precondition::CouponExpired => "ERROR_COUPON_HAS_EXPIRED",
            Precondition::CouponUsageExceeded => "ERROR_COUPON_USAGE_EXCEEDED",
            Precondition::GiftCardExpired => "GIFT_CARD_EXPIRED",
            Precondition::GiftCardIsEmpty => "GIFT_CARD_IS_EMPTY",
            Precondition::GiftCardBalanceChanged => "GIFT_CARD_BALANCE_CHANGED",
            Precondition::GiftCardForGiftCard => "GIFT_CARD_CANNOT_BE_USED_TO_PURCHASE_GIFT_CARD",
            Precondition::CouponForGiftCard => "COUPON_CANNOT_BE_USED_TO_PURCHASE_GIFT_CARD",
        }
    }

    fn from_calculation_code(code: &str) -> Option<Precondition> {
        Some(match code {
            "ERROR_COUPON_HAS_EXPIRED" => Precondition::CouponExpired,
            "ERROR_COUPON_USAGE_EXCEEDED" => Precondition::CouponUsageExceeded,
            "GIFT_CARD_EXPIRED" => Precondition::GiftCardExpired,
            "GIFT_CARD_IS_EMPTY" => Precondition::GiftCardIsEmpty,
            _ => return None,
        })
    }
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Violation {
    pub code: Precondition,
    pub description: String,
    /// The lines concerned, when the condition is about lines.
    pub line_item_ids: Vec<String>,
}

impl Violation {
    fn new(code: Precondition, description: impl Into<String>) -> Violation {
        Violation {
            code,
            description: description.into(),
            line_item_ids: Vec::new(),
        }
    }

    pub fn to_json(&self) -> Value {
        let mut v = json!({"code": self.code.as_str(), "description": self.description});
        if !self.line_item_ids.is_empty() {
            v["lineItemIds"] = json!(self.line_item_ids);
        }
        v
    }
}

/// The order to create.
#[derive(Clone, Debug, PartialEq)]
pub struct OrderDraft {
    pub order_id: String,
    /// The Wix order object as JSON.
    pub body: String,
    pub state: OrderState,
    /// When the order is canceled unpaid (an order with money due).
    pub pay_by: Option<Timestamp>,
    pub created_date: Timestamp,
    pub payment_gateway_order_id: Option<String>,
    /// What it takes from the store's live counters (and gives back when
    /// it is canceled unpaid).
    pub takes: Held,
    pub pay_now: Amount,
}

/// An order that may be made: the checkout priced, its preconditions held
/// (or not checked, for a checkout completed elsewhere), what it takes
/// counted; [`Checked::draft`] makes it with its ids and number.
pub struct Checked<'q> {
    pub(super) record: &'q CheckoutRecord,
    pub(super) quote: &'q Quote<'q>,
    pricing: Pricing<'q>,
    state: OrderState,
    stock: BTreeMap<String, u64>,
}

/// Checks every precondition: the order that may be made when all hold,
/// else every failing one, in the order of `docs/api.md`'s table.
pub fn check<'q>(
    record: &'q CheckoutRecord,
    quote: &'q Quote<'q>,
) -> Result<Checked<'q>, Vec<Violation>> {
    let pricing = quote.pricing();
    let stock = stock_wanted(record, quote);
    let mut violations = calculation_violations(quote, &pricing);
    violations.extend(line_violations(record, quote, &stock));
    violations.extend(buyer_violations(record, quote, &pricing));
    if !violations.is_empty() {
        return Err(violations);
    }
    let state = OrderState::new(pricing.pay_now.total.amount.minor() > 0);
    Ok(Checked {
        record,
        quote,
        pricing,
        state,
        stock,
    })
}

/// The order of a checkout as it is priced now, without checking anything:
/// for a checkout completed, and paid, in another system (`mark-as-completed`).
pub fn unchecked<'q>(record: &'q CheckoutRecord, quote: &'q Quote<'q>) -> Checked<'q> {
    Checked {
        record,
        quote,
        pricing: quote.pricing(),
        state: OrderState::new(false),
        stock: stock_wanted(record, quote),
    }
}

impl Checked<'_> {
    /// The order made (the outer error: it could not be written at all).
    pub fn draft(self, made: Made, now: Timestamp) -> crate::Result<OrderDraft> {
        let Checked {
            record,
            quote,
            pricing,
            state,
            stock,
        } = self;
        build(record, quote, &pricing, state, stock, made, now)
    }
}

/// Checks every precondition; the draft of the order when all hold, else
/// every failing one (the outer error: the order could not be written at all).
pub fn draft(
    record: &CheckoutRecord,
    quote: &Quote,
    made: Made,
    now: Timestamp,
) -> crate::Result<Result<OrderDraft, Vec<Violation>>> {
    match check(record, quote) {
        Ok(checked) => checked.draft(made, now).map(Ok),
        Err(violations) => Ok(Err(violations)),
    }
}

/// Where an order keeps what it knows of its buyer (JSON paths of the Wix
/// order object): an order never paid and canceled (unpaid past its
/// deadline, or by the merchant) forgets them once its store keeps checkouts
/// no longer (`checkoutRetentionDays`).
pub const BUYER_DATA: [&str; 5] = [
    "$.buyerInfo",
    "$.billingInfo",
    "$.shippingInfo.logistics.shippingDestination",
    "$.buyerNote",
    "$.customFields",
];

/// What an order is made with besides the checkout: its id, the payment
/// gateway id handed out with it, and its number (the store's next).
#[derive(Clone, Copy, Debug)]
pub struct Made<'a> {
    pub order_id: &'a str,
    pub gateway_order_id: &'a str,
    pub number: u64,
}

/// Calculation errors: one `CALCULATION_ERROR`, and the precondition code
/// of each that has one (an expired coupon, an empty gift card).
fn calculation_violations(quote: &Quote, pricing: &Pricing) -> Vec<Violation> {
    let issues = quote.calculation_issues(pricing);
    if issues.is_empty() {
        return Vec::new();
    }
    let codes: Vec<&str> = issues.iter().map(|i| i.code.as_str()).collect();
    let mut violations = vec![Violation::new(
        Precondition::CalculationError,
        format!("the checkout has calculation errors: {}", codes.join(", ")),
    )];
    for issue in &issues {
        if let Some(code) = Precondition::from_calculation_code(&issue.code) {
            violations.push(Violation::new(code, issue.description.clone()));
        }
    }
    violations
}

/// The lines: none at all, gone from the catalog, sold out, or wanting more
/// than the stock left (over every line of the same item).
fn line_violations(
    record: &CheckoutRecord,
    quote: &Quote,
    stock: &BTreeMap<String, u64>,
) -> Vec<Violation> {
    let mut violations = Vec::new();
    if record.line_items.is_empty() {
        violations.push(Violation::new(
            Precondition::EmptyCheckout,
            "the checkout has no line items",
        ));
    }
    let lines_where = |f: &dyn Fn(&StoredLine, &LineFacts) -> bool| -> Vec<String> {
        record
            .line_items
            .iter()
            .zip(&quote.lines)
            .filter(|(line, facts)| f(line, facts))
            .map(|(l, _)| l.id.clone())
            .collect()
    };
    let mut push = |code, description: &str, line_item_ids: Vec<String>| {
        if !line_item_ids.is_empty() {
            violations.push(Violation {
                code,
                description: description.into(),
                line_item_ids,
            });
        }
    };
    push(
        Precondition::LineItemNotAvailable,
        "items are no longer in the catalog",
        lines_where(&|_, f| f.availability == Availability::NotFound),
    );
    push(
        Precondition::FullOutOfStock,
        "items are out of stock",
        lines_where(&|_, f| f.availability == Availability::NotAvailable),
    );
    // a gift card is bought with money: not with a gift card, nor for less with a coupon
    let gift_cards = || {
        lines_where(&|l, f| {
            let kind = match (&l.custom, f.item) {
                (Some(c), _) => c.item_type.as_str(),
                (None, Some(i)) => i.item_type.as_str(),
                (None, None) => "",
            };
            kind == "GIFT_CARD"
        })
    };
    if record.gift_card_code.is_some() {
        push(
            Precondition::GiftCardForGiftCard,
            "a gift card cannot pay for a gift card: remove the gift card or these lines",
            gift_cards(),
        );
    }
    if record.coupon_code.is_some() {
        push(
            Precondition::CouponForGiftCard,
            "a coupon cannot be used to buy a gift card: remove the coupon or these lines",
            gift_cards(),
        );
    }
    push(
        Precondition::PartialOutOfStock,
        "less stock is left than the quantity ordered",
        lines_where(&|l, f| {
            let wanted = match (&l.custom, l.catalog_item_id()) {
                (None, Some(item)) => stock.get(item).copied().unwrap_or(0),
                _ => u64::from(l.quantity),
            };
            f.availability != Availability::NotAvailable
                && f.quantity_available.is_some_and(|left| left < wanted)
        }),
    );
    violations
}

/// What the buyer must have given: a billing address when money is due, a
/// destination and an option (with its pickup details) when items ship, an
/// email always.
fn buyer_violations(record: &CheckoutRecord, quote: &Quote, pricing: &Pricing) -> Vec<Violation> {
    let mut violations = Vec::new();
    if pricing.price_summary.total.amount.minor() > 0
        && !record
            .billing_info
            .as_ref()
            .is_some_and(|b| b.has_address())
    {
        violations.push(Violation::new(
            Precondition::BillingAddressRequired,
            "a billing address is required when there is something to pay",
        ));
    }
    if quote.shippable {
        let pickup = quote.selected.and_then(|o| o.pickup.as_ref());
        match (quote.selected, pickup) {
            (None, _) => violations.push(Violation::new(
                Precondition::NoSelectedCarrierServiceOption,
                "items ship and no shipping option is selected",
            )),
            (Some(_), Some(p)) if p.get("address").is_none() => violations.push(Violation::new(
                Precondition::PickupDetailsRequired,
                "the selected pickup option has no pickup address",
            )),
            _ => {}
        }
        if pickup.is_none()
            && !record
                .shipping_destination
                .as_ref()
                .is_some_and(|d| d.has_address())
        {
            violations.push(Violation::new(
                Precondition::ShippingDestinationRequired,
                "items ship and there is no shipping address",
            ));
        }
    }
    if record.buyer_info.email.is_none() {
        violations.push(Violation::new(
            Precondition::BuyerEmailRequired,
            "the buyer's email is required",
        ));
    }
    violations
}

/// Units wanted of each item that has a stock, over every line of that item.
fn stock_wanted(record: &CheckoutRecord, quote: &Quote) -> BTreeMap<String, u64> {
    let mut stock: BTreeMap<String, u64> = BTreeMap::new();
    for line in record.line_items.iter().filter(|l| l.custom.is_none()) {
        if let Some(item) = line.catalog_item_id() {
            if quote.store.stock(item).is_some() {
                *stock.entry(item.to_owned()).or_default() += u64::from(line.quantity);
            }
        }
    }
    stock
}

/// The draft of an order from a priced checkout.
fn build(
    record: &CheckoutRecord,
    quote: &Quote,
    pricing: &Pricing,
    state: OrderState,
    stock: BTreeMap<String, u64>,
    made: Made,
    now: Timestamp,
) -> crate::Result<OrderDraft> {
    let number = made.number.to_string();
    let pay_now = pricing.pay_now.total.amount;
    let checkout = quote.checkout(record, pricing, false);
    let pay_by = (state.status == OrderStatus::Initialized)
        .then(|| quote.store.config.payment_deadline(now));
    let shipping_info = checkout
        .shipping_info
        .selected_carrier_service_option
        .as_ref()
        .map(|o| OrderShipping {
            code: o.code,
            title: o.title,
            logistics: OrderLogistics {
                logistics: o.logistics.clone(),
                shipping_destination: checkout.shipping_info.shipping_destination,
            },
            cost: &o.cost,
        });
    let order = OrderView {
        id: made.order_id,
        number: &number,
        checkout_id: &record.id,
        purchase_flow_id: &record.purchase_flow_id,
        status: state.status.as_str(),
        payment_status: state.payment_status.as_str(),
        currency: checkout.currency,
        conversion_currency: checkout.conversion_currency,
        conversion_rate: quote
            .store
            .config
            .presentment(checkout.conversion_currency)
            .map(|p| p.rate.as_str()),
        buyer_language: checkout.buyer_language,
        tax_included_in_price: checkout.tax_included_in_price,
        weight_unit: checkout.weight_unit,
        line_items: &checkout.line_items,
        buyer_info: checkout.buyer_info,
        billing_info: checkout.billing_info,
        buyer_note: checkout.buyer_note,
        shipping_info,
        price_summary: &checkout.price_summary,
        pay_now: &checkout.pay_now,
        tax_summary: &checkout.tax_summary,
        applied_discounts: &checkout.applied_discounts,
        gift_card: checkout.gift_card.as_ref(),
        custom_fields: checkout.custom_fields,
        channel_info: ChannelInfo {
            kind: &record.channel_type,
        },
        created_date: now,
        updated_date: now,
        payment_gateway_order_id: (pay_now.minor() > 0).then_some(made.gateway_order_id),
        pay_by_date: pay_by,
    };
    Ok(OrderDraft {
        order_id: made.order_id.to_owned(),
        body: crate::to_json(&order, 4096)?,
        state,
        pay_by,
        created_date: now,
        payment_gateway_order_id: order.payment_gateway_order_id.map(String::from),
        takes: Held {
            stock,
            gift_card: pricing
                .gift_card
                .as_ref()
                .filter(|g| g.amount.minor() > 0)
                .map(|g| HeldGiftCard {
                    code: g.code.to_owned(),
                    minor: g.amount.minor().to_string(),
                }),
            coupon: pricing
                .applied_discounts
                .first()
                .map(|d| d.coupon.code.to_owned()),
            // an order paid at once (nothing due) takes everything at once
            on_payment: state.status == OrderStatus::Initialized
                && quote.store.config.takes_on_payment(),
        },
        pay_now,
    })
}

/// The Wix order object: a snapshot of the checkout as it was ordered.
#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
struct OrderView<'a> {
    id: &'a str,
    number: &'a str,
    checkout_id: &'a str,
    purchase_flow_id: &'a str,
    status: &'static str,
    payment_status: &'static str,
    currency: &'static str,
    /// The currency of every `convertedAmount` (the buyer's, else `currency`).
    conversion_currency: &'static str,
    /// The rate the amounts were converted at, as the store listed it then
    /// (a later change of the store's rates leaves the order as it was).
    #[serde(skip_serializing_if = "Option::is_none")]
    conversion_rate: Option<&'a str>,
    /// The language every `formatted…` is written in.
    buyer_language: &'a str,
    tax_included_in_price: bool,
    weight_unit: &'static str,
    line_items: &'a [LineView<'a>],
    buyer_info: &'a BuyerInfo,
    #[serde(skip_serializing_if = "Option::is_none")]
    billing_info: Option<&'a AddressWithContact>,
    #[serde(skip_serializing_if = "Option::is_none")]
    buyer_note: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    shipping_info: Option<OrderShipping<'a>>,
    price_summary: &'a SummaryView,
    pay_now: &'a TotalView,
    tax_summary: &'a TaxSummary<'a>,
    applied_discounts: &'a [DiscountView<'a>],
    #[serde(skip_serializing_if = "Option::is_none")]
    gift_card: Option<&'a GiftCardView>,
    custom_fields: &'a [CustomField],
    channel_info: ChannelInfo<'a>,
    created_date: Timestamp,
    updated_date: Timestamp,
    #[serde(skip_serializing_if = "Option::is_none")]
    payment_gateway_order_id: Option<&'a str>,
    /// When an order awaiting payment is canceled unpaid.
    #[serde(skip_serializing_if = "Option::is_none")]
    pay_by_date: Option<Timestamp>,
}

#[derive(Debug, Serialize)]
struct ChannelInfo<'a> {
    #[serde(rename = "type")]
    kind: &'a str,
}

#[derive(Debug, Serialize)]
struct OrderShipping<'a> {
    code: &'a str,
    title: &'a str,
    logistics: OrderLogistics<'a>,
    cost: &'a SelectedCost<'a>,
}

#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
struct OrderLogistics<'a> {
    #[serde(flatten)]
    logistics: Logistics<'a>,
    #[serde(skip_serializing_if = "Option::is_none")]
    shipping_destination: Option<&'a AddressWithContact>,
}
/// An order in the shape of the order-service integration
/// (`POST /api/v1/orders/checkout`, `docs/api.md`): `{id, status,
/// totalAmount, items, shippingAddress, billingAddress, createdAt}`. Money
/// stays a decimal string, as everywhere in this API.
pub fn checkout_session_order(order: &Value) -> Value {
    let address = |a: &Value| {
        if a.is_null() {
            return Value::Null;
        }
        let street = a["addressLine"].as_str().map(String::from).or_else(|| {
            let s = &a["streetAddress"];
            s["name"].as_str().map(|name| {
                format!("{} {name}", s["number"].as_str().unwrap_or_default())
                    .trim()
                    .to_owned()
            })
        });
        json!({"street": street, "city": a["city"], "state": a["subdivision"], "country": a["country"], "postalCode": a["postalCode"]})
    };
    let items: Vec<Value> = order["lineItems"]
        .as_array()
        .map(|lines| {
            lines
                .iter()
                .map(|l| json!({"id": l["id"], "productId": l["catalogReference"]["catalogItemId"], "price": l["price"]["amount"], "quantity": l["quantity"]}))
                .collect()
        })
        .unwrap_or_default();
    json!({
        "id": order["id"],
        "status": order["status"],
        "totalAmount": order["priceSummary"]["total"]["amount"],
        "items": items,
        "shippingAddress": address(&order["shippingInfo"]["logistics"]["shippingDestination"]["address"]),
        "billingAddress": address(&order["billingInfo"]["address"]),
        "createdAt": order["createdDate"],
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::store::Store;
    use crate::testing::{now, store, store_with, CheckoutBuilder};

    /// The codes create-order refuses `checkout` with, or its draft.
    const MADE: Made = Made {
        order_id: "o",
        gateway_order_id: "g",
        number: 1001,
    };

    fn draft_of(store: &Store, checkout: CheckoutBuilder) -> Result<OrderDraft, Vec<Precondition>> {
        let record = checkout.build(store);
        let quote = Quote::new(&record, store, now()).expect("priced");
        let made = Made {
            order_id: "order-1",
            gateway_order_id: "gateway-1",
            number: 1001,
        };
        draft(&record, &quote, made, now())
            .expect("written")
            .map_err(|v| v.into_iter().map(|v| v.code).collect())
    }

    #[test]
    fn a_ready_checkout_drafts_everything_the_order_takes() {
        let store = store();
        let d = draft_of(
            &store,
            CheckoutBuilder::ready()
                .line("mug", 2)
                .coupon("SAVE10")
                .gift_card("GIFT-30"),
        )
        .expect("a draft");
        assert_eq!(d.order_id, "order-1");
        assert_eq!(
            d.takes.stock,
            BTreeMap::from([("mug".to_owned(), 2), ("tee".to_owned(), 1)])
        );
        assert_eq!(d.takes.coupon.as_deref(), Some("SAVE10"));
        // 45.00 less 10% (2.00 of the tee, 2.50 of the mugs) is 40.50; tax is
        // rounded per line: 1.49 + 1.86, and 0.41 on the 5.00 shipping: 49.26,
        // of which the card pays 30.00
        let card = d.takes.gift_card.as_ref().expect("a gift card");
        assert_eq!((card.code.as_str(), card.minor()), ("GIFT-30", Some(3000)));
        assert_eq!(d.pay_now.to_string(), "19.26");
        assert_eq!(d.payment_gateway_order_id.as_deref(), Some("gateway-1"));
    }

    #[test]
    fn a_store_that_takes_stock_when_paid_takes_only_the_gift_card_at_once() {
        let store = store_with(|c| c["stockReservation"] = json!("PAYMENT"));
        let ready = || {
            CheckoutBuilder::ready()
                .line("mug", 2)
                .coupon("SAVE10")
                .gift_card("GIFT-30")
        };
        let d = draft_of(&store, ready()).expect("a draft");
        assert!(d.takes.on_payment);
        assert_eq!(
            d.takes.stock,
            BTreeMap::from([("mug".to_owned(), 2), ("tee".to_owned(), 1)])
        );
        assert_eq!(d.takes.coupon.as_deref(), Some("SAVE10"));
        assert_eq!(
            d.takes.gift_card.as_ref().and_then(HeldGiftCard::minor),
            Some(3000)
        );
        // kept as JSON that says so; an order of a store that takes at once says nothing
        let kept = serde_json::to_value(&d.takes).expect("JSON");
        assert_eq!(kept["onPayment"], true);
        let at_once = draft_of(&store_with(|_| {}), ready()).expect("a draft");
        assert!(serde_json::to_value(&at_once.takes)
            .expect("JSON")
            .get("onPayment")
            .is_none());
        // an order paid at once (nothing due) takes everything at once
        let paid_by_card = CheckoutBuilder::ready().gift_card("GIFT-30");
        let d = draft_of(&store, paid_by_card).expect("a draft");
        assert!(!d.takes.on_payment);
    }

    #[test]
    fn an_empty_checkout_lists_every_condition_that_fails() {
        assert_eq!(
            draft_of(&store(), CheckoutBuilder::new()).unwrap_err(),
            [
                Precondition::EmptyCheckout,
                Precondition::BuyerEmailRequired
            ]
        );
    }

    #[test]
    fn items_that_ship_need_a_destination_and_an_option() {
        let tee = || CheckoutBuilder::new().line("tee", 1).email("a@b.co");
        assert_eq!(
            draft_of(&store(), tee()).unwrap_err(),
            [
                Precondition::BillingAddressRequired,
                Precondition::NoSelectedCarrierServiceOption,
                Precondition::ShippingDestinationRequired
            ]
        );
        // a pickup point needs no destination; a digital item needs neither
        assert!(draft_of(&store(), tee().address("US", "US-CA").shipping("pickup")).is_ok());
        let ebook = CheckoutBuilder::new()
            .line("ebook", 1)
            .email("a@b.co")
            .address("US", "US-CA");
        assert!(draft_of(&store(), ebook).is_ok());
    }

    #[test]
    fn stock_is_counted_over_every_line_of_an_item() {
        let store = store();
        // two lines of the mug (2 in stock) asking 2 + 1
        let mut record = CheckoutBuilder::ready().line("mug", 2).build(&store);
        let mut extra = record.line_items[1].clone();
        extra.id = "second-mug".into();
        extra.quantity = 1;
        record.line_items.push(extra);
        let quote = Quote::new(&record, &store, now()).unwrap();
        let refused = draft(&record, &quote, MADE, now()).unwrap().unwrap_err();
        assert_eq!(refused[0].code, Precondition::PartialOutOfStock);
        assert_eq!(
            refused[0].line_item_ids,
            [record.line_items[1].id.clone(), "second-mug".to_owned()]
        );
        let sold_out = store_with(|c| c["catalog"][1]["stock"] = 0.into());
        assert_eq!(
            draft_of(&sold_out, CheckoutBuilder::ready().line("mug", 1)).unwrap_err(),
            [Precondition::FullOutOfStock]
        );
    }

    #[test]
    fn a_coupon_that_expired_after_it_was_applied_is_a_calculation_error() {
        let applied = CheckoutBuilder::ready().coupon("SAVE10");
        let expired = store_with(|c| c["coupons"][0]["expiresAt"] = "2026-06-01T00:00:00Z".into());
        let record = applied.build(&store());
        let quote = Quote::new(&record, &expired, now()).unwrap();
        let codes: Vec<Precondition> = draft(&record, &quote, MADE, now())
            .unwrap()
            .unwrap_err()
            .into_iter()
            .map(|v| v.code)
            .collect();
        assert_eq!(
            codes,
            [Precondition::CalculationError, Precondition::CouponExpired]
        );
    }

    #[test]
    fn a_gift_card_is_bought_neither_with_a_gift_card_nor_with_a_coupon() {
        let store = store_with(|c| {
            c["catalog"].as_array_mut().unwrap().push(
                serde_json::json!({"id": "card", "name": "Gift card", "price": "25.00", "itemType": "GIFT_CARD"}),
            )
        });
        let with = |b: CheckoutBuilder| {
            draft_of(&store, b.line("card", 1))
                .err()
                .unwrap_or_default()
        };
        assert_eq!(
            with(CheckoutBuilder::ready().gift_card("GIFT-30")),
            [Precondition::GiftCardForGiftCard]
        );
        assert_eq!(
            with(CheckoutBuilder::ready().coupon("SAVE10")),
            [Precondition::CouponForGiftCard]
        );
        assert!(draft_of(&store, CheckoutBuilder::ready().line("card", 1)).is_ok());
        // other goods may still be paid with them
        assert!(draft_of(
            &store,
            CheckoutBuilder::ready().line("mug", 1).gift_card("GIFT-30")
        )
        .is_ok());
    }
}
