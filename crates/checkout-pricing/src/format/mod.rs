//! Money formatted for a buyer (Wix's `formattedAmount`): the amount with its
//! currency's symbol, separators and grouping in the buyer's language, and
//! the currency's own minor units. One table (`data.rs`, generated from
//! CLDR through `scripts/gen-money-format.mjs`) serves the worker and the
//! browser alike, so both write the same text to the byte; a test compares
//! every language and currency with the runtime the table came from.
//!
//! Languages: en, de, fr, es, ja, ar and he (a tag's language subtag picks
//! one: `de-AT` is `de`); any other is formatted as `en`.

mod data;

use crate::amount::Amount;
use crate::currency::Currency;

/// A language's money format.
pub(crate) struct Locale {
    tag: &'static str,
    group: &'static str,
    decimal: &'static str,
    /// Digits the integer part needs before its first group separator shows
    /// (1: always from 4 digits on; 2: from 5, as Spanish writes `1234,50`).
    min_grouping: u8,
    /// Positive and negative templates: `¤` the symbol, `#` the number.
    templates: &'static [(&'static str, &'static str)],
    /// Per currency, in the currency table's order: its symbol and template.
    symbols: &'static [(&'static str, u8)],
}

/// Where the table came from (ICU and CLDR versions).
pub const SOURCE: &str = data::SOURCE;

fn locale(tag: &str) -> &'static Locale {
    let language = tag.split(['-', '_']).next().unwrap_or("");
    data::LOCALES
        .iter()
        .find(|l| l.tag.eq_ignore_ascii_case(language))
        .unwrap_or(&data::LOCALES[0])
}

/// `amount` of `currency` as the language `tag` writes it; with `negative`,
/// as a negative amount (a discount, say).
pub fn format_money(amount: Amount, currency: Currency, negative: bool, tag: &str) -> String {
    let locale = locale(tag);
    let at = Currency::all().position(|c| c == currency).unwrap_or(0);
    let (symbol, template) = locale
        .symbols
        .get(at)
        .copied()
        .unwrap_or((currency.code(), 0));
    let (positive, minus) = locale
        .templates
        .get(usize::from(template))
        .copied()
        .unwrap_or(("¤#", "-¤#"));
    let number = digits(amount, locale);
    let template = if negative { minus } else { positive };
    let mut out = String::with_capacity(template.len() + number.len() + symbol.len());
    for c in template.chars() {
        match c {
            '#' => out.push_str(&number),
            '¤' => out.push_str(symbol),
            c => out.push(c),
        }
    }
    out
}

/// The number with the language's separators and grouping.
fn digits(amount: Amount, locale: &Locale) -> String {
    let plain = amount.to_string();
    let (whole, fraction) = plain.split_once('.').unwrap_or((&plain, ""));
    let grouped = whole.len() >= 4 + usize::from(locale.min_grouping) - 1;
    let mut out = String::with_capacity(plain.len() * 2);
    for (i, c) in whole.chars().enumerate() {
        let left = whole.len() - i;
        if grouped && i > 0 && left % 3 == 0 {
            out.push_str(locale.group);
        }
        out.push(c);
    }
    if !fraction.is_empty() {
        out.push_str(locale.decimal);
        out.push_str(fraction);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn usd(minor: u128) -> String {
        format_money(
            Amount::new(minor, 2),
            Currency::from_code("USD").unwrap(),
            false,
            "en-US",
        )
    }

    #[test]
    fn groups_and_separates_as_the_language_does() {
        assert_eq!(usd(0), "$0.00");
        assert_eq!(usd(123_456_789), "$1,234,567.89");
        let eur = Currency::from_code("EUR").unwrap();
        let f = |tag, minor| format_money(Amount::new(minor, 2), eur, false, tag);
        assert_eq!(f("de-AT", 123_450), "1.234,50\u{a0}€");
        // Spanish groups from five digits on
        assert_eq!(f("es", 123_450), "1234,50\u{a0}€");
        assert_eq!(f("es", 1_234_500), "12.345,00\u{a0}€");
        // an unknown language is written as English
        assert_eq!(f("tlh", 500), "€5.00");
        let jpy = Currency::from_code("JPY").unwrap();
        assert_eq!(
            format_money(Amount::new(1200, 0), jpy, true, "ja"),
            "-￥1,200"
        );
    }
}
