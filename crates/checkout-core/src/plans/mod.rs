//! Plan orders (`api.md`, Plan orders; seed `001`): the order of a `PLAN`
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

use crate::time::{civil_from_days, days_from_civil, days_in_month, Timestamp};
use serde::{Deserialize, Serialize};

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum Status {
    Pending,
    Active,
    Canceled,
    Expired,
    Paused,
    PendingCancellation,
}

impl Status {
    pub const fn as_str(self) -> &'static str {
        match self {
            Status::Pending => "PENDING",
            Status::Active => "ACTIVE",
            Status::Canceled => "CANCELED",
            Status::Expired => "EXPIRED",
            Status::Paused => "PAUSED",
            Status::PendingCancellation => "PENDING_CANCELLATION",
        }
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum Unit {
    Day,
    Week,
    Month,
    Year,
}

/// A plan's duration: `count` units, or unlimited when a plan has none.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Duration {
    pub count: u32,
    pub unit: Unit,
}

const DAY: i64 = 86_400_000;

/// What a `PLAN` catalog item sells (`api.md`, Plan orders).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct PlanTerms {
    /// A single payment for this long (or, without it, for ever); when
    /// `recurring`, the billing cycle, renewed until the order is canceled.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub duration: Option<Duration>,
    #[serde(default)]
    pub recurring: bool,
    /// Days free before the first payment, once per buyer and plan.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub free_trial_days: Option<u32>,
    /// How many orders of the plan one buyer may hold; absent: no limit.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub max_purchases_per_buyer: Option<u32>,
}

impl PlanTerms {
    /// Why the terms cannot be sold, if they cannot: bounds keep every date in years 0000-9999.
    pub fn check(&self) -> Result<(), &'static str> {
        if let Some(d) = self.duration {
            let most = match d.unit {
                Unit::Day => 36_500,
                Unit::Week => 5_200,
                Unit::Month => 1_200,
                Unit::Year => 100,
            };
            if d.count == 0 || d.count > most {
                return Err("duration.count is a whole number from 1 to 100 years' worth");
            }
        } else if self.recurring {
            return Err("a recurring plan needs a duration: its billing cycle");
        }
        if self.free_trial_days.is_some_and(|d| d > 999) {
            return Err("freeTrialDays is at most 999");
        }
        if self.max_purchases_per_buyer == Some(0) {
            return Err("maxPurchasesPerBuyer is at least 1");
        }
        Ok(())
    }
}

impl Duration {
    /// `from` plus this duration, in UTC calendar terms: a month from Jan 31 is
    /// the last day of February, a year from Feb 29 is Feb 28.
    pub fn after(self, from: Timestamp) -> Timestamp {
        let days = from.millis().div_euclid(DAY);
        let time_of_day = from.millis().rem_euclid(DAY);
        let count = i64::from(self.count);
        let day = match self.unit {
            Unit::Day => days + count,
            Unit::Week => days + 7 * count,
            Unit::Month | Unit::Year => {
                let months = if self.unit == Unit::Year {
                    12 * count
                } else {
                    count
                };
                let (y, m, d) = civil_from_days(days);
                let total = y * 12 + (m - 1) + months;
                let (y, m) = (total.div_euclid(12), total.rem_euclid(12) + 1);
                days_from_civil(y, m, d.min(days_in_month(y, m)))
            }
        };
        Timestamp::from_millis(day.saturating_mul(DAY).saturating_add(time_of_day))
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
pub struct Change {
    pub at: Timestamp,
    pub from: Status,
    pub to: Status,
    /// The action, or `CLOCK` for a move of the clock.
    pub reason: String,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct PlanOrder {
    pub status: Status,
    pub start_date: Timestamp,
    /// `None`: an unlimited plan.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub end_date: Option<Timestamp>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub paused_at: Option<Timestamp>,
    #[serde(default)]
    pub history: Vec<Change>,
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
    pub current: Status,
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
            status: Status::Pending,
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
    fn clock_move(&self) -> Option<(Status, Timestamp)> {
        match self.status {
            Status::Pending => Some((Status::Active, self.start_date)),
            Status::Active => self.end_date.map(|end| (Status::Expired, end)),
            Status::PendingCancellation => self.end_date.map(|end| (Status::Canceled, end)),
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
            order.history.push(Change {
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
            (Action::SetStartDate(start), Status::Pending) => {
                let length = order
                    .end_date
                    .map(|end| end.millis() - order.start_date.millis());
                let shift = start.millis() - order.start_date.millis();
                order.start_date = start;
                order.end_date = length.map(|l| start.plus_millis(l));
                order.billing_start = order.billing_start.map(|b| b.plus_millis(shift));
                Status::Pending
            }
            (Action::SetStartDate(_), _) => {
                return Err(refuse("only a PENDING order's start date can change"))
            }
            (
                Action::PostponeEndDate(end),
                Status::Pending | Status::Active | Status::Paused | Status::PendingCancellation,
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
                Status::Pending | Status::Active | Status::Paused | Status::PendingCancellation,
            ) => {
                order.end_date = Some(now);
                order.paused_at = None;
                Status::Canceled
            }
            (Action::Cancel(CancelAt::NextPaymentDate), Status::Active) => {
                let Some(next) = order.next_payment_date(now) else {
                    return Err(refuse(
                        "an unlimited plan has no next payment date: cancel it IMMEDIATELY",
                    ));
                };
                order.end_date = Some(next);
                Status::PendingCancellation
            }
            (Action::Pause, Status::Active) => {
                order.paused_at = Some(now);
                Status::Paused
            }
            (Action::Resume, Status::Paused) => {
                // the time spent paused is added to the end date
                let paused_for = order.paused_at.map_or(0, |p| now.millis() - p.millis());
                order.end_date = order.end_date.map(|end| end.plus_millis(paused_for));
                if order.cycle.is_some() || order.billing_start.is_some() {
                    let anchor = order.billing_start.unwrap_or(order.start_date);
                    order.billing_start = Some(anchor.plus_millis(paused_for));
                }
                order.paused_at = None;
                Status::Active
            }
            (
                Action::Cancel(CancelAt::NextPaymentDate),
                Status::Pending | Status::Paused | Status::PendingCancellation,
            ) => {
                return Err(refuse(
                    "only an ACTIVE order can be canceled at its next payment date",
                ))
            }
            (
                Action::PostponeEndDate(_) | Action::Cancel(_),
                Status::Canceled | Status::Expired,
            ) => return Err(refuse("the order has ended")),
            (Action::Pause, _) => return Err(refuse("only an ACTIVE order can be paused")),
            (Action::Resume, _) => return Err(refuse("only a PAUSED order can be resumed")),
        };
        if to != current || matches!(action, Action::SetStartDate(_) | Action::PostponeEndDate(_)) {
            order.history.push(Change {
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
mod tests {
    use super::*;

    fn t(s: &str) -> Timestamp {
        Timestamp::parse(s).unwrap()
    }

    const MONTH: Option<Duration> = Some(Duration {
        count: 1,
        unit: Unit::Month,
    });

    #[test]
    fn durations_follow_the_calendar() {
        for (count, unit, from, to) in [
            (
                1,
                Unit::Month,
                "2026-01-31T10:00:00Z",
                "2026-02-28T10:00:00Z",
            ),
            (
                1,
                Unit::Month,
                "2028-01-31T00:00:00Z",
                "2028-02-29T00:00:00Z",
            ),
            (
                13,
                Unit::Month,
                "2026-11-23T00:00:00Z",
                "2027-12-23T00:00:00Z",
            ),
            (
                1,
                Unit::Year,
                "2028-02-29T00:00:00Z",
                "2029-02-28T00:00:00Z",
            ),
            (
                2,
                Unit::Week,
                "2026-12-25T00:00:00Z",
                "2027-01-08T00:00:00Z",
            ),
            (
                10,
                Unit::Day,
                "2026-02-25T00:00:00Z",
                "2026-03-07T00:00:00Z",
            ),
        ] {
            assert_eq!(
                Duration { count, unit }.after(t(from)),
                t(to),
                "{count} {unit:?} after {from}"
            );
        }
    }

    #[test]
    fn status_follows_the_clock() {
        let order = PlanOrder::new(t("2026-12-01T00:00:00Z"), MONTH, t("2026-11-23T00:00:00Z"));
        assert_eq!(order.status, Status::Pending);
        assert_eq!(order.end_date, Some(t("2027-01-01T00:00:00Z")));
        let active = order.at(t("2026-12-01T00:00:00Z"));
        assert_eq!(active.status, Status::Active);
        let expired = order.at(t("2027-02-01T00:00:00Z"));
        assert_eq!(expired.status, Status::Expired);
        let moves: Vec<_> = expired
            .history
            .iter()
            .map(|c| (c.from, c.to, c.at))
            .collect();
        assert_eq!(
            moves,
            [
                (Status::Pending, Status::Active, t("2026-12-01T00:00:00Z")),
                (Status::Active, Status::Expired, t("2027-01-01T00:00:00Z"))
            ]
        );
        // an unlimited plan never expires
        let forever = PlanOrder::new(t("2026-01-01T00:00:00Z"), None, t("2026-01-01T00:00:00Z"));
        assert_eq!(forever.at(t("2099-01-01T00:00:00Z")).status, Status::Active);
    }

    /// Every action against every status: allowed ones give the expected
    /// status, refused ones name the current status and change nothing.
    #[test]
    fn every_transition_allowed_or_refused() {
        use Status::*;
        let now = t("2026-11-23T00:00:00Z");
        let order_in = |status: Status| -> PlanOrder {
            let base = PlanOrder::new(t("2026-11-01T00:00:00Z"), MONTH, t("2026-11-10T00:00:00Z"));
            match status {
                Pending => PlanOrder::new(t("2026-12-01T00:00:00Z"), MONTH, now),
                Active => base,
                Paused => base
                    .apply(Action::Pause, t("2026-11-20T00:00:00Z"))
                    .unwrap(),
                PendingCancellation => base
                    .apply(
                        Action::Cancel(CancelAt::NextPaymentDate),
                        t("2026-11-20T00:00:00Z"),
                    )
                    .unwrap(),
                Canceled => base
                    .apply(
                        Action::Cancel(CancelAt::Immediately),
                        t("2026-11-20T00:00:00Z"),
                    )
                    .unwrap(),
                Expired => {
                    PlanOrder::new(t("2026-09-01T00:00:00Z"), MONTH, t("2026-09-01T00:00:00Z"))
                }
            }
        };
        let actions = [
            Action::SetStartDate(t("2026-12-15T00:00:00Z")),
            Action::PostponeEndDate(t("2027-06-01T00:00:00Z")),
            Action::Cancel(CancelAt::Immediately),
            Action::Cancel(CancelAt::NextPaymentDate),
            Action::Pause,
            Action::Resume,
        ];
        // expected status after each action, by starting status (None: refused)
        let table: [(Status, [Option<Status>; 6]); 6] = [
            (
                Pending,
                [
                    Some(Pending),
                    Some(Pending),
                    Some(Canceled),
                    None,
                    None,
                    None,
                ],
            ),
            (
                Active,
                [
                    None,
                    Some(Active),
                    Some(Canceled),
                    Some(PendingCancellation),
                    Some(Paused),
                    None,
                ],
            ),
            (
                Paused,
                [None, Some(Paused), Some(Canceled), None, None, Some(Active)],
            ),
            (
                PendingCancellation,
                [
                    None,
                    Some(PendingCancellation),
                    Some(Canceled),
                    None,
                    None,
                    None,
                ],
            ),
            (Canceled, [None, None, None, None, None, None]),
            (Expired, [None, None, None, None, None, None]),
        ];
        for (status, expected) in table {
            let order = order_in(status);
            assert_eq!(order.at(now).status, status, "setup of {status:?}");
            for (action, want) in actions.iter().zip(expected) {
                match (order.apply(*action, now), want) {
                    (Ok(after), Some(want)) => {
                        assert_eq!(after.status, want, "{status:?} + {action:?}")
                    }
                    (Err(refused), None) => {
                        assert_eq!(refused.current, status, "{status:?} + {action:?}");
                        assert_eq!(refused.action, action.name());
                    }
                    (got, want) => {
                        panic!("{status:?} + {action:?}: got {got:?}, expected {want:?}")
                    }
                }
            }
        }
    }

    #[test]
    fn pause_and_resume_move_the_end_by_the_time_paused() {
        let order = PlanOrder::new(t("2026-11-01T00:00:00Z"), MONTH, t("2026-11-01T00:00:00Z"));
        let paused = order
            .apply(Action::Pause, t("2026-11-10T00:00:00Z"))
            .unwrap();
        // paused orders do not expire
        assert_eq!(paused.at(t("2027-06-01T00:00:00Z")).status, Status::Paused);
        let resumed = paused
            .apply(Action::Resume, t("2026-11-20T00:00:00Z"))
            .unwrap();
        assert_eq!(resumed.status, Status::Active);
        assert_eq!(resumed.end_date, Some(t("2026-12-11T00:00:00Z")));
        assert_eq!(resumed.history.len(), 3); // clock to ACTIVE, pause, resume
    }

    #[test]
    fn cancellation_at_the_next_payment_date_ends_with_the_period() {
        let order = PlanOrder::new(t("2026-11-01T00:00:00Z"), MONTH, t("2026-11-01T00:00:00Z"));
        let pending = order
            .apply(
                Action::Cancel(CancelAt::NextPaymentDate),
                t("2026-11-05T00:00:00Z"),
            )
            .unwrap();
        assert_eq!(pending.status, Status::PendingCancellation);
        assert_eq!(
            pending.at(t("2026-11-30T23:59:59Z")).status,
            Status::PendingCancellation
        );
        assert_eq!(
            pending.at(t("2026-12-01T00:00:00Z")).status,
            Status::Canceled
        );
        let unlimited = PlanOrder::new(t("2026-11-01T00:00:00Z"), None, t("2026-11-01T00:00:00Z"));
        assert!(unlimited
            .apply(
                Action::Cancel(CancelAt::NextPaymentDate),
                t("2026-11-05T00:00:00Z")
            )
            .is_err());
        assert!(unlimited
            .apply(
                Action::PostponeEndDate(t("2030-01-01T00:00:00Z")),
                t("2026-11-05T00:00:00Z")
            )
            .is_err());
    }

    #[test]
    fn start_dates_move_pending_orders_and_their_ends() {
        let order = PlanOrder::new(t("2026-12-01T00:00:00Z"), MONTH, t("2026-11-23T00:00:00Z"));
        let moved = order
            .apply(
                Action::SetStartDate(t("2026-12-10T00:00:00Z")),
                t("2026-11-24T00:00:00Z"),
            )
            .unwrap();
        assert_eq!(moved.end_date, Some(t("2027-01-10T00:00:00Z")));
        // a start date already passed makes it ACTIVE at once
        let now_active = order
            .apply(
                Action::SetStartDate(t("2026-11-01T00:00:00Z")),
                t("2026-11-24T00:00:00Z"),
            )
            .unwrap();
        assert_eq!(now_active.status, Status::Active);
        let earlier = order.apply(
            Action::PostponeEndDate(t("2026-12-20T00:00:00Z")),
            t("2026-11-24T00:00:00Z"),
        );
        assert_eq!(
            earlier.err().map(|r| r.reason),
            Some("the new end date must be later")
        );
    }

    #[test]
    fn a_free_trial_once_per_buyer_and_plan() {
        assert!(trial_eligible(Some(7), 0));
        assert!(!trial_eligible(Some(7), 1));
        assert!(!trial_eligible(None, 0));
        assert!(!trial_eligible(Some(0), 0));
    }

    const MONTHLY: PlanTerms = PlanTerms {
        duration: Some(Duration {
            count: 1,
            unit: Unit::Month,
        }),
        recurring: true,
        free_trial_days: Some(7),
        max_purchases_per_buyer: None,
    };

    #[test]
    fn recurring_orders_renew_until_canceled_at_the_end_of_a_cycle() {
        let order = PlanOrder::of_plan(
            t("2026-01-31T00:00:00Z"),
            &MONTHLY,
            0,
            t("2026-01-31T00:00:00Z"),
        );
        assert_eq!(order.end_date, None);
        assert_eq!(order.at(t("2036-01-01T00:00:00Z")).status, Status::Active);
        // cycles follow the calendar from the first payment, not from each other
        assert_eq!(
            order.next_payment_date(t("2026-02-15T00:00:00Z")),
            Some(t("2026-02-28T00:00:00Z"))
        );
        assert_eq!(
            order.next_payment_date(t("2026-03-01T00:00:00Z")),
            Some(t("2026-03-31T00:00:00Z"))
        );
        assert_eq!(
            order.next_payment_date(t("2030-07-31T00:00:00Z")),
            Some(t("2030-08-31T00:00:00Z"))
        );
        let canceling = order
            .apply(
                Action::Cancel(CancelAt::NextPaymentDate),
                t("2026-03-05T12:00:00Z"),
            )
            .unwrap();
        assert_eq!(canceling.status, Status::PendingCancellation);
        assert_eq!(canceling.end_date, Some(t("2026-03-31T00:00:00Z")));
        assert_eq!(
            canceling.at(t("2026-03-31T00:00:00Z")).status,
            Status::Canceled
        );
        let refused = order
            .apply(
                Action::PostponeEndDate(t("2027-01-01T00:00:00Z")),
                t("2026-03-05T00:00:00Z"),
            )
            .unwrap_err();
        assert_eq!(refused.current, Status::Active);
    }

    #[test]
    fn a_free_trial_comes_before_the_first_payment_and_pauses_move_the_cycle() {
        let start = t("2026-11-01T00:00:00Z");
        let order = PlanOrder::of_plan(start, &MONTHLY, 7, start);
        assert_eq!(
            order.next_payment_date(start),
            Some(t("2026-11-08T00:00:00Z"))
        );
        assert_eq!(
            order.next_payment_date(t("2026-11-09T00:00:00Z")),
            Some(t("2026-12-08T00:00:00Z"))
        );
        let single = PlanTerms {
            recurring: false,
            ..MONTHLY
        };
        let once = PlanOrder::of_plan(start, &single, 7, start);
        assert_eq!(once.end_date, Some(t("2026-12-08T00:00:00Z")));
        // ten days paused: the cycle and the end move by ten days
        let paused = order
            .apply(Action::Pause, t("2026-11-20T00:00:00Z"))
            .unwrap();
        let resumed = paused
            .apply(Action::Resume, t("2026-11-30T00:00:00Z"))
            .unwrap();
        assert_eq!(
            resumed.next_payment_date(t("2026-11-30T00:00:00Z")),
            Some(t("2026-12-18T00:00:00Z"))
        );
        let moved = PlanOrder::of_plan(t("2026-12-01T00:00:00Z"), &MONTHLY, 7, start)
            .apply(Action::SetStartDate(t("2026-12-11T00:00:00Z")), start)
            .unwrap();
        assert_eq!(moved.billing_start, Some(t("2026-12-18T00:00:00Z")));
    }

    #[test]
    fn terms_are_checked() {
        assert_eq!(MONTHLY.check(), Ok(()));
        let bad = [
            PlanTerms {
                duration: None,
                ..MONTHLY
            },
            PlanTerms {
                duration: Some(Duration {
                    count: 0,
                    unit: Unit::Day,
                }),
                ..MONTHLY
            },
            PlanTerms {
                duration: Some(Duration {
                    count: 101,
                    unit: Unit::Year,
                }),
                ..MONTHLY
            },
            PlanTerms {
                free_trial_days: Some(1000),
                ..MONTHLY
            },
            PlanTerms {
                max_purchases_per_buyer: Some(0),
                ..MONTHLY
            },
        ];
        for terms in bad {
            assert!(terms.check().is_err(), "{terms:?}");
        }
    }
}
