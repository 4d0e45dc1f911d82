//! A tenant's store configuration (`docs/api.md`, Store configuration): the catalog,
//! tax regions, shipping options, coupons and gift cards from which the worker
//! builds every pricing input. Validated here, with the pricing input's rules,
//! so that a stored configuration always prices. The store with its counters,
//! as the checkout routes use it, is in `live`.

use crate::error::{Error, PricingCode, Result};
use crate::time::Timestamp;
use crate::web::is_origin;
use checkout_pricing::amount::parse_decimal;
use checkout_pricing::cart::ItemType;
use checkout_pricing::currency::Currency;
use checkout_pricing::input::{self, RawCoupon, Text};
use serde::{Deserialize, Serialize};
use std::collections::{BTreeMap, HashSet};

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct StoreConfig {
    pub currency: String,
    #[serde(default)]
    pub tax_included_in_price: bool,
    /// Base URL of the store's checkout page; the checkout id is appended as `?checkoutId=`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub checkout_url: Option<String>,
    #[serde(default)]
    pub catalog: Vec<CatalogItem>,
    #[serde(default)]
    pub tax_regions: Vec<TaxRegion>,
    #[serde(default)]
    pub shipping_options: Vec<ShippingOption>,
    #[serde(default)]
    pub coupons: Vec<StoreCoupon>,
    #[serde(default)]
    pub gift_cards: Vec<StoreGiftCard>,
    /// Fees every checkout pays (a handling fee, say), in the pricing input's
    /// `additionalFees`; at most [`MAX_FEES`].
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub additional_fees: Vec<StoreFee>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub webhooks: Option<Webhooks>,
    /// The storefront origins (`scheme://host[:port]`) whose pages may call
    /// the publishable-key routes (CORS); the worker's own origin always may.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub allowed_origins: Vec<String>,
    /// Days a checkout is kept after its last change (1 to 365; 30 when
    /// absent); then it is gone, with the buyer's data it holds.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub checkout_retention_days: Option<u32>,
    /// Minutes an order with money due holds what it took (stock, coupon
    /// use, gift card amount) awaiting payment (1 to 1440; 30 when absent);
    /// then it is canceled and all of it given back.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub payment_timeout_minutes: Option<u32>,
    /// The live unpaid orders one client (a storefront page's address, an
    /// IPv6 one by its /64) may hold in the store (1 to 100; 3 when absent),
    /// so that no one keeps stock from buyers by ordering without paying.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub unpaid_orders_per_client: Option<u32>,
    /// When an order takes stock and coupon uses: at create-order (`ORDER`,
    /// when absent) or when it is paid (`PAYMENT`: create-order checks them
    /// and takes nothing, so an unpaid order holds nothing a buyer could
    /// pay for; a payment that finds them gone never oversells).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub stock_reservation: Option<StockReservation>,
    /// The currencies a buyer may see prices in besides the store's, each
    /// with its rate (`conversion.rate` of the pricing input); at most 20.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub presentment_currencies: Vec<Presentment>,
    /// The store's language (a BCP 47 tag, `en` when absent): Wix's
    /// `siteLanguage`, and the buyer's until the buyer names one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub site_language: Option<String>,
    /// The unit of the catalog's weights: `KG` (when absent) or `LB`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub weight_unit: Option<String>,
}

/// When an order takes stock and coupon uses (gift card amounts are taken
/// at create-order in both).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum StockReservation {
    Order,
    Payment,
}

/// A currency prices are presented in, and how the store's converts to it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Presentment {
    pub currency: String,
    /// One unit of the store's currency in this one, a decimal string.
    pub rate: String,
}

/// Most presentment currencies a store lists.
pub const MAX_PRESENTMENT_CURRENCIES: usize = 20;

/// Days a checkout is kept after its last change when the store does not say.
pub const DEFAULT_CHECKOUT_RETENTION_DAYS: u32 = 30;
/// Minutes an order awaits payment when the store does not say.
pub const DEFAULT_PAYMENT_TIMEOUT_MINUTES: u32 = 30;
/// The live unpaid orders one client may hold in a store unless it says.
pub const DEFAULT_UNPAID_ORDERS_PER_CLIENT: u32 = 3;

/// Most storefront origins a store lists.
pub const MAX_ALLOWED_ORIGINS: usize = 20;

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct CatalogItem {
    pub id: String,
    pub name: String,
    /// Unit price, a decimal string in the store's currency.
    pub price: String,
    #[serde(default = "physical")]
    pub item_type: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub tax_group_id: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub weight: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub sku: Option<String>,
    /// Units in stock; absent means unlimited.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub stock: Option<u64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub image: Option<String>,
    /// What an item of type `PLAN` sells.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub plan: Option<crate::plans::PlanTerms>,
}

fn physical() -> String {
    "PHYSICAL".into()
}

/// A fee of the store's: a fixed price in the store's currency, taxed at
/// the buyer's region's rate for its `taxGroupId` (untaxed without one).
/// Fees are never discounted (`pricing.md`, step 8).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct StoreFee {
    pub code: String,
    pub name: String,
    pub price: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub tax_group_id: Option<String>,
}

/// Most fees a store names.
pub const MAX_FEES: usize = 20;

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct TaxRegion {
    /// ISO 3166-1 alpha-2 country, or `*` for the default region.
    pub country: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub subdivision: Option<String>,
    /// Tax rate by tax group id; `*` is the rate of items without a listed group.
    #[serde(default)]
    pub rates: BTreeMap<String, String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub shipping_rate: Option<String>,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ShippingOption {
    pub code: String,
    pub title: String,
    pub price: String,
    /// Countries served; absent means everywhere.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub countries: Option<Vec<String>>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub free_above_subtotal: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub delivery_time: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub pickup: Option<serde_json::Value>,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct StoreCoupon {
    pub code: String,
    #[serde(rename = "type")]
    pub kind: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub value: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub minimum_subtotal: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub catalog_item_ids: Option<Vec<String>>,
    /// RFC 3339 time after which the coupon no longer applies.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub expires_at: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub usage_limit: Option<u64>,
    /// How often the coupon was used (read only: shown by GET, ignored by PUT).
    #[serde(default, skip_deserializing, skip_serializing_if = "Option::is_none")]
    pub uses: Option<u64>,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct StoreGiftCard {
    pub code: String,
    pub balance: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub expires_at: Option<String>,
}

/// The store's webhook endpoint.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Webhooks {
    pub url: String,
    /// The event types it takes (`wix.ecom.v1.order_approved`, see
    /// `webhooks::event_type`); every type when absent.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub events: Option<Vec<String>>,
    /// `true` enables an endpoint a receiver's `410` disabled (what waited
    /// is sent, in order), `false` disables it: an action on its live state,
    /// not kept with the configuration.
    #[serde(default, skip_serializing)]
    pub enabled: Option<bool>,
}

/// Most event types an endpoint lists.
pub const MAX_WEBHOOK_EVENT_TYPES: usize = 50;

impl Webhooks {
    /// Whether the endpoint takes events of `event_type`.
    pub fn takes(&self, event_type: &str) -> bool {
        self.events
            .as_ref()
            .is_none_or(|types| types.iter().any(|t| t == event_type))
    }

    fn validate(&self) -> Result<()> {
        let Some(types) = &self.events else {
            return Ok(());
        };
        let well_formed = |t: &String| {
            t.len() <= 100
                && t.starts_with("wix.")
                && t.contains('_')
                && t.bytes()
                    .all(|b| b.is_ascii_alphanumeric() || b"._".contains(&b))
        };
        if types.is_empty()
            || types.len() > MAX_WEBHOOK_EVENT_TYPES
            || !types.iter().all(well_formed)
        {
            return Err(Error::invalid(
                "webhooks.events",
                format!("1 to {MAX_WEBHOOK_EVENT_TYPES} event types, each an entity and what happened to it (\"wix.ecom.v1.order_approved\"); leave it out for every type"),
            ));
        }
        Ok(())
    }
}

impl StoreConfig {
    /// Parses and validates a configuration from JSON.
    pub fn from_json(json: &str) -> Result<StoreConfig> {
        let config: StoreConfig =
            input::deserialize(&mut serde_json::Deserializer::from_str(json))?;
        config.validate()?;
        Ok(config)
    }

    /// Checks every amount, rate and reference with the pricing input's rules.
    pub fn validate(&self) -> Result<()> {
        let currency = Currency::from_code(&self.currency).ok_or_else(|| {
            Error::new(
                PricingCode::UnsupportedCurrency,
                "currency",
                "an upper-case ISO 4217 code of a supported currency",
            )
        })?;
        self.validate_catalog(currency)?;
        self.validate_tax_regions()?;
        self.validate_shipping_options(currency)?;
        self.validate_coupons(currency)?;
        self.validate_gift_cards(currency)?;
        self.validate_fees(currency)?;
        self.validate_allowed_origins()?;
        self.validate_presentment_currencies()?;
        if let Some(hooks) = &self.webhooks {
            hooks.validate()?;
        }
        if self
            .site_language
            .as_deref()
            .is_some_and(|l| !is_language_tag(l))
        {
            return Err(Error::invalid("siteLanguage", LANGUAGE_TAG));
        }
        if self
            .weight_unit
            .as_deref()
            .is_some_and(|u| !matches!(u, "KG" | "LB"))
        {
            return Err(Error::invalid("weightUnit", "KG or LB"));
        }
        within(
            self.checkout_retention_days,
            365,
            "checkoutRetentionDays",
            "days",
        )?;
        within(
            self.payment_timeout_minutes,
            1440,
            "paymentTimeoutMinutes",
            "minutes",
        )?;
        within(
            self.unpaid_orders_per_client,
            100,
            "unpaidOrdersPerClient",
            "orders",
        )
    }

    /// Each presentment currency is supported, listed once, not the store's,
    /// with a rate the pricing input accepts.
    fn validate_presentment_currencies(&self) -> Result<()> {
        if self.presentment_currencies.len() > MAX_PRESENTMENT_CURRENCIES {
            return Err(Error::invalid(
                "presentmentCurrencies",
                format!("at most {MAX_PRESENTMENT_CURRENCIES} currencies"),
            ));
        }
        let mut seen = HashSet::new();
        for (i, p) in self.presentment_currencies.iter().enumerate() {
            let path = format!("presentmentCurrencies[{i}]");
            if Currency::from_code(&p.currency).is_none() || p.currency == self.currency {
                return Err(Error::invalid(
                    format!("{path}.currency"),
                    "a supported ISO 4217 code other than the store's currency",
                ));
            }
            unique(&mut seen, &p.currency, format!("{path}.currency"))?;
            input::rate(
                Some(&Text::Str(p.rate.as_str().into())),
                &format!("{path}.rate"),
            )?;
        }
        Ok(())
    }

    /// The presentment currency `code`, if the store lists it.
    pub fn presentment(&self, code: &str) -> Option<&Presentment> {
        self.presentment_currencies
            .iter()
            .find(|p| p.currency == code)
    }

    /// The store's language (Wix's `siteLanguage`).
    pub fn site_language(&self) -> &str {
        self.site_language.as_deref().unwrap_or("en")
    }

    /// The unit of the catalog's weights (Wix's `weightUnit`).
    pub fn weight_unit(&self) -> &'static str {
        match self.weight_unit.as_deref() {
            Some("LB") => "LB",
            _ => "KG",
        }
    }

    /// When an order created at `now` with money due is canceled unpaid.
    pub fn payment_deadline(&self, now: Timestamp) -> Timestamp {
        let minutes = self
            .payment_timeout_minutes
            .unwrap_or(DEFAULT_PAYMENT_TIMEOUT_MINUTES);
        now.plus_millis(i64::from(minutes) * 60_000)
    }

    /// The live unpaid orders one client may hold.
    pub fn unpaid_orders_per_client(&self) -> u32 {
        self.unpaid_orders_per_client
            .unwrap_or(DEFAULT_UNPAID_ORDERS_PER_CLIENT)
    }

    /// Whether an order takes stock and coupon uses only when it is paid.
    pub fn takes_on_payment(&self) -> bool {
        self.stock_reservation == Some(StockReservation::Payment)
    }

    /// Whether a client holding `unpaid` live unpaid orders (the earliest
    /// due at `earliest`) may place one more at `now`: else the seconds until
    /// its earliest deadline, when one frees its place.
    pub fn client_may_order(
        &self,
        unpaid: u32,
        earliest: Option<Timestamp>,
        now: Timestamp,
    ) -> std::result::Result<(), u64> {
        if unpaid < self.unpaid_orders_per_client() {
            return Ok(());
        }
        let wait_ms = earliest.map_or(0, |t| t.millis() - now.millis());
        Err(u64::try_from(wait_ms).unwrap_or(0).div_ceil(1000).max(1))
    }

    /// The instant before which a checkout's last change makes it expired at `now`.
    pub fn checkout_cutoff(&self, now: Timestamp) -> Timestamp {
        let days = self
            .checkout_retention_days
            .unwrap_or(DEFAULT_CHECKOUT_RETENTION_DAYS);
        now.minus_days(i64::from(days))
    }

    fn validate_allowed_origins(&self) -> Result<()> {
        if self.allowed_origins.len() > MAX_ALLOWED_ORIGINS {
            return Err(Error::invalid(
                "allowedOrigins",
                format!("at most {MAX_ALLOWED_ORIGINS} origins"),
            ));
        }
        let mut seen = HashSet::new();
        for (i, origin) in self.allowed_origins.iter().enumerate() {
            let path = format!("allowedOrigins[{i}]");
            if !is_origin(origin) {
                return Err(Error::invalid(
                    path,
                    "an origin, scheme://host[:port] with no path, as https://shop.example",
                ));
            }
            unique(&mut seen, origin, path)?;
        }
        Ok(())
    }

    /// Whether a page of `origin` may call this store's publishable-key routes.
    pub fn allows_origin(&self, origin: &str) -> bool {
        self.allowed_origins.iter().any(|o| o == origin)
    }

    fn validate_catalog(&self, currency: Currency) -> Result<()> {
        let mut ids = HashSet::new();
        for (i, item) in self.catalog.iter().enumerate() {
            let path = format!("catalog[{i}]");
            unique(&mut ids, &item.id, format!("{path}.id"))?;
            money(&item.price, currency, &format!("{path}.price"))?;
            if ItemType::parse(&item.item_type).is_none() {
                return Err(Error::invalid(
                    format!("{path}.itemType"),
                    "itemType is one of PHYSICAL, DIGITAL, SERVICE, GIFT_CARD, PLAN",
                ));
            }
            match (&item.plan, item.item_type == "PLAN") {
                (Some(terms), true) => terms
                    .check()
                    .map_err(|why| Error::invalid(format!("{path}.plan"), why))?,
                (None, true) => return Err(Error::invalid(
                    format!("{path}.plan"),
                    "an item of type PLAN carries its plan: {duration?, recurring, freeTrialDays?}",
                )),
                (Some(_), false) => {
                    return Err(Error::invalid(
                        format!("{path}.plan"),
                        "only an item of type PLAN carries a plan",
                    ))
                }
                (None, false) => {}
            }
            if let Some(w) = &item.weight {
                parse_decimal(w, 6)
                    .map_err(|_| Error::invalid(format!("{path}.weight"), "a decimal string"))?;
            }
        }
        Ok(())
    }

    fn validate_tax_regions(&self) -> Result<()> {
        for (i, region) in self.tax_regions.iter().enumerate() {
            let path = format!("taxRegions[{i}]");
            for (group, r) in &region.rates {
                rate(r, &format!("{path}.rates.{group}"))?;
            }
            if let Some(r) = &region.shipping_rate {
                rate(r, &format!("{path}.shippingRate"))?;
            }
        }
        Ok(())
    }

    fn validate_shipping_options(&self, currency: Currency) -> Result<()> {
        let mut codes = HashSet::new();
        for (i, option) in self.shipping_options.iter().enumerate() {
            let path = format!("shippingOptions[{i}]");
            unique(&mut codes, &option.code, format!("{path}.code"))?;
            money(&option.price, currency, &format!("{path}.price"))?;
            if let Some(m) = &option.free_above_subtotal {
                money(m, currency, &format!("{path}.freeAboveSubtotal"))?;
            }
        }
        Ok(())
    }

    fn validate_fees(&self, currency: Currency) -> Result<()> {
        if self.additional_fees.len() > MAX_FEES {
            return Err(Error::invalid("additionalFees", "at most 20 fees"));
        }
        let mut codes = HashSet::new();
        for (i, fee) in self.additional_fees.iter().enumerate() {
            let path = format!("additionalFees[{i}]");
            unique(&mut codes, &fee.code, format!("{path}.code"))?;
            if fee.name.trim().is_empty() || fee.name.len() > 100 {
                return Err(Error::invalid(
                    format!("{path}.name"),
                    "1 to 100 characters",
                ));
            }
            money(&fee.price, currency, &format!("{path}.price"))?;
        }
        Ok(())
    }

    fn validate_coupons(&self, currency: Currency) -> Result<()> {
        let mut codes = HashSet::new();
        for (i, c) in self.coupons.iter().enumerate() {
            let path = format!("coupons[{i}]");
            unique(&mut codes, &c.code, format!("{path}.code"))?;
            input::coupon(c.to_raw(), currency, &path)?;
            expiry(c.expires_at.as_deref(), &format!("{path}.expiresAt"))?;
        }
        Ok(())
    }

    fn validate_gift_cards(&self, currency: Currency) -> Result<()> {
        let mut codes = HashSet::new();
        for (i, g) in self.gift_cards.iter().enumerate() {
            let path = format!("giftCards[{i}]");
            unique(&mut codes, &g.code, format!("{path}.code"))?;
            money(&g.balance, currency, &format!("{path}.balance"))?;
            expiry(g.expires_at.as_deref(), &format!("{path}.expiresAt"))?;
        }
        Ok(())
    }

    pub fn catalog_item(&self, id: &str) -> Option<&CatalogItem> {
        self.catalog.iter().find(|c| c.id == id)
    }
}

/// What a language tag looks like, for a refusal.
pub const LANGUAGE_TAG: &str = "a BCP 47 language tag, as en, de-AT or zh-Hant";

/// Whether `tag` is a BCP 47 language tag as far as this engine reads one: a
/// language of 2 or 3 letters, then subtags of 1 to 8 letters or digits, at
/// most 35 characters.
pub fn is_language_tag(tag: &str) -> bool {
    let mut parts = tag.split('-');
    let language = parts.next().unwrap_or("");
    tag.len() <= 35
        && (2..=3).contains(&language.len())
        && language.bytes().all(|b| b.is_ascii_alphabetic())
        && parts.all(|p| (1..=8).contains(&p.len()) && p.bytes().all(|b| b.is_ascii_alphanumeric()))
}

/// A setting of 1 to `max` (`unit`s), when it is set.
fn within(value: Option<u32>, max: u32, field: &str, unit: &str) -> Result<()> {
    if value.is_some_and(|v| !(1..=max).contains(&v)) {
        return Err(Error::invalid(
            field,
            format!("a whole number of {unit} from 1 to {max}"),
        ));
    }
    Ok(())
}

/// An amount of the store's currency, by the pricing input's rule for money.
fn money(value: &str, currency: Currency, path: &str) -> Result<u128> {
    Ok(input::money(
        Some(&Text::Str(value.into())),
        currency,
        path,
    )?)
}

/// A tax rate, by the pricing input's rule for rates.
fn rate(value: &str, path: &str) -> Result<()> {
    input::tax_rate(Some(&Text::Str(value.into())), path)?;
    Ok(())
}

/// An id or code that is not empty and not listed before.
fn unique(seen: &mut HashSet<String>, id: &str, path: String) -> Result<()> {
    if id.is_empty() {
        return Err(Error::invalid(path, "required and not empty"));
    }
    if !seen.insert(id.to_owned()) {
        return Err(Error::invalid(path, format!("{id:?} is listed twice")));
    }
    Ok(())
}

fn expiry(value: Option<&str>, path: &str) -> Result<Option<Timestamp>> {
    value
        .map(|v| {
            Timestamp::parse(v).ok_or_else(|| {
                Error::invalid(path, "an RFC 3339 date-time, as 2026-12-31T23:59:59Z")
            })
        })
        .transpose()
}

impl StoreCoupon {
    /// The coupon as a pricing input's coupon.
    pub fn to_raw(&self) -> RawCoupon<'static> {
        RawCoupon {
            code: Some(Text::from(self.code.clone())),
            kind: Some(Text::from(self.kind.clone())),
            value: self.value.clone().map(Text::from),
            minimum_subtotal: self.minimum_subtotal.clone().map(Text::from),
            catalog_item_ids: self.catalog_item_ids.clone(),
        }
    }
}

mod live;
pub use live::{Counters, Store, ORDER_NUMBERS_AFTER};

#[cfg(test)]
mod tests;
