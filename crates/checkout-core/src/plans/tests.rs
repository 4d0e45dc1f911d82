//! The state machine of plan orders, transition by transition, with the clock.

use super::*;
use crate::time::Timestamp;

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
    assert_eq!(order.status, PlanStatus::Pending);
    assert_eq!(order.end_date, Some(t("2027-01-01T00:00:00Z")));
    let active = order.at(t("2026-12-01T00:00:00Z"));
    assert_eq!(active.status, PlanStatus::Active);
    let expired = order.at(t("2027-02-01T00:00:00Z"));
    assert_eq!(expired.status, PlanStatus::Expired);
    let moves: Vec<_> = expired
        .history
        .iter()
        .map(|c| (c.from, c.to, c.at))
        .collect();
    assert_eq!(
        moves,
        [
            (
                PlanStatus::Pending,
                PlanStatus::Active,
                t("2026-12-01T00:00:00Z")
            ),
            (
                PlanStatus::Active,
                PlanStatus::Expired,
                t("2027-01-01T00:00:00Z")
            )
        ]
    );
    // an unlimited plan never expires
    let forever = PlanOrder::new(t("2026-01-01T00:00:00Z"), None, t("2026-01-01T00:00:00Z"));
    assert_eq!(
        forever.at(t("2099-01-01T00:00:00Z")).status,
        PlanStatus::Active
    );
}

/// Every action against every status: allowed ones give the expected
/// status, refused ones name the current status and change nothing.
#[test]
fn every_transition_allowed_or_refused() {
    use PlanStatus::*;
    let now = t("2026-11-23T00:00:00Z");
    let order_in = |status: PlanStatus| -> PlanOrder {
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
            Expired => PlanOrder::new(t("2026-09-01T00:00:00Z"), MONTH, t("2026-09-01T00:00:00Z")),
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
    let table: [(PlanStatus, [Option<PlanStatus>; 6]); 6] = [
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
    assert_eq!(
        paused.at(t("2027-06-01T00:00:00Z")).status,
        PlanStatus::Paused
    );
    let resumed = paused
        .apply(Action::Resume, t("2026-11-20T00:00:00Z"))
        .unwrap();
    assert_eq!(resumed.status, PlanStatus::Active);
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
    assert_eq!(pending.status, PlanStatus::PendingCancellation);
    assert_eq!(
        pending.at(t("2026-11-30T23:59:59Z")).status,
        PlanStatus::PendingCancellation
    );
    assert_eq!(
        pending.at(t("2026-12-01T00:00:00Z")).status,
        PlanStatus::Canceled
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
    assert_eq!(now_active.status, PlanStatus::Active);
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
    assert_eq!(
        order.at(t("2036-01-01T00:00:00Z")).status,
        PlanStatus::Active
    );
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
    assert_eq!(canceling.status, PlanStatus::PendingCancellation);
    assert_eq!(canceling.end_date, Some(t("2026-03-31T00:00:00Z")));
    assert_eq!(
        canceling.at(t("2026-03-31T00:00:00Z")).status,
        PlanStatus::Canceled
    );
    let refused = order
        .apply(
            Action::PostponeEndDate(t("2027-01-01T00:00:00Z")),
            t("2026-03-05T00:00:00Z"),
        )
        .unwrap_err();
    assert_eq!(refused.current, PlanStatus::Active);
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
