//! The writer: a pricing's output as JSON text, byte for byte what
//! `serde_json` would write for the same fields (`docs/pricing.md`, section 3).

use crate::amount::Amount;
use crate::pricing::{AppliedDiscount, Price, PriceSummary, Pricing, Total};

/// `s` as a JSON string (quoted), escaped as `serde_json` escapes it: `"`,
/// `\\`, and the control characters below U+0020 (`\n`, `\r`, `\t`, `\b`,
/// `\f`, else `\u00XX`); nothing else. Almost no string needs escaping, so
/// one is first checked whole (eight bytes at a time from eight on) and
/// then copied as it is; only one that needs it is escaped byte by byte.
pub fn string(out: &mut Vec<u8>, s: &str) {
    let b = s.as_bytes();
    out.reserve(b.len() + 2);
    out.push(b'"');
    if needs_escaping(b) {
        escape(out, b);
    } else {
        out.extend_from_slice(b);
    }
    out.push(b'"');
}

/// The bytes `serde_json` escapes.
const ESCAPED: [bool; 256] = {
    let mut t = [false; 256];
    let mut c = 0;
    while c < 0x20 {
        t[c] = true;
        c += 1;
    }
    t[b'"' as usize] = true;
    t[b'\\' as usize] = true;
    t
};

/// Whether a byte of `b` is escaped: from eight bytes on, a word of eight
/// at a time (the last word overlapping the one before), each tested at
/// once for a byte below 0x20, a quote or a backslash.
fn needs_escaping(b: &[u8]) -> bool {
    const ONES: u64 = u64::from_ne_bytes([1; 8]);
    const HIGHS: u64 = u64::from_ne_bytes([0x80; 8]);
    /// Whether a byte of `w` is below `n` (n ≤ 0x80; exact as a whole, not per byte).
    const fn has_below(w: u64, n: u64) -> bool {
        w.wrapping_sub(ONES * n) & !w & HIGHS != 0
    }
    let word = |at: &[u8]| {
        let mut bytes = [0; 8];
        bytes.copy_from_slice(at);
        let w = u64::from_ne_bytes(bytes);
        has_below(w, 0x20)
            || has_below(w ^ (ONES * u64::from(b'"')), 1)
            || has_below(w ^ (ONES * u64::from(b'\\')), 1)
    };
    match b.len().checked_sub(8) {
        None => b.iter().any(|&c| ESCAPED[usize::from(c)]),
        Some(last) => b.chunks_exact(8).any(word) || b.get(last..).is_some_and(word),
    }
}

/// `b` escaped, byte by byte.
#[cold]
fn escape(out: &mut Vec<u8>, b: &[u8]) {
    let mut run = 0;
    for (i, &c) in b.iter().enumerate() {
        let short = match c {
            b'"' => b'"',
            b'\\' => b'\\',
            b'\n' => b'n',
            b'\r' => b'r',
            b'\t' => b't',
            0x08 => b'b',
            0x0c => b'f',
            0..0x20 => b'u',
            _ => continue,
        };
        out.extend_from_slice(&b[run..i]);
        out.extend_from_slice(&[b'\\', short]);
        if short == b'u' {
            const HEX: &[u8; 16] = b"0123456789abcdef";
            out.extend_from_slice(&[
                b'0',
                b'0',
                HEX[usize::from(c >> 4)],
                HEX[usize::from(c & 15)],
            ]);
        }
        run = i + 1;
    }
    out.extend_from_slice(&b[run..]);
}

/// JSON text written into bytes (ASCII and the strings' own UTF-8).
struct Out(Vec<u8>);

impl Out {
    fn raw(&mut self, s: &str) {
        self.0.extend_from_slice(s.as_bytes());
    }

    /// The comma before every element of a list but the first.
    fn comma(&mut self, index: usize) {
        if index > 0 {
            self.0.push(b',');
        }
    }

    /// A string, escaped as `serde_json` escapes it.
    fn string(&mut self, s: &str) {
        string(&mut self.0, s);
    }

    #[inline(never)]
    fn amount(&mut self, a: Amount) {
        self.0.push(b'"');
        let at = self.0.len();
        self.0.resize(at + a.text_len(), 0);
        a.write_at(&mut self.0[at..]);
        self.0.push(b'"');
    }

    fn price(&mut self, p: Price) {
        self.raw("{\"amount\":");
        self.amount(p.amount);
        if let Some(c) = p.converted_amount {
            self.raw(",\"convertedAmount\":");
            self.amount(c);
        }
        self.raw("}");
    }

    fn discounts(&mut self, discounts: &[AppliedDiscount], with_lines: bool) {
        self.raw("[");
        for (i, d) in discounts.iter().enumerate() {
            self.comma(i);
            self.raw("{\"discountType\":");
            self.string(d.discount_type.as_str());
            self.raw(",\"coupon\":{\"code\":");
            self.string(d.coupon.code);
            self.raw(",\"amount\":");
            self.amount(d.coupon.amount);
            self.raw("}");
            if with_lines {
                self.raw(",\"lineItemIds\":[");
                for (j, id) in d.line_item_ids.iter().enumerate() {
                    self.comma(j);
                    self.string(id);
                }
                self.raw("]");
            }
            self.raw("}");
        }
        self.raw("]");
    }

    /// From `priceSummary` to the end: the same in a pricing and its summary.
    fn totals(&mut self, p: &Pricing) {
        let PriceSummary {
            subtotal,
            discount,
            shipping,
            tax,
            additional_fees,
            total,
        } = p.price_summary;
        for (key, price) in [
            ("{\"subtotal\":", subtotal),
            (",\"discount\":", discount),
            (",\"shipping\":", shipping),
            (",\"tax\":", tax),
            (",\"additionalFees\":", additional_fees),
            (",\"total\":", total),
        ] {
            self.raw(key);
            self.price(price);
        }
        self.raw("}");
        if let Some(g) = &p.gift_card {
            self.raw(",\"giftCard\":{\"code\":");
            self.string(g.code);
            self.raw(",\"amount\":");
            self.amount(g.amount);
            self.raw("}");
        }
        for (key, Total { total }) in [(",\"payNow\":", p.pay_now), (",\"payLater\":", p.pay_later)]
        {
            self.raw(key);
            self.raw("{\"total\":");
            self.price(total);
            self.raw("}");
        }
        if let Some(c) = p.conversion_currency {
            self.raw(",\"conversionCurrency\":");
            self.string(c);
        }
        self.raw(",\"calculationErrors\":[");
        for (i, e) in p.calculation_errors.iter().enumerate() {
            self.comma(i);
            self.raw("{\"code\":");
            self.string(e.code.as_str());
            self.raw(",\"message\":");
            self.string(&e.message);
            self.raw("}");
        }
        self.raw("]}");
    }

    fn text(self) -> String {
        // Only whole strings and ASCII were written: always UTF-8.
        String::from_utf8(self.0).unwrap_or_default()
    }
}

/// The JSON of a pricing (`docs/pricing.md` section 3).
pub fn pricing(p: &Pricing) -> String {
    let mut o = Out(Vec::with_capacity(512 + p.line_items.len() * 200));
    o.raw("{\"currency\":");
    o.string(p.currency);
    o.raw(",\"lineItems\":[");
    for (i, l) in p.line_items.iter().enumerate() {
        o.comma(i);
        o.raw("{\"id\":");
        o.string(l.id);
        for (key, a) in [
            (",\"lineItemPrice\":", l.line_item_price),
            (",\"discount\":", l.discount),
            (",\"taxableAmount\":", l.taxable_amount),
            (",\"tax\":", l.tax),
            (",\"totalPriceBeforeTax\":", l.total_price_before_tax),
            (",\"totalPriceAfterTax\":", l.total_price_after_tax),
        ] {
            o.raw(key);
            o.amount(a);
        }
        o.raw("}");
    }
    o.raw("]");
    if let Some(s) = &p.shipping {
        o.raw(",\"shipping\":{\"code\":");
        o.string(s.code);
        for (key, a) in [
            (",\"price\":", s.price),
            (",\"discount\":", s.discount),
            (",\"tax\":", s.tax),
        ] {
            o.raw(key);
            o.amount(a);
        }
        o.raw("}");
    }
    if let Some(fees) = &p.additional_fees {
        o.raw(",\"additionalFees\":[");
        for (i, f) in fees.iter().enumerate() {
            o.comma(i);
            o.raw("{\"code\":");
            o.string(f.code);
            o.raw(",\"price\":");
            o.amount(f.price);
            o.raw(",\"tax\":");
            o.amount(f.tax);
            o.raw("}");
        }
        o.raw("]");
    }
    o.raw(",\"appliedDiscounts\":");
    o.discounts(&p.applied_discounts, true);
    o.raw(",\"priceSummary\":");
    o.totals(p);
    o.text()
}

/// The JSON of a pricing's summary, what a live page redraws after each
/// change: its currency, discounts (each one's type and coupon, without the
/// lines it covers) and everything from `priceSummary` on.
pub fn summary(p: &Pricing) -> String {
    let mut o = Out(Vec::with_capacity(512));
    o.raw("{\"currency\":");
    o.string(p.currency);
    o.raw(",\"appliedDiscounts\":");
    o.discounts(&p.applied_discounts, false);
    o.raw(",\"priceSummary\":");
    o.totals(p);
    o.text()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn writes_strings_as_serde_json_does() {
        let all: String = (0u8..0x80)
            .map(char::from)
            .chain("é😀\u{2028}".chars())
            .collect();
        for s in [all.as_str(), "", "plain", "\"\\", "a\u{1f}b"] {
            let mut o = Out(Vec::new());
            o.string(s);
            assert_eq!(o.text(), serde_json::to_string(s).unwrap());
        }
    }

    /// Each byte that is escaped, at each place in and across the words the
    /// scan reads, among bytes that are not (one and two bytes of UTF-8).
    #[test]
    fn escapes_at_every_place_of_a_word() {
        let escaped = (0u8..0x20).chain([b'"', b'\\']).map(char::from);
        for c in escaped.chain(['a', 'é', '\u{7f}', '\u{80}']) {
            for at in 0..20 {
                let s: String = "abcdefghijklmnopqrst"
                    .chars()
                    .enumerate()
                    .map(|(i, p)| if i == at { c } else { p })
                    .collect();
                let mut out = Vec::new();
                string(&mut out, &s);
                assert_eq!(
                    String::from_utf8(out).unwrap(),
                    serde_json::to_string(&s).unwrap()
                );
            }
        }
    }

    proptest::proptest! {
        #[test]
        fn any_string_is_written_as_serde_json_writes_it(s in "(?s).{0,40}|[\\x00-\\x7f]{0,40}") {
            let mut out = Vec::new();
            string(&mut out, &s);
            proptest::prop_assert_eq!(String::from_utf8(out).unwrap(), serde_json::to_string(&s).unwrap());
        }
    }
}
