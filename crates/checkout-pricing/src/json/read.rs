//! The reader: text into the raw input types of [`crate::input`], or
//! `INVALID_INPUT` at the path of the value that has the wrong type or where
//! the text stops being JSON. It reads what the serde readers of the same
//! types read from `serde_json` (`tests/json_reader.rs` holds the two together
//! on generated inputs), except two things serde accepts and a pricing input
//! never means: a struct written as an array of its fields in order
//! (`"shipping": ["std", "5.00"]`) is refused here, and a number too large for
//! a float (`1e400`) is read as "not a whole number", which the field's own
//! rule then refuses with its own code. Borrowed strings stay borrowed.

use crate::error::{Error, ErrorCode, Result};
use crate::input::{
    Count, RawCharge, RawConversion, RawCoupon, RawGiftCard, RawInput, RawLine, Text,
};
use std::borrow::Cow;

/// Deeper nesting is refused (the limit `serde_json` has too).
const MAX_DEPTH: usize = 128;

/// Reads a pricing input (`docs/pricing.md` section 1).
pub fn input(text: &str) -> Result<RawInput<'_>> {
    whole(text, raw_input)
}

/// Reads one line item, as the live cart's `add_line` takes it.
pub fn line(text: &str) -> Result<RawLine<'_>> {
    whole(text, raw_line)
}

/// Reads one coupon, as the live cart's `apply_coupon` takes it.
pub fn coupon(text: &str) -> Result<RawCoupon<'_>> {
    whole(text, raw_coupon)
}

fn whole<'a, T>(text: &'a str, read: fn(&mut Reader<'a>) -> Result<T>) -> Result<T> {
    let mut r = Reader {
        text,
        pos: 0,
        path: Vec::new(),
    };
    let value = read(&mut r)?;
    match r.peek() {
        None => Ok(value),
        Some(_) => Err(r.syntax("characters after the value")),
    }
}

fn raw_input<'a>(r: &mut Reader<'a>) -> Result<RawInput<'a>> {
    let mut raw = RawInput::default();
    const FIELDS: &[&str] = &[
        "currency",
        "taxIncludedInPrice",
        "lineItems",
        "coupons",
        "shipping",
        "additionalFees",
        "giftCard",
        "conversion",
    ];
    r.object(FIELDS, &mut |r, field| {
        match field {
            0 => raw.currency = r.text()?,
            1 => raw.tax_included_in_price = r.option(Reader::boolean)?,
            2 => raw.line_items = r.option(|r| r.list(raw_line))?,
            3 => raw.coupons = r.option(|r| r.list(raw_coupon))?,
            4 => raw.shipping = r.option(raw_charge)?,
            5 => raw.additional_fees = r.option(|r| r.list(raw_charge))?,
            6 => raw.gift_card = r.option(raw_gift_card)?,
            _ => raw.conversion = r.option(raw_conversion)?,
        }
        Ok(())
    })?;
    Ok(raw)
}

fn raw_line<'a>(r: &mut Reader<'a>) -> Result<RawLine<'a>> {
    let mut raw = RawLine::default();
    const FIELDS: &[&str] = &[
        "id",
        "price",
        "quantity",
        "taxRate",
        "catalogItemId",
        "itemType",
    ];
    r.object(FIELDS, &mut |r, field| {
        match field {
            0 => raw.id = r.option(Reader::string)?,
            1 => raw.price = r.text()?,
            2 => raw.quantity = r.count()?,
            3 => raw.tax_rate = r.text()?,
            4 => raw.catalog_item_id = r.option(Reader::string)?,
            _ => raw.item_type = r.option(Reader::string)?,
        }
        Ok(())
    })?;
    Ok(raw)
}

fn raw_coupon<'a>(r: &mut Reader<'a>) -> Result<RawCoupon<'a>> {
    let mut raw = RawCoupon::default();
    const FIELDS: &[&str] = &["code", "type", "value", "minimumSubtotal", "catalogItemIds"];
    r.object(FIELDS, &mut |r, field| {
        match field {
            0 => raw.code = r.text()?,
            1 => raw.kind = r.text()?,
            2 => raw.value = r.text()?,
            3 => raw.minimum_subtotal = r.text()?,
            _ => {
                raw.catalog_item_ids = r.option(|r| r.list(|r| r.string().map(Cow::into_owned)))?
            }
        }
        Ok(())
    })?;
    Ok(raw)
}

fn raw_charge<'a>(r: &mut Reader<'a>) -> Result<RawCharge<'a>> {
    let mut raw = RawCharge::default();
    r.object(&["code", "price", "taxRate"], &mut |r, field| {
        match field {
            0 => raw.code = r.option(Reader::string)?,
            1 => raw.price = r.text()?,
            _ => raw.tax_rate = r.text()?,
        }
        Ok(())
    })?;
    Ok(raw)
}

fn raw_gift_card<'a>(r: &mut Reader<'a>) -> Result<RawGiftCard<'a>> {
    let mut raw = RawGiftCard::default();
    r.object(&["code", "balance"], &mut |r, field| {
        match field {
            0 => raw.code = r.option(Reader::string)?,
            _ => raw.balance = r.text()?,
        }
        Ok(())
    })?;
    Ok(raw)
}

fn raw_conversion<'a>(r: &mut Reader<'a>) -> Result<RawConversion<'a>> {
    let mut raw = RawConversion::default();
    r.object(&["currency", "rate"], &mut |r, field| {
        match field {
            0 => raw.currency = r.text()?,
            _ => raw.rate = r.text()?,
        }
        Ok(())
    })?;
    Ok(raw)
}

/// One step of the path to the value being read.
enum Step<'a> {
    Key(Cow<'a, str>),
    Index(usize),
}

/// What a loosely typed value held (the fields whose rule has its own error code).
enum Loose<'a> {
    Str(Cow<'a, str>),
    Int(i128),
    Null,
    Other,
}

struct Reader<'a> {
    text: &'a str,
    /// Byte offset of the next character; always at most `text.len()`.
    pos: usize,
    path: Vec<Step<'a>>,
}

impl<'a> Reader<'a> {
    fn bytes(&self) -> &'a [u8] {
        self.text.as_bytes()
    }

    /// `INVALID_INPUT` at the current path.
    fn error(&self, message: String) -> Error {
        let mut field = String::new();
        for step in &self.path {
            match step {
                Step::Key(key) => {
                    if !field.is_empty() {
                        field.push('.');
                    }
                    field.push_str(key);
                }
                Step::Index(i) => {
                    field.push('[');
                    field.push_str(&i.to_string());
                    field.push(']');
                }
            }
        }
        Error::new(ErrorCode::InvalidInput, field, message)
    }

    fn syntax(&self, what: &str) -> Error {
        self.error(format!("invalid JSON at byte {}: {what}", self.pos))
    }

    fn expected(&mut self, what: &str) -> Error {
        let found = match self.peek() {
            Some(b'"') => "a string",
            Some(b'-' | b'0'..=b'9') => "a number",
            Some(b't' | b'f') => "a boolean",
            Some(b'n') => "null",
            Some(b'[') => "an array",
            Some(b'{') => "an object",
            None => "the end of the text",
            Some(_) => return self.syntax("expected a value"),
        };
        self.error(format!("expected {what}, found {found}"))
    }

    /// The next character after white space, without taking it.
    fn peek(&mut self) -> Option<u8> {
        while let Some(b' ' | b'\n' | b'\r' | b'\t') = self.bytes().get(self.pos) {
            self.pos += 1;
        }
        self.bytes().get(self.pos).copied()
    }

    /// Takes the next character if it is `c`.
    fn eat(&mut self, c: u8) -> bool {
        let found = self.peek() == Some(c);
        if found {
            self.pos += 1;
        }
        found
    }

    fn literal(&mut self, word: &str) -> Result<()> {
        let rest = self.bytes().get(self.pos..).unwrap_or_default();
        if !rest.starts_with(word.as_bytes()) {
            return Err(self.syntax("expected a value"));
        }
        self.pos += word.len();
        Ok(())
    }

    fn too_deep(&self, open: usize) -> Result<()> {
        if self.path.len() + open >= MAX_DEPTH {
            return Err(self.error(format!("nested more than {MAX_DEPTH} deep")));
        }
        Ok(())
    }

    /// Reads an object, handing the value of each key of `fields` (by its
    /// index) to `read`, and skipping the values of other keys. A key given
    /// twice is refused.
    /// (`read` is a trait object: one copy of this loop serves every struct.)
    fn object(
        &mut self,
        fields: &[&'static str],
        read: &mut dyn FnMut(&mut Self, usize) -> Result<()>,
    ) -> Result<()> {
        if self.peek() != Some(b'{') {
            return Err(self.expected("an object"));
        }
        self.too_deep(1)?;
        self.pos += 1;
        if self.eat(b'}') {
            return Ok(());
        }
        let mut seen = 0u32;
        loop {
            let key = self.key()?;
            match fields.iter().position(|f| *f == key) {
                Some(i) => {
                    self.path.push(Step::Key(Cow::Borrowed(fields[i])));
                    if seen & (1 << i) != 0 {
                        return Err(self.error(format!("{key} is given twice")));
                    }
                    seen |= 1 << i;
                    read(self, i)?;
                }
                None => {
                    self.path.push(Step::Key(key));
                    self.skip()?;
                }
            }
            self.path.pop();
            if self.eat(b',') {
                continue;
            }
            if self.eat(b'}') {
                return Ok(());
            }
            return Err(self.syntax("expected ',' or '}'"));
        }
    }

    /// Reads an array, each element with `read`.
    fn list<T>(&mut self, mut read: impl FnMut(&mut Self) -> Result<T>) -> Result<Vec<T>> {
        if self.peek() != Some(b'[') {
            return Err(self.expected("an array"));
        }
        self.too_deep(1)?;
        self.pos += 1;
        let mut items = Vec::new();
        if self.eat(b']') {
            return Ok(items);
        }
        loop {
            self.path.push(Step::Index(items.len()));
            items.push(read(self)?);
            self.path.pop();
            if self.eat(b',') {
                continue;
            }
            if self.eat(b']') {
                return Ok(items);
            }
            return Err(self.syntax("expected ',' or ']'"));
        }
    }

    /// `null` is absent; anything else is read with `read`.
    fn option<T>(&mut self, read: impl FnOnce(&mut Self) -> Result<T>) -> Result<Option<T>> {
        if self.peek() == Some(b'n') {
            self.literal("null")?;
            return Ok(None);
        }
        read(self).map(Some)
    }

    fn boolean(&mut self) -> Result<bool> {
        match self.peek() {
            Some(b't') => self.literal("true").map(|()| true),
            Some(b'f') => self.literal("false").map(|()| false),
            _ => Err(self.expected("true or false")),
        }
    }

    /// A field that should hold a string (money, rates, codes).
    #[inline(never)]
    fn text(&mut self) -> Result<Option<Text<'a>>> {
        Ok(match self.loose()? {
            Loose::Str(s) => Some(Text::Str(s)),
            Loose::Null => None,
            Loose::Int(_) | Loose::Other => Some(Text::NotAString),
        })
    }

    /// A field that should hold a whole number (the quantity).
    fn count(&mut self) -> Result<Option<Count>> {
        Ok(match self.loose()? {
            Loose::Int(n) => Some(Count::Int(n)),
            Loose::Null => None,
            Loose::Str(_) | Loose::Other => Some(Count::NotAWholeNumber),
        })
    }

    /// Any value, classified; arrays, objects and booleans are read over.
    fn loose(&mut self) -> Result<Loose<'a>> {
        match self.peek() {
            Some(b'"') => self.string().map(Loose::Str),
            Some(b'n') => self.literal("null").map(|()| Loose::Null),
            Some(b'-' | b'0'..=b'9') => self.number(),
            _ => self.skip().map(|()| Loose::Other),
        }
    }

    /// A number. Classified as `serde_json` classifies it: an integer is
    /// whole if it fits a u64 (or, negative, an i64; `-0` is a float there);
    /// anything with a fraction or an exponent is not.
    fn number(&mut self) -> Result<Loose<'a>> {
        let b = self.bytes();
        let mut pos = self.pos;
        let negative = b.get(pos) == Some(&b'-');
        if negative {
            pos += 1;
        }
        let int_start = pos;
        match b.get(pos) {
            Some(b'0') => pos += 1,
            Some(b'1'..=b'9') => {
                while let Some(b'0'..=b'9') = b.get(pos) {
                    pos += 1;
                }
            }
            _ => {
                self.pos = pos;
                return Err(self.syntax("expected a digit"));
            }
        }
        let int_end = pos;
        let mut whole = true;
        if b.get(pos) == Some(&b'.') {
            pos += 1;
            whole = false;
            pos = self.digits(pos)?;
        }
        if let Some(b'e' | b'E') = b.get(pos) {
            pos += 1;
            whole = false;
            if let Some(b'+' | b'-') = b.get(pos) {
                pos += 1;
            }
            pos = self.digits(pos)?;
        }
        self.pos = pos;
        if !whole || int_end - int_start > 20 {
            return Ok(Loose::Other);
        }
        // at most 20 digits: fits a u128
        let magnitude = b[int_start..int_end]
            .iter()
            .fold(0u128, |n, &d| n * 10 + u128::from(d - b'0'));
        let n = if negative {
            if magnitude == 0 || magnitude > 1 << 63 {
                return Ok(Loose::Other);
            }
            -(magnitude as i128)
        } else {
            if magnitude > u128::from(u64::MAX) {
                return Ok(Loose::Other);
            }
            magnitude as i128
        };
        Ok(Loose::Int(n))
    }

    /// One or more digits from `pos`; returns where they end.
    fn digits(&mut self, mut pos: usize) -> Result<usize> {
        let start = pos;
        while let Some(b'0'..=b'9') = self.bytes().get(pos) {
            pos += 1;
        }
        if pos == start {
            self.pos = pos;
            return Err(self.syntax("expected a digit"));
        }
        Ok(pos)
    }

    /// A string; borrowed from the text unless it has escapes.
    fn string(&mut self) -> Result<Cow<'a, str>> {
        if self.peek() != Some(b'"') {
            return Err(self.expected("a string"));
        }
        let b = self.bytes();
        let start = self.pos + 1;
        let mut pos = start;
        // Every cut below is next to an ASCII character (a quote, a backslash
        // or a control character) or at the end, so on a character boundary.
        loop {
            match b.get(pos) {
                Some(b'"') => {
                    self.pos = pos + 1;
                    return self.slice(start, pos).map(Cow::Borrowed);
                }
                Some(b'\\') => break,
                Some(&c) if c >= 0x20 => pos += 1,
                _ => {
                    self.pos = pos;
                    return Err(self.syntax("unterminated string or control character in it"));
                }
            }
        }
        let mut out = String::from(self.slice(start, pos)?);
        loop {
            let run = pos;
            while let Some(&c) = b.get(pos) {
                if c == b'"' || c == b'\\' || c < 0x20 {
                    break;
                }
                pos += 1;
            }
            out.push_str(self.slice(run, pos)?);
            match b.get(pos) {
                Some(b'"') => {
                    self.pos = pos + 1;
                    return Ok(Cow::Owned(out));
                }
                Some(b'\\') => {
                    let (c, next) = self.escape(pos + 1)?;
                    out.push(c);
                    pos = next;
                }
                _ => {
                    self.pos = pos;
                    return Err(self.syntax("unterminated string or control character in it"));
                }
            }
        }
    }

    fn slice(&self, from: usize, to: usize) -> Result<&'a str> {
        self.text
            .get(from..to)
            .ok_or_else(|| self.syntax("string cut inside a character"))
    }

    /// The escape after a backslash at `pos`: its character and where it ends.
    fn escape(&mut self, pos: usize) -> Result<(char, usize)> {
        let c = match self.bytes().get(pos) {
            Some(b'"') => '"',
            Some(b'\\') => '\\',
            Some(b'/') => '/',
            Some(b'b') => '\u{8}',
            Some(b'f') => '\u{c}',
            Some(b'n') => '\n',
            Some(b'r') => '\r',
            Some(b't') => '\t',
            Some(b'u') => {
                let high = self.hex4(pos + 1)?;
                let mut end = pos + 5;
                let code = if (0xD800..0xDC00).contains(&high) {
                    let rest = self.bytes().get(end..).unwrap_or_default();
                    if !rest.starts_with(b"\\u") {
                        self.pos = end;
                        return Err(self.syntax("lone leading surrogate in a \\u escape"));
                    }
                    let low = self.hex4(end + 2)?;
                    if !(0xDC00..0xE000).contains(&low) {
                        self.pos = end;
                        return Err(self.syntax("lone leading surrogate in a \\u escape"));
                    }
                    end += 6;
                    0x10000 + ((high - 0xD800) << 10) + (low - 0xDC00)
                } else {
                    high
                };
                return match char::from_u32(code) {
                    Some(c) => Ok((c, end)),
                    None => {
                        self.pos = pos;
                        Err(self.syntax("lone trailing surrogate in a \\u escape"))
                    }
                };
            }
            _ => {
                self.pos = pos;
                return Err(self.syntax("invalid escape"));
            }
        };
        Ok((c, pos + 1))
    }

    fn hex4(&mut self, pos: usize) -> Result<u32> {
        let mut n = 0;
        for i in pos..pos + 4 {
            let digit = self
                .bytes()
                .get(i)
                .and_then(|&c| char::from(c).to_digit(16));
            let Some(d) = digit else {
                self.pos = i;
                return Err(self.syntax("invalid \\u escape"));
            };
            n = n * 16 + d;
        }
        Ok(n)
    }

    /// Reads over one value of any type, checking that it is JSON. Not
    /// recursive: a deep input cannot exhaust the stack.
    fn skip(&mut self) -> Result<()> {
        // the containers open inside the value: true for an object
        let mut open: Vec<bool> = Vec::new();
        loop {
            // a value
            match self.peek() {
                Some(c @ (b'{' | b'[')) => {
                    self.too_deep(open.len() + 1)?;
                    self.pos += 1;
                    let object = c == b'{';
                    if self.eat(if object { b'}' } else { b']' }) {
                        // empty: the value ends here
                    } else {
                        open.push(object);
                        if object {
                            self.key()?;
                        }
                        continue;
                    }
                }
                Some(b'"') => {
                    self.string()?;
                }
                Some(b't') => self.literal("true")?,
                Some(b'f') => self.literal("false")?,
                Some(b'n') => self.literal("null")?,
                Some(b'-' | b'0'..=b'9') => {
                    self.number()?;
                }
                _ => return Err(self.syntax("expected a value")),
            }
            // after a value: close what ends here, up to the next value
            loop {
                let Some(&object) = open.last() else {
                    return Ok(());
                };
                if self.eat(b',') {
                    if object {
                        self.key()?;
                    }
                    break;
                }
                if self.eat(if object { b'}' } else { b']' }) {
                    open.pop();
                    continue;
                }
                return Err(self.syntax(if object {
                    "expected ',' or '}'"
                } else {
                    "expected ',' or ']'"
                }));
            }
        }
    }

    /// A key and its colon.
    fn key(&mut self) -> Result<Cow<'a, str>> {
        if self.peek() != Some(b'"') {
            return Err(self.syntax("expected a key"));
        }
        let key = self.string()?;
        if !self.eat(b':') {
            return Err(self.syntax("expected ':'"));
        }
        Ok(key)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn field(text: &str) -> (ErrorCode, String) {
        let e = input(text).unwrap_err();
        (e.code, e.field)
    }

    #[test]
    fn reads_every_field_borrowing_plain_strings() {
        let raw = input(
            r#" {"currency":"USD","taxIncludedInPrice":true,"unknown":[{"a":[1,2.5e3,null]}],
            "lineItems":[{"id":"a\u00e9\"","price":"1.00","quantity":3,"taxRate":"0.1",
            "catalogItemId":"c","itemType":"PHYSICAL"}],
            "coupons":[{"code":"X","type":"PERCENTAGE","value":"10","minimumSubtotal":null,
            "catalogItemIds":["c"]}],"shipping":{"code":"s","price":"2"},
            "additionalFees":[],"giftCard":{"code":"g","balance":"1"},
            "conversion":{"currency":"EUR","rate":"0.9"}} "#,
        )
        .unwrap();
        let line = &raw.line_items.as_ref().unwrap()[0];
        assert_eq!(line.id.as_deref(), Some("aé\""));
        assert!(matches!(line.id, Some(Cow::Owned(_))));
        assert!(matches!(line.price, Some(Text::Str(Cow::Borrowed("1.00")))));
        assert_eq!(line.quantity, Some(Count::Int(3)));
        assert_eq!(raw.tax_included_in_price, Some(true));
        let coupon = &raw.coupons.as_ref().unwrap()[0];
        assert_eq!(coupon.minimum_subtotal, None);
        assert_eq!(
            coupon.catalog_item_ids.as_deref(),
            Some(&["c".to_owned()][..])
        );
        assert_eq!(raw.additional_fees.as_deref().map(<[_]>::len), Some(0));
        assert!(raw.conversion.is_some() && raw.gift_card.is_some());
    }

    #[test]
    fn classifies_numbers_as_serde_json_does() {
        let quantity = |q: &str| {
            let text = format!(r#"{{"lineItems":[{{"quantity":{q}}}]}}"#);
            input(&text).unwrap().line_items.unwrap()[0].quantity
        };
        assert_eq!(quantity("7"), Some(Count::Int(7)));
        assert_eq!(quantity("-7"), Some(Count::Int(-7)));
        assert_eq!(
            quantity("18446744073709551615"),
            Some(Count::Int(u64::MAX.into()))
        );
        assert_eq!(
            quantity("-9223372036854775808"),
            Some(Count::Int(i64::MIN.into()))
        );
        for not_whole in [
            "18446744073709551616",
            "-9223372036854775809",
            "123456789012345678901234567890",
            "-0",
            "1.0",
            "1e2",
            "1E+2",
            "\"3\"",
            "true",
            "{}",
        ] {
            assert_eq!(
                quantity(not_whole),
                Some(Count::NotAWholeNumber),
                "{not_whole}"
            );
        }
        assert_eq!(quantity("null"), None);
    }

    #[test]
    fn refuses_what_is_not_json_at_the_path_it_reached() {
        for (text, at) in [
            ("", ""),
            ("{", ""),
            (r#"{"lineItems":[{"price":"1"}"#, "lineItems"),
            (r#"{"lineItems":[{"price":01}]}"#, "lineItems[0]"),
            (r#"{"lineItems":[{"price":"1}]}"#, "lineItems[0].price"),
            (r#"{"x":{"y":[1,]}}"#, "x"),
            (r#"{"x":"\ud800"}"#, "x"),
            (r#"{"x":"\udc00"}"#, "x"),
            (r#"{"x":"\q"}"#, "x"),
            ("{\"x\":\"a\tb\"}", "x"),
            (r#"{"x":tru}"#, "x"),
            (r#"{"x":-}"#, "x"),
            (r#"{"x":1.}"#, "x"),
            (r#"{} {}"#, ""),
            (r#"{"currency":"USD","currency":"EUR"}"#, "currency"),
        ] {
            assert_eq!(
                field(text),
                (ErrorCode::InvalidInput, at.to_owned()),
                "{text}"
            );
        }
    }

    #[test]
    fn refuses_wrong_types_at_their_path() {
        for (text, at) in [
            ("[]", ""),
            (r#"{"lineItems":{}}"#, "lineItems"),
            (r#"{"lineItems":[1]}"#, "lineItems[0]"),
            (r#"{"lineItems":[{},{"id":5}]}"#, "lineItems[1].id"),
            (r#"{"taxIncludedInPrice":"yes"}"#, "taxIncludedInPrice"),
            (r#"{"shipping":["s","1.00"]}"#, "shipping"),
            (
                r#"{"coupons":[{"catalogItemIds":[null]}]}"#,
                "coupons[0].catalogItemIds[0]",
            ),
        ] {
            assert_eq!(
                field(text),
                (ErrorCode::InvalidInput, at.to_owned()),
                "{text}"
            );
        }
    }

    #[test]
    fn deep_nesting_is_refused_not_a_stack_overflow() {
        let deep = format!(r#"{{"x":{}{}}}"#, "[".repeat(100_000), "]".repeat(100_000));
        assert_eq!(field(&deep), (ErrorCode::InvalidInput, "x".to_owned()));
        let fine = format!(r#"{{"x":{}{}}}"#, "[".repeat(100), "]".repeat(100));
        assert!(input(&fine).is_ok());
    }
}
