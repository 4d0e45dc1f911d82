//! The pricing function of `docs/pricing.md` section 2, and its output (section 3).

use crate::amount::{mul_div_rem, mul_div_round, pow10, Amount};
use crate::cart::{Cart, Charge, Conversion, CouponKind, Line, TaxRate};
use crate::input::{self, RawConversion, Text};
use serde::Serialize;

/// The priced cart. Borrows the ids and codes of the [`Cart`] it was computed
/// from; [`crate::json::pricing`] writes it as the JSON of `docs/pricing.md` section 3.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Pricing<'a> {
    pub currency: &'static str,
    pub line_items: Vec<PricedLine<'a>>,
    pub shipping: Option<PricedShipping<'a>>,
    pub additional_fees: Option<Vec<PricedFee<'a>>>,
    pub applied_discounts: Vec<AppliedDiscount<'a>>,
    pub price_summary: PriceSummary,
    pub gift_card: Option<AppliedGiftCard<'a>>,
    pub pay_now: Total,
    pub pay_later: Total,
    pub conversion_currency: Option<&'static str>,
    pub calculation_errors: Vec<CalculationError>,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PricedLine<'a> {
    pub id: &'a str,
    pub line_item_price: Amount,
    pub discount: Amount,
    pub taxable_amount: Amount,
    pub tax: Amount,
    pub total_price_before_tax: Amount,
    pub total_price_after_tax: Amount,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PricedShipping<'a> {
    pub code: &'a str,
    pub price: Amount,
    pub discount: Amount,
    pub tax: Amount,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PricedFee<'a> {
    pub code: &'a str,
    pub price: Amount,
    pub tax: Amount,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum DiscountType {
    Global,
    SpecificItems,
    Shipping,
}

impl DiscountType {
    pub const fn as_str(self) -> &'static str {
        match self {
            DiscountType::Global => "GLOBAL",
            DiscountType::SpecificItems => "SPECIFIC_ITEMS",
            DiscountType::Shipping => "SHIPPING",
        }
    }
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct AppliedDiscount<'a> {
    pub discount_type: DiscountType,
    pub coupon: AppliedCoupon<'a>,
    pub line_item_ids: Vec<&'a str>,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct AppliedCoupon<'a> {
    pub code: &'a str,
    pub amount: Amount,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct AppliedGiftCard<'a> {
    pub code: &'a str,
    pub amount: Amount,
}

/// An amount with, when a conversion was asked for, its converted value.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Price {
    pub amount: Amount,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub converted_amount: Option<Amount>,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct PriceSummary {
    pub subtotal: Price,
    pub discount: Price,
    pub shipping: Price,
    pub tax: Price,
    pub additional_fees: Price,
    pub total: Price,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
pub struct Total {
    pub total: Price,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum CalculationErrorCode {
    CouponMinimumSubtotalNotMet,
    CouponNotApplicable,
}

impl CalculationErrorCode {
    pub const fn as_str(self) -> &'static str {
        match self {
            CalculationErrorCode::CouponMinimumSubtotalNotMet => "COUPON_MINIMUM_SUBTOTAL_NOT_MET",
            CalculationErrorCode::CouponNotApplicable => "COUPON_NOT_APPLICABLE",
        }
    }
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CalculationError {
    pub code: CalculationErrorCode,
    pub message: String,
}

/// A tax computed as in step 6: `(tax, before tax, after tax)` of a taxable amount.
fn tax(taxable: u128, rate: TaxRate, included: bool) -> (u128, u128, u128) {
    let r = u128::from(rate.0);
    let d = u128::from(TaxRate::DENOMINATOR);
    // The quotients are at most `taxable`, so they always fit; the fallback is unreachable.
    if included {
        let t = mul_div_round(taxable, r, d + r).unwrap_or(0);
        (t, taxable - t, taxable)
    } else {
        // The denominator is a constant: with a 64-bit product the division
        // compiles to a multiplication (the same rounding as mul_div_round).
        const D: u64 = TaxRate::DENOMINATOR as u64;
        let t = match u64::try_from(taxable)
            .ok()
            .and_then(|a| a.checked_mul(u64::from(rate.0)))
        {
            Some(p) => u128::from(p / D + u64::from(p % D >= D - p % D)),
            None => mul_div_round(taxable, r, d).unwrap_or(0),
        };
        (t, taxable, taxable + t)
    }
}

impl Cart {
    /// Prices the cart: `docs/pricing.md` section 2, step by step.
    pub fn price(&self) -> Pricing<'_> {
        self.price_with(true)
    }

    /// The JSON output of `docs/pricing.md` section 3.
    pub fn price_json(&self) -> String {
        crate::json::pricing(&self.price())
    }

    /// The summary of the cart's pricing (totals, discounts, gift card,
    /// calculation errors) as JSON text: what a live edit answers. The same
    /// computation as [`Cart::price`], without writing out every line.
    pub fn summary_json(&self) -> String {
        crate::json::summary(&self.price_with(false))
    }

    /// The pricing; `with_lines: false` leaves `line_items` empty (for
    /// [`Cart::summary_json`] only). Each step is numbered as in
    /// `docs/pricing.md`, section 2. The steps are functions of their own,
    /// inlined back here: called, they cost 17% more instructions on 300
    /// lines (callgrind), their slices' bounds checked again.
    fn price_with(&self, with_lines: bool) -> Pricing<'_> {
        let exp = self.currency.exponent();
        let amount = |minor: u128| Amount::new(minor, exp);
        // 1-2.
        let line_prices = self.line_prices();
        let subtotal: u128 = line_prices.iter().sum();
        // 3-4.
        let coupon = self.coupon_discounts(&line_prices, subtotal, with_lines);
        // 5-6.
        let (line_items, line_tax) =
            self.line_taxes(&line_prices, &coupon.line_discounts, with_lines);
        // 7.
        let shipping = self.shipping_charge(coupon.shipping_discount);
        let shipping_price = self.shipping.as_ref().map_or(0, |s| s.price);
        let shipping_tax = shipping.as_ref().map_or(0, |s| s.tax.minor());
        // 8.
        let fees = self.fees_charges();
        let fees_total: u128 = fees.iter().flatten().map(|f| f.price.minor()).sum();
        let fees_tax: u128 = fees.iter().flatten().map(|f| f.tax.minor()).sum();
        // 9. summary
        let discount = coupon.line_discounts.iter().sum::<u128>() + coupon.shipping_discount;
        let tax_total = line_tax + shipping_tax + fees_tax;
        // The shipping discount can exceed the subtotal (free shipping on a
        // cheap cart): add everything before taking the discount off.
        let total =
            subtotal + shipping_price + fees_total + if self.tax_included { 0 } else { tax_total }
                - discount;
        // 10. gift card
        let gift_card_amount = self.gift_card.as_ref().map_or(0, |g| g.balance.min(total));
        let gift_card = self.gift_card.as_ref().map(|g| AppliedGiftCard {
            code: &g.code,
            amount: amount(gift_card_amount),
        });
        // 11. conversion
        let price = |minor: u128| Price {
            amount: amount(minor),
            converted_amount: self.conversion.map(|c| convert(minor, exp, c)),
        };
        Pricing {
            currency: self.currency.code(),
            line_items,
            shipping,
            additional_fees: fees,
            applied_discounts: coupon.applied,
            price_summary: PriceSummary {
                subtotal: price(subtotal),
                discount: price(discount),
                shipping: price(shipping_price),
                tax: price(tax_total),
                additional_fees: price(fees_total),
                total: price(total),
            },
            gift_card,
            pay_now: Total {
                total: price(total - gift_card_amount),
            },
            pay_later: Total { total: price(0) },
            conversion_currency: self.conversion.map(|c| c.currency.code()),
            calculation_errors: coupon.errors,
        }
    }

    /// Step 1: each line's price times its quantity.
    #[inline(always)]
    fn line_prices(&self) -> Vec<u128> {
        self.lines.iter().map(line_price).collect()
    }

    /// shared among the lines it covers (or the shipping discount).
    #[inline(always)]
    fn coupon_discounts(
        &self,
        line_prices: &[u128],
        subtotal: u128,
        with_lines: bool,
    ) -> CouponDiscounts<'_> {
        let mut out = CouponDiscounts {
            line_discounts: vec![0u128; self.lines.len()],
            shipping_discount: 0,
            applied: Vec::new(),
            errors: Vec::new(),
        };
        let Some(coupon) = &self.coupon else {
            return out;
        };
        let exp = self.currency.exponent();
        // Which lines the coupon covers, marked when the coupon or the lines changed.
        let eligible_lines: Vec<usize> = (0..self.lines.len())
            .filter(|&i| self.lines[i].covered)
            .collect();
        let eligible_subtotal: u128 = eligible_lines.iter().map(|&i| line_prices[i]).sum();
        if coupon.minimum_subtotal.is_some_and(|m| subtotal < m) {
            out.errors.push(CalculationError {
                code: CalculationErrorCode::CouponMinimumSubtotalNotMet,
                message: format!(
                    "coupon {} needs a subtotal of at least {}",
                    coupon.code,
                    Amount::new(coupon.minimum_subtotal.unwrap_or(0), exp)
                ),
            });
            return out;
        }
        if coupon.kind != CouponKind::FreeShipping && eligible_subtotal == 0 {
            out.errors.push(CalculationError {
                code: CalculationErrorCode::CouponNotApplicable,
                message: format!("coupon {} applies to no item of this cart", coupon.code),
            });
            return out;
        }
        let (discount_type, coupon_amount, line_item_ids) = match coupon.kind {
            CouponKind::FreeShipping => {
                out.shipping_discount = self.shipping.as_ref().map_or(0, |s| s.price);
                (DiscountType::Shipping, out.shipping_discount, Vec::new())
            }
            kind => {
                let d = match kind {
                    CouponKind::Percentage(p) => mul_div_round(
                        eligible_subtotal,
                        u128::from(p),
                        u128::from(CouponKind::PERCENT_DENOMINATOR),
                    )
                    .unwrap_or(0),
                    CouponKind::FixedAmount(v) => v.min(eligible_subtotal),
                    CouponKind::FreeShipping => 0,
                };
                // 4. allocation
                allocate(d, &eligible_lines, line_prices, &mut out.line_discounts);
                let discount_type = if coupon.catalog_item_ids.is_some() {
                    DiscountType::SpecificItems
                } else {
                    DiscountType::Global
                };
                let ids = if with_lines {
                    eligible_lines.iter().map(|&i| self.lines[i].id()).collect()
                } else {
                    Vec::new()
                };
                (discount_type, d, ids)
            }
        };
        out.applied.push(AppliedDiscount {
            discount_type,
            coupon: AppliedCoupon {
                code: &coupon.code,
                amount: Amount::new(coupon_amount, exp),
            },
            line_item_ids,
        });
        out
    }

    /// (when `with_lines`) and the sum of their taxes.
    #[inline(always)]
    fn line_taxes(
        &self,
        line_prices: &[u128],
        discounts: &[u128],
        with_lines: bool,
    ) -> (Vec<PricedLine<'_>>, u128) {
        let amount = |minor: u128| Amount::new(minor, self.currency.exponent());
        let mut tax_sum = 0u128;
        let mut lines = Vec::with_capacity(if with_lines { self.lines.len() } else { 0 });
        for (i, line) in self.lines.iter().enumerate() {
            let taxable = line_prices[i] - discounts[i];
            let (t, before, after) = tax(taxable, line.tax_rate, self.tax_included);
            tax_sum += t;
            if with_lines {
                lines.push(PricedLine {
                    id: line.id(),
                    line_item_price: amount(line_prices[i]),
                    discount: amount(discounts[i]),
                    taxable_amount: amount(taxable),
                    tax: amount(t),
                    total_price_before_tax: amount(before),
                    total_price_after_tax: amount(after),
                });
            }
        }
        (lines, tax_sum)
    }

    /// Step 7: the shipping, its discount and its tax.
    #[inline(always)]
    fn shipping_charge(&self, discount: u128) -> Option<PricedShipping<'_>> {
        let amount = |minor: u128| Amount::new(minor, self.currency.exponent());
        self.shipping.as_ref().map(|s: &Charge| {
            let (t, _, _) = tax(s.price - discount, s.tax_rate, self.tax_included);
            PricedShipping {
                code: &s.code,
                price: amount(s.price),
                discount: amount(discount),
                tax: amount(t),
            }
        })
    }

    /// Step 8: each fee with its own tax; fees are never discounted.
    #[inline(always)]
    fn fees_charges(&self) -> Option<Vec<PricedFee<'_>>> {
        let amount = |minor: u128| Amount::new(minor, self.currency.exponent());
        self.fees.as_ref().map(|fees| {
            fees.iter()
                .map(|f| PricedFee {
                    code: &f.code,
                    price: amount(f.price),
                    tax: amount(tax(f.price, f.tax_rate, self.tax_included).0),
                })
                .collect()
        })
    }
}

/// What the coupon does to a cart (steps 3 and 4).
struct CouponDiscounts<'a> {
    /// Each line's share of `D`, in the order of the lines.
    line_discounts: Vec<u128>,
    shipping_discount: u128,
    applied: Vec<AppliedDiscount<'a>>,
    errors: Vec<CalculationError>,
}

/// Splits `d` minor units over the `eligible` lines in proportion to their
/// prices, by the largest-remainder method (step 4), adding each share to
/// `shares`. Requires `d <= sum of the eligible prices`.
fn allocate(d: u128, eligible: &[usize], prices: &[u128], shares: &mut [u128]) {
    let w: u128 = eligible.iter().map(|&i| prices[i]).sum();
    if d == 0 || w == 0 {
        return;
    }
    // Everyday carts: d × w fits 64 bits (then so does every d × price), w is
    // below 2^47 and the lines number below 2^16. The whole split then runs in
    // 64-bit arithmetic, one instruction a step in WebAssembly too, each
    // remainder and its line packed into one key (the larger remainder first,
    // then the line that comes first). The same method as below, to the unit.
    if let (Ok(d64), Ok(w64)) = (u64::try_from(d), u64::try_from(w)) {
        if d64.checked_mul(w64).is_some() && w64 < 1 << 47 && shares.len() < 1 << 16 {
            let mut keys: Vec<u64> = Vec::with_capacity(eligible.len());
            let mut given = 0u64;
            for &i in eligible {
                // prices[i] <= w, so the product fits and the quotient is at most d
                let p = d64 * prices[i] as u64;
                let q = p / w64;
                shares[i] = u128::from(q);
                given += q;
                keys.push((p % w64) << 16 | (0xFFFF - i as u64));
            }
            let k = usize::try_from(d64 - given)
                .unwrap_or(usize::MAX)
                .min(keys.len());
            give_extra_units(&mut keys, k, shares);
            return;
        }
    }
    allocate_wide(d, w, eligible, prices, shares);
}

/// [`allocate`] in 128-bit arithmetic, for any amounts within the input's limits.
fn allocate_wide(d: u128, w: u128, eligible: &[usize], prices: &[u128], shares: &mut [u128]) {
    let mut keys = Vec::with_capacity(eligible.len());
    let mut given = 0u128;
    for &i in eligible {
        // q <= d because prices[i] <= w, so the quotient always fits.
        let (q, r) = mul_div_rem(d, prices[i], w).unwrap_or((0, 0));
        shares[i] = q;
        given += q;
        // As in `allocate`, the larger remainder first, then the line that
        // comes first: r < w < 2^80 and i < 2^16 within the input's limits
        // (the saturation never happens).
        keys.push(r.min(u128::MAX >> 16) << 16 | (0xFFFF - (i & 0xFFFF)) as u128);
    }
    // k < number of eligible lines, since every remainder is below w.
    let k = usize::try_from(d - given)
        .unwrap_or(usize::MAX)
        .min(keys.len());
    give_extra_units(&mut keys, k, shares);
}

/// One more unit to each of the `k` (at most `keys.len()`) lines of largest
/// rank; a key is a remainder above 16 bits that hold `0xFFFF - line`, in
/// either width the split runs in.
fn give_extra_units<T: Ord + Copy + Into<u128>>(keys: &mut [T], k: usize, shares: &mut [u128]) {
    largest_first(keys, k);
    for &key in &keys[..k] {
        shares[0xFFFF - (key.into() & 0xFFFF) as usize] += 1;
    }
}

/// Puts the `k` largest of `keys` (all different) first, in any order: a
/// quickselect, a fraction of the code of the standard library's; a cart has
/// at most 300 lines, so even its quadratic worst case is cheap.
fn largest_first<T: Ord + Copy>(keys: &mut [T], k: usize) {
    // keys[..lo] are larger than keys[lo..], keys[..hi] larger than keys[hi..]
    let (mut lo, mut hi) = (0, keys.len());
    while lo < k && k < hi {
        let pivot = keys[lo + (hi - lo) / 2];
        let mut larger = lo;
        for i in lo..hi {
            if keys[i] > pivot {
                keys.swap(i, larger);
                larger += 1;
            }
        }
        // the pivot itself right after the larger ones
        if let Some(p) = (larger..hi).find(|&i| keys[i] == pivot) {
            keys.swap(larger, p);
        }
        if larger < k {
            lo = larger + 1;
        } else {
            hi = larger;
        }
    }
}

/// A line's price times its quantity, in minor units (step 1).
pub(crate) fn line_price(l: &Line) -> u128 {
    // Everyday prices (below 2^46 minor units) times a quantity (below
    // 2^17) fit 64 bits: one instruction in WebAssembly, where a 128-bit (or
    // a checked 64-bit) product is a library call.
    if l.price < 1 << 46 && l.quantity < 1 << 17 {
        u128::from((l.price as u64).wrapping_mul(u64::from(l.quantity)))
    } else {
        l.price * u128::from(l.quantity)
    }
}

/// `round(amount * rate)` in the minor units of the conversion currency.
pub(crate) fn convert(minor: u128, exponent: u8, c: Conversion) -> Amount {
    let to = c.currency.exponent();
    // minor * rate * 10^to / (10^exponent * 10^10); with the input limits
    // (amounts below 10^24 minor units, rates at most 10^9) the quotient fits.
    let converted = mul_div_round(
        minor,
        c.rate * pow10(to),
        pow10(exponent) * Conversion::RATE_DENOMINATOR,
    )
    .unwrap_or(u128::MAX);
    Amount::new(converted, to)
}

/// An amount given as text (as [`crate::format::format_text`] takes it) of
/// the currency `code`, in the buyer's currency of `conversion` (as the
/// pricing input gives it), by step 11's rule: what the browser module's
/// `Checkout.convert` answers for a checkout of that input.
pub fn convert_text(amount: &str, code: &str, conversion: &RawConversion) -> crate::Result<String> {
    let currency = input::currency(Some(&Text::Str(code.into())), "currency")?;
    let minor = input::money(Some(&Text::Str(amount.into())), currency, "amount")?;
    Ok(convert(minor, currency.exponent(), input::conversion(conversion)?).to_string())
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    /// An amount converted on its own is what a cart of the same conversion
    /// converts it to; a bad amount, currency or rate is refused.
    #[test]
    fn an_amount_converts_as_its_cart_does() {
        let input = r#"{"currency":"USD","lineItems":[],"conversion":{"currency":"JPY","rate":"151.2345"}}"#;
        let cart = Cart::from_json(input).unwrap();
        let conversion = RawConversion {
            currency: Some(Text::Str("JPY".into())),
            rate: Some(Text::Str("151.2345".into())),
        };
        for amount in ["0", "0.01", "19.99", "1234567.89"] {
            let by_cart = cart.convert(Amount::new(
                input::money(Some(&Text::Str(amount.into())), cart.currency(), "a").unwrap(),
                2,
            ));
            assert_eq!(
                convert_text(amount, "USD", &conversion).ok(),
                by_cart.map(|a| a.to_string()),
                "{amount}"
            );
        }
        assert!(convert_text("1.234", "USD", &conversion).is_err());
        assert!(convert_text("1.00", "XXX", &conversion).is_err());
        let bad_rate = RawConversion {
            rate: Some(Text::Str("-1".into())),
            ..conversion
        };
        assert!(convert_text("1.00", "USD", &bad_rate).is_err());
    }

    /// A cart edited live prices as the same cart read fresh: the lines a
    /// coupon covers follow every change of the coupon and of the lines.
    #[test]
    fn live_edits_price_as_a_fresh_cart() {
        let line = |id: &str, item: &str| {
            format!(
                r#"{{"id":"{id}","price":"10.00","quantity":1,"taxRate":"0.1","catalogItemId":"{item}"}}"#
            )
        };
        let cart = |lines: &[String], coupon: &str| {
            Cart::from_json(&format!(
                r#"{{"currency":"USD","lineItems":[{}]{coupon}}}"#,
                lines.join(",")
            ))
            .unwrap()
        };
        let on_x = r#"{"code":"X","type":"PERCENTAGE","value":"50","catalogItemIds":["x"]}"#;
        let everything = r#"{"code":"ALL","type":"FIXED_AMOUNT","value":"3.00"}"#;
        let (a, b, c) = (line("a", "x"), line("b", "y"), line("c", "x"));
        let mut live = cart(&[a.clone(), b.clone()], "");
        live.add_line_json(&c).unwrap();
        live.apply_coupon_json(on_x).unwrap();
        let fresh = cart(
            &[a.clone(), b.clone(), c.clone()],
            &format!(r#","coupons":[{on_x}]"#),
        );
        assert_eq!(live.price(), fresh.price());
        assert_eq!(
            live.price().price_summary.discount.amount.to_string(),
            "10.00"
        );
        live.remove_coupon();
        assert_eq!(
            live.price(),
            cart(&[a.clone(), b.clone(), c.clone()], "").price()
        );
        live.apply_coupon_json(everything).unwrap();
        live.remove_line("c").unwrap();
        live.add_line_json(&line("d", "z")).unwrap();
        let fresh = cart(
            &[a, b, line("d", "z")],
            &format!(r#","coupons":[{everything}]"#),
        );
        assert_eq!(live.price(), fresh.price());
    }

    proptest! {
        /// The 64-bit split and the 128-bit one give every line the same share.
        #[test]
        fn the_narrow_split_is_the_wide_one(
            prices in proptest::collection::vec(0u128..10_000_000, 1..60),
            d_permille in 0u128..=1000,
            skip in 0usize..4,
        ) {
            let eligible: Vec<usize> = (0..prices.len()).filter(|i| i % 4 != skip).collect();
            let w: u128 = eligible.iter().map(|&i| prices[i]).sum();
            let d = w * d_permille / 1000;
            let mut narrow = vec![0u128; prices.len()];
            allocate(d, &eligible, &prices, &mut narrow);
            let mut wide = vec![0u128; prices.len()];
            if d > 0 && w > 0 {
                allocate_wide(d, w, &eligible, &prices, &mut wide);
            }
            prop_assert_eq!(&narrow, &wide);
            prop_assert_eq!(narrow.iter().sum::<u128>(), if w == 0 { 0 } else { d });
        }

        /// Large weights (w >= 2^47, the 128-bit split): each line gets its
        /// proportional share rounded down, or one unit more, and all of `d`.
        #[test]
        fn large_weights_split_in_proportion(
            prices in proptest::collection::vec(1u128 << 42..1 << 44, 20..60),
            d in 0u128..1 << 16,
        ) {
            let eligible: Vec<usize> = (0..prices.len()).collect();
            let w: u128 = prices.iter().sum();
            prop_assert!(w >= 1 << 47);
            let mut shares = vec![0u128; prices.len()];
            allocate(d, &eligible, &prices, &mut shares);
            for (share, price) in shares.iter().zip(&prices) {
                let floor = d * price / w;
                prop_assert!(*share == floor || *share == floor + 1);
            }
            prop_assert_eq!(shares.iter().sum::<u128>(), d);
        }
    }
}
