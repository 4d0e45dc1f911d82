//! A tenant's store configuration (`api.md`, Store configuration): the catalog,
//! tax regions, shipping options, coupons and gift cards from which the worker
//! builds every pricing input. Validated here, with the pricing input's rules,
//! so that a stored configuration always prices.

use crate::amount::parse_decimal;
use crate::cart::ItemType;
use crate::currency::Currency;
use crate::error::{Error, ErrorCode, Result};
use crate::input::{self, RawCoupon, Text};
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
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub webhooks: Option<Webhooks>,
}

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
}

fn physical() -> String {
    "PHYSICAL".into()
}

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
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct StoreGiftCard {
    pub code: String,
    pub balance: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub expires_at: Option<String>,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Webhooks {
    pub url: String,
}

impl StoreConfig {
    /// Parses and validates a configuration from JSON.
    pub fn from_json(json: &str) -> Result<StoreConfig> {
        let config: StoreConfig = input::deserialize(&mut serde_json::Deserializer::from_str(json))?;
        config.validate()?;
        Ok(config)
    }

    /// Checks every amount, rate and reference with the pricing input's rules.
    pub fn validate(&self) -> Result<()> {
        let currency = Currency::from_code(&self.currency).ok_or_else(|| {
            Error::new(ErrorCode::UnsupportedCurrency, "currency", "an upper-case ISO 4217 code of a supported currency")
        })?;
        let money = |value: &str, path: &str| input::money(Some(&Text::Str(value.to_owned())), currency, path);
        let rate = |value: &str, path: &str| input::tax_rate(Some(&Text::Str(value.to_owned())), path);
        let unique = |ids: &mut HashSet<String>, id: &str, path: String| -> Result<()> {
            if id.is_empty() {
                return Err(Error::new(ErrorCode::InvalidInput, path, "required and not empty"));
            }
            if !ids.insert(id.to_owned()) {
                return Err(Error::new(ErrorCode::InvalidInput, path, format!("{id:?} is listed twice")));
            }
            Ok(())
        };

        let mut ids = HashSet::new();
        for (i, item) in self.catalog.iter().enumerate() {
            let path = format!("catalog[{i}]");
            unique(&mut ids, &item.id, format!("{path}.id"))?;
            money(&item.price, &format!("{path}.price"))?;
            if ItemType::parse(&item.item_type).is_none() {
                return Err(Error::new(
                    ErrorCode::InvalidInput,
                    format!("{path}.itemType"),
                    "itemType is one of PHYSICAL, DIGITAL, SERVICE, GIFT_CARD, PLAN",
                ));
            }
            if let Some(w) = &item.weight {
                parse_decimal(w, 6).map_err(|_| {
                    Error::new(ErrorCode::InvalidInput, format!("{path}.weight"), "a decimal string")
                })?;
            }
        }
        for (i, region) in self.tax_regions.iter().enumerate() {
            let path = format!("taxRegions[{i}]");
            for (group, r) in &region.rates {
                rate(r, &format!("{path}.rates.{group}"))?;
            }
            if let Some(r) = &region.shipping_rate {
                rate(r, &format!("{path}.shippingRate"))?;
            }
        }
        let mut codes = HashSet::new();
        for (i, option) in self.shipping_options.iter().enumerate() {
            let path = format!("shippingOptions[{i}]");
            unique(&mut codes, &option.code, format!("{path}.code"))?;
            money(&option.price, &format!("{path}.price"))?;
            if let Some(m) = &option.free_above_subtotal {
                money(m, &format!("{path}.freeAboveSubtotal"))?;
            }
        }
        let mut codes = HashSet::new();
        for (i, c) in self.coupons.iter().enumerate() {
            let path = format!("coupons[{i}]");
            unique(&mut codes, &c.code, format!("{path}.code"))?;
            input::coupon(c.to_raw(), currency, &path)?;
        }
        let mut codes = HashSet::new();
        for (i, g) in self.gift_cards.iter().enumerate() {
            let path = format!("giftCards[{i}]");
            unique(&mut codes, &g.code, format!("{path}.code"))?;
            money(&g.balance, &format!("{path}.balance"))?;
        }
        Ok(())
    }

    pub fn catalog_item(&self, id: &str) -> Option<&CatalogItem> {
        self.catalog.iter().find(|c| c.id == id)
    }
}

impl StoreCoupon {
    /// The coupon as a pricing input's coupon.
    pub fn to_raw(&self) -> RawCoupon {
        RawCoupon {
            code: Some(Text::Str(self.code.clone())),
            kind: Some(Text::Str(self.kind.clone())),
            value: self.value.clone().map(Text::Str),
            minimum_subtotal: self.minimum_subtotal.clone().map(Text::Str),
            catalog_item_ids: self.catalog_item_ids.clone(),
        }
    }
}
