//! Live counters (`docs/api.md`, Live counters): an item's stock and a gift
//! card's balance are set by the configuration only when the store first
//! names them; after that orders and the merchant change them, the merchant
//! by explicit operations: a delta, or a new value guarded by the value the
//! merchant last saw (so that a change made in between is never undone).

use crate::error::{Error, Result};
use crate::pricing::input::{self, Text};
use crate::pricing::Currency;
use serde_json::Value;

/// The largest change or value of a counter, in its unit (units of stock,
/// minor units of money): far above any real stock or balance, and exact in
/// SQLite's 64-bit integers.
pub const MAX: u128 = 1_000_000_000_000_000;

/// A change of a counter.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum CounterChange {
    /// Add this much (negative: take it away).
    By(i128),
    /// Set it to `value`, if it is `expected` now.
    To { value: u128, expected: u128 },
}

/// What a counter counts.
#[derive(Clone, Copy, Debug)]
pub enum Unit {
    /// Whole units of stock, as JSON integers.
    Units,
    /// Money of the store's currency, as decimal strings.
    Money(Currency),
}

impl Unit {
    /// A counter's value as the API shows it.
    pub fn show(self, value: u128) -> Value {
        match self {
            Unit::Units => Value::from(u64::try_from(value).unwrap_or(u64::MAX)),
            Unit::Money(c) => {
                Value::from(crate::pricing::Amount::new(value, c.exponent()).to_string())
            }
        }
    }

    /// A value at `field`; `signed` allows a leading `-` (a delta).
    fn read(self, value: Option<&Value>, field: &str, signed: bool) -> Result<i128> {
        let bad = || {
            let what = match (self, signed) {
                (Unit::Units, true) => "a whole number (negative takes away)",
                (Unit::Units, false) => "a whole number, 0 or more",
                (Unit::Money(_), true) => "an amount as a decimal string (\"-5.00\" takes away)",
                (Unit::Money(_), false) => "an amount as a decimal string, 0 or more",
            };
            Error::invalid(field, format!("{what}, at most {MAX} of its smallest unit"))
        };
        let value = value.ok_or_else(bad)?;
        let n: i128 = match self {
            Unit::Units => value.as_i64().map(i128::from).ok_or_else(bad)?,
            Unit::Money(currency) => {
                let text = value.as_str().ok_or_else(bad)?;
                let (negative, digits) = match text.strip_prefix('-') {
                    Some(rest) if signed => (true, rest),
                    _ => (false, text),
                };
                let minor = input::money(Some(&Text::Str(digits.into())), currency, field)
                    .map_err(|_| bad())?;
                let minor = i128::try_from(minor).map_err(|_| bad())?;
                if negative {
                    -minor
                } else {
                    minor
                }
            }
        };
        if n.unsigned_abs() > MAX || (!signed && n < 0) {
            return Err(bad());
        }
        Ok(n)
    }
}

/// The change a request asks for: `{delta}`, or `{set, expected}`.
pub fn read(body: &Value, unit: Unit) -> Result<CounterChange> {
    match (body.get("delta"), body.get("set")) {
        (Some(_), None) => Ok(CounterChange::By(unit.read(
            body.get("delta"),
            "delta",
            true,
        )?)),
        (None, Some(_)) => Ok(CounterChange::To {
            value: unit.read(body.get("set"), "set", false)?.unsigned_abs(),
            expected: unit
                .read(body.get("expected"), "expected", false)
                .map_err(|_| {
                    Error::invalid(
                        "expected",
                        "the value you last saw (a set is applied only if it is still the value)",
                    )
                })?
                .unsigned_abs(),
        }),
        _ => Err(Error::invalid(
            "",
            "either {\"delta\"} or {\"set\", \"expected\"}",
        )),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn usd() -> Unit {
        Unit::Money(Currency::from_code("USD").unwrap())
    }

    #[test]
    fn reads_a_delta_or_a_guarded_set_in_the_counters_unit() {
        assert_eq!(
            read(&json!({"delta": -3}), Unit::Units),
            Ok(CounterChange::By(-3))
        );
        assert_eq!(
            read(&json!({"set": 20, "expected": 12}), Unit::Units),
            Ok(CounterChange::To {
                value: 20,
                expected: 12
            })
        );
        assert_eq!(
            read(&json!({"delta": "-5.25"}), usd()),
            Ok(CounterChange::By(-525))
        );
        assert_eq!(
            read(&json!({"set": "10", "expected": "0.50"}), usd()),
            Ok(CounterChange::To {
                value: 1000,
                expected: 50
            })
        );
        assert_eq!(usd().show(1234), json!("12.34"));
        assert_eq!(Unit::Units.show(7), json!(7));
    }

    #[test]
    fn refuses_what_is_not_one_clear_change() {
        for (body, unit, field) in [
            (json!({}), Unit::Units, ""),
            (
                json!({"delta": 1, "set": 2, "expected": 1}),
                Unit::Units,
                "",
            ),
            (json!({"set": 2}), Unit::Units, "expected"),
            (json!({"set": -2, "expected": 0}), Unit::Units, "set"),
            (json!({"delta": 1.5}), Unit::Units, "delta"),
            (json!({"delta": "3"}), Unit::Units, "delta"),
            (json!({"delta": 5}), usd(), "delta"),
            (json!({"delta": "1.001"}), usd(), "delta"),
            (json!({"set": "-1.00", "expected": "0"}), usd(), "set"),
            (json!({"delta": i64::MAX}), Unit::Units, "delta"),
        ] {
            let e = read(&body, unit).unwrap_err();
            assert_eq!(e.field, field, "{body}");
        }
    }
}
