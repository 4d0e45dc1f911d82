//! The pricing input as it arrives (JSON or a JS object), and its validation
//! into a [`Cart`] under the rules of `docs/pricing.md` section 1.
//!
//! The raw types accept any JSON type for the fields whose rule has its own
//! error code (money, quantities, rates, the currency, the coupon type), so that
//! `"price": 5` is `INVALID_AMOUNT` at `lineItems[0].price` and not a generic
//! type error. Everything else is typed, and a mistyped or malformed value is
//! `INVALID_INPUT` at the path serde reports.

use crate::amount::{parse_units, DecimalError};
use crate::cart::{
    Cart, Charge, Conversion, Coupon, CouponKind, GiftCard, ItemType, Line, TaxRate,
    MAX_LINE_ITEMS, MAX_QUANTITY,
};
use crate::currency::Currency;
use crate::error::{Error, ErrorCode, Result};
use serde::de::{self, Deserialize, Deserializer, IgnoredAny, MapAccess, SeqAccess, Visitor};
use std::borrow::Cow;
use std::collections::HashSet;
use std::fmt;
use std::hash::{BuildHasherDefault, Hasher};

/// Largest money amount accepted: 1,000,000,000,000 in major units.
const MAX_MONEY_MAJOR: u128 = 1_000_000_000_000;
/// Largest conversion rate accepted (see the README: `docs/pricing.md` sets no bound,
/// this one keeps every converted amount exact in 128 bits).
const MAX_RATE_MAJOR: u128 = 1_000_000_000;
const _: () = assert!(
    MAX_RATE_MAJOR == 1_000_000_000,
    "the message of `rate` spells it"
);

/// A value that should be a string; anything else is kept as "not a string"
/// so that validation can answer with the field's own error code.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Text<'a> {
    Str(Cow<'a, str>),
    NotAString,
}

impl From<String> for Text<'_> {
    fn from(s: String) -> Self {
        Text::Str(Cow::Owned(s))
    }
}

/// A value that should be a whole number; anything else (a fraction, a string,
/// a number beyond 2^53 in JS) is kept as "not a whole number".
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Count {
    Int(i128),
    NotAWholeNumber,
}

impl From<i64> for Count {
    fn from(q: i64) -> Count {
        Count::Int(i128::from(q))
    }
}

impl From<u32> for Count {
    fn from(q: u32) -> Count {
        Count::Int(i128::from(q))
    }
}

#[derive(Clone, Debug, Default, PartialEq, Eq, serde::Deserialize, serde::Serialize)]
#[serde(rename_all = "camelCase")]
pub struct RawInput<'a> {
    #[serde(skip_serializing_if = "Option::is_none")]
    #[serde(default, borrow, deserialize_with = "borrowed_text")]
    pub currency: Option<Text<'a>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub tax_included_in_price: Option<bool>,
    #[serde(skip_serializing_if = "Option::is_none")]
    #[serde(borrow)]
    pub line_items: Option<Vec<RawLine<'a>>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    #[serde(borrow)]
    pub coupons: Option<Vec<RawCoupon<'a>>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    #[serde(borrow)]
    pub shipping: Option<RawCharge<'a>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    #[serde(borrow)]
    pub additional_fees: Option<Vec<RawCharge<'a>>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    #[serde(borrow)]
    pub gift_card: Option<RawGiftCard<'a>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    #[serde(borrow)]
    pub conversion: Option<RawConversion<'a>>,
}

#[derive(Clone, Debug, Default, PartialEq, Eq, serde::Deserialize, serde::Serialize)]
#[serde(rename_all = "camelCase")]
pub struct RawLine<'a> {
    #[serde(skip_serializing_if = "Option::is_none")]
    #[serde(default, borrow, deserialize_with = "borrowed_str")]
    pub id: Option<Cow<'a, str>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    #[serde(default, borrow, deserialize_with = "borrowed_text")]
    pub price: Option<Text<'a>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub quantity: Option<Count>,
    #[serde(skip_serializing_if = "Option::is_none")]
    #[serde(default, borrow, deserialize_with = "borrowed_text")]
    pub tax_rate: Option<Text<'a>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    #[serde(default, borrow, deserialize_with = "borrowed_str")]
    pub catalog_item_id: Option<Cow<'a, str>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    #[serde(default, borrow, deserialize_with = "borrowed_str")]
    pub item_type: Option<Cow<'a, str>>,
}

#[derive(Clone, Debug, Default, PartialEq, Eq, serde::Deserialize, serde::Serialize)]
#[serde(rename_all = "camelCase")]
pub struct RawCoupon<'a> {
    #[serde(skip_serializing_if = "Option::is_none")]
    #[serde(default, borrow, deserialize_with = "borrowed_text")]
    pub code: Option<Text<'a>>,
    #[serde(rename = "type")]
    #[serde(skip_serializing_if = "Option::is_none")]
    #[serde(default, borrow, deserialize_with = "borrowed_text")]
    pub kind: Option<Text<'a>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    #[serde(default, borrow, deserialize_with = "borrowed_text")]
    pub value: Option<Text<'a>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    #[serde(default, borrow, deserialize_with = "borrowed_text")]
    pub minimum_subtotal: Option<Text<'a>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub catalog_item_ids: Option<Vec<String>>,
}

#[derive(Clone, Debug, Default, PartialEq, Eq, serde::Deserialize, serde::Serialize)]
#[serde(rename_all = "camelCase")]
pub struct RawCharge<'a> {
    #[serde(skip_serializing_if = "Option::is_none")]
    #[serde(default, borrow, deserialize_with = "borrowed_str")]
    pub code: Option<Cow<'a, str>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    #[serde(default, borrow, deserialize_with = "borrowed_text")]
    pub price: Option<Text<'a>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    #[serde(default, borrow, deserialize_with = "borrowed_text")]
    pub tax_rate: Option<Text<'a>>,
}

#[derive(Clone, Debug, Default, PartialEq, Eq, serde::Deserialize, serde::Serialize)]
#[serde(rename_all = "camelCase")]
pub struct RawGiftCard<'a> {
    #[serde(skip_serializing_if = "Option::is_none")]
    #[serde(default, borrow, deserialize_with = "borrowed_str")]
    pub code: Option<Cow<'a, str>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    #[serde(default, borrow, deserialize_with = "borrowed_text")]
    pub balance: Option<Text<'a>>,
}

#[derive(Clone, Debug, Default, PartialEq, Eq, serde::Deserialize, serde::Serialize)]
#[serde(rename_all = "camelCase")]
pub struct RawConversion<'a> {
    #[serde(skip_serializing_if = "Option::is_none")]
    #[serde(default, borrow, deserialize_with = "borrowed_text")]
    pub currency: Option<Text<'a>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    #[serde(default, borrow, deserialize_with = "borrowed_text")]
    pub rate: Option<Text<'a>>,
}

/// Deserializes a raw value, turning a serde failure into `INVALID_INPUT` at
/// the path where it happened.
pub fn deserialize<'de, T: Deserialize<'de>, D: Deserializer<'de>>(d: D) -> Result<T> {
    serde_path_to_error::deserialize(d).map_err(|e| {
        let mut field = String::new();
        for segment in e.path().iter() {
            use serde_path_to_error::Segment;
            match segment {
                Segment::Seq { index } => field.push_str(&format!("[{index}]")),
                Segment::Map { key } | Segment::Enum { variant: key } => {
                    if !field.is_empty() {
                        field.push('.');
                    }
                    field.push_str(key);
                }
                Segment::Unknown => {}
            }
        }
        Error::new(ErrorCode::InvalidInput, field, e.into_inner().to_string())
    })
}

/// Checks every rule of `docs/pricing.md` section 1, in the order of the fields.
/// Never inlined: its callers (each reader) would each get a copy, and the
/// browser module has two readers.
#[inline(never)]
pub(crate) fn validate(raw: RawInput) -> Result<Cart> {
    let currency = currency(raw.currency.as_ref(), "currency")?;
    let raw_lines = raw.line_items.ok_or_else(|| {
        Error::new(
            ErrorCode::InvalidInput,
            "lineItems",
            "lineItems is required",
        )
    })?;
    if raw_lines.len() > MAX_LINE_ITEMS {
        return Err(Error::new(
            ErrorCode::TooManyLineItems,
            "lineItems",
            format!(
                "at most {MAX_LINE_ITEMS} line items, got {}",
                raw_lines.len()
            ),
        ));
    }
    let mut lines = Vec::with_capacity(raw_lines.len());
    let mut ids: HashSet<&str, BuildHasherDefault<Fnv>> =
        HashSet::with_capacity_and_hasher(raw_lines.len(), BuildHasherDefault::default());
    for (i, raw_line) in raw_lines.iter().enumerate() {
        let line = line(raw_line, currency, i)?;
        if !ids.insert(raw_line.id.as_deref().unwrap_or_default()) {
            return Err(duplicate_id(i));
        }
        lines.push(line);
    }
    let coupon = match raw.coupons {
        Some(list) if list.len() > 1 => {
            return Err(Error::new(
                ErrorCode::MoreThanOneCoupon,
                "coupons",
                "at most one coupon",
            ));
        }
        Some(list) => list
            .into_iter()
            .next()
            .map(|c| coupon(c, currency, "coupons[0]"))
            .transpose()?,
        None => None,
    };
    let shipping = raw
        .shipping
        .map(|s| charge(s, currency, "shipping"))
        .transpose()?;
    let fees = raw
        .additional_fees
        .map(|fees| {
            fees.into_iter()
                .enumerate()
                .map(|(i, f)| charge(f, currency, &format!("additionalFees[{i}]")))
                .collect::<Result<Vec<_>>>()
        })
        .transpose()?;
    let gift_card = raw
        .gift_card
        .map(|g| -> Result<GiftCard> {
            Ok(GiftCard {
                code: required(g.code.as_deref(), "giftCard.code")?.to_owned(),
                balance: money(g.balance.as_ref(), currency, "giftCard.balance")?,
            })
        })
        .transpose()?;
    let conversion = raw.conversion.as_ref().map(conversion).transpose()?;
    let mut cart = Cart {
        currency,
        tax_included: raw.tax_included_in_price.unwrap_or(false),
        lines,
        coupon,
        shipping,
        fees,
        gift_card,
        conversion,
    };
    cart.cover();
    Ok(cart)
}

/// FNV-1a: the duplicate-id check hashes at most 300 short ids, where SipHash's
/// setup costs more than the hashing (and flooding 300 entries is harmless).
struct Fnv(u64);

impl Default for Fnv {
    fn default() -> Fnv {
        Fnv(0xcbf2_9ce4_8422_2325)
    }
}

impl Hasher for Fnv {
    fn finish(&self) -> u64 {
        self.0
    }
    fn write(&mut self, bytes: &[u8]) {
        for &b in bytes {
            self.0 = (self.0 ^ u64::from(b)).wrapping_mul(0x0100_0000_01b3);
        }
    }
}

pub(crate) fn duplicate_id(at: usize) -> Error {
    Error::new(
        ErrorCode::DuplicateLineItemId,
        format!("lineItems[{at}].id"),
        "line item ids must be unique",
    )
}

/// The path of a field, written only when an error needs it: validating a
/// 300-line cart formats no path at all.
pub trait AsPath {
    fn path(self) -> String;
}

impl AsPath for &str {
    fn path(self) -> String {
        self.to_owned()
    }
}

impl AsPath for &String {
    fn path(self) -> String {
        self.clone()
    }
}

impl<F: FnOnce() -> String> AsPath for F {
    fn path(self) -> String {
        self()
    }
}

pub(crate) fn line(raw: &RawLine, currency: Currency, at: usize) -> Result<Line> {
    let path = |field: &'static str| move || format!("lineItems[{at}].{field}");
    let id = required(raw.id.as_deref(), path("id"))?;
    let price = money(raw.price.as_ref(), currency, path("price"))?;
    let quantity = quantity(
        raw.quantity.unwrap_or(Count::NotAWholeNumber),
        path("quantity"),
    )?;
    let tax_rate = tax_rate(raw.tax_rate.as_ref(), path("taxRate"))?;
    let item_type = raw
        .item_type
        .as_deref()
        .map(|t| {
            ItemType::parse(t).ok_or_else(|| {
                Error::new(
                    ErrorCode::InvalidInput,
                    path("itemType")(),
                    "itemType is one of PHYSICAL, DIGITAL, SERVICE, GIFT_CARD, PLAN",
                )
            })
        })
        .transpose()?;
    Ok(Line::new(
        id,
        raw.catalog_item_id.as_deref(),
        item_type,
        price,
        quantity,
        tax_rate,
    ))
}

pub fn quantity(q: Count, path: impl AsPath) -> Result<u32> {
    match q {
        Count::Int(q) => u32::try_from(q)
            .ok()
            .filter(|q| (1..=MAX_QUANTITY).contains(q)),
        Count::NotAWholeNumber => None,
    }
    .ok_or_else(|| {
        Error::new(
            ErrorCode::InvalidQuantity,
            path.path(),
            format!("quantity is a whole number from 1 to {MAX_QUANTITY}"),
        )
    })
}

pub fn coupon(raw: RawCoupon, currency: Currency, path: &str) -> Result<Coupon> {
    let invalid = |field: &str, message: &str| {
        Error::new(ErrorCode::InvalidCoupon, format!("{path}.{field}"), message)
    };
    let code = match raw.code {
        Some(Text::Str(c)) if !c.is_empty() => c,
        _ => return Err(invalid("code", "a coupon has a non-empty code")),
    };
    let kind = match raw.kind.as_ref() {
        Some(Text::Str(t)) => t.as_ref(),
        _ => {
            return Err(invalid(
                "type",
                "type is PERCENTAGE, FIXED_AMOUNT or FREE_SHIPPING",
            ))
        }
    };
    let kind =
        match kind {
            "PERCENTAGE" => {
                let Some(Text::Str(v)) = raw.value.as_ref() else {
                    return Err(invalid("value", "a PERCENTAGE coupon needs a value"));
                };
                match parse_units(v, 4).ok() {
                Some(p) if p > 0 && p <= u128::from(CouponKind::PERCENT_DENOMINATOR) => {
                    // p <= 1,000,000: the conversion cannot fail
                    CouponKind::Percentage(
                        u32::try_from(p).unwrap_or(CouponKind::PERCENT_DENOMINATOR),
                    )
                }
                _ => return Err(invalid(
                    "value",
                    "a percentage is greater than 0, at most 100, with at most 4 fraction digits",
                )),
            }
            }
            "FIXED_AMOUNT" => {
                let amount = money(raw.value.as_ref(), currency, &format!("{path}.value"))
                    .map_err(|e| Error {
                        code: ErrorCode::InvalidCoupon,
                        ..e
                    })?;
                CouponKind::FixedAmount(amount)
            }
            "FREE_SHIPPING" => {
                if raw.value.is_some() {
                    return Err(invalid("value", "a FREE_SHIPPING coupon has no value"));
                }
                CouponKind::FreeShipping
            }
            _ => {
                return Err(invalid(
                    "type",
                    "type is PERCENTAGE, FIXED_AMOUNT or FREE_SHIPPING",
                ))
            }
        };
    let minimum_subtotal = raw
        .minimum_subtotal
        .as_ref()
        .map(|m| money(Some(m), currency, &format!("{path}.minimumSubtotal")))
        .transpose()?;
    Ok(Coupon {
        code: code.into_owned(),
        kind,
        minimum_subtotal,
        catalog_item_ids: raw.catalog_item_ids,
    })
}

fn charge(raw: RawCharge, currency: Currency, path: &str) -> Result<Charge> {
    Ok(Charge {
        code: required(raw.code.as_deref(), &format!("{path}.code"))?.to_owned(),
        price: money(raw.price.as_ref(), currency, &format!("{path}.price"))?,
        tax_rate: tax_rate(raw.tax_rate.as_ref(), &format!("{path}.taxRate"))?,
    })
}

fn required(value: Option<&str>, path: impl AsPath) -> Result<&str> {
    match value {
        Some(v) if !v.is_empty() => Ok(v),
        _ => {
            let path = path.path();
            let message = format!("{path} is required and not empty");
            Err(Error::new(ErrorCode::InvalidInput, path, message))
        }
    }
}

/// The buyer's currency and its rate, as the pricing input gives them.
pub fn conversion(c: &RawConversion) -> Result<Conversion> {
    Ok(Conversion {
        currency: self::currency(c.currency.as_ref(), "conversion.currency")?,
        rate: rate(c.rate.as_ref(), "conversion.rate")?,
    })
}

pub fn currency(value: Option<&Text>, path: &str) -> Result<Currency> {
    match value {
        Some(Text::Str(code)) => Currency::from_code(code),
        _ => None,
    }
    .ok_or_else(|| {
        Error::new(
            ErrorCode::UnsupportedCurrency,
            path,
            "an upper-case ISO 4217 code of a supported currency",
        )
    })
}

/// The largest amount in minor units: 10^12 major units.
fn max_money_units(exponent: u8) -> u128 {
    // a constant for each exponent in use: no 128-bit product at run time
    match exponent {
        0 => MAX_MONEY_MAJOR,
        2 => MAX_MONEY_MAJOR * 100,
        3 => MAX_MONEY_MAJOR * 1000,
        e => MAX_MONEY_MAJOR * crate::amount::pow10(e),
    }
}

/// A money amount in the currency's minor units.
pub fn money(value: Option<&Text>, currency: Currency, path: impl AsPath) -> Result<u128> {
    let exponent = currency.exponent();
    let units = match value {
        Some(Text::Str(s)) => match parse_units(s, exponent) {
            Ok(u) => Ok(u),
            Err(DecimalError::TooPrecise) => Err("too precise"),
            Err(DecimalError::Syntax) => Err(""),
        },
        _ => Err("not a string"),
    };
    let why = match units {
        Ok(u) if u <= max_money_units(exponent) => return Ok(u),
        Ok(_) => "money is at most 1000000000000".to_owned(),
        Err("not a string") => "money is a decimal string, as \"19.99\"".to_owned(),
        Err("too precise") => format!("{currency} amounts have at most {exponent} fraction digits"),
        Err(_) => "money is a non-negative decimal string without sign or exponent, as \"19.99\""
            .to_owned(),
    };
    Err(Error::new(ErrorCode::InvalidAmount, path.path(), why))
}

pub fn tax_rate(value: Option<&Text>, path: impl AsPath) -> Result<TaxRate> {
    let Some(value) = value else {
        return Ok(TaxRate::default());
    };
    match value {
        Text::Str(s) => parse_units(s, 6).ok(),
        Text::NotAString => None,
    }
    .and_then(|r| u32::try_from(r).ok())
    .filter(|&r| r <= TaxRate::DENOMINATOR)
    .map(TaxRate)
    .ok_or_else(|| {
        Error::new(
            ErrorCode::InvalidTaxRate,
            path.path(),
            "a tax rate is a decimal string from 0 to 1 with at most 6 fraction digits",
        )
    })
}

pub fn rate(value: Option<&Text>, path: &str) -> Result<u128> {
    match value {
        Some(Text::Str(s)) => parse_units(s, 10).ok(),
        _ => None,
    }
    .filter(|&r| r > 0 && r <= MAX_RATE_MAJOR * Conversion::RATE_DENOMINATOR)
    .ok_or_else(|| {
        Error::new(
            ErrorCode::InvalidRate,
            path,
            // the bound spelled out: formatting a u128 would link its formatter
            "a rate is a decimal string greater than 0, at most 1000000000, with at most 10 fraction digits",
        )
    })
}

/// Written back as the string it held (`null` for anything else).
impl serde::Serialize for Text<'_> {
    fn serialize<S: serde::Serializer>(&self, s: S) -> std::result::Result<S::Ok, S::Error> {
        match self {
            Text::Str(v) => s.serialize_str(v),
            Text::NotAString => s.serialize_unit(),
        }
    }
}

impl serde::Serialize for Count {
    fn serialize<S: serde::Serializer>(&self, s: S) -> std::result::Result<S::Ok, S::Error> {
        match self {
            Count::Int(n) => s.serialize_i128(*n),
            Count::NotAWholeNumber => s.serialize_unit(),
        }
    }
}

/// A loose text that owns its string (for inputs other than the pricing input).
impl<'de> Deserialize<'de> for Text<'static> {
    fn deserialize<D: Deserializer<'de>>(d: D) -> std::result::Result<Text<'static>, D::Error> {
        d.deserialize_any(LooseVisitor(|v| match v {
            Loose::Str(s) => Text::Str(Cow::Owned(s.into_owned())),
            _ => Text::NotAString,
        }))
    }
}

/// An optional loose text, borrowed from the input where it has no escapes
/// (`null` is absent, as for any `Option`).
fn borrowed_text<'de: 'a, 'a, D: Deserializer<'de>>(
    d: D,
) -> std::result::Result<Option<Text<'a>>, D::Error> {
    d.deserialize_any(LooseVisitor(|v| match v {
        Loose::Str(s) => Some(Text::Str(s)),
        Loose::Null => None,
        _ => Some(Text::NotAString),
    }))
}

impl<'de> Deserialize<'de> for Count {
    fn deserialize<D: Deserializer<'de>>(d: D) -> std::result::Result<Count, D::Error> {
        d.deserialize_any(LooseVisitor(|v| match v {
            Loose::Int(i) => Count::Int(i),
            _ => Count::NotAWholeNumber,
        }))
    }
}

/// An optional string, borrowed from the input where it has no escapes.
fn borrowed_str<'de: 'a, 'a, D: Deserializer<'de>>(
    d: D,
) -> std::result::Result<Option<Cow<'a, str>>, D::Error> {
    struct Str;
    impl<'de> Visitor<'de> for Str {
        type Value = Cow<'de, str>;
        fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
            f.write_str("a string")
        }
        fn visit_borrowed_str<E: de::Error>(
            self,
            v: &'de str,
        ) -> std::result::Result<Self::Value, E> {
            Ok(Cow::Borrowed(v))
        }
        fn visit_str<E: de::Error>(self, v: &str) -> std::result::Result<Self::Value, E> {
            Ok(Cow::Owned(v.to_owned()))
        }
        fn visit_string<E: de::Error>(self, v: String) -> std::result::Result<Self::Value, E> {
            Ok(Cow::Owned(v))
        }
    }
    struct Opt;
    impl<'de> Visitor<'de> for Opt {
        type Value = Option<Cow<'de, str>>;
        fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
            f.write_str("a string")
        }
        fn visit_none<E: de::Error>(self) -> std::result::Result<Self::Value, E> {
            Ok(None)
        }
        fn visit_unit<E: de::Error>(self) -> std::result::Result<Self::Value, E> {
            Ok(None)
        }
        fn visit_some<D: Deserializer<'de>>(
            self,
            d: D,
        ) -> std::result::Result<Self::Value, D::Error> {
            d.deserialize_str(Str).map(Some)
        }
    }
    d.deserialize_option(Opt)
}

/// What a loosely typed field held.
enum Loose<'de> {
    Str(Cow<'de, str>),
    Int(i128),
    Null,
    Other,
}

/// Accepts any value and hands it, classified, to a function.
struct LooseVisitor<F>(F);

impl<'de, T, F: FnOnce(Loose<'de>) -> T> Visitor<'de> for LooseVisitor<F> {
    type Value = T;

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("any value")
    }
    fn visit_borrowed_str<E: de::Error>(self, v: &'de str) -> std::result::Result<T, E> {
        Ok((self.0)(Loose::Str(Cow::Borrowed(v))))
    }
    fn visit_str<E: de::Error>(self, v: &str) -> std::result::Result<T, E> {
        Ok((self.0)(Loose::Str(Cow::Owned(v.to_owned()))))
    }
    fn visit_string<E: de::Error>(self, v: String) -> std::result::Result<T, E> {
        Ok((self.0)(Loose::Str(Cow::Owned(v))))
    }
    fn visit_i64<E: de::Error>(self, v: i64) -> std::result::Result<T, E> {
        Ok((self.0)(Loose::Int(i128::from(v))))
    }
    fn visit_u64<E: de::Error>(self, v: u64) -> std::result::Result<T, E> {
        Ok((self.0)(Loose::Int(i128::from(v))))
    }
    // A number with a fraction or an exponent (or, from JS, beyond 2^53): never a
    // valid value for any loose field; its value is not looked at.
    fn visit_f64<E: de::Error>(self, _not_whole: f64) -> std::result::Result<T, E> {
        Ok((self.0)(Loose::Other))
    }
    fn visit_bool<E: de::Error>(self, _: bool) -> std::result::Result<T, E> {
        Ok((self.0)(Loose::Other))
    }
    fn visit_unit<E: de::Error>(self) -> std::result::Result<T, E> {
        Ok((self.0)(Loose::Null))
    }
    fn visit_none<E: de::Error>(self) -> std::result::Result<T, E> {
        Ok((self.0)(Loose::Null))
    }
    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> std::result::Result<T, A::Error> {
        while seq.next_element::<IgnoredAny>()?.is_some() {}
        Ok((self.0)(Loose::Other))
    }
    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> std::result::Result<T, A::Error> {
        while map.next_entry::<IgnoredAny, IgnoredAny>()?.is_some() {}
        Ok((self.0)(Loose::Other))
    }
}
