//! A plan order as stored and shown (Wix's Pricing Plans order, REST shape),
//! the requests that make and change one, and its price: the plan's catalog
//! price through the same pricing function as a checkout, with the store's
//! coupon and default tax region.

use super::{Action, CancelAt, PlanOrder, PlanStatus, PlanTerms, Refused};
use crate::checkout::quote::Quote;
use crate::checkout::{CatalogReference, CheckoutRecord, StoredLine};
use crate::error::{Error, ErrorCode, PricingCode, Result};
use crate::events::Kind;
use crate::store::{CatalogItem, Store};
use crate::time::Timestamp;
use serde::{Deserialize, Serialize};

pub const ENTITY: &str = "wix.pricing_plans.v2.order";

/// Dates a caller may give: from 2000 to 2200, so that every date an order
/// computes from them stays a valid RFC 3339 date.
const EARLIEST: Timestamp = Timestamp::from_millis(946_684_800_000);
const LATEST: Timestamp = Timestamp::from_millis(7_258_118_400_000);

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Buyer {
    pub member_id: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub contact_id: Option<String>,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Tax {
    pub name: String,
    pub included_in_price: bool,
    pub rate: String,
    pub amount: String,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct AppliedCoupon {
    pub code: String,
    pub amount: String,
}

/// What a plan costs: decimal strings in the store's currency.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct PriceDetails {
    pub subtotal: String,
    pub discount: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub coupon: Option<AppliedCoupon>,
    pub tax: Tax,
    pub total: String,
    pub plan_price: String,
    pub currency: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub free_trial_days: Option<u32>,
}

/// A plan order: everything the API shows, with its state in [`PlanOrder`].
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct PlanOrderRecord {
    pub id: String,
    pub plan_id: String,
    pub plan_name: String,
    pub buyer: Buyer,
    /// `OFFLINE`: created through this API, paid outside it.
    #[serde(rename = "type")]
    pub kind: String,
    pub price_details: PriceDetails,
    /// `PAID` or `NOT_PAID`.
    pub last_payment_status: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub free_trial_days: Option<u32>,
    /// Canceled with `NEXT_PAYMENT_DATE`: the order ends at its next payment date.
    #[serde(default)]
    pub auto_renew_canceled: bool,
    pub created_date: Timestamp,
    pub updated_date: Timestamp,
    #[serde(flatten)]
    pub state: PlanOrder,
}

/// `price-preview`, `preview-offline`/`preview-online`, `offline` and `eligibility` bodies.
#[derive(Clone, Debug, Default, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct OrderRequest {
    pub plan_id: Option<String>,
    pub member_id: Option<String>,
    pub contact_id: Option<String>,
    pub start_date: Option<String>,
    pub coupon_code: Option<String>,
    pub paid: Option<bool>,
}

impl OrderRequest {
    pub fn parse(body: serde_json::Value) -> Result<OrderRequest> {
        Ok(checkout_pricing::input::deserialize(body)?)
    }

    pub fn plan_id(&self) -> Result<&str> {
        required(self.plan_id.as_deref(), "planId")
    }

    pub fn buyer(&self) -> Result<Buyer> {
        Ok(Buyer {
            member_id: required(self.member_id.as_deref(), "memberId")?.to_owned(),
            contact_id: self.contact_id.clone(),
        })
    }

    /// The start date asked for, or `now`.
    pub fn start(&self, now: Timestamp) -> Result<Timestamp> {
        self.start_date
            .as_deref()
            .map_or(Ok(now), |s| date(s, "startDate"))
    }
}

fn required<'a>(value: Option<&'a str>, field: &str) -> Result<&'a str> {
    value
        .filter(|v| !v.is_empty() && v.len() <= 200)
        .ok_or_else(|| Error::invalid(field, "required: a string of 1 to 200 characters"))
}

/// A caller's date: RFC 3339, from 2000 to 2200.
pub fn date(value: &str, field: &str) -> Result<Timestamp> {
    Timestamp::parse(value)
        .filter(|t| (EARLIEST..=LATEST).contains(t))
        .ok_or_else(|| {
            Error::invalid(
                field,
                "an RFC 3339 date-time from 2000 to 2200, as 2026-12-01T00:00:00Z",
            )
        })
}

/// A date field of an action's body (Wix's SDK sends it at the top level;
/// `{order: {...}}` is accepted too).
fn body_field<'b>(body: &'b serde_json::Value, field: &str) -> Result<&'b str> {
    body.get(field)
        .or_else(|| body.get("order").and_then(|o| o.get(field)))
        .and_then(serde_json::Value::as_str)
        .ok_or_else(|| Error::invalid(field, "required"))
}

/// `set-start-date`: `{startDate}`.
pub fn set_start_date(body: &serde_json::Value) -> Result<Action> {
    Ok(Action::SetStartDate(date(
        body_field(body, "startDate")?,
        "startDate",
    )?))
}

/// `PATCH` (postpone): `{endDate}`.
pub fn postpone_end_date(body: &serde_json::Value) -> Result<Action> {
    Ok(Action::PostponeEndDate(date(
        body_field(body, "endDate")?,
        "endDate",
    )?))
}

/// `cancel`: `{effectiveAt: IMMEDIATELY | NEXT_PAYMENT_DATE}`.
pub fn cancel(body: &serde_json::Value) -> Result<Action> {
    match body_field(body, "effectiveAt")? {
        "IMMEDIATELY" => Ok(Action::Cancel(CancelAt::Immediately)),
        "NEXT_PAYMENT_DATE" => Ok(Action::Cancel(CancelAt::NextPaymentDate)),
        _ => Err(Error::invalid(
            "effectiveAt",
            "IMMEDIATELY or NEXT_PAYMENT_DATE",
        )),
    }
}

/// A plan of the store's catalog: the item and its terms.
pub fn plan<'s>(store: &'s Store, plan_id: &str) -> Result<(&'s CatalogItem, &'s PlanTerms)> {
    store
        .config
        .catalog_item(plan_id)
        .and_then(|item| item.plan.as_ref().map(|terms| (item, terms)))
        .ok_or_else(|| {
            Error::new(
                ErrorCode::PlanNotFound,
                "planId",
                format!("no plan {plan_id:?} in the catalog"),
            )
        })
}

/// The price of one purchase of a plan, with an optional coupon, at `now`:
/// the checkout's pricing of one unit of the plan's catalog item, taxed at the
/// store's default region (a plan has no address).
pub fn price(
    store: &Store,
    plan_id: &str,
    coupon: Option<&str>,
    now: Timestamp,
) -> Result<PriceDetails> {
    let (item, terms) = plan(store, plan_id)?;
    if let Some(code) = coupon {
        store.check_coupon(code, now)?;
    }
    let mut record =
        CheckoutRecord::empty(String::new(), String::new(), "OTHER_PLATFORM".into(), now);
    record.line_items = vec![StoredLine {
        id: "plan".into(),
        quantity: 1,
        catalog_reference: Some(CatalogReference {
            catalog_item_id: item.id.clone(),
            app_id: None,
            options: None,
        }),
        custom: None,
    }];
    record.coupon_code = coupon.map(String::from);
    let quote = Quote::new(&record, store, now)?;
    let pricing = quote.pricing();
    if let Some(e) = pricing.calculation_errors.first() {
        return Err(Error::new(
            PricingCode::InvalidCoupon,
            "couponCode",
            e.message.clone(),
        ));
    }
    let summary = &pricing.price_summary;
    let discount = summary.discount.amount;
    Ok(PriceDetails {
        subtotal: summary.subtotal.amount.to_string(),
        discount: discount.to_string(),
        coupon: coupon.map(|code| AppliedCoupon {
            code: code.to_owned(),
            amount: discount.to_string(),
        }),
        tax: Tax {
            name: "Tax".into(),
            included_in_price: store.config.tax_included_in_price,
            rate: quote.lines.first().map_or("0", |l| l.tax_rate).to_owned(),
            amount: summary.tax.amount.to_string(),
        },
        total: summary.total.amount.to_string(),
        plan_price: item.price.clone(),
        currency: store.config.currency.clone(),
        free_trial_days: terms.free_trial_days.filter(|&d| d > 0),
    })
}

/// Whether a buyer who already holds `held` orders of a plan may buy it
/// again, and have its free trial (once per buyer and plan).
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Eligibility {
    pub eligible: bool,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub reason: Option<&'static str>,
    pub free_trial_eligible: bool,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub free_trial_days: Option<u32>,
}

pub fn eligibility(terms: &PlanTerms, held: usize) -> Eligibility {
    let over = terms
        .max_purchases_per_buyer
        .is_some_and(|max| held >= max as usize);
    let trial = !over && super::trial_eligible(terms.free_trial_days, held);
    Eligibility {
        eligible: !over,
        reason: over.then_some("PURCHASE_LIMIT_REACHED"),
        free_trial_eligible: trial,
        free_trial_days: terms.free_trial_days.filter(|_| trial),
    }
}

/// The order a buyer holding `held` orders of the plan would get (a preview,
/// with `id` empty) or gets: priced, dated, with the trial if it is their first.
/// (An online preview's buyer may be nobody yet: an empty `memberId`.)
pub fn new_order(
    store: &Store,
    req: &OrderRequest,
    buyer: Buyer,
    held: usize,
    id: String,
    now: Timestamp,
) -> Result<PlanOrderRecord> {
    let plan_id = req.plan_id()?;
    let start = req.start(now)?;
    let (item, terms) = plan(store, plan_id)?;
    let allowed = eligibility(terms, held);
    if !allowed.eligible {
        return Err(Error::new(
            ErrorCode::PurchaseLimitReached,
            "planId",
            format!("this buyer already holds {held} orders of this plan, as many as it allows"),
        ));
    }
    let mut price_details = price(store, plan_id, req.coupon_code.as_deref(), now)?;
    let trial_days = allowed.free_trial_days.unwrap_or(0);
    price_details.free_trial_days = allowed.free_trial_days;
    Ok(PlanOrderRecord {
        id,
        plan_id: plan_id.to_owned(),
        plan_name: item.name.clone(),
        buyer,
        kind: "OFFLINE".into(),
        price_details,
        last_payment_status: if req.paid == Some(true) {
            "PAID"
        } else {
            "NOT_PAID"
        }
        .into(),
        free_trial_days: allowed.free_trial_days,
        auto_renew_canceled: false,
        created_date: now,
        updated_date: now,
        state: PlanOrder::of_plan(start, terms, trial_days, now),
    })
}

/// A change asked of an existing order.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum PlanOrderChange {
    Act(Action),
    MarkAsPaid,
}

impl PlanOrderRecord {
    /// The order as it is at `now` (the clock's moves applied).
    pub fn at(&self, now: Timestamp) -> PlanOrderRecord {
        PlanOrderRecord {
            state: self.state.at(now),
            ..self.clone()
        }
    }

    /// The order after `change` at `now`, or why not.
    pub fn change(
        &self,
        change: PlanOrderChange,
        now: Timestamp,
    ) -> std::result::Result<PlanOrderRecord, Refused> {
        let mut next = self.clone();
        match change {
            PlanOrderChange::Act(action) => {
                next.state = self.state.apply(action, now)?;
                if action == Action::Cancel(CancelAt::NextPaymentDate) {
                    next.auto_renew_canceled = true;
                }
            }
            PlanOrderChange::MarkAsPaid => {
                next.state = self.state.at(now);
                if self.last_payment_status == "PAID" {
                    return Err(Refused {
                        action: "MARK_AS_PAID",
                        current: next.state.status,
                        reason: "the order is paid already",
                    });
                }
                next.last_payment_status = "PAID".into();
            }
        }
        next.updated_date = now;
        Ok(next)
    }

    /// The events of what changed from `before` to this order: an action
    /// event for each new entry of its history, at the instant it happened
    /// (a status moved, or a date moved: `order_start_date_changed`,
    /// `order_end_date_postponed`), and `order_marked_as_paid` when it was paid.
    pub fn events_since(&self, before: &PlanOrderRecord) -> Vec<(Kind, Timestamp)> {
        let mut out: Vec<(Kind, Timestamp)> = self
            .state
            .history
            .iter()
            .skip(before.state.history.len())
            .map(|c| {
                let slug = match (c.from, c.to) {
                    (PlanStatus::Paused, PlanStatus::Active) => "order_resumed",
                    (_, PlanStatus::Active) => "order_started",
                    (_, PlanStatus::Canceled) => "order_canceled",
                    (_, PlanStatus::Expired) => "order_ended",
                    (_, PlanStatus::Paused) => "order_paused",
                    (_, PlanStatus::PendingCancellation) => "order_auto_renew_canceled",
                    (_, PlanStatus::Pending) => "order_start_date_changed",
                };
                let slug = if c.from == c.to && c.reason == "POSTPONE_END_DATE" {
                    "order_end_date_postponed"
                } else {
                    slug
                };
                (Kind::Action(slug), c.at)
            })
            .collect();
        if self.last_payment_status != before.last_payment_status {
            out.push((Kind::Action("order_marked_as_paid"), self.updated_date));
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::store::{Counters, StoreConfig};

    fn t(s: &str) -> Timestamp {
        Timestamp::parse(s).unwrap()
    }

    fn store() -> Store {
        let config = StoreConfig::from_json(
            r#"{"currency": "JPY", "taxIncludedInPrice": true,
                "catalog": [
                  {"id": "pro", "name": "Pro", "price": "1000", "itemType": "PLAN",
                   "plan": {"duration": {"count": 1, "unit": "YEAR"}, "freeTrialDays": 14, "maxPurchasesPerBuyer": 2}},
                  {"id": "book", "name": "Book", "price": "500", "itemType": "PHYSICAL"}],
                "taxRegions": [{"country": "*", "rates": {"*": "0.1"}}],
                "coupons": [{"code": "HALF", "type": "PERCENTAGE", "value": "50"},
                            {"code": "BOOKS", "type": "FIXED_AMOUNT", "value": "100", "catalogItemIds": ["book"]}]}"#,
        )
        .unwrap();
        Store::new(config, Counters::default()).unwrap()
    }

    #[test]
    fn a_plan_is_priced_by_the_pricing_function() {
        let now = t("2026-11-23T00:00:00Z");
        let p = price(&store(), "pro", Some("HALF"), now).unwrap();
        // tax included: 500 of which 45 is tax (500 - 500/1.1, rounded half even)
        assert_eq!(
            (
                p.subtotal.as_str(),
                p.discount.as_str(),
                p.tax.amount.as_str(),
                p.total.as_str()
            ),
            ("1000", "500", "45", "500")
        );
        assert!(p.tax.included_in_price);
        assert_eq!(p.free_trial_days, Some(14));
        let refused =
            |plan: &str, coupon: Option<&str>| price(&store(), plan, coupon, now).unwrap_err().code;
        assert_eq!(refused("book", None), ErrorCode::PlanNotFound);
        assert_eq!(refused("nope", None), ErrorCode::PlanNotFound);
        assert_eq!(refused("pro", Some("NOPE")), ErrorCode::CouponNotFound);
        assert_eq!(
            refused("pro", Some("BOOKS")),
            PricingCode::InvalidCoupon.into()
        );
    }

    #[test]
    fn new_orders_get_the_trial_once_and_respect_the_limit() {
        let now = t("2026-11-23T00:00:00Z");
        let req = OrderRequest {
            plan_id: Some("pro".into()),
            member_id: Some("m1".into()),
            ..OrderRequest::default()
        };
        let first = new_order(&store(), &req, req.buyer().unwrap(), 0, "o1".into(), now).unwrap();
        assert_eq!(first.free_trial_days, Some(14));
        assert_eq!(first.state.status, PlanStatus::Active);
        assert_eq!(first.state.end_date, Some(t("2027-12-07T00:00:00Z")));
        let second = new_order(&store(), &req, req.buyer().unwrap(), 1, "o2".into(), now).unwrap();
        assert_eq!(second.free_trial_days, None);
        assert_eq!(second.state.end_date, Some(t("2027-11-23T00:00:00Z")));
        assert_eq!(
            new_order(&store(), &req, req.buyer().unwrap(), 2, "o3".into(), now)
                .unwrap_err()
                .code,
            ErrorCode::PurchaseLimitReached
        );
        let late = OrderRequest {
            start_date: Some("2301-01-01T00:00:00Z".into()),
            ..req.clone()
        };
        assert_eq!(
            new_order(&store(), &late, late.buyer().unwrap(), 0, "o4".into(), now)
                .unwrap_err()
                .field,
            "startDate"
        );
        let nobody = OrderRequest {
            member_id: None,
            ..req
        };
        assert_eq!(nobody.buyer().unwrap_err().field, "memberId");
    }

    #[test]
    fn every_change_has_its_event() {
        let now = t("2026-11-23T00:00:00Z");
        let req = OrderRequest {
            plan_id: Some("pro".into()),
            member_id: Some("m1".into()),
            start_date: Some("2026-12-01T00:00:00Z".into()),
            ..OrderRequest::default()
        };
        let order = new_order(&store(), &req, req.buyer().unwrap(), 1, "o1".into(), now).unwrap();
        let slugs = |before: &PlanOrderRecord, after: &PlanOrderRecord| -> Vec<&'static str> {
            after
                .events_since(before)
                .into_iter()
                .map(|(k, _)| match k {
                    Kind::Action(s) => s,
                    _ => "other",
                })
                .collect()
        };
        let paid = order.change(PlanOrderChange::MarkAsPaid, now).unwrap();
        assert_eq!(slugs(&order, &paid), ["order_marked_as_paid"]);
        assert_eq!(
            paid.change(PlanOrderChange::MarkAsPaid, now).unwrap_err(),
            Refused {
                action: "MARK_AS_PAID",
                current: PlanStatus::Pending,
                reason: "the order is paid already"
            }
        );
        let later = t("2026-12-05T00:00:00Z");
        let postponed = paid
            .change(
                PlanOrderChange::Act(Action::PostponeEndDate(t("2028-01-01T00:00:00Z"))),
                later,
            )
            .unwrap();
        // the clock started it on the way
        assert_eq!(
            slugs(&paid, &postponed),
            ["order_started", "order_end_date_postponed"]
        );
        let canceled = postponed
            .change(
                PlanOrderChange::Act(Action::Cancel(CancelAt::NextPaymentDate)),
                later,
            )
            .unwrap();
        assert!(canceled.auto_renew_canceled);
        assert_eq!(slugs(&postponed, &canceled), ["order_auto_renew_canceled"]);
        let ended = canceled.at(t("2028-01-01T00:00:00Z"));
        assert_eq!(slugs(&canceled, &ended), ["order_canceled"]);
    }
}
