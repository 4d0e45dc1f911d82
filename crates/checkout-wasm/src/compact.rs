//! The compact boundary format of `price()`: how a pricing input and its output
//! cross between JavaScript and the module without JSON text.
//!
//! JSON both ways costs a 300-line cart about 0.8 ms in `JSON.stringify`,
//! `JSON.parse` and serde; the pricing itself takes a few microseconds. Here
//! the input comes as one UTF-8 string of fields (written by `js/compact.js`), and
//! the output goes back as one string of all its values with the UTF-16 end of
//! each, which the JS side cuts with `substring` into the output object.
//!
//! This is a fast path, never a second set of rules: the fields are read into
//! the pricing crate's [`RawInput`], the very value the JSON reader builds, and validated
//! and priced by that crate. Whatever this reader does not take exactly as the
//! JSON reader would (a field of another type, an empty string, a separator
//! inside a value, a lone surrogate) is answered with "use JSON", and the JSON
//! path gives the result and the exact error.
//!
//! ## Input
//!
//! Fields are separated by U+001F. An empty field is an absent value (`null` or
//! `undefined`); the writer sends no empty strings. A count or flag field is
//! empty when its part is absent. In order:
//!
//! ```text
//! currency taxIncludedInPrice(""|0|1)
//! lineCount   then per line: id price quantity taxRate catalogItemId itemType
//! couponCount then per coupon: code type value minimumSubtotal idCount ids...
//! shipping(""|1)   code price taxRate
//! feeCount         then per fee: code price taxRate
//! giftCard(""|1)   code balance
//! conversion(""|1) currency rate
//! fieldCount
//! ```
//!
//! `fieldCount` is the number of fields before it; a value holding the
//! separator would make more, and the input is refused.
//!
//! ## Output
//!
//! Strings (see [`write`]), concatenated into one text, with the UTF-16 offset
//! where each ends, and the output's shape as numbers.

use checkout_pricing::input::{
    Count, RawCharge, RawConversion, RawCoupon, RawGiftCard, RawInput, RawLine, Text,
};
use checkout_pricing::pricing::{Price, Pricing};
use checkout_pricing::Amount;
use std::borrow::Cow;

const SEPARATOR: u8 = 0x1f;

/// The fields of an input, counted as they are read.
struct Fields<'a> {
    /// What is left to read; `None` once the last field was read.
    rest: Option<&'a str>,
    read: usize,
}

impl<'a> Fields<'a> {
    fn next(&mut self) -> Option<&'a str> {
        self.read += 1;
        let rest = self.rest?;
        // Fields are short: a plain byte loop beats a memchr call per field.
        match rest.bytes().position(|b| b == SEPARATOR) {
            Some(end) => {
                self.rest = rest.get(end + 1..);
                rest.get(..end)
            }
            None => {
                self.rest = None;
                Some(rest)
            }
        }
    }

    /// An optional string: empty is absent.
    fn string(&mut self) -> Option<Option<Cow<'a, str>>> {
        self.next()
            .map(|f| (!f.is_empty()).then_some(Cow::Borrowed(f)))
    }

    fn text(&mut self) -> Option<Option<Text<'a>>> {
        self.string().map(|s| s.map(Text::Str))
    }

    /// An optional count: empty is absent.
    fn count(&mut self) -> Option<Option<usize>> {
        match self.next()? {
            "" => Some(None),
            n => usize::try_from(whole(n)?).ok().map(Some),
        }
    }

    /// `n` parts read by `read`, or `None` when the count was absent.
    fn list<T>(&mut self, read: impl Fn(&mut Self) -> Option<T>) -> Option<Option<Vec<T>>> {
        let Some(n) = self.count()? else {
            return Some(None);
        };
        // A huge count fails below, when the fields run out: no allocation from it.
        let mut items = Vec::with_capacity(n.min(512));
        for _ in 0..n {
            items.push(read(self)?);
        }
        Some(Some(items))
    }

    /// A part present when its flag is `1`.
    fn part<T>(&mut self, read: impl Fn(&mut Self) -> Option<T>) -> Option<Option<T>> {
        match self.next()? {
            "" => Some(None),
            "1" => read(self).map(Some),
            _ => None,
        }
    }
}

/// Reads an input written by `js/compact.js`, or `None` when it is not exactly
/// what the JSON reader would have read: then the caller prices the JSON.
pub fn read(input: &str) -> Option<RawInput<'_>> {
    // A lone surrogate in a JS string arrives as U+FFFD; JSON refuses it.
    // (Its first byte, 0xEF, is found by memchr; the rest only looked for then.)
    let bytes = input.as_bytes();
    if bytes.contains(&0xEF) && bytes.windows(3).any(|w| w == "\u{fffd}".as_bytes()) {
        return None;
    }
    let mut f = Fields {
        rest: Some(input),
        read: 0,
    };
    let raw = RawInput {
        currency: f.text()?,
        tax_included_in_price: match f.next()? {
            "" => None,
            "0" => Some(false),
            "1" => Some(true),
            _ => return None,
        },
        line_items: f.list(|f| {
            Some(RawLine {
                id: f.string()?,
                price: f.text()?,
                quantity: match f.next()? {
                    "" => None,
                    q => Some(Count::Int(i128::from(whole(q)?))),
                },
                tax_rate: f.text()?,
                catalog_item_id: f.string()?,
                item_type: f.string()?,
            })
        })?,
        coupons: f.list(|f| {
            Some(RawCoupon {
                code: f.text()?,
                kind: f.text()?,
                value: f.text()?,
                minimum_subtotal: f.text()?,
                // ids may be empty strings: they are read as written
                catalog_item_ids: f.list(|f| f.next().map(str::to_owned))?,
            })
        })?,
        shipping: f.part(charge)?,
        additional_fees: f.list(charge)?,
        gift_card: f.part(|f| {
            Some(RawGiftCard {
                code: f.string()?,
                balance: f.text()?,
            })
        })?,
        conversion: f.part(|f| {
            Some(RawConversion {
                currency: f.text()?,
                rate: f.text()?,
            })
        })?,
    };
    let read = f.read;
    let declared = usize::try_from(whole(f.next()?)?).ok()?;
    (declared == read && f.rest.is_none()).then_some(raw)
}

/// A whole number as JS writes one: digits, after a minus when negative; at
/// most 18 of them (anything longer goes the JSON way). Not `str::parse`,
/// which links the standard library's general integer readers.
fn whole(s: &str) -> Option<i64> {
    let (negative, digits) = match s.as_bytes() {
        [b'-', rest @ ..] => (true, rest),
        all => (false, all),
    };
    if digits.is_empty() || digits.len() > 18 {
        return None;
    }
    let mut n = 0i64;
    for &b in digits {
        let d = b.wrapping_sub(b'0');
        if d > 9 {
            return None;
        }
        // at most 18 digits: below 10^18 < 2^63
        n = n * 10 + i64::from(d);
    }
    Some(if negative { -n } else { n })
}

fn charge<'a>(f: &mut Fields<'a>) -> Option<RawCharge<'a>> {
    Some(RawCharge {
        code: f.string()?,
        price: f.text()?,
        tax_rate: f.text()?,
    })
}

/// The output: its amounts and other strings in one text with the UTF-16
/// offset where each ends, and its shape (counts, flags, line indices) as
/// numbers. What the input already holds (line ids, codes) is not sent back.
#[derive(Default)]
pub struct Output {
    /// UTF-8: the strings of the output, one after the other, in `text[..len]`.
    text: Vec<u8>,
    len: usize,
    pub ends: Vec<u32>,
    pub shape: Vec<u32>,
    utf16: u32,
}

impl Output {
    pub fn clear(&mut self) {
        self.len = 0;
        self.ends.clear();
        self.shape.clear();
        self.utf16 = 0;
    }

    /// The text written.
    pub fn text(&self) -> &[u8] {
        self.text.get(..self.len).unwrap_or_default()
    }

    /// Room for `n` more bytes after `len`; the text is written in place,
    /// with no per-string growth check or copy call.
    #[inline(always)]
    fn room(&mut self, n: usize) -> &mut [u8] {
        if self.text.len() < self.len + n {
            self.text.resize((self.len + n).max(2 * self.text.len()), 0);
        }
        &mut self.text[self.len..]
    }

    #[inline(always)]
    fn end(&mut self, written: usize, utf16_len: usize) {
        self.len += written;
        // The text of a pricing is far below 4 GiB (300 lines of bounded ids).
        self.utf16 = self.utf16.wrapping_add(utf16_len as u32);
        self.ends.push(self.utf16);
    }

    fn str(&mut self, s: &str) {
        let bytes = s.as_bytes();
        self.room(bytes.len())[..bytes.len()].copy_from_slice(bytes);
        let utf16 = if s.is_ascii() {
            s.len()
        } else {
            s.encode_utf16().count()
        };
        self.end(bytes.len(), utf16);
    }

    #[inline(always)]
    fn amount(&mut self, a: Amount) {
        // at least the text's length: 39 digits of a u128, a dot, the exponent's zeros
        let n = a.write_at(self.room(48 + usize::from(a.exponent())));
        self.end(n, n);
    }

    /// An amount, or an empty string when it equals `same` (which the reader has).
    #[inline(always)]
    fn amount_or_same(&mut self, a: Amount, same: Amount) {
        if a == same {
            self.end(0, 0);
        } else {
            self.amount(a);
        }
    }

    fn price(&mut self, p: &Price) {
        self.amount(p.amount);
        if let Some(c) = p.converted_amount {
            self.amount(c);
        }
    }

    /// A count, a flag or an index (all far below 2^32: 300 lines at most).
    fn number(&mut self, n: usize) {
        self.shape.push(n as u32);
    }
}

/// Writes a pricing in the order `js/compact.js` reads it. Shape (numbers) and
/// strings, part by part:
///
/// ```text
/// part         shape                           strings
/// head         conversion(0|1) lineCount       [conversionCurrency] currency zero
/// each line                                    lineItemPrice discount taxableAmount tax
///                                              totalPriceBeforeTax totalPriceAfterTax
/// shipping     present(0|1)                    [price discount tax]
/// fees         present(0|1) count              per fee: price tax
/// discounts    count, per discount:            per discount: discountType amount
///              idCount, the lines' indices
/// summary                                      subtotal discount shipping tax additionalFees total
/// gift card    present(0|1)                    [amount]
/// totals                                       payNow payLater
/// errors       count                           per error: code message
/// ```
///
/// Each summary, payNow and payLater amount is followed by its converted
/// amount when there is a conversion. The line ids and the shipping, fee,
/// coupon and gift card codes are the input's own, so the reader takes them
/// from the input. A line's amounts that most often repeat one the reader
/// already has are empty when they do: `discount` when it is `zero` (the
/// currency's zero), `taxableAmount` when it is the `lineItemPrice`, and each
/// `totalPrice...` when it is the `taxableAmount`.
pub fn write(p: &Pricing, out: &mut Output) {
    out.ends.reserve(40 + p.line_items.len() * 6);
    out.number(usize::from(p.conversion_currency.is_some()));
    out.number(p.line_items.len());
    if let Some(c) = p.conversion_currency {
        out.str(c);
    }
    out.str(p.currency);
    let zero = Amount::new(0, p.price_summary.total.amount.exponent());
    out.amount(zero);
    for l in &p.line_items {
        out.amount(l.line_item_price);
        out.amount_or_same(l.discount, zero);
        out.amount_or_same(l.taxable_amount, l.line_item_price);
        out.amount(l.tax);
        out.amount_or_same(l.total_price_before_tax, l.taxable_amount);
        out.amount_or_same(l.total_price_after_tax, l.taxable_amount);
    }
    out.number(usize::from(p.shipping.is_some()));
    if let Some(s) = &p.shipping {
        out.amount(s.price);
        out.amount(s.discount);
        out.amount(s.tax);
    }
    out.number(usize::from(p.additional_fees.is_some()));
    let fees = p.additional_fees.as_deref().unwrap_or_default();
    out.number(fees.len());
    for fee in fees {
        out.amount(fee.price);
        out.amount(fee.tax);
    }
    out.number(p.applied_discounts.len());
    for d in &p.applied_discounts {
        out.str(d.discount_type.as_str());
        out.amount(d.coupon.amount);
        out.number(d.line_item_ids.len());
        // The ids are some of the lines', in the lines' order: one walk finds
        // each one's index.
        let mut lines = p.line_items.iter().enumerate();
        for id in &d.line_item_ids {
            // (the same &str as the line's: the address answers first)
            if let Some((i, _)) = lines.find(|(_, l)| std::ptr::eq(l.id, *id) || l.id == *id) {
                out.number(i);
            }
        }
    }
    let s = &p.price_summary;
    for price in [
        &s.subtotal,
        &s.discount,
        &s.shipping,
        &s.tax,
        &s.additional_fees,
        &s.total,
    ] {
        out.price(price);
    }
    out.number(usize::from(p.gift_card.is_some()));
    if let Some(g) = &p.gift_card {
        out.amount(g.amount);
    }
    out.price(&p.pay_now.total);
    out.price(&p.pay_later.total);
    out.number(p.calculation_errors.len());
    for e in &p.calculation_errors {
        out.str(e.code.as_str());
        out.str(&e.message);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The input as JSON, read by the pricing crate's JSON reader.
    fn json(raw: &RawInput) -> serde_json::Value {
        serde_json::to_value(raw).unwrap_or_default()
    }

    fn text_of(fields: &[&str]) -> String {
        let mut s = fields.join("\u{1f}");
        s.push('\u{1f}');
        s.push_str(&fields.len().to_string());
        s
    }

    #[test]
    fn reads_what_the_json_reader_reads() {
        let text = text_of(&[
            "USD",
            "1",
            "2", // currency, tax included, two lines
            "a",
            "19.99",
            "3",
            "0.0825",
            "shirt",
            "PHYSICAL", //
            "b\u{e9}",
            "5.00",
            "",
            "",
            "",
            "", // an absent quantity, rate, item and type
            "1",
            "SAVE",
            "PERCENTAGE",
            "10",
            "",
            "2",
            "shirt",
            "", // ids may be empty
            "1",
            "standard",
            "5.00",
            "0", // shipping
            "",  // no fees
            "1",
            "GIFT",
            "30.00", // gift card
            "",      // no conversion
        ]);
        let expected: RawInput = serde_json::from_str(
            r#"{"currency":"USD","taxIncludedInPrice":true,"lineItems":[
                {"id":"a","price":"19.99","quantity":3,"taxRate":"0.0825","catalogItemId":"shirt","itemType":"PHYSICAL"},
                {"id":"b\u00e9","price":"5.00"}],
              "coupons":[{"code":"SAVE","type":"PERCENTAGE","value":"10","catalogItemIds":["shirt",""]}],
              "shipping":{"code":"standard","price":"5.00","taxRate":"0"},
              "giftCard":{"code":"GIFT","balance":"30.00"}}"#,
        )
        .unwrap_or_default();
        let read = read(&text).map(|r| json(&r));
        assert_eq!(read, Some(json(&expected)));
    }

    #[test]
    fn reads_whole_numbers_as_js_writes_them() {
        for (text, n) in [
            ("0", 0),
            ("-7", -7),
            ("100000", 100_000),
            ("123456789012345678", 123_456_789_012_345_678),
        ] {
            assert_eq!(whole(text), Some(n));
        }
        for text in [
            "",
            "-",
            "+1",
            "1a",
            " 1",
            "1.0",
            "1e3",
            "1234567890123456789",
        ] {
            assert_eq!(whole(text), None, "{text}");
        }
    }

    #[test]
    fn refuses_what_it_cannot_read_exactly() {
        let ok = [
            "USD", "", "1", "a", "1.00", "1", "", "", "", "", "", "", "", "",
        ];
        assert!(read(&text_of(&ok)).is_some());
        let mut cases: Vec<String> = Vec::new();
        // a value holding the separator: one field more than counted
        cases.push(text_of(&ok).replacen("a", "a\u{1f}b", 1));
        // a lone surrogate, as TextEncoder writes it
        cases.push(text_of(&ok).replacen("a", "a\u{fffd}", 1));
        for (at, bad) in [(1, "2"), (2, "x"), (5, "1.5"), (5, "1e+21"), (10, "2")] {
            let mut fields = ok;
            fields[at] = bad;
            cases.push(text_of(&fields));
        }
        cases.push(text_of(&ok[..ok.len() - 1]));
        cases.push(format!("{}\u{1f}", text_of(&ok)));
        cases.push(String::new());
        for case in cases {
            assert!(read(&case).is_none(), "{case:?}");
        }
    }
}
