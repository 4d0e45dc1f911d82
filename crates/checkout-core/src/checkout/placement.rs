//! Placing an order: first whether it may be made ([`check`]), then,
//! with the number storage gave it, everything creating it changes, decided
//! here at once ([`Placing::place`]: the order, what it takes from the
//! store's counters, the checkout as it is after, the events, the answer),
//! for storage to carry out as given in one transaction, which refuses it
//! whole when something it read has moved since (the checkout's version, a
//! counter).

use super::order::{self, Checked, Held, Made, OrderDraft, Violation};
use super::payment::OrderStatus;
use super::quote::Quote;
use super::{CheckoutRecord, Ids};
use crate::events::{self, Event, Kind};
use crate::time::Timestamp;
use serde_json::{json, Value};

/// Whose order it is.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum OrderOf {
    /// `create-order`: the checkout is open; its order takes stock, spends
    /// the gift card, counts the coupon, and completes the checkout when
    /// nothing is left to pay.
    OpenCheckout,
    /// A checkout completed, and paid, in another system
    /// (`mark-as-completed`): only the order, which takes nothing.
    CompletedElsewhere,
}

/// Everything creating an order changes.
#[derive(Clone, Debug, PartialEq)]
pub struct Placement {
    pub order: OrderDraft,
    /// Its number, which storage gave it.
    pub number: u64,
    pub of: OrderOf,
    /// The checkout as it is after: naming its order, and completed when
    /// nothing is left to pay.
    pub checkout: CheckoutRecord,
    /// Its events, in order: the checkout's `completed` (when it completes
    /// it), then the order's `created`.
    pub events: Vec<Event>,
    /// The answer to create-order: `{orderId, orderNumber,
    /// paymentGatewayOrderId?}` (`orderNumber` is not in Wix's answer: the
    /// order's `number`, for a confirmation a page can show without the
    /// secret key).
    pub answer: Value,
}

impl Placement {
    /// What the order takes from the store's counters now, and gives back
    /// when canceled unpaid: none for an order of a checkout completed
    /// elsewhere, which was counted there.
    pub fn held(&self) -> Option<&Held> {
        (self.of == OrderOf::OpenCheckout).then_some(&self.order.takes)
    }
}

/// An order that may be placed: checked (for an open checkout), waiting
/// for its number, which storage gives only to an order that may be made.
pub struct Placing<'q> {
    checked: Checked<'q>,
    of: OrderOf,
}

/// The order of `record` as `of` places it, when it may be: for an open
/// checkout, else every failing precondition.
pub fn check<'q>(
    record: &'q CheckoutRecord,
    quote: &'q Quote<'q>,
    of: OrderOf,
) -> Result<Placing<'q>, Vec<Violation>> {
    let checked = match of {
        OrderOf::OpenCheckout => order::check(record, quote)?,
        OrderOf::CompletedElsewhere => order::unchecked(record, quote),
    };
    Ok(Placing { checked, of })
}

impl Placing<'_> {
    /// Everything the order changes, made with its ids and number (`made`)
    /// and event ids from `ids` (the error: it could not be written at all).
    pub fn place(self, made: Made, ids: &mut impl Ids, now: Timestamp) -> crate::Result<Placement> {
        let Placing { checked, of } = self;
        let (record, quote) = (checked.record, checked.quote);
        let draft = checked.draft(made, now)?;
        let mut checkout = record.clone();
        checkout.order_id = Some(draft.order_id.clone());
        checkout.order_number = Some(made.number);
        checkout.payment_gateway_order_id = draft.payment_gateway_order_id.clone();
        let completes =
            of == OrderOf::OpenCheckout && draft.state.status != OrderStatus::Initialized;
        checkout.completed = record.completed || completes;
        let mut events = Vec::with_capacity(2);
        if completes {
            let mut shown = checkout.clone();
            shown.updated_date = now;
            let view = quote.checkout_json(&shown, false)?;
            let kind = Kind::Action("completed");
            events.push(Event::new(
                ids,
                events::CHECKOUT,
                kind,
                &record.id,
                &view,
                now,
            ));
        }
        let id = draft.order_id.as_str();
        events.push(Event::of_order(ids, Kind::Created, id, &draft.body, now));
        let mut answer =
            json!({ "orderId": draft.order_id, "orderNumber": made.number.to_string() });
        if let Some(g) = &draft.payment_gateway_order_id {
            answer["paymentGatewayOrderId"] = json!(g);
        }
        Ok(Placement {
            order: draft,
            number: made.number,
            of,
            checkout,
            events,
            answer,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::checkout::quote::Quote;
    use crate::testing::{now, store, CheckoutBuilder};

    fn made(number: u64) -> Made<'static> {
        Made {
            order_id: "order-1",
            gateway_order_id: "gateway-1",
            number,
        }
    }

    fn counter() -> impl FnMut() -> String {
        let mut n = 0;
        move || {
            n += 1;
            format!("event-{n}")
        }
    }

    #[test]
    fn an_order_with_money_due_holds_what_it_takes_and_leaves_the_checkout_open() {
        let store = store();
        let record = CheckoutBuilder::ready().line("mug", 2).build(&store);
        let quote = Quote::new(&record, &store, now()).expect("priced");
        let p = check(&record, &quote, OrderOf::OpenCheckout)
            .expect("placed")
            .place(made(1042), &mut counter(), now())
            .expect("written");
        assert_eq!(p.number, 1042);
        assert_eq!(p.held().map(|h| h.stock.len()), Some(2));
        assert_eq!(p.checkout.order_id.as_deref(), Some("order-1"));
        assert_eq!(p.checkout.order_number, Some(1042));
        assert_eq!(
            p.checkout.payment_gateway_order_id.as_deref(),
            Some("gateway-1")
        );
        assert!(!p.checkout.completed);
        // the checkout names its order, for a page that opens it again
        let view: Value =
            serde_json::from_str(&quote.checkout_json(&p.checkout, false).expect("a view"))
                .expect("JSON");
        assert_eq!(
            view["order"],
            json!({"id": "order-1", "number": "1042", "paymentGatewayOrderId": "gateway-1"})
        );
        let open: Value =
            serde_json::from_str(&quote.checkout_json(&record, false).expect("a view"))
                .expect("JSON");
        assert_eq!(open.get("order"), None);
        // only the order's event: the checkout completes when the order is paid
        assert_eq!(p.events.len(), 1);
        let event: Value = serde_json::from_str(&p.events[0].body).expect("JSON");
        assert_eq!(event["createdEvent"]["entity"]["number"], "1042");
        assert_eq!(p.answer["orderNumber"], "1042");
        assert_eq!(p.answer["paymentGatewayOrderId"], "gateway-1");
    }

    #[test]
    fn an_order_paid_at_once_completes_the_checkout_and_tells_of_it_first() {
        let store = store();
        let record = CheckoutBuilder::ready().gift_card("GIFT-30").build(&store);
        let quote = Quote::new(&record, &store, now()).expect("priced");
        let p = check(&record, &quote, OrderOf::OpenCheckout)
            .expect("placed")
            .place(made(1001), &mut counter(), now())
            .expect("written");
        assert!(p.checkout.completed);
        assert!(p.held().is_some_and(|h| h.gift_card.is_some()));
        assert_eq!(p.answer.get("paymentGatewayOrderId"), None);
        let kinds: Vec<Value> = p
            .events
            .iter()
            .map(|e| serde_json::from_str::<Value>(&e.body).expect("JSON")["entityFqdn"].clone())
            .collect();
        assert_eq!(kinds, [events::CHECKOUT, events::ORDER]);
        assert_ne!(p.events[0].id, p.events[1].id);
    }

    #[test]
    fn an_order_of_a_checkout_completed_elsewhere_takes_nothing_and_is_not_checked() {
        let store = store();
        let mut record = CheckoutBuilder::new().line("mug", 1).build(&store);
        record.completed = true;
        let quote = Quote::new(&record, &store, now()).expect("priced");
        let p = check(&record, &quote, OrderOf::CompletedElsewhere)
            .expect("placed without its buyer's email")
            .place(made(7), &mut counter(), now())
            .expect("written");
        assert_eq!(p.held(), None);
        assert!(p.checkout.completed);
        assert_eq!(p.events.len(), 1);
    }
}
