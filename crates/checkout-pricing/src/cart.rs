//! The validated pricing input (`docs/pricing.md` section 1), and the live engine
//! built on it: a cart whose lines, quantities and coupon can change one at a
//! time and be re-priced without parsing the rest again.

use crate::amount::Amount;
use crate::currency::Currency;
use crate::error::{Error, ErrorCode, Result};
use crate::input::{self, Count, RawCoupon, RawLine};

/// At most this many line items in a cart.
pub const MAX_LINE_ITEMS: usize = 300;
/// Quantities run from 1 to this.
pub const MAX_QUANTITY: u32 = 100_000;

/// Kinds of catalog item. Pricing does not depend on it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ItemType {
    Physical,
    Digital,
    Service,
    GiftCard,
    Plan,
}

impl ItemType {
    pub fn parse(s: &str) -> Option<ItemType> {
        Some(match s {
            "PHYSICAL" => ItemType::Physical,
            "DIGITAL" => ItemType::Digital,
            "SERVICE" => ItemType::Service,
            "GIFT_CARD" => ItemType::GiftCard,
            "PLAN" => ItemType::Plan,
            _ => return None,
        })
    }

    pub fn as_str(self) -> &'static str {
        match self {
            ItemType::Physical => "PHYSICAL",
            ItemType::Digital => "DIGITAL",
            ItemType::Service => "SERVICE",
            ItemType::GiftCard => "GIFT_CARD",
            ItemType::Plan => "PLAN",
        }
    }
}

/// A tax rate from 0 to 1 in millionths (`0.0825` is 82,500).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Default)]
pub struct TaxRate(pub(crate) u32);

impl TaxRate {
    pub const DENOMINATOR: u32 = 1_000_000;

    pub fn millionths(self) -> u32 {
        self.0
    }
}

/// One line of the cart.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Line {
    /// The id, then the catalog item id when there is one: one allocation a
    /// line (a 300-line cart is read in the browser on every `price()`).
    pub(crate) names: String,
    /// The id's length in `names`.
    pub(crate) id_len: u32,
    pub(crate) has_catalog_item_id: bool,
    pub(crate) item_type: Option<ItemType>,
    /// Unit price in minor units.
    pub(crate) price: u128,
    pub(crate) quantity: u32,
    pub(crate) tax_rate: TaxRate,
    /// Whether the cart's coupon covers this line (its `catalogItemIds`), kept
    /// by [`Cart::cover`] whenever the coupon or the lines change.
    pub(crate) covered: bool,
}

impl Line {
    pub(crate) fn new(
        id: &str,
        catalog_item_id: Option<&str>,
        item_type: Option<ItemType>,
        price: u128,
        quantity: u32,
        tax_rate: TaxRate,
    ) -> Line {
        let catalog = catalog_item_id.unwrap_or_default();
        let mut names = String::with_capacity(id.len() + catalog.len());
        names.push_str(id);
        names.push_str(catalog);
        Line {
            names,
            // ids of 4 GiB do not reach here: inputs are far smaller
            id_len: u32::try_from(id.len()).unwrap_or(u32::MAX),
            has_catalog_item_id: catalog_item_id.is_some(),
            item_type,
            price,
            quantity,
            tax_rate,
            covered: false,
        }
    }

    pub fn id(&self) -> &str {
        self.names.get(..self.id_len as usize).unwrap_or_default()
    }
    pub fn catalog_item_id(&self) -> Option<&str> {
        self.has_catalog_item_id
            .then(|| self.names.get(self.id_len as usize..).unwrap_or_default())
    }
    pub fn item_type(&self) -> Option<ItemType> {
        self.item_type
    }
    pub fn quantity(&self) -> u32 {
        self.quantity
    }
    pub fn tax_rate(&self) -> TaxRate {
        self.tax_rate
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum CouponKind {
    /// Percent off in ten-thousandths of a percent (`12.5` is 125,000; 100 is 1,000,000).
    Percentage(u32),
    /// Minor units off.
    FixedAmount(u128),
    FreeShipping,
}

impl CouponKind {
    pub const PERCENT_DENOMINATOR: u32 = 1_000_000;
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Coupon {
    pub(crate) code: String,
    pub(crate) kind: CouponKind,
    pub(crate) minimum_subtotal: Option<u128>,
    pub(crate) catalog_item_ids: Option<Vec<String>>,
}

impl Coupon {
    pub fn code(&self) -> &str {
        &self.code
    }
    pub fn kind(&self) -> CouponKind {
        self.kind
    }
}

/// A shipping option or an additional fee: a code, a price and its tax rate.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Charge {
    pub(crate) code: String,
    pub(crate) price: u128,
    pub(crate) tax_rate: TaxRate,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct GiftCard {
    pub(crate) code: String,
    pub(crate) balance: u128,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Conversion {
    pub(crate) currency: Currency,
    /// Rate in units of 10^-10.
    pub(crate) rate: u128,
}

impl Conversion {
    pub const RATE_DENOMINATOR: u128 = 10_000_000_000;
}

/// A valid pricing input. Built by [`Cart::from_json`] or [`Cart::from_raw`],
/// which check every rule of `docs/pricing.md`; changed by the methods below,
/// which keep them.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Cart {
    pub(crate) currency: Currency,
    pub(crate) tax_included: bool,
    pub(crate) lines: Vec<Line>,
    pub(crate) coupon: Option<Coupon>,
    pub(crate) shipping: Option<Charge>,
    pub(crate) fees: Option<Vec<Charge>>,
    pub(crate) gift_card: Option<GiftCard>,
    pub(crate) conversion: Option<Conversion>,
}

impl Cart {
    /// The presentment currency, when the cart converts its amounts.
    pub fn conversion_currency(&self) -> Option<Currency> {
        self.conversion.map(|c| c.currency)
    }

    /// An amount of the cart's currency in the presentment currency, by
    /// pricing step 11's rule (`round(amount * rate)`, each on its own);
    /// `None` when the cart does not convert.
    pub fn convert(&self, amount: Amount) -> Option<Amount> {
        self.conversion
            .map(|c| crate::pricing::convert(amount.minor(), amount.exponent(), c))
    }
}

impl Coupon {
    /// Whether this coupon covers a line of this catalog item.
    fn covers(&self, catalog_item_id: Option<&str>) -> bool {
        match &self.catalog_item_ids {
            None => true,
            Some(ids) => catalog_item_id.is_some_and(|c| ids.iter().any(|id| same(id, c))),
        }
    }
}

/// String equality that looks at the length and the last byte first: ids and
/// codes of one cart often share long prefixes (`line-149`, `line-150`), and a
/// full comparison is a library call in WebAssembly.
pub(crate) fn same(a: &str, b: &str) -> bool {
    a.len() == b.len() && a.as_bytes().last() == b.as_bytes().last() && a == b
}

impl Cart {
    /// Parses and validates a JSON pricing input.
    pub fn from_json(json: &str) -> Result<Cart> {
        input::validate(crate::json::input(json)?)
    }

    /// Validates a pricing input built in code (the worker's checkout view).
    pub fn from_raw(raw: input::RawInput) -> Result<Cart> {
        input::validate(raw)
    }

    pub fn currency(&self) -> Currency {
        self.currency
    }
    pub fn tax_included_in_price(&self) -> bool {
        self.tax_included
    }
    pub fn lines(&self) -> &[Line] {
        &self.lines
    }
    pub fn coupon(&self) -> Option<&Coupon> {
        self.coupon.as_ref()
    }

    /// The unit price of a line as an [`Amount`] of the cart's currency.
    pub fn unit_price(&self, line: &Line) -> Amount {
        Amount::new(line.price, self.currency.exponent())
    }

    fn position(&self, id: &str) -> Result<usize> {
        self.lines
            .iter()
            .position(|l| same(l.id(), id))
            .ok_or_else(|| {
                Error::new(
                    ErrorCode::LineItemNotFound,
                    "lineItemId",
                    format!("no line item with id \"{id}\""),
                )
            })
    }

    /// One line's `lineItemPrice` (its unit price times its quantity),
    /// without pricing the rest: what a page showing a quantity change needs
    /// beside the summary.
    pub fn line_item_price(&self, id: &str) -> Result<Amount> {
        let at = self.position(id)?;
        Ok(Amount::new(
            crate::pricing::line_price(&self.lines[at]),
            self.currency.exponent(),
        ))
    }

    /// Sets one line's quantity (a whole number from 1 to 100,000).
    pub fn set_quantity(&mut self, id: &str, quantity: impl Into<Count>) -> Result<()> {
        let at = self.position(id)?;
        self.lines[at].quantity =
            input::quantity(quantity.into(), || format!("lineItems[{at}].quantity"))?;
        Ok(())
    }

    /// Appends a line, checked by the same rules as the input's lines.
    pub fn add_line(&mut self, raw: RawLine) -> Result<()> {
        let at = self.lines.len();
        if at >= MAX_LINE_ITEMS {
            return Err(Error::new(
                ErrorCode::TooManyLineItems,
                "lineItems",
                format!("a cart holds at most {MAX_LINE_ITEMS} line items"),
            ));
        }
        let line = input::line(&raw, self.currency, at)?;
        if self.lines.iter().any(|l| l.id() == line.id()) {
            return Err(input::duplicate_id(at));
        }
        self.lines.push(line);
        self.cover();
        Ok(())
    }

    /// Parses a line from JSON and appends it.
    pub fn add_line_json(&mut self, json: &str) -> Result<()> {
        self.add_line(crate::json::line(json)?)
    }

    /// Removes a line, keeping the order of the others.
    pub fn remove_line(&mut self, id: &str) -> Result<()> {
        let at = self.position(id)?;
        self.lines.remove(at);
        Ok(())
    }

    /// Applies a coupon, replacing the one applied before (a cart has at most one).
    pub fn apply_coupon(&mut self, raw: RawCoupon) -> Result<()> {
        self.coupon = Some(input::coupon(raw, self.currency, "coupons[0]")?);
        self.cover();
        Ok(())
    }

    /// Parses a coupon from JSON and applies it.
    pub fn apply_coupon_json(&mut self, json: &str) -> Result<()> {
        self.apply_coupon(crate::json::coupon(json)?)
    }

    pub fn remove_coupon(&mut self) {
        self.coupon = None;
        self.cover();
    }

    /// Marks which lines the coupon covers: once per change of the coupon or
    /// the lines, not on every pricing.
    pub(crate) fn cover(&mut self) {
        for line in &mut self.lines {
            line.covered = self
                .coupon
                .as_ref()
                .is_some_and(|c| c.covers(line.catalog_item_id()));
        }
    }
}
