//! What a `PLAN` catalog item sells: its duration (calendar arithmetic on
//! instants), whether it renews, its free trial and how often a buyer may
//! hold it.

use crate::time::{civil_from_days, days_from_civil, days_in_month, Timestamp};
use serde::{Deserialize, Serialize};

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

/// A day in milliseconds.
pub(super) const DAY: i64 = 86_400_000;

/// What a `PLAN` catalog item sells (`docs/api.md`, Plan orders).
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
