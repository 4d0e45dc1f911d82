//! Checkouts (`docs/api.md`, Checkouts): what a checkout holds between
//! requests ([`CheckoutRecord`], here), the requests that change it
//! ([`requests`]), the changes themselves (`changes`: each a function of the
//! record, the store and the request, checked whole before anything changes;
//! `fields` applies a request's fields), the checkout priced against its
//! store ([`quote`]), the Wix checkout object of it ([`view`]) and the order
//! created from it ([`order`]).
//!
//! Prices are never stored: every view is priced again from the store
//! configuration with the pricing function, so that a price, tax rate or
//! coupon change in the store shows in every open checkout.

mod changes;
mod fields;
mod held;
pub mod order;
pub mod payment;
pub mod placement;
pub mod quote;
mod requests;
pub mod view;

pub use fields::CHANNELS;
pub use requests::*;

use crate::error::{Error, ErrorCode, Result};
use crate::time::Timestamp;
use checkout_pricing::input::AsPath;
use serde::{Deserialize, Serialize};

/// Longest buyer note, in characters.
pub const MAX_BUYER_NOTE: usize = 1000;
/// Longest JSON text of a line's `catalogReference.options`, in bytes.
pub const MAX_OPTIONS_BYTES: usize = 256;
/// Most custom fields a checkout holds, the longest title (in characters) and
/// the longest JSON text of a value (in bytes).
pub const MAX_CUSTOM_FIELDS: usize = 20;
pub const MAX_CUSTOM_FIELD_TITLE: usize = 200;
pub const MAX_CUSTOM_FIELD_VALUE_BYTES: usize = 500;
/// Ceiling of a stored checkout record's JSON text, in bytes. The field limits
/// keep every checkout well below it (`RELIABILITY.md`, Abuse); it is the
/// backstop if one is ever missed.
pub const MAX_RECORD_BYTES: usize = 256 * 1024;

/// What is stored of a checkout. Everything else in the Wix checkout object
/// is computed from it and the store by [`view::CheckoutView`].
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct CheckoutRecord {
    pub id: String,
    pub created_date: Timestamp,
    pub updated_date: Timestamp,
    pub channel_type: String,
    pub purchase_flow_id: String,
    pub line_items: Vec<StoredLine>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub billing_info: Option<AddressWithContact>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub shipping_destination: Option<AddressWithContact>,
    /// Code of the selected shipping option.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub selected_shipping_option: Option<String>,
    #[serde(default)]
    pub buyer_info: BuyerInfo,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub buyer_note: Option<String>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub custom_fields: Vec<CustomField>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub coupon_code: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub gift_card_code: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub override_checkout_url: Option<String>,
    #[serde(default)]
    pub completed: bool,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub order_id: Option<String>,
    /// Its order's number and payment gateway id, with `order_id`: a page
    /// that opens the checkout again shows its confirmation.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub order_number: Option<u64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub payment_gateway_order_id: Option<String>,
    #[serde(default)]
    pub created_by: CreatedBy,
    /// Set when the checkout is created, never after.
    #[serde(default)]
    pub custom_settings: CustomSettings,
    /// The cart it was created from (a GUID), which finds it again.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub cart_id: Option<String>,
    /// The buyer's language (a BCP 47 tag); the store's when not given.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub buyer_language: Option<String>,
    /// The presentment currency the buyer chose (one the store lists).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub conversion_currency: Option<String>,
}

impl CheckoutRecord {
    /// A checkout with nothing in it yet.
    pub fn empty(
        id: String,
        purchase_flow_id: String,
        channel_type: String,
        now: Timestamp,
    ) -> Self {
        CheckoutRecord {
            id,
            created_date: now,
            updated_date: now,
            channel_type,
            purchase_flow_id,
            line_items: Vec::new(),
            billing_info: None,
            shipping_destination: None,
            selected_shipping_option: None,
            buyer_info: BuyerInfo::default(),
            buyer_note: None,
            custom_fields: Vec::new(),
            coupon_code: None,
            gift_card_code: None,
            override_checkout_url: None,
            completed: false,
            order_id: None,
            order_number: None,
            payment_gateway_order_id: None,
            created_by: CreatedBy::default(),
            custom_settings: CustomSettings::default(),
            cart_id: None,
            buyer_language: None,
            conversion_currency: None,
        }
    }
}

/// Who created a checkout (Wix's `createdBy`): the member or visitor it was
/// made for, else the app (the tenant) when the merchant's backend made it;
/// none for a page's anonymous shopper.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct CreatedBy {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub member_id: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub visitor_id: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub app_id: Option<String>,
}

/// Wix's `customSettings`, set when a checkout is created. The locks keep
/// the checkout page (the publishable key) from adding or removing a coupon
/// or a gift card; the merchant's backend still may. With manual payment
/// disabled, its order cannot be marked paid offline.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct CustomSettings {
    #[serde(default)]
    pub lock_gift_card: bool,
    #[serde(default)]
    pub lock_coupon_code: bool,
    #[serde(default)]
    pub disabled_policy_agreement_checkbox: bool,
    #[serde(default)]
    pub disabled_manual_payment: bool,
}

/// A line of a checkout: a catalog item (priced from the catalog) or a
/// custom item (priced by the secret-key caller who added it).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct StoredLine {
    pub id: String,
    pub quantity: u32,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub catalog_reference: Option<CatalogReference>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub custom: Option<CustomItem>,
}

impl StoredLine {
    pub fn catalog_item_id(&self) -> Option<&str> {
        self.catalog_reference
            .as_ref()
            .map(|c| c.catalog_item_id.as_str())
    }
}

/// The item data of a custom line, checked when it was added.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct CustomItem {
    pub name: String,
    /// Unit price, a decimal string valid in the store's currency.
    pub price: String,
    pub item_type: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub tax_group_id: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub sku: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub weight: Option<String>,
    #[serde(default)]
    pub shippable: bool,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub quantity_available: Option<u32>,
}

/// Who makes a change: what a publishable key may do is narrower.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Caller {
    /// The secret key: custom line items with a caller-given price allowed.
    Merchant,
    /// The publishable key: catalog items only.
    Storefront,
}

/// Fresh ids for new lines (UUID v4 from a CSPRNG in the worker).
pub trait Ids {
    fn new_id(&mut self) -> String;
}

impl<F: FnMut() -> String> Ids for F {
    fn new_id(&mut self) -> String {
        self()
    }
}

/// The JSON text of a request's free-form value, refused above `max` bytes
/// (counted as it is written, not kept).
pub(crate) fn check_json_size(value: &impl Serialize, max: usize, path: impl AsPath) -> Result<()> {
    struct Counted(usize);
    impl std::io::Write for Counted {
        fn write(&mut self, bytes: &[u8]) -> std::io::Result<usize> {
            self.0 += bytes.len();
            Ok(bytes.len())
        }
        fn flush(&mut self) -> std::io::Result<()> {
            Ok(())
        }
    }
    let mut counted = Counted(0);
    let len = serde_json::to_writer(&mut counted, value).map_or(usize::MAX, |()| counted.0);
    if len > max {
        return Err(Error::invalid(
            path.path(),
            format!("at most {max} bytes of JSON"),
        ));
    }
    Ok(())
}

impl CheckoutRecord {
    /// Whether the checkout is past its store's retention at `now`: idle for
    /// more days than the store keeps checkouts. It is then gone (`404`), and
    /// the scheduled job deletes it.
    pub fn expired(&self, store: &crate::store::Store, now: Timestamp) -> bool {
        self.updated_date < store.config.checkout_cutoff(now)
    }

    /// The record's JSON text as it is stored, or `CHECKOUT_TOO_LARGE` above
    /// [`MAX_RECORD_BYTES`].
    pub fn to_stored_json(&self) -> Result<String> {
        let text = crate::to_json(self, 1024 + self.line_items.len() * 160)?;
        if text.len() > MAX_RECORD_BYTES {
            return Err(Error::new(
                ErrorCode::CheckoutTooLarge,
                "",
                format!(
                    "the checkout would take {} bytes; at most {MAX_RECORD_BYTES}",
                    text.len()
                ),
            ));
        }
        Ok(text)
    }
}

pub(crate) fn check_len(value: &str, max: usize, path: impl AsPath) -> Result<()> {
    if value.chars().count() > max {
        return Err(Error::invalid(
            path.path(),
            format!("at most {max} characters"),
        ));
    }
    Ok(())
}
