//! An order's payment lifecycle (`docs/api.md`, Payment): what each thing
//! that happens to an order does to its `status` and `paymentStatus`,
//! whether it gives back what the order holds (stock, coupon use, gift card
//! amount) and completes or reopens its checkout, and the order object after
//! it. Every repeat (a provider's second delivery, a second cancel) changes
//! nothing; a payment that arrives for a canceled order, or for another
//! amount than the order's, is recorded and flagged for the merchant, never
//! lost.
//!
//! | status / payment | paid | payment failed | canceled | payment timeout |
//! | --- | --- | --- | --- | --- |
//! | `INITIALIZED` / `NOT_PAID`, `DECLINED` | `APPROVED` / `PAID`, checkout completed | `DECLINED` | `CANCELED` / `CANCELED`, given back, checkout reopened | the same, once the deadline passed |
//! | `APPROVED` / `PAID` | repeat | repeat | `CANCELED` / `PAID`, given back | repeat |
//! | `CANCELED` / `CANCELED` | recorded, flagged (`PAID_AFTER_CANCELLATION`); refused from the merchant | repeat | repeat | repeat |
//! | `CANCELED` / `PAID` | repeat | repeat | repeat | repeat |

use crate::error::{Error, ErrorCode, Result};
use crate::pricing::input::{self, Text};
use crate::pricing::Currency;
use crate::time::Timestamp;
use serde::{Deserialize, Serialize};
use serde_json::{json, Value};

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum OrderStatus {
    /// Created, awaiting payment: it holds what it took.
    Initialized,
    /// Paid (or nothing was due): for the merchant to fulfil.
    Approved,
    Canceled,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum PaymentStatus {
    NotPaid,
    Paid,
    /// The last payment attempt was declined; another may still succeed.
    Declined,
    /// Canceled before it was paid.
    Canceled,
}

impl OrderStatus {
    pub const fn as_str(self) -> &'static str {
        match self {
            OrderStatus::Initialized => "INITIALIZED",
            OrderStatus::Approved => "APPROVED",
            OrderStatus::Canceled => "CANCELED",
        }
    }

    pub fn parse(s: &str) -> Option<OrderStatus> {
        [
            OrderStatus::Initialized,
            OrderStatus::Approved,
            OrderStatus::Canceled,
        ]
        .into_iter()
        .find(|x| x.as_str() == s)
    }
}

impl PaymentStatus {
    pub const fn as_str(self) -> &'static str {
        match self {
            PaymentStatus::NotPaid => "NOT_PAID",
            PaymentStatus::Paid => "PAID",
            PaymentStatus::Declined => "DECLINED",
            PaymentStatus::Canceled => "CANCELED",
        }
    }

    pub fn parse(s: &str) -> Option<PaymentStatus> {
        [
            PaymentStatus::NotPaid,
            PaymentStatus::Paid,
            PaymentStatus::Declined,
            PaymentStatus::Canceled,
        ]
        .into_iter()
        .find(|x| x.as_str() == s)
    }
}

/// Where an order stands.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct OrderState {
    pub status: OrderStatus,
    pub payment_status: PaymentStatus,
}

impl OrderState {
    /// A new order: awaiting payment when money is due, else approved and paid.
    pub fn new(money_due: bool) -> OrderState {
        if money_due {
            OrderState {
                status: OrderStatus::Initialized,
                payment_status: PaymentStatus::NotPaid,
            }
        } else {
            OrderState {
                status: OrderStatus::Approved,
                payment_status: PaymentStatus::Paid,
            }
        }
    }
}

/// A payment as a provider reported it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ProviderPayment {
    /// `stripe`.
    pub provider: &'static str,
    /// The provider's id of the payment (a PaymentIntent's `pi_…`).
    pub id: String,
    /// Minor units received, and the currency (ISO 4217, any case).
    pub minor: u128,
    pub currency: String,
}

/// What happened to an order.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Happening {
    /// A provider confirmed a payment.
    Paid(ProviderPayment),
    /// The merchant marked the order paid (an offline payment).
    MarkedPaid,
    /// A provider declined a payment attempt.
    PaymentFailed(ProviderPayment),
    /// The merchant canceled the order.
    Canceled,
    /// The store's payment timeout passed; `deadline` is the order's.
    TimedOut { deadline: Option<Timestamp> },
}

/// Something the merchant should look at.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Attention {
    /// A payment arrived for an order already canceled: refund or re-create it.
    PaidAfterCancellation,
    /// A payment of another amount or currency than the order's `payNow`.
    AmountMismatch,
    /// A payment of an order that takes its stock when paid
    /// (`stockReservation: "PAYMENT"`) found it, or the coupon's uses, gone:
    /// recorded, the order not approved; restock and mark it paid, or
    /// cancel and refund it.
    OutOfStock,
}

impl Attention {
    pub const fn as_str(self) -> &'static str {
        match self {
            Attention::PaidAfterCancellation => "PAID_AFTER_CANCELLATION",
            Attention::AmountMismatch => "PAYMENT_AMOUNT_MISMATCH",
            Attention::OutOfStock => "OUT_OF_STOCK",
        }
    }
}

/// The money an order asks for: its `payNow` total, in minor units of its currency.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Due {
    pub minor: u128,
    pub currency: Currency,
}

impl Due {
    /// Read from the order object (`currency`, `payNow.total.amount`).
    pub fn of_order(order: &Value) -> Option<Due> {
        let currency = Currency::from_code(order.get("currency")?.as_str()?)?;
        let amount = order.pointer("/payNow/total/amount")?.as_str()?;
        let minor = input::money(Some(&Text::Str(amount.into())), currency, "").ok()?;
        Some(Due { minor, currency })
    }
}

/// What a happening changes.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Transition {
    pub to: OrderState,
    /// What the order holds goes back: stock, coupon use, gift card amount.
    pub gives_back: bool,
    /// Its checkout is completed (paid).
    pub completes_checkout: bool,
    /// Its checkout is open again, without an order (canceled unpaid).
    pub reopens_checkout: bool,
    pub attention: Option<Attention>,
    /// The order event's slug (`approved`, `canceled`, `payment_status_updated`).
    pub event: &'static str,
}

/// What `happening` does to an order in `from` that asks for `due`, at `now`: `Ok(None)` when nothing changes (a repeat, or a
/// timeout not yet due), `ORDER_STATUS_DOES_NOT_ALLOW` when the merchant
/// asks what the status does not allow.
pub fn transition(
    from: OrderState,
    due: Due,
    happening: &Happening,
    now: Timestamp,
) -> Result<Option<Transition>> {
    use OrderStatus::{Approved, Canceled, Initialized};
    let to = |status, payment_status| OrderState {
        status,
        payment_status,
    };
    let change = |state, event| Transition {
        to: state,
        gives_back: false,
        completes_checkout: false,
        reopens_checkout: false,
        attention: None,
        event,
    };
    let paid = from.payment_status == PaymentStatus::Paid;
    Ok(match (from.status, happening) {
        (Initialized, Happening::Paid(p)) if !matches_amount(p, due) => Some(Transition {
            attention: Some(Attention::AmountMismatch),
            ..change(from, "payment_status_updated")
        }),
        (Initialized, Happening::Paid(_) | Happening::MarkedPaid) => Some(Transition {
            completes_checkout: true,
            ..change(to(Approved, PaymentStatus::Paid), "approved")
        }),
        (Initialized, Happening::PaymentFailed(_)) => {
            (from.payment_status != PaymentStatus::Declined).then(|| {
                change(
                    to(Initialized, PaymentStatus::Declined),
                    "payment_status_updated",
                )
            })
        }
        // paid, not approved (its stock was gone): the merchant's to cancel and refund
        (Initialized, Happening::TimedOut { .. }) if paid => None,
        (Initialized, Happening::Canceled) if paid => Some(Transition {
            gives_back: true,
            ..change(to(Canceled, PaymentStatus::Paid), "canceled")
        }),
        (Initialized, Happening::TimedOut { deadline }) if deadline.is_none_or(|d| now < d) => None,
        (Initialized, Happening::Canceled | Happening::TimedOut { .. }) => Some(Transition {
            gives_back: true,
            reopens_checkout: true,
            ..change(to(Canceled, PaymentStatus::Canceled), "canceled")
        }),
        (Approved, Happening::Canceled) => Some(Transition {
            gives_back: true,
            ..change(to(Canceled, from.payment_status), "canceled")
        }),
        (Canceled, Happening::Paid(_)) if !paid => Some(Transition {
            attention: Some(Attention::PaidAfterCancellation),
            ..change(to(Canceled, PaymentStatus::Paid), "payment_status_updated")
        }),
        (Canceled, Happening::MarkedPaid) if !paid => {
            return Err(Error::new(
                ErrorCode::OrderStatusDoesNotAllow,
                "id",
                "the order is CANCELED: it can no longer be marked paid",
            ))
        }
        _ => None,
    })
}

/// What a payment that would approve an order does when the stock or the
/// coupon uses it takes when paid are gone: the merchant's `mark-as-paid` is
/// refused (`OUT_OF_STOCK`, nothing changes); a provider's payment (the
/// money is taken) is recorded, the order stays unapproved and awaits the
/// merchant (`attention`: `OUT_OF_STOCK`), with no deadline.
pub fn stock_gone(happening: &Happening) -> Result<Transition> {
    match happening {
        Happening::Paid(_) => Ok(Transition {
            to: OrderState {
                status: OrderStatus::Initialized,
                payment_status: PaymentStatus::Paid,
            },
            gives_back: false,
            completes_checkout: false,
            reopens_checkout: false,
            attention: Some(Attention::OutOfStock),
            event: "payment_status_updated",
        }),
        _ => Err(Error::new(
            ErrorCode::OutOfStock,
            "id",
            "the order takes its stock when paid, and the stock or the coupon's uses are gone: restock and mark it paid again, or cancel it",
        )),
    }
}

/// Whether the order has recorded this provider's report already (the same
/// payment with the same outcome): a second delivery of it, which changes nothing.
pub fn already_recorded(order: &Value, happening: &Happening) -> bool {
    let (p, status) = match happening {
        Happening::Paid(p) => (p, "SUCCEEDED"),
        Happening::PaymentFailed(p) => (p, "FAILED"),
        _ => return false,
    };
    order
        .get("payments")
        .and_then(Value::as_array)
        .is_some_and(|list| {
            list.iter().any(|r| {
                r["provider"] == p.provider
                    && r["id"] == p.id.as_str()
                    && r["status"] == status
                    && r["amountMinor"] == p.minor.to_string().as_str()
            })
        })
}

/// Whether a provider's payment is the order's amount in its currency.
fn matches_amount(p: &ProviderPayment, due: Due) -> bool {
    p.minor == due.minor && p.currency.eq_ignore_ascii_case(due.currency.code())
}

/// The top-level fields of the Wix order object that change after the order
/// is made ([`apply_to_order`]), and its `number`, which storage
/// keeps beside its body: every other field stays as the order was made,
/// save the buyer's data, which an order may forget (`order::BUYER_DATA`). An
/// event of an order keeps only these (and its `id`) as they were, and takes
/// the rest from the order as stored (`events::Event::of_order`).
pub const CHANGING: [&str; 7] = [
    "number",
    "status",
    "paymentStatus",
    "updatedDate",
    "payByDate",
    "payments",
    "attention",
];

/// The order object after `t`: its statuses and `updatedDate`; the provider's
/// payment appended to `payments` and a flag to `attention`, when there are.
pub fn apply_to_order(order: &mut Value, t: &Transition, happening: &Happening, now: Timestamp) {
    order["status"] = json!(t.to.status.as_str());
    order["paymentStatus"] = json!(t.to.payment_status.as_str());
    order["updatedDate"] = json!(now);
    if t.to.status != OrderStatus::Initialized || t.to.payment_status == PaymentStatus::Paid {
        if let Some(o) = order.as_object_mut() {
            o.remove("payByDate");
        }
    }
    let payment = match happening {
        Happening::Paid(p) => Some((p, "SUCCEEDED")),
        Happening::PaymentFailed(p) => Some((p, "FAILED")),
        _ => None,
    };
    if let Some((p, status)) = payment {
        push(
            order,
            "payments",
            json!({"provider": p.provider, "id": p.id, "status": status,
                   "amountMinor": p.minor.to_string(), "currency": p.currency.to_ascii_uppercase(), "date": now}),
        );
    }
    if let Some(a) = t.attention {
        push(order, "attention", json!({"code": a.as_str(), "date": now}));
    }
}

fn push(order: &mut Value, key: &str, item: Value) {
    match order.get_mut(key).and_then(Value::as_array_mut) {
        Some(list) => list.push(item),
        None => order[key] = json!([item]),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::pricing::Currency;

    const NOW: Timestamp = Timestamp::from_millis(1_800_000_000_000);

    fn usd(minor: u128) -> Due {
        Due {
            minor,
            currency: Currency::from_code("USD").unwrap(),
        }
    }

    fn state(status: OrderStatus, payment_status: PaymentStatus) -> OrderState {
        OrderState {
            status,
            payment_status,
        }
    }

    fn stripe(minor: u128) -> ProviderPayment {
        ProviderPayment {
            provider: "stripe",
            id: "pi_1".into(),
            minor,
            currency: "usd".into(),
        }
    }

    fn after(from: OrderState, h: Happening) -> Option<Transition> {
        transition(from, usd(2500), &h, NOW).unwrap()
    }

    const UNPAID: OrderState = OrderState {
        status: OrderStatus::Initialized,
        payment_status: PaymentStatus::NotPaid,
    };

    #[test]
    fn a_payment_of_the_orders_amount_approves_it_and_completes_its_checkout() {
        for h in [Happening::Paid(stripe(2500)), Happening::MarkedPaid] {
            let t = after(UNPAID, h).unwrap();
            assert_eq!(t.to, state(OrderStatus::Approved, PaymentStatus::Paid));
            assert!(t.completes_checkout && !t.gives_back && t.attention.is_none());
            assert_eq!(t.event, "approved");
        }
        // a repeat changes nothing
        let paid = state(OrderStatus::Approved, PaymentStatus::Paid);
        assert_eq!(after(paid, Happening::Paid(stripe(2500))), None);
        assert_eq!(after(paid, Happening::MarkedPaid), None);
        assert_eq!(after(paid, Happening::PaymentFailed(stripe(2500))), None);
        assert_eq!(
            after(
                paid,
                Happening::TimedOut {
                    deadline: Some(NOW)
                }
            ),
            None
        );
    }

    #[test]
    fn a_payment_of_another_amount_is_recorded_and_flagged_not_accepted() {
        let mut other_currency = stripe(2500);
        other_currency.currency = "eur".into();
        for p in [stripe(2499), other_currency] {
            let t = after(UNPAID, Happening::Paid(p)).unwrap();
            assert_eq!(t.to, UNPAID);
            assert_eq!(t.attention, Some(Attention::AmountMismatch));
            assert!(!t.completes_checkout);
        }
    }

    #[test]
    fn cancel_and_timeout_give_back_once_and_reopen_an_unpaid_checkout() {
        let t = after(UNPAID, Happening::Canceled).unwrap();
        assert_eq!(t.to, state(OrderStatus::Canceled, PaymentStatus::Canceled));
        assert!(t.gives_back && t.reopens_checkout);
        // not before the deadline
        let later = NOW.plus_millis(1);
        assert_eq!(
            after(
                UNPAID,
                Happening::TimedOut {
                    deadline: Some(later)
                }
            ),
            None
        );
        let t = after(
            UNPAID,
            Happening::TimedOut {
                deadline: Some(NOW),
            },
        )
        .unwrap();
        assert!(t.gives_back && t.reopens_checkout);
        // a declined order still awaits payment, and times out the same way
        let declined = state(OrderStatus::Initialized, PaymentStatus::Declined);
        assert!(
            after(
                declined,
                Happening::TimedOut {
                    deadline: Some(NOW)
                }
            )
            .unwrap()
            .gives_back
        );
        // a paid order canceled gives back, keeps its checkout completed and stays paid
        let t = after(
            state(OrderStatus::Approved, PaymentStatus::Paid),
            Happening::Canceled,
        )
        .unwrap();
        assert_eq!(t.to, state(OrderStatus::Canceled, PaymentStatus::Paid));
        assert!(t.gives_back && !t.reopens_checkout);
        // canceled is final: nothing is given back twice
        for s in [PaymentStatus::Canceled, PaymentStatus::Paid] {
            let canceled = state(OrderStatus::Canceled, s);
            assert_eq!(after(canceled, Happening::Canceled), None);
            assert_eq!(
                after(
                    canceled,
                    Happening::TimedOut {
                        deadline: Some(NOW)
                    }
                ),
                None
            );
        }
    }

    #[test]
    fn a_payment_after_cancellation_is_recorded_and_flagged_the_merchant_cannot_mark_it_paid() {
        let canceled = state(OrderStatus::Canceled, PaymentStatus::Canceled);
        let t = after(canceled, Happening::Paid(stripe(2500))).unwrap();
        assert_eq!(t.to, state(OrderStatus::Canceled, PaymentStatus::Paid));
        assert_eq!(t.attention, Some(Attention::PaidAfterCancellation));
        assert!(!t.gives_back && !t.completes_checkout);
        let e = transition(canceled, usd(2500), &Happening::MarkedPaid, NOW).unwrap_err();
        assert_eq!(e.code, ErrorCode::OrderStatusDoesNotAllow);
    }

    #[test]
    fn a_payment_that_finds_the_stock_gone_is_recorded_unapproved_or_refused_from_the_merchant() {
        let t = stock_gone(&Happening::Paid(stripe(2500))).unwrap();
        let paid_unapproved = state(OrderStatus::Initialized, PaymentStatus::Paid);
        assert_eq!(t.to, paid_unapproved);
        assert_eq!(t.attention, Some(Attention::OutOfStock));
        assert!(!t.completes_checkout && !t.gives_back && !t.reopens_checkout);
        let e = stock_gone(&Happening::MarkedPaid).unwrap_err();
        assert_eq!(e.code, ErrorCode::OutOfStock);
        assert_eq!(e.code.as_str(), "OUT_OF_STOCK");
        // paid, it never times out; canceled, its money stays paid (to refund) and
        // its checkout is not reopened; restocked, the merchant approves it
        let timeout = Happening::TimedOut {
            deadline: Some(NOW),
        };
        assert_eq!(after(paid_unapproved, timeout), None);
        let t = after(paid_unapproved, Happening::Canceled).unwrap();
        assert_eq!(t.to, state(OrderStatus::Canceled, PaymentStatus::Paid));
        assert!(t.gives_back && !t.reopens_checkout);
        let t = after(paid_unapproved, Happening::MarkedPaid).unwrap();
        assert_eq!(t.to, state(OrderStatus::Approved, PaymentStatus::Paid));
        assert!(t.completes_checkout);
        // the order shows no deadline once paid
        let mut order = json!({"status": "INITIALIZED", "payByDate": NOW});
        let h = Happening::Paid(stripe(2500));
        apply_to_order(&mut order, &stock_gone(&h).unwrap(), &h, NOW);
        assert!(order.get("payByDate").is_none());
        assert_eq!(order["attention"][0]["code"], "OUT_OF_STOCK");
        assert_eq!(order["paymentStatus"], "PAID");
        assert_eq!(order["status"], "INITIALIZED");
    }

    #[test]
    fn a_declined_payment_is_noted_once_and_the_order_still_awaits_payment() {
        let t = after(UNPAID, Happening::PaymentFailed(stripe(2500))).unwrap();
        assert_eq!(
            t.to,
            state(OrderStatus::Initialized, PaymentStatus::Declined)
        );
        assert_eq!(after(t.to, Happening::PaymentFailed(stripe(2500))), None);
        assert!(after(t.to, Happening::Paid(stripe(2500))).is_some());
    }

    #[test]
    fn what_an_order_asks_for_is_read_from_its_object() {
        let order = json!({"currency": "JPY", "payNow": {"total": {"amount": "1200"}}});
        assert_eq!(Due::of_order(&order).map(|d| d.minor), Some(1200));
        let order = json!({"currency": "USD", "payNow": {"total": {"amount": "25.5"}}});
        assert_eq!(Due::of_order(&order).map(|d| d.minor), Some(2550));
        assert_eq!(Due::of_order(&json!({"currency": "USD"})), None);
    }

    /// What an event of an order keeps of it ([`CHANGING`]) is all a
    /// change of its payment lifecycle touches.
    #[test]
    fn a_change_of_an_order_touches_only_the_fields_its_events_keep() {
        let made = json!({"id": "o", "number": "10001", "status": "INITIALIZED", "paymentStatus": "NOT_PAID",
                          "payByDate": NOW, "updatedDate": NOW, "lineItems": [{"id": "l1"}],
                          "buyerInfo": {"email": "a@example.com"}, "priceSummary": {"total": {"amount": "25.00"}}});
        let unpaid_later = Happening::TimedOut { deadline: None };
        let happenings = [
            Happening::Paid(stripe(2500)),
            Happening::Paid(stripe(1)),
            Happening::MarkedPaid,
            Happening::PaymentFailed(stripe(2500)),
            Happening::Canceled,
            unpaid_later,
        ];
        for h in happenings {
            let Some(t) = after(UNPAID, h.clone()) else {
                continue;
            };
            let mut order = made.clone();
            apply_to_order(&mut order, &t, &h, NOW.plus_millis(1));
            let (before, after) = (made.as_object().unwrap(), order.as_object().unwrap());
            for key in before.keys().chain(after.keys()) {
                if before.get(key) != after.get(key) {
                    assert!(CHANGING.contains(&key.as_str()), "{h:?} changed {key}");
                }
            }
            assert_ne!(before, after, "{h:?} changed nothing");
        }
    }

    #[test]
    fn the_order_object_shows_the_change_its_payments_and_what_needs_attention() {
        let mut order = json!({"id": "o", "status": "INITIALIZED", "paymentStatus": "NOT_PAID",
                               "payByDate": NOW});
        let h = Happening::Paid(stripe(2500));
        let t = after(UNPAID, h.clone()).unwrap();
        apply_to_order(&mut order, &t, &h, NOW);
        assert_eq!(order["status"], "APPROVED");
        assert_eq!(order["paymentStatus"], "PAID");
        assert!(order.get("payByDate").is_none());
        assert_eq!(order["payments"][0]["id"], "pi_1");
        assert_eq!(order["payments"][0]["amountMinor"], "2500");
        assert_eq!(order["payments"][0]["currency"], "USD");
        let h = Happening::Paid(stripe(1));
        assert!(!already_recorded(&order, &h));
        let t = after(UNPAID, h.clone()).unwrap();
        apply_to_order(&mut order, &t, &h, NOW);
        assert_eq!(order["payments"].as_array().unwrap().len(), 2);
        assert_eq!(order["attention"][0]["code"], "PAYMENT_AMOUNT_MISMATCH");
        // the same report again is a repeat; another outcome of the same payment is not
        assert!(already_recorded(&order, &h));
        assert!(already_recorded(&order, &Happening::Paid(stripe(2500))));
        assert!(!already_recorded(
            &order,
            &Happening::PaymentFailed(stripe(2500))
        ));
        assert!(!already_recorded(&order, &Happening::MarkedPaid));
    }
}
