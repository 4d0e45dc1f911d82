//! Plan orders (`api.md`, Plan orders; seed `001`): the order of a `PLAN`
//! catalog item and its lifecycle, as a pure function of (order, action, now).
//!
//! Status follows the clock: [`PlanOrder::at`] gives the order as it is at an
//! instant (a `PENDING` order is `ACTIVE` from its start date; an `ACTIVE` one
//! is `EXPIRED`, a `PENDING_CANCELLATION` one `CANCELED`, from its end date),
//! so reads are right between runs of the scheduled handler, which only
//! persists the same moves. [`PlanOrder::apply`] checks an action against the
//! state machine at `now` and refuses what it does not allow, naming the
//! current status.

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
pub struct Duration {
    pub count: u32,
    pub unit: Unit,
}

impl Duration {
    /// `from` plus this duration, in UTC calendar terms: a month from Jan 31 is
    /// the last day of February, a year from Feb 29 is Feb 28.
    pub fn after(self, from: Timestamp) -> Timestamp {
        const DAY: i64 = 86_400_000;
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
}

/// A refused action: the state machine does not allow it now.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Refused {
    pub action: &'static str,
    pub current: Status,
    pub reason: &'static str,
}

impl PlanOrder {
    /// A new order of a plan starting at `start` (now or later), bought at `now`.
    pub fn new(start: Timestamp, duration: Option<Duration>, now: Timestamp) -> PlanOrder {
        let order = PlanOrder {
            status: Status::Pending,
            start_date: start,
            end_date: duration.map(|d| d.after(start)),
            paused_at: None,
            history: Vec::new(),
        };
        order.at(now)
    }

    /// The order as it is at `now`: the clock's moves applied, each in the history.
    pub fn at(&self, now: Timestamp) -> PlanOrder {
        let mut order = self.clone();
        loop {
            let next = match order.status {
                Status::Pending if now >= order.start_date => {
                    Some((Status::Active, order.start_date))
                }
                Status::Active => order
                    .end_date
                    .filter(|&end| now >= end)
                    .map(|end| (Status::Expired, end)),
                Status::PendingCancellation => order
                    .end_date
                    .filter(|&end| now >= end)
                    .map(|end| (Status::Canceled, end)),
                _ => None,
            };
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
                order.start_date = start;
                order.end_date = length.map(|l| start.plus_millis(l));
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
                if order.end_date.is_none() {
                    return Err(refuse(
                        "an unlimited plan has no next payment date: cancel it IMMEDIATELY",
                    ));
                }
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
        let d = |count, unit| Duration { count, unit };
        assert_eq!(
            d(1, Unit::Month).after(t("2026-01-31T10:00:00Z")),
            t("2026-02-28T10:00:00Z")
        );
        assert_eq!(
            d(1, Unit::Month).after(t("2028-01-31T00:00:00Z")),
            t("2028-02-29T00:00:00Z")
        );
        assert_eq!(
            d(13, Unit::Month).after(t("2026-11-23T00:00:00Z")),
            t("2027-12-23T00:00:00Z")
        );
        assert_eq!(
            d(1, Unit::Year).after(t("2028-02-29T00:00:00Z")),
            t("2029-02-28T00:00:00Z")
        );
        assert_eq!(
            d(2, Unit::Week).after(t("2026-12-25T00:00:00Z")),
            t("2027-01-08T00:00:00Z")
        );
        assert_eq!(
            d(10, Unit::Day).after(t("2026-02-25T00:00:00Z")),
            t("2026-03-07T00:00:00Z")
        );
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
}
