//! Plan orders (`docs/api.md`, Plan orders): the order of a `PLAN`
//! catalog item and its lifecycle, as a pure function of (order, action, now).
//!
//! Status follows the clock: [`PlanOrder::at`] gives the order as it is at an
//! instant (a `PENDING` order is `ACTIVE` from its start date; an `ACTIVE` one
//! is `EXPIRED`, a `PENDING_CANCELLATION` one `CANCELED`, from its end date),
//! so reads are right between runs of the scheduled handler, which only
//! persists the same moves. [`PlanOrder::apply`] checks an action against the
//! state machine at `now` and refuses what it does not allow, naming the
//! current status. [`order`] holds the order as stored and shown, and its price.

pub mod order;
mod terms;

pub use terms::{Duration, PlanTerms, Unit};

use crate::time::Timestamp;
use serde::{Deserialize, Serialize};
use terms::DAY;

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum PlanStatus {
    Pending,
    Active,
    Canceled,
    Expired,
    Paused,
    PendingCancellation,
}

impl PlanStatus {
    pub const fn as_str(self) -> &'static str {
        match self {
            PlanStatus::Pending => "PENDING",
            PlanStatus::Active => "ACTIVE",
            PlanStatus::Canceled => "CANCELED",
            PlanStatus::Expired => "EXPIRED",
            PlanStatus::Paused => "PAUSED",
            PlanStatus::PendingCancellation => "PENDING_CANCELLATION",
        }
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum CancelAt {
    Immediately,
    NextPaymentDate,
}

/// What a caller asks of an order.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Action {
    /// `set-start-date`: only while `PENDING`.
    SetStartDate(Timestamp),
    /// `PATCH` (postpone the end date): a later end date, on an order with one that has not ended.
    PostponeEndDate(Timestamp),
    Cancel(CancelAt),
    Pause,
    Resume,
}

impl Action {
    pub fn name(self) -> &'static str {
        match self {
            Action::SetStartDate(_) => "SET_START_DATE",
            Action::PostponeEndDate(_) => "POSTPONE_END_DATE",
            Action::Cancel(CancelAt::Immediately) => "CANCEL_IMMEDIATELY",
            Action::Cancel(CancelAt::NextPaymentDate) => "CANCEL_AT_NEXT_PAYMENT_DATE",
            Action::Pause => "PAUSE",
            Action::Resume => "RESUME",
        }
    }
}

/// One change of status, kept in the order's history.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct StatusChange {
    pub at: Timestamp,
    pub from: PlanStatus,
    pub to: PlanStatus,
    /// The action, or `CLOCK` for a move of the clock.
    pub reason: String,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct PlanOrder {
    pub status: PlanStatus,
    pub start_date: Timestamp,
    /// `None`: an unlimited plan.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub end_date: Option<Timestamp>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub paused_at: Option<Timestamp>,
    #[serde(default)]
    pub history: Vec<StatusChange>,
    /// A recurring order's billing cycle: it renews every cycle until canceled.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub cycle: Option<Duration>,
    /// When paid time begins (the start date plus any free trial); moved with
    /// the start date and by the time spent paused. Absent: the start date.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub billing_start: Option<Timestamp>,
}

/// A refused action: the state machine does not allow it now.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Refused {
    pub action: &'static str,
    pub current: PlanStatus,
    pub reason: &'static str,
}

impl PlanOrder {
    /// A new order of a single-payment plan starting at `start`, bought at `now`.
    pub fn new(start: Timestamp, duration: Option<Duration>, now: Timestamp) -> PlanOrder {
        let terms = PlanTerms {
            duration,
            recurring: false,
            free_trial_days: None,
            max_purchases_per_buyer: None,
        };
        PlanOrder::of_plan(start, &terms, 0, now)
    }

    /// A new order of a plan starting at `start`, with `trial_days` free first, bought at `now`.
    pub fn of_plan(
        start: Timestamp,
        terms: &PlanTerms,
        trial_days: u32,
        now: Timestamp,
    ) -> PlanOrder {
        let billing_start = start.plus_millis(i64::from(trial_days) * DAY);
        let (end_date, cycle) = if terms.recurring {
            (None, terms.duration)
        } else {
            (terms.duration.map(|d| d.after(billing_start)), None)
        };
        let order = PlanOrder {
            status: PlanStatus::Pending,
            start_date: start,
            end_date,
            paused_at: None,
            history: Vec::new(),
            cycle,
            billing_start: (trial_days > 0).then_some(billing_start),
        };
        order.at(now)
    }

    /// The next payment date after `now`: the end of the current billing
    /// cycle of a recurring order, the end date of a single-payment one, none
    /// for an unlimited one.
    pub fn next_payment_date(&self, now: Timestamp) -> Option<Timestamp> {
        let Some(cycle) = self.cycle else {
            return self.end_date;
        };
        let anchor = self.billing_start.unwrap_or(self.start_date);
        if now < anchor {
            return Some(anchor);
        }
        // a first guess from the longest length of a unit, never past the answer
        let longest = match cycle.unit {
            Unit::Day => DAY,
            Unit::Week => 7 * DAY,
            Unit::Month => 31 * DAY,
            Unit::Year => 366 * DAY,
        } * i64::from(cycle.count);
        let mut k = u32::try_from((now.millis() - anchor.millis()) / longest)
            .unwrap_or(u32::MAX / 2)
            .max(1);
        loop {
            let count = cycle.count.saturating_mul(k);
            let at = Duration {
                count,
                unit: cycle.unit,
            }
            .after(anchor);
            if at > now || count == u32::MAX {
                return Some(at);
            }
            k += 1;
        }
    }

    /// The order's next move with the clock, if it has one: the status it
    /// moves to, and when (a `PENDING` order starts, an `ACTIVE` one expires, a
    /// `PENDING_CANCELLATION` one is canceled).
    fn clock_move(&self) -> Option<(PlanStatus, Timestamp)> {
        match self.status {
            PlanStatus::Pending => Some((PlanStatus::Active, self.start_date)),
            PlanStatus::Active => self.end_date.map(|end| (PlanStatus::Expired, end)),
            PlanStatus::PendingCancellation => self.end_date.map(|end| (PlanStatus::Canceled, end)),
            _ => None,
        }
    }

    /// The instant of the order's next move with the clock, if any.
    pub fn next_clock_move(&self) -> Option<Timestamp> {
        self.clock_move().map(|(_, when)| when)
    }

    /// The order as it is at `now`: the clock's moves applied, each in the history.
    pub fn at(&self, now: Timestamp) -> PlanOrder {
        let mut order = self.clone();
        loop {
            let next = order.clock_move().filter(|&(_, when)| now >= when);
            let Some((to, when)) = next else { return order };
            order.history.push(StatusChange {
                at: when,
                from: order.status,
                to,
                reason: "CLOCK".into(),
            });
            order.status = to;
        }
    }

    /// The order after `action` at `now`, or why the state machine refuses it.
    pub fn apply(&self, action: Action, now: Timestamp) -> Result<PlanOrder, Refused> {
        let mut order = self.at(now);
        let current = order.status;
        let refuse = |reason: &'static str| Refused {
            action: action.name(),
            current,
            reason,
        };
        let to = match (action, current) {
            (Action::SetStartDate(start), PlanStatus::Pending) => {
                let length = order
                    .end_date
                    .map(|end| end.millis() - order.start_date.millis());
                let shift = start.millis() - order.start_date.millis();
                order.start_date = start;
                order.end_date = length.map(|l| start.plus_millis(l));
                order.billing_start = order.billing_start.map(|b| b.plus_millis(shift));
                PlanStatus::Pending
            }
            (Action::SetStartDate(_), _) => {
                return Err(refuse("only a PENDING order's start date can change"))
            }
            (
                Action::PostponeEndDate(end),
                PlanStatus::Pending
                | PlanStatus::Active
                | PlanStatus::Paused
                | PlanStatus::PendingCancellation,
            ) => {
                match order.end_date {
                    None if order.cycle.is_some() => {
                        return Err(refuse(
                            "a recurring order renews until canceled: it has no end date",
                        ))
                    }
                    None => return Err(refuse("an unlimited plan has no end date")),
                    Some(current_end) if end <= current_end => {
                        return Err(refuse("the new end date must be later"))
                    }
                    Some(_) => order.end_date = Some(end),
                }
                current
            }
            (
                Action::Cancel(CancelAt::Immediately),
                PlanStatus::Pending
                | PlanStatus::Active
                | PlanStatus::Paused
                | PlanStatus::PendingCancellation,
            ) => {
                order.end_date = Some(now);
                order.paused_at = None;
                PlanStatus::Canceled
            }
            (Action::Cancel(CancelAt::NextPaymentDate), PlanStatus::Active) => {
                let Some(next) = order.next_payment_date(now) else {
                    return Err(refuse(
                        "an unlimited plan has no next payment date: cancel it IMMEDIATELY",
                    ));
                };
                order.end_date = Some(next);
                PlanStatus::PendingCancellation
            }
            (Action::Pause, PlanStatus::Active) => {
                order.paused_at = Some(now);
                PlanStatus::Paused
            }
            (Action::Resume, PlanStatus::Paused) => {
                // the time spent paused is added to the end date
                let paused_for = order.paused_at.map_or(0, |p| now.millis() - p.millis());
                order.end_date = order.end_date.map(|end| end.plus_millis(paused_for));
                if order.cycle.is_some() || order.billing_start.is_some() {
                    let anchor = order.billing_start.unwrap_or(order.start_date);
                    order.billing_start = Some(anchor.plus_millis(paused_for));
                }
                order.paused_at = None;
                PlanStatus::Active
            }
            (
                Action::Cancel(CancelAt::NextPaymentDate),
                PlanStatus::Pending | PlanStatus::Paused | PlanStatus::PendingCancellation,
            ) => {
                return Err(refuse(
                    "only an ACTIVE order can be canceled at its next payment date",
                ))
            }
            (
                Action::PostponeEndDate(_) | Action::Cancel(_),
                PlanStatus::Canceled | PlanStatus::Expired,
            ) => return Err(refuse("the order has ended")),
            (Action::Pause, _) => return Err(refuse("only an ACTIVE order can be paused")),
            (Action::Resume, _) => return Err(refuse("only a PAUSED order can be resumed")),
        };
        if to != current || matches!(action, Action::SetStartDate(_) | Action::PostponeEndDate(_)) {
            order.history.push(StatusChange {
                at: now,
                from: current,
                to,
                reason: action.name().into(),
            });
        }
        order.status = to;
        // a new start date in the past, or an end already passed, moves it on now
        Ok(order.at(now))
    }
}

/// Whether a buyer may have a plan's free trial: once per buyer and plan.
pub fn trial_eligible(trial_days: Option<u32>, earlier_orders_of_plan_by_buyer: usize) -> bool {
    trial_days.is_some_and(|d| d > 0) && earlier_orders_of_plan_by_buyer == 0
}

#[cfg(test)]
mod tests;
