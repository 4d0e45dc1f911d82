//! What an order takes from the store's live counters (stock, a gift card's
//! amount, a coupon's use), when it takes it, and what it gives back.

use super::payment::{OrderStatus, Transition};
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// What an order takes from the store's live counters, and gives back when
/// it is canceled unpaid; kept with the order as this JSON.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Held {
    /// Units taken from the stock of each item that has a stock.
    #[serde(default)]
    pub stock: BTreeMap<String, u64>,
    /// The gift card and the minor units spent from it.
    #[serde(default)]
    pub gift_card: Option<HeldGiftCard>,
    /// The coupon whose use is counted.
    #[serde(default)]
    pub coupon: Option<String>,
    /// The stock and the coupon use are taken when the order is paid, not
    /// yet (the store's `stockReservation: "PAYMENT"`); the gift card
    /// amount was taken at once.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub on_payment: bool,
}

impl Held {
    /// What is taken from the counters now (and given back when the order
    /// is canceled).
    pub fn taken(&self) -> Held {
        if !self.on_payment {
            return self.clone();
        }
        Held {
            gift_card: self.gift_card.clone(),
            ..Held::default()
        }
    }

    /// What a payment that approves the order (`t`) takes: the stock and
    /// the coupon use it has not taken yet, if any.
    pub fn taken_when(&self, t: &Transition) -> Option<Held> {
        (self.on_payment && t.to.status == OrderStatus::Approved).then(|| Held {
            stock: self.stock.clone(),
            coupon: self.coupon.clone(),
            ..Held::default()
        })
    }

    /// What the order holds once its payment took the rest.
    pub fn all_taken(&self) -> Held {
        Held {
            on_payment: false,
            ..self.clone()
        }
    }
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct HeldGiftCard {
    pub code: String,
    /// Minor units, as a decimal integer string.
    pub minor: String,
}

impl HeldGiftCard {
    /// The minor units spent (none when what was kept is not an integer).
    pub fn minor(&self) -> Option<u128> {
        self.minor.parse().ok()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::checkout::payment::{OrderState, PaymentStatus};

    /// What an order of two mugs and a tee, with a coupon and a gift card,
    /// holds in a store that takes stock when paid.
    fn on_payment() -> Held {
        Held {
            stock: BTreeMap::from([("mug".to_owned(), 2), ("tee".to_owned(), 1)]),
            gift_card: Some(HeldGiftCard {
                code: "GIFT-30".into(),
                minor: "3000".into(),
            }),
            coupon: Some("SAVE10".into()),
            on_payment: true,
        }
    }

    #[test]
    fn an_order_that_takes_stock_when_paid_takes_only_the_gift_card_at_once_and_the_rest_when_approved(
    ) {
        let held = on_payment();
        let now = held.taken();
        assert!(now.stock.is_empty() && now.coupon.is_none());
        assert_eq!(now.gift_card, held.gift_card);
        // the payment that approves it takes the rest; one that does not takes nothing
        let paid = |status| Transition {
            to: OrderState {
                status,
                payment_status: PaymentStatus::Paid,
            },
            gives_back: false,
            completes_checkout: false,
            reopens_checkout: false,
            attention: None,
            event: "e",
        };
        let rest = held
            .taken_when(&paid(OrderStatus::Approved))
            .expect("taken when paid");
        assert_eq!(rest.stock, held.stock);
        assert_eq!(rest.coupon.as_deref(), Some("SAVE10"));
        assert_eq!(rest.gift_card, None);
        assert_eq!(held.taken_when(&paid(OrderStatus::Initialized)), None);
        let after = held.all_taken();
        assert!(!after.on_payment);
        assert_eq!(after.taken(), after);
        assert_eq!(after.taken_when(&paid(OrderStatus::Approved)), None);
    }
}
