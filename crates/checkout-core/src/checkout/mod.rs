//! Checkouts (`api.md`, Checkouts): what a checkout holds between requests
//! ([`CheckoutRecord`]), the changes the API makes to it (each a function of
//! the record, the store and the request, checked whole before anything
//! changes), the Wix checkout object computed from it ([`view`]) and the order
//! created from it ([`order`]).
//!
//! Prices are never stored: every view is priced again from the store
//! configuration with the pricing function, so that a price, tax rate or
//! coupon change in the store shows in every open checkout.

pub mod order;
pub mod view;
mod wire;

pub use wire::*;

use crate::cart::{ItemType, MAX_LINE_ITEMS, MAX_QUANTITY};
use crate::error::{Error, ErrorCode, Result};
use crate::input::{self, Count, Text};
use crate::store::Store;
use crate::time::Timestamp;
use serde::{Deserialize, Serialize};

/// Longest buyer note, in characters.
pub const MAX_BUYER_NOTE: usize = 1000;

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

impl CheckoutRecord {
    /// A new checkout from a create request, checked whole.
    pub fn create(
        req: CreateCheckout,
        store: &Store,
        caller: Caller,
        ids: &mut dyn Ids,
        now: Timestamp,
    ) -> Result<CheckoutRecord> {
        let mut record = CheckoutRecord {
            id: ids.new_id(),
            created_date: now,
            updated_date: now,
            channel_type: channel_type(req.channel_type.as_deref())?,
            purchase_flow_id: ids.new_id(),
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
        };
        if let Some(info) = req.checkout_info {
            record.apply_info(info, store, "checkoutInfo")?;
        }
        record.add_items(
            req.line_items,
            req.custom_line_items,
            store,
            caller,
            ids,
            300,
        )?;
        record.apply_codes(
            req.coupon_code,
            req.gift_card_code,
            req.override_checkout_url,
            store,
            caller,
            now,
        )?;
        Ok(record)
    }

    /// `PATCH /ecom/v1/checkouts/{id}`: the fields given replace the stored ones.
    pub fn update(
        &mut self,
        req: UpdateCheckout,
        store: &Store,
        caller: Caller,
        ids: &mut dyn Ids,
        now: Timestamp,
    ) -> Result<()> {
        self.ensure_open()?;
        if req.is_empty() {
            return Err(Error::new(
                ErrorCode::InvalidInput,
                "checkout",
                "nothing to update: the request changes no field",
            ));
        }
        if let Some(info) = req.checkout {
            self.apply_info(info, store, "checkout")?;
        }
        self.add_items(
            req.line_items,
            req.custom_line_items,
            store,
            caller,
            ids,
            300,
        )?;
        self.apply_codes(
            req.coupon_code,
            req.gift_card_code,
            req.override_checkout_url,
            store,
            caller,
            now,
        )
    }

    /// `add-to-checkout`: the same catalog item with the same options adds to
    /// the quantity of its line.
    pub fn add_to_checkout(
        &mut self,
        req: AddToCheckout,
        store: &Store,
        caller: Caller,
        ids: &mut dyn Ids,
    ) -> Result<()> {
        self.ensure_open()?;
        if req.line_items.as_ref().is_none_or(Vec::is_empty)
            && req.custom_line_items.as_ref().is_none_or(Vec::is_empty)
        {
            return Err(Error::new(
                ErrorCode::InvalidInput,
                "lineItems",
                "give at least one line item to add",
            ));
        }
        self.add_items(
            req.line_items,
            req.custom_line_items,
            store,
            caller,
            ids,
            100,
        )
    }

    /// `remove-line-items`: every id must be a line of this checkout.
    pub fn remove_line_items(&mut self, req: RemoveLineItems) -> Result<()> {
        self.ensure_open()?;
        let ids = req.line_item_ids.unwrap_or_default();
        if ids.is_empty() || ids.len() > MAX_LINE_ITEMS {
            return Err(Error::new(
                ErrorCode::InvalidInput,
                "lineItemIds",
                "give 1 to 300 line item ids",
            ));
        }
        for (i, id) in ids.iter().enumerate() {
            self.line_position(id, &format!("lineItemIds[{i}]"))?;
        }
        self.line_items.retain(|l| !ids.contains(&l.id));
        Ok(())
    }

    /// `update-line-items-quantity`: a quantity above the stock left is lowered to it.
    pub fn update_quantities(&mut self, req: UpdateLineItemsQuantity, store: &Store) -> Result<()> {
        self.ensure_open()?;
        let updates = req.line_items.unwrap_or_default();
        if updates.is_empty() || updates.len() > 100 {
            return Err(Error::new(
                ErrorCode::InvalidInput,
                "lineItems",
                "give 1 to 100 quantity updates",
            ));
        }
        let mut changes = Vec::with_capacity(updates.len());
        for (i, u) in updates.into_iter().enumerate() {
            let path = format!("lineItems[{i}]");
            let id = u.id.unwrap_or_default();
            let at = self.line_position(&id, &format!("{path}.id"))?;
            let quantity = input::quantity(
                u.quantity.unwrap_or(Count::NotAWholeNumber),
                &format!("{path}.quantity"),
            )?;
            changes.push((at, quantity));
        }
        for (at, quantity) in changes {
            let line = &mut self.line_items[at];
            let left = match (&line.custom, line.catalog_item_id()) {
                (Some(custom), _) => custom.quantity_available.map(u64::from),
                (None, Some(item)) => store.stock(item),
                (None, None) => None,
            };
            line.quantity = match left {
                Some(left) if left >= 1 && u64::from(quantity) > left => {
                    u32::try_from(left).unwrap_or(quantity)
                }
                _ => quantity,
            };
        }
        Ok(())
    }

    pub fn remove_coupon(&mut self) -> Result<()> {
        self.ensure_open()?;
        self.coupon_code = None;
        Ok(())
    }

    pub fn remove_gift_card(&mut self) -> Result<()> {
        self.ensure_open()?;
        self.gift_card_code = None;
        Ok(())
    }

    pub fn remove_override_checkout_url(&mut self) -> Result<()> {
        self.ensure_open()?;
        self.override_checkout_url = None;
        Ok(())
    }

    /// `mark-as-completed`: for orders completed in another system. Idempotent.
    pub fn mark_as_completed(&mut self) {
        self.completed = true;
    }

    /// The checkout page: the override URL when set, else the store's page with the id.
    pub fn checkout_url(&self, store: &Store, default_base: &str) -> String {
        if let Some(url) = &self.override_checkout_url {
            return url.clone();
        }
        let base = store.config.checkout_url.as_deref().unwrap_or(default_base);
        let sep = if base.contains('?') { '&' } else { '?' };
        format!("{base}{sep}checkoutId={}", self.id)
    }

    fn ensure_open(&self) -> Result<()> {
        if self.completed {
            return Err(Error::new(
                ErrorCode::CheckoutIsComplete,
                "id",
                "this checkout is completed and can no longer change",
            ));
        }
        Ok(())
    }

    fn line_position(&self, id: &str, path: &str) -> Result<usize> {
        self.line_items
            .iter()
            .position(|l| l.id == id)
            .ok_or_else(|| {
                Error::new(
                    ErrorCode::LineItemNotFound,
                    path,
                    format!("no line item with id {id:?} in this checkout"),
                )
            })
    }

    fn apply_info(&mut self, info: CheckoutInfo, store: &Store, path: &str) -> Result<()> {
        if let Some(billing) = info.billing_info {
            billing.validate(&format!("{path}.billingInfo"))?;
            self.billing_info = Some(billing);
        }
        if let Some(shipping) = info.shipping_info {
            if let Some(dest) = shipping.shipping_destination {
                dest.validate(&format!("{path}.shippingInfo.shippingDestination"))?;
                self.shipping_destination = Some(dest);
            }
            if let Some(code) = shipping
                .selected_carrier_service_option
                .and_then(|o| o.code)
            {
                if !store.config.shipping_options.iter().any(|o| o.code == code) {
                    return Err(Error::new(
                        ErrorCode::ShippingOptionNotFound,
                        format!("{path}.shippingInfo.selectedCarrierServiceOption.code"),
                        format!("the store has no shipping option {code:?}"),
                    ));
                }
                self.selected_shipping_option = Some(code);
            }
        }
        if let Some(buyer) = info.buyer_info {
            let field = format!("{path}.buyerInfo.email");
            match buyer.email {
                Some(email) if email.is_empty() && self.buyer_info.email.is_some() => {
                    return Err(Error::new(
                        ErrorCode::InvalidInput,
                        field,
                        "the buyer's email cannot be removed once set",
                    ));
                }
                Some(email) if email.is_empty() => {}
                Some(email) => {
                    if !valid_email(&email) {
                        return Err(Error::new(
                            ErrorCode::InvalidInput,
                            field,
                            "an email address, as buyer@example.com",
                        ));
                    }
                    self.buyer_info.email = Some(email);
                }
                None => {}
            }
            for (value, key) in [
                (buyer.visitor_id, "visitorId"),
                (buyer.member_id, "memberId"),
                (buyer.contact_id, "contactId"),
            ] {
                if let Some(v) = value {
                    check_len(&v, 100, &format!("{path}.buyerInfo.{key}"))?;
                    match key {
                        "visitorId" => self.buyer_info.visitor_id = Some(v),
                        "memberId" => self.buyer_info.member_id = Some(v),
                        _ => self.buyer_info.contact_id = Some(v),
                    }
                }
            }
        }
        if let Some(note) = info.buyer_note {
            if note.chars().count() > MAX_BUYER_NOTE {
                return Err(Error::new(
                    ErrorCode::InvalidInput,
                    format!("{path}.buyerNote"),
                    format!("a buyer note has at most {MAX_BUYER_NOTE} characters"),
                ));
            }
            self.buyer_note = (!note.is_empty()).then_some(note);
        }
        if let Some(fields) = info.custom_fields {
            if fields.len() > 100 {
                return Err(Error::new(
                    ErrorCode::InvalidInput,
                    format!("{path}.customFields"),
                    "at most 100 custom fields",
                ));
            }
            for (i, f) in fields.iter().enumerate() {
                check_len(&f.title, 1000, &format!("{path}.customFields[{i}].title"))?;
            }
            self.custom_fields = fields;
        }
        Ok(())
    }

    fn apply_codes(
        &mut self,
        coupon: Option<String>,
        gift_card: Option<String>,
        override_url: Option<String>,
        store: &Store,
        caller: Caller,
        now: Timestamp,
    ) -> Result<()> {
        if let Some(code) = coupon {
            store.check_coupon(&code, now)?;
            self.coupon_code = Some(code);
        }
        if let Some(code) = gift_card {
            store.check_gift_card(&code, now)?;
            self.gift_card_code = Some(code);
        }
        if let Some(url) = override_url {
            if caller == Caller::Storefront {
                return Err(Error::new(
                    ErrorCode::PermissionDenied,
                    "overrideCheckoutUrl",
                    "setting the checkout URL needs the secret key",
                ));
            }
            check_len(&url, 1000, "overrideCheckoutUrl")?;
            if !(url.starts_with("https://") || url.starts_with("http://")) {
                return Err(Error::new(
                    ErrorCode::InvalidInput,
                    "overrideCheckoutUrl",
                    "an absolute http(s) URL",
                ));
            }
            self.override_checkout_url = Some(url);
        }
        Ok(())
    }

    /// Adds catalog and custom items: all are checked before any is added.
    fn add_items(
        &mut self,
        items: Option<Vec<LineItemInput>>,
        custom: Option<Vec<CustomLineItemInput>>,
        store: &Store,
        caller: Caller,
        ids: &mut dyn Ids,
        max_per_request: usize,
    ) -> Result<()> {
        let items = items.unwrap_or_default();
        let custom = custom.unwrap_or_default();
        if !custom.is_empty() && caller == Caller::Storefront {
            return Err(Error::new(
                ErrorCode::PermissionDenied,
                "customLineItems",
                "custom line items (with a caller-given price) need the secret key",
            ));
        }
        for (list, len) in [
            ("lineItems", items.len()),
            ("customLineItems", custom.len()),
        ] {
            if len > max_per_request {
                return Err(Error::new(
                    ErrorCode::TooManyLineItems,
                    list,
                    format!("at most {max_per_request} per request"),
                ));
            }
        }
        let mut lines = self.line_items.clone();
        for (i, item) in items.into_iter().enumerate() {
            let path = format!("lineItems[{i}]");
            let quantity = input::quantity(
                item.quantity.unwrap_or(Count::Int(1)),
                &format!("{path}.quantity"),
            )?;
            let reference = item.catalog_reference.unwrap_or_default();
            let id_path = format!("{path}.catalogReference.catalogItemId");
            let item_id = reference.catalog_item_id.unwrap_or_default();
            if store.config.catalog_item(&item_id).is_none() {
                return Err(Error::new(
                    ErrorCode::CatalogItemNotFound,
                    id_path,
                    format!("the catalog has no item {item_id:?}"),
                ));
            }
            let reference = CatalogReference {
                catalog_item_id: item_id,
                app_id: reference.app_id,
                options: reference.options,
            };
            match lines
                .iter_mut()
                .find(|l| l.custom.is_none() && l.catalog_reference.as_ref() == Some(&reference))
            {
                Some(line) => {
                    let total = line.quantity + quantity;
                    if total > MAX_QUANTITY {
                        return Err(Error::new(
                            ErrorCode::InvalidQuantity,
                            format!("{path}.quantity"),
                            format!(
                                "the line would hold {total}; a quantity is at most {MAX_QUANTITY}"
                            ),
                        ));
                    }
                    line.quantity = total;
                }
                None => lines.push(StoredLine {
                    id: ids.new_id(),
                    quantity,
                    catalog_reference: Some(reference),
                    custom: None,
                }),
            }
        }
        for (i, item) in custom.into_iter().enumerate() {
            let path = format!("customLineItems[{i}]");
            let line = item.into_line(&path, store, ids)?;
            lines.push(line);
        }
        if lines.len() > MAX_LINE_ITEMS {
            return Err(Error::new(
                ErrorCode::TooManyLineItems,
                "lineItems",
                format!("a checkout holds at most {MAX_LINE_ITEMS} line items"),
            ));
        }
        self.line_items = lines;
        Ok(())
    }
}

impl CustomLineItemInput {
    fn into_line(self, path: &str, store: &Store, ids: &mut dyn Ids) -> Result<StoredLine> {
        let quantity = input::quantity(
            self.quantity.unwrap_or(Count::Int(1)),
            &format!("{path}.quantity"),
        )?;
        let price = match self.price {
            Some(Text::Str(p)) => p.into_owned(),
            _ => {
                return Err(Error::new(
                    ErrorCode::InvalidAmount,
                    format!("{path}.price"),
                    "a custom line item needs a price, a decimal string",
                ))
            }
        };
        input::money(
            Some(&Text::from(price.clone())),
            store.currency(),
            &format!("{path}.price"),
        )?;
        let name = self
            .product_name
            .and_then(|n| n.original)
            .unwrap_or_default();
        if name.is_empty() {
            return Err(Error::new(
                ErrorCode::InvalidInput,
                format!("{path}.productName.original"),
                "a custom line item needs a name",
            ));
        }
        check_len(&name, 200, &format!("{path}.productName.original"))?;
        let item_type = self
            .item_type
            .and_then(|t| t.preset)
            .unwrap_or_else(|| "PHYSICAL".into());
        if ItemType::parse(&item_type).is_none() {
            return Err(Error::new(
                ErrorCode::InvalidInput,
                format!("{path}.itemType.preset"),
                "itemType.preset is one of PHYSICAL, DIGITAL, SERVICE, GIFT_CARD, PLAN",
            ));
        }
        let physical = self.physical_properties.unwrap_or_default();
        if let Some(sku) = &physical.sku {
            check_len(sku, 40, &format!("{path}.physicalProperties.sku"))?;
        }
        if let Some(q) = self.quantity_available {
            if q > u64::from(MAX_QUANTITY) {
                return Err(Error::new(
                    ErrorCode::InvalidInput,
                    format!("{path}.quantityAvailable"),
                    "at most 100000",
                ));
            }
        }
        let reference = self.catalog_reference.map(|r| CatalogReference {
            catalog_item_id: r.catalog_item_id.unwrap_or_default(),
            app_id: r.app_id,
            options: r.options,
        });
        Ok(StoredLine {
            id: ids.new_id(),
            quantity,
            catalog_reference: reference,
            custom: Some(CustomItem {
                shippable: physical.shippable.unwrap_or(item_type == "PHYSICAL"),
                name,
                price,
                item_type,
                tax_group_id: self.tax_group_id,
                sku: physical.sku,
                weight: physical.weight,
                quantity_available: self.quantity_available.and_then(|q| u32::try_from(q).ok()),
            }),
        })
    }
}

fn channel_type(value: Option<&str>) -> Result<String> {
    const CHANNELS: &[&str] = &[
        "UNSPECIFIED",
        "WEB",
        "POS",
        "EBAY",
        "AMAZON",
        "OTHER_PLATFORM",
        "WIX_APP_STORE",
        "WIX_INVOICES",
        "BACKOFFICE_MERCHANT",
        "WISH",
        "CLASS_PASS",
        "GLOBAL_E",
        "FACEBOOK",
        "ETSY",
        "TIKTOK",
        "FAIRE_COM",
        "PAYPAL_AGENTIC_CHECKOUT",
        "STRIPE_AGENTIC_CHECKOUT",
    ];
    match value {
        None => Ok("WEB".into()),
        Some(c) if CHANNELS.contains(&c) => Ok(c.into()),
        Some(_) => Err(Error::new(
            ErrorCode::InvalidInput,
            "channelType",
            "channelType is one of Wix's ChannelType values, as WEB",
        )),
    }
}

pub(crate) fn check_len(value: &str, max: usize, path: &str) -> Result<()> {
    if value.chars().count() > max {
        return Err(Error::new(
            ErrorCode::InvalidInput,
            path,
            format!("at most {max} characters"),
        ));
    }
    Ok(())
}

fn valid_email(email: &str) -> bool {
    let Some((local, domain)) = email.rsplit_once('@') else {
        return false;
    };
    email.len() <= 254
        && !local.is_empty()
        && domain.contains('.')
        && !domain.starts_with('.')
        && !domain.ends_with('.')
        && !email.chars().any(|c| c.is_whitespace() || c.is_control())
}
