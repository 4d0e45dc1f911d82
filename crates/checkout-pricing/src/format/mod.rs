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
use crate::error::Result;
use crate::input::{self, Text};
use arrayvec::ArrayString;

/// A language's money format.
pub(crate) struct Locale {
    tag: &'static str,
    group: &'static str,
    decimal: &'static str,
    /// Digits the integer part needs before its first group separator shows
    /// (1: always from 4 digits on; 2: from 5, as Spanish writes `1234,50`).
    min_grouping: u8,
    /// The size of the groups after the first, which has 3 digits (2 in
    /// Hindi: `12,34,567`).
    secondary_grouping: u8,
    /// Positive and negative templates: `¤` the symbol, `#` the number.
    templates: &'static [(&'static str, &'static str)],
    /// The currencies whose symbol is not their code, or whose template is
    /// not the first: `code\tsymbol\ttemplate\n` lines.
    symbols: &'static str,
}

/// Where the table came from (ICU and CLDR versions).
pub const SOURCE: &str = data::SOURCE;

fn locale(tag: &str) -> &'static Locale {
    let language = tag.split('-').next().unwrap_or("");
    data::LOCALES
        .iter()
        .find(|l| l.tag.eq_ignore_ascii_case(language))
        .unwrap_or(&data::LOCALES[0])
}

/// `amount` of `currency` as the language `tag` writes it; with `negative`,
/// as a negative amount (a discount, say).
pub fn format_money(amount: Amount, currency: Currency, negative: bool, tag: &str) -> String {
    MoneyFormat::new(currency, tag).format(amount, negative)
}

/// How one language writes one currency's amounts, looked up once for the
/// many amounts of a checkout.
#[derive(Clone, Copy)]
pub struct MoneyFormat {
    locale: &'static Locale,
    symbol: &'static str,
    positive: &'static str,
    negative: &'static str,
}

impl MoneyFormat {
    pub fn new(currency: Currency, tag: &str) -> MoneyFormat {
        let locale = locale(tag);
        let (symbol, template) = symbol(locale, currency.code());
        let (positive, negative) = locale
            .templates
            .get(template)
            .copied()
            .unwrap_or(("¤#", "-¤#"));
        MoneyFormat {
            locale,
            symbol,
            positive,
            negative,
        }
    }

    /// `amount` written so; with `negative`, as a negative amount.
    pub fn format(&self, amount: Amount, negative: bool) -> String {
        let mut out = String::with_capacity(32);
        self.write(amount, negative, &mut out);
        out
    }

    /// `use_text` given [`MoneyFormat::format`]'s text, written on the stack
    /// when it fits (as every amount of a real checkout does): a checkout's
    /// view writes thousands of them straight into its JSON.
    pub fn with_formatted<R>(
        &self,
        amount: Amount,
        negative: bool,
        use_text: impl FnOnce(&str) -> R,
    ) -> R {
        let mut stack = Stack::default();
        self.write(amount, negative, &mut stack);
        if stack.overflowed {
            use_text(&self.format(amount, negative))
        } else {
            // text put in whole `&str`s: no check of its UTF-8 again (1.8% of a
            // 300-line GET's instructions, counted)
            use_text(stack.text.as_str())
        }
    }

    fn write(&self, amount: Amount, negative: bool, out: &mut impl Sink) {
        let template = if negative {
            self.negative
        } else {
            self.positive
        };
        for c in template.chars() {
            match c {
                '#' => amount.with_text(|plain| digits(out, plain, self.locale)),
                '¤' => out.put(self.symbol),
                c => out.put(c.encode_utf8(&mut [0; 4])),
            }
        }
    }
}

/// Where formatted text goes: a `String`, or a buffer on the stack.
trait Sink {
    fn put(&mut self, text: &str);
}

impl Sink for String {
    fn put(&mut self, text: &str) {
        self.push_str(text);
    }
}

/// Longer than any amount a checkout holds, formatted (an amount of 40
/// digits with its separators and symbol).
const STACK_TEXT: usize = 128;

#[derive(Default)]
struct Stack {
    text: ArrayString<STACK_TEXT>,
    /// Text did not fit: [`MoneyFormat::with_formatted`] writes it on the heap.
    overflowed: bool,
}

impl Sink for Stack {
    fn put(&mut self, text: &str) {
        self.overflowed = self.overflowed || self.text.try_push_str(text).is_err();
    }
}

/// A currency's symbol in a language, and the index of its template: the
/// table's line that starts with `code\t` (a few dozen short lines, walked
/// once per checkout's money format; byte by byte, as a substring search
/// would bring the standard library's string searcher and its panics into
/// the browser's .wasm).
fn symbol(locale: &Locale, code: &'static str) -> (&'static str, usize) {
    let table = locale.symbols;
    let mut at = 0;
    while let Some(rest) = table.get(at..).filter(|r| !r.is_empty()) {
        let line = rest.split('\n').next().unwrap_or("");
        if let Some(fields) = line.strip_prefix(code).and_then(|f| f.strip_prefix('\t')) {
            let mut fields = fields.split('\t');
            let symbol = fields.next().unwrap_or(code);
            let template = fields.next().and_then(|t| t.parse().ok()).unwrap_or(0);
            return (symbol, template);
        }
        at += line.len() + 1;
    }
    (code, 0)
}

/// An amount given as text (a decimal string of at most the currency's
/// minor units, `-` in front for a negative one) of the currency `code`, as
/// the language `tag` writes it: what the browser module's `formatMoney`
/// answers.
pub fn format_text(amount: &str, code: &str, tag: &str) -> Result<String> {
    let currency = input::currency(Some(&Text::Str(code.into())), "currency")?;
    let (negative, digits) = match amount.strip_prefix('-') {
        Some(rest) => (true, rest),
        None => (false, amount),
    };
    let minor = input::money(Some(&Text::Str(digits.into())), currency, "amount")?;
    Ok(format_money(
        Amount::new(minor, currency.exponent()),
        currency,
        negative && minor > 0,
        tag,
    ))
}

/// The number `plain` (ASCII digits, a dot) written to `out` with the
/// language's separators and grouping.
fn digits(out: &mut impl Sink, plain: &str, locale: &Locale) {
    let dot = plain.bytes().position(|b| b == b'.').unwrap_or(plain.len());
    let (whole, fraction) = (
        plain.get(..dot).unwrap_or(plain),
        plain.get(dot + 1..).unwrap_or(""),
    );
    let grouped = whole.len() >= 3 + usize::from(locale.min_grouping);
    let secondary = usize::from(locale.secondary_grouping.max(1));
    // a separator before the digit with `left` digits after it (itself included)
    let separates = |left: usize| left == 3 || (left > 3 && (left - 3).is_multiple_of(secondary));
    let mut from = 0;
    if grouped {
        for i in 1..whole.len() {
            if separates(whole.len() - i) {
                out.put(whole.get(from..i).unwrap_or_default());
                out.put(locale.group);
                from = i;
            }
        }
    }
    out.put(whole.get(from..).unwrap_or_default());
    if !fraction.is_empty() {
        out.put(locale.decimal);
        out.put(fraction);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Written on the stack or on the heap, the text is the same, for every
    /// language and currency, short and long, positive and negative (an
    /// amount past the stack's buffer takes the heap).
    #[test]
    fn formatted_on_the_stack_is_formatted_on_the_heap() {
        let minors = [0, 5, 1_234, 123_456_789, u128::from(u64::MAX), u128::MAX];
        for locale in data::LOCALES {
            for currency in Currency::all() {
                let f = MoneyFormat::new(currency, locale.tag);
                for minor in minors {
                    for negative in [false, true] {
                        let amount = Amount::new(minor, currency.exponent());
                        let heap = f.format(amount, negative);
                        assert_eq!(f.with_formatted(amount, negative, str::to_owned), heap);
                    }
                }
                let long = Amount::new(u128::MAX, 150);
                assert!(f.format(long, true).len() > STACK_TEXT);
                assert_eq!(
                    f.with_formatted(long, true, str::to_owned),
                    f.format(long, true)
                );
            }
        }
    }

    /// The substring search finds, for every language and currency, the
    /// line a reading of the table line by line finds.
    #[test]
    fn every_symbol_is_found_as_the_table_has_it() {
        for locale in data::LOCALES {
            for currency in Currency::all() {
                let code = currency.code();
                let by_line = locale
                    .symbols
                    .lines()
                    .map(|l| l.split('\t').collect::<Vec<_>>())
                    .find(|f| f[0] == code)
                    .map_or((code, 0), |f| {
                        (f[1], f.get(2).map_or(0, |t| t.parse().unwrap()))
                    });
                assert_eq!(symbol(locale, code), by_line, "{code} in {}", locale.tag);
            }
        }
    }

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
