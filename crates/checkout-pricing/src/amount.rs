//! Money amounts and the exact integer arithmetic the pricing function uses.
//!
//! Values arrive as decimal strings and are parsed into [`rust_decimal::Decimal`]
//! under the spec's rules (no sign, no exponent, bounded fraction digits). The
//! computation then works in integer minor units (`u128`): every rounding in
//! `docs/pricing.md` is a rational `a * b / d` rounded once, which is exact in integers
//! and not always in a 96-bit decimal mantissa. Products that can exceed `u128`
//! (the largest-remainder allocation at the limits) go through a 256-bit
//! intermediate, see [`mul_div_rem`].

use rust_decimal::Decimal;
use std::fmt;

/// A non-negative amount of money in a currency's minor units (cents for USD,
/// yen for JPY, fils for KWD). Displays with exactly `exponent` fraction digits.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Default)]
pub struct Amount {
    minor: u128,
    exponent: u8,
}

impl Amount {
    pub const fn new(minor: u128, exponent: u8) -> Amount {
        Amount { minor, exponent }
    }

    pub const fn minor(self) -> u128 {
        self.minor
    }

    pub const fn exponent(self) -> u8 {
        self.exponent
    }

    /// The length of the amount's text.
    pub fn text_len(self) -> usize {
        let digits = match u64::try_from(self.minor) {
            Ok(n) => n.checked_ilog10().map_or(1, |d| d as usize + 1),
            Err(_) => self.minor.ilog10() as usize + 1,
        };
        let exponent = usize::from(self.exponent);
        digits.max(exponent + 1) + usize::from(exponent > 0)
    }

    /// Writes the amount's text (ASCII, exactly `exponent` fraction digits) at
    /// the start of `out` and returns its length, [`Amount::text_len`]; writes
    /// nothing and returns 0 when `out` is shorter.
    pub fn write_at(self, out: &mut [u8]) -> usize {
        let len = self.text_len();
        let Some(out) = out.get_mut(..len) else {
            return 0;
        };
        match u32::try_from(self.minor) {
            // Straight into place, right to left, two digits a step, in 32-bit
            // arithmetic (a division by 100 is one multiplication): the
            // fraction digits, the dot, the rest.
            Ok(mut n) => {
                let exponent = usize::from(self.exponent);
                let mut at = len;
                /// Writes `count` digits of `n` ending at `at`, lowest first.
                #[inline(always)]
                fn put(out: &mut [u8], n: &mut u32, mut count: usize, at: &mut usize) {
                    while count >= 2 {
                        let pair = (*n % 100) as usize * 2;
                        *n /= 100;
                        out[*at - 2..*at].copy_from_slice(&DIGIT_PAIRS[pair..pair + 2]);
                        *at -= 2;
                        count -= 2;
                    }
                    if count == 1 {
                        *at -= 1;
                        out[*at] = b'0' + (*n % 10) as u8;
                        *n /= 10;
                    }
                }
                put(out, &mut n, exponent, &mut at);
                if exponent > 0 {
                    at -= 1;
                    out[at] = b'.';
                }
                let rest = at;
                put(out, &mut n, rest, &mut at);
            }
            Err(_) => self.write_wide(out),
        }
        len
    }

    /// [`Amount::write_at`] beyond 32 bits (rare: its buffer stays out of the
    /// common path's stack frame).
    #[cold]
    #[inline(never)]
    fn write_wide(self, out: &mut [u8]) {
        out.copy_from_slice(self.digits(&mut [0u8; TEXT_MAX]));
    }

    /// The text of an amount beyond 32 bits, written into `buf`: ASCII digits
    /// and a dot.
    fn digits(self, buf: &mut [u8; TEXT_MAX]) -> &[u8] {
        // Digits written right to left, in the narrowest integer that holds
        // the amount: a division by ten is a division instruction in 64 bits
        // and a library call in 128 (WebAssembly).
        let mut at = buf.len();
        let exponent = self.exponent;
        macro_rules! write_digits {
            ($n:expr) => {{
                let mut n = $n;
                let mut written = 0u8;
                loop {
                    if written == exponent && exponent > 0 {
                        at -= 1;
                        buf[at] = b'.';
                    }
                    at -= 1;
                    buf[at] = b'0' + (n % 10) as u8;
                    n /= 10;
                    written += 1;
                    if n == 0 && written > exponent {
                        break;
                    }
                }
            }};
        }
        if let Ok(n) = u64::try_from(self.minor) {
            write_digits!(n)
        } else {
            write_digits!(self.minor)
        }
        &buf[at..]
    }
}

impl Amount {
    /// `use_text` given the amount's text, written on the stack (no
    /// allocation, no formatting machinery: a view writes thousands).
    pub fn with_text<R>(self, use_text: impl FnOnce(&str) -> R) -> R {
        let mut buf = [0u8; TEXT_MAX];
        let len = self.write_at(&mut buf);
        // only ASCII digits and a dot were written
        use_text(std::str::from_utf8(buf.get(..len).unwrap_or_default()).unwrap_or_default())
    }
}

impl fmt::Display for Amount {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.with_text(|text| f.write_str(text))
    }
}

impl serde::Serialize for Amount {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        self.with_text(|text| s.serialize_str(text))
    }
}

/// The longest amount text: 256 digits (an exponent of 255 and the leading
/// zero) and a dot.
const TEXT_MAX: usize = 257;

/// "00" to "99", for writing two digits at a time.
const DIGIT_PAIRS: [u8; 200] = {
    let mut t = [0u8; 200];
    let mut i = 0;
    while i < 100 {
        t[2 * i] = b'0' + (i / 10) as u8;
        t[2 * i + 1] = b'0' + (i % 10) as u8;
        i += 1;
    }
    t
};

/// 10^n for the small exponents used here (n <= 38), from a table: no
/// 128-bit multiplication at run time.
pub(crate) const fn pow10(n: u8) -> u128 {
    const TABLE: [u128; 39] = {
        let mut t = [1u128; 39];
        let mut i = 1;
        while i < 39 {
            t[i] = t[i - 1] * 10;
            i += 1;
        }
        t
    };
    TABLE[n as usize]
}

/// Why a decimal string was refused.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum DecimalError {
    /// Not `digits[.digits]`: a sign, an exponent, a blank, a separator, nothing.
    Syntax,
    /// More fraction digits than allowed.
    TooPrecise,
}

/// Parses a non-negative decimal string with at most `max_fraction_digits`
/// fraction digits: `^[0-9]+(\.[0-9]+)?$`, nothing else (no sign, exponent,
/// blank or `_`). Returns `(value, scale)` with `value / 10^scale` the number,
/// or `Syntax` also when it has more than 28 significant digits.
pub fn parse_decimal(s: &str, max_fraction_digits: u8) -> Result<Decimal, DecimalError> {
    let (int, frac) = match s.split_once('.') {
        Some((i, f)) => (i, Some(f)),
        None => (s, None),
    };
    let all_digits = |p: &str| !p.is_empty() && p.bytes().all(|b| b.is_ascii_digit());
    if !all_digits(int) || frac.is_some_and(|f| !all_digits(f)) {
        return Err(DecimalError::Syntax);
    }
    if frac.map_or(0, str::len) > usize::from(max_fraction_digits) {
        return Err(DecimalError::TooPrecise);
    }
    Decimal::from_str_exact(s).map_err(|_| DecimalError::Syntax)
}

/// `value` (a non-negative decimal with at most `scale` fraction digits) in units
/// of `10^-scale`, or `None` when it does not fit a `u128`.
#[cfg(test)]
pub(crate) fn to_units(value: Decimal, scale: u8) -> Option<u128> {
    let shift = u32::from(scale).checked_sub(value.scale())?;
    u128::try_from(value.mantissa())
        .ok()?
        .checked_mul(10u128.checked_pow(shift)?)
}

/// A non-negative decimal string (the syntax of [`parse_decimal`]) in units of
/// `10^-scale`: `"19.9"` at scale 2 is 1990. `TooPrecise` past `scale` fraction
/// digits; `Syntax` for a malformed string or a value that does not fit, as
/// `parse_decimal` and then [`to_units`] would answer.
pub(crate) fn parse_units(s: &str, scale: u8) -> Result<u128, DecimalError> {
    // Up to 19 characters the digits fit a u64 (and a Decimal, so the answer
    // is the same as through one): read them directly, without a Decimal. The
    // arithmetic is 64-bit and unchecked where the bounds are proven: a
    // checked 64-bit product is a 128-bit library call in WebAssembly.
    if s.len() <= 19 {
        // at most 19 digits in all, so below 10^19 < 2^64 at every step
        let mut value = 0u64;
        let shift = scan(s, scale, |d| {
            value = value.wrapping_mul(10).wrapping_add(u64::from(d));
            true
        })?;
        let p = pow10(shift);
        return match u64::try_from(p) {
            Ok(p) if value <= u64::MAX / p => Ok(u128::from(value.wrapping_mul(p))),
            _ => u128::from(value).checked_mul(p).ok_or(DecimalError::Syntax),
        };
    }
    // Longer: the same reading in 128 bits, checked (past 2^128 is `Syntax`,
    // as past a Decimal's 28 digits; the proptest below holds the two readers
    // together up to 28 characters).
    let mut value = 0u128;
    let shift = scan(s, scale, |d| {
        match value
            .checked_mul(10)
            .and_then(|v| v.checked_add(u128::from(d)))
        {
            Some(v) => value = v,
            None => return false,
        }
        true
    })?;
    value.checked_mul(pow10(shift)).ok_or(DecimalError::Syntax)
}

/// The syntax check both readers of [`parse_units`] share, in one pass: hands
/// each digit to `digit` (which answers `false` when the value no longer
/// fits: `Syntax`) and returns the power of ten that brings the fraction
/// digits to `scale`.
#[inline(always)]
fn scan(s: &str, scale: u8, mut digit: impl FnMut(u8) -> bool) -> Result<u8, DecimalError> {
    let mut dot = None;
    for (i, &b) in s.as_bytes().iter().enumerate() {
        let d = b.wrapping_sub(b'0');
        if d < 10 {
            if !digit(d) {
                return Err(DecimalError::Syntax);
            }
        } else if b == b'.' && dot.is_none() {
            dot = Some(i);
        } else {
            return Err(DecimalError::Syntax);
        }
    }
    // digits before the dot, and after it when there is one
    let fraction_digits = match dot {
        None if !s.is_empty() => 0,
        Some(i) if i > 0 && i + 1 < s.len() => s.len() - i - 1,
        _ => return Err(DecimalError::Syntax),
    };
    let shift = usize::from(scale)
        .checked_sub(fraction_digits)
        .ok_or(DecimalError::TooPrecise)?;
    Ok(u8::try_from(shift).unwrap_or(u8::MAX).min(38))
}

/// `(a * b) / d` and `(a * b) % d`, exact for all `u128` inputs, through a
/// 256-bit product. `None` when `d == 0` or the quotient does not fit `u128`.
pub fn mul_div_rem(a: u128, b: u128, d: u128) -> Option<(u128, u128)> {
    if d == 0 {
        return None;
    }
    // Everyday amounts fit 64 bits, whose division is one instruction (in
    // WebAssembly too, where 128-bit division is a slow library call).
    if let (Ok(a), Ok(b), Ok(d)) = (u64::try_from(a), u64::try_from(b), u64::try_from(d)) {
        if let Some(p) = a.checked_mul(b) {
            return Some((u128::from(p / d), u128::from(p % d)));
        }
    }
    if let Some(p) = a.checked_mul(b) {
        return Some((p / d, p % d));
    }
    let (hi, lo) = mul_wide(a, b);
    if hi >= d {
        return None;
    }
    // Long division of the 256-bit (hi, lo) by d, one bit at a time; hi < d
    // keeps every partial remainder below d, so the quotient fits 128 bits.
    let (mut r, mut q) = (hi, 0u128);
    for i in (0..128).rev() {
        let carry = r >> 127;
        r = (r << 1) | ((lo >> i) & 1);
        q <<= 1;
        if carry == 1 || r >= d {
            r = r.wrapping_sub(d);
            q |= 1;
        }
    }
    Some((q, r))
}

/// `a * b / d` rounded half away from zero (all operands are non-negative).
pub fn mul_div_round(a: u128, b: u128, d: u128) -> Option<u128> {
    let (q, r) = mul_div_rem(a, b, d)?;
    // r >= d / 2, written so that it cannot overflow
    if r >= d - r {
        q.checked_add(1)
    } else {
        Some(q)
    }
}

/// The full 256-bit product of two `u128`, as `(high, low)` halves.
fn mul_wide(a: u128, b: u128) -> (u128, u128) {
    const MASK: u128 = u64::MAX as u128;
    let (a1, a0) = (a >> 64, a & MASK);
    let (b1, b0) = (b >> 64, b & MASK);
    let (p00, p01, p10, p11) = (a0 * b0, a0 * b1, a1 * b0, a1 * b1);
    let mid = (p00 >> 64) + (p01 & MASK) + (p10 & MASK);
    let lo = (p00 & MASK) | (mid << 64);
    let hi = p11 + (p01 >> 64) + (p10 >> 64) + (mid >> 64);
    (hi, lo)
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn displays_exactly_the_minor_units() {
        assert_eq!(Amount::new(500, 2).to_string(), "5.00");
        assert_eq!(Amount::new(7, 2).to_string(), "0.07");
        assert_eq!(Amount::new(500, 0).to_string(), "500");
        assert_eq!(Amount::new(1250, 3).to_string(), "1.250");
        assert_eq!(Amount::new(0, 3).to_string(), "0.000");
    }

    #[test]
    fn parses_only_plain_decimals() {
        for bad in [
            "", "-1", "+1", "1e3", "1E3", " 1", "1 ", "1_000", ".5", "5.", "1.2.3", "0x10", "NaN",
            "٣",
        ] {
            assert_eq!(parse_decimal(bad, 2), Err(DecimalError::Syntax), "{bad:?}");
        }
        assert_eq!(parse_decimal("1.234", 2), Err(DecimalError::TooPrecise));
        assert_eq!(parse_decimal("100.5", 0), Err(DecimalError::TooPrecise));
        assert_eq!(
            parse_decimal("19.99", 2).map(|d| d.to_string()),
            Ok("19.99".to_string())
        );
        assert_eq!(
            parse_decimal("007", 0).map(|d| d.to_string()),
            Ok("7".to_string())
        );
        // beyond a Decimal's 28 digits the reader stays exact, up to 2^128
        let big = format!("1{}", "0".repeat(30));
        assert_eq!(parse_units(&big, 0), Ok(10u128.pow(30)));
        assert_eq!(parse_units(&format!("{big}.5"), 2), Ok(10u128.pow(32) + 50));
        assert_eq!(
            parse_units(&format!("{big}0000000000"), 0),
            Err(DecimalError::Syntax)
        );
        assert_eq!(
            parse_units(&format!("{big}.5"), 0),
            Err(DecimalError::TooPrecise)
        );
        assert_eq!(
            parse_units(&format!("{big}."), 2),
            Err(DecimalError::Syntax)
        );
        // more digits than a Decimal holds is refused, not rounded
        assert_eq!(
            parse_decimal("123456789012345678901234567890", 0),
            Err(DecimalError::Syntax)
        );
    }

    #[test]
    fn converts_to_units() {
        let d = parse_decimal("19.9", 2).unwrap();
        assert_eq!(to_units(d, 2), Some(1990));
        assert_eq!(to_units(d, 0), None);
    }

    #[test]
    fn rounds_half_away_from_zero() {
        assert_eq!(mul_div_round(5005, 1, 1000), Some(5)); // 5.005 -> 5
        assert_eq!(mul_div_round(5005, 1, 10), Some(501)); // 500.5 -> 501
        assert_eq!(mul_div_round(4, 1, 10), Some(0));
        assert_eq!(mul_div_round(5, 1, 10), Some(1));
        assert_eq!(mul_div_round(1, 1, 0), None);
    }

    #[test]
    fn wide_division_at_the_limits() {
        let max = u128::MAX;
        assert_eq!(mul_div_rem(max, max, max), Some((max, 0)));
        assert_eq!(mul_div_rem(max, 2, 2), Some((max, 0)));
        assert_eq!(mul_div_rem(max, 3, 2), None);
        assert_eq!(mul_div_rem(max, max - 1, max), Some((max - 1, 0)));
        assert_eq!(
            mul_div_rem(1 << 127, 1 << 127, (1 << 127) + 1).map(|(q, _)| q),
            Some((1 << 127) - 1)
        );
    }

    proptest! {
        // The direct reader answers as the Decimal reader does, for any string
        // of digits, dots and a few other characters, and any scale in use.
        #[test]
        fn parse_units_matches_the_decimal_reader(s in "[0-9.a+-]{0,28}", scale in 0u8..=10) {
            let through_decimal =
                parse_decimal(&s, scale).and_then(|d| to_units(d, scale).ok_or(DecimalError::Syntax));
            prop_assert_eq!(parse_units(&s, scale), through_decimal);
        }

        // The same for well-formed numbers of up to 28 digits, where the long reader answers.
        #[test]
        fn long_numbers_read_as_the_decimal_reader_reads(s in "[0-9]{1,20}(\\.[0-9]{1,8})?", scale in 0u8..=10) {
            let through_decimal =
                parse_decimal(&s, scale).and_then(|d| to_units(d, scale).ok_or(DecimalError::Syntax));
            prop_assert_eq!(parse_units(&s, scale), through_decimal);
        }

        #[test]
        fn parse_units_reads_what_display_writes(minor in any::<u64>(), exp in 0u8..=10) {
            let text = Amount::new(u128::from(minor), exp).to_string();
            prop_assert_eq!(parse_units(&text, exp), Ok(u128::from(minor)));
        }

        // Writing in place gives the displayed text, and its announced length.
        #[test]
        fn write_at_matches_display(minor in prop_oneof![any::<u32>().prop_map(u128::from), any::<u128>()], exp in 0u8..=18) {
            let a = Amount::new(minor, exp);
            let mut out = [0u8; 64];
            let len = a.write_at(&mut out);
            prop_assert_eq!(len, a.text_len());
            let shown = a.to_string();
            prop_assert_eq!(std::str::from_utf8(&out[..len]).ok(), Some(shown.as_str()));
            prop_assert_eq!(a.write_at(&mut out[..len - 1]), 0);
        }

        // The digit-by-digit writer agrees with plain formatting.
        #[test]
        fn display_matches_plain_formatting(minor in any::<u128>(), exp in 0u8..=18) {
            let unit = pow10(exp);
            let plain = if exp == 0 {
                minor.to_string()
            } else {
                format!("{}.{:0w$}", minor / unit, minor % unit, w = usize::from(exp))
            };
            prop_assert_eq!(Amount::new(minor, exp).to_string(), plain);
        }

        // The 256-bit path agrees with plain u128 arithmetic wherever the latter works.
        #[test]
        fn wide_matches_narrow(a in any::<u64>(), b in any::<u64>(), d in 1u128..) {
            let p = u128::from(a) * u128::from(b);
            prop_assert_eq!(mul_div_rem(u128::from(a), u128::from(b), d), Some((p / d, p % d)));
        }

        // q * d + r == a * b, checked by recomposing with the same wide product.
        #[test]
        fn wide_division_recomposes(a in any::<u128>(), b in any::<u128>(), d in 1u128..) {
            if let Some((q, r)) = mul_div_rem(a, b, d) {
                prop_assert!(r < d);
                let (h1, l1) = mul_wide(q, d);
                let (l2, c) = l1.overflowing_add(r);
                prop_assert_eq!((h1 + u128::from(c), l2), mul_wide(a, b));
            } else {
                prop_assert!(mul_wide(a, b).0 >= d);
            }
        }
    }
}
