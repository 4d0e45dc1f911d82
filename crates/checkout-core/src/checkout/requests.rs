//! The request bodies of the checkout routes, and the address and buyer types
//! they share with the stored record, in Wix's REST wire shape
//! (`docs/wix-wire.md`). Unknown fields are ignored: clients send
//! back whole checkout objects with read-only fields in them.

use super::{check_len, CustomSettings};
use crate::error::{Error, Result};
use checkout_pricing::input::{Count, Text};
use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

#[derive(Clone, Debug, Default, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct CreateCheckout {
    pub checkout_info: Option<CheckoutInfo>,
    pub line_items: Option<Vec<LineItemInput>>,
    pub custom_line_items: Option<Vec<CustomLineItemInput>>,
    pub coupon_code: Option<String>,
    pub gift_card_code: Option<String>,
    pub override_checkout_url: Option<String>,
    pub channel_type: Option<String>,
}

#[derive(Clone, Debug, Default, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct UpdateCheckout {
    pub checkout: Option<CheckoutInfo>,
    pub coupon_code: Option<String>,
    pub gift_card_code: Option<String>,
    pub override_checkout_url: Option<String>,
    pub line_items: Option<Vec<LineItemInput>>,
    pub custom_line_items: Option<Vec<CustomLineItemInput>>,
}

impl UpdateCheckout {
    /// True when the request would change nothing (the SDK sends at least `checkout.id`).
    pub fn is_empty(&self) -> bool {
        self.checkout.as_ref().is_none_or(CheckoutInfo::is_empty)
            && self.coupon_code.is_none()
            && self.gift_card_code.is_none()
            && self.override_checkout_url.is_none()
            && self.line_items.as_ref().is_none_or(Vec::is_empty)
            && self.custom_line_items.as_ref().is_none_or(Vec::is_empty)
    }
}

/// The writable part of a checkout: `checkoutInfo` on create, `checkout` on update.
#[derive(Clone, Debug, Default, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct CheckoutInfo {
    pub billing_info: Option<AddressWithContact>,
    pub shipping_info: Option<ShippingInfoInput>,
    pub buyer_info: Option<BuyerInfoInput>,
    pub buyer_note: Option<String>,
    pub custom_fields: Option<Vec<CustomField>>,
    /// Only when the checkout is created (sent back unchanged on update).
    pub custom_settings: Option<CustomSettings>,
    /// Only when the checkout is created (sent back unchanged on update).
    pub cart_id: Option<String>,
    /// The buyer's language (Wix's `buyerLanguage`, which its requests carry
    /// in a header; here a field, as a page knows it).
    pub buyer_language: Option<String>,
    /// The currency the buyer sees prices in: one the store presents, or
    /// the store's own (no conversion).
    pub conversion_currency: Option<String>,
}

impl CheckoutInfo {
    fn is_empty(&self) -> bool {
        self.billing_info.is_none()
            && self.shipping_info.as_ref().is_none_or(|s| {
                s.shipping_destination.is_none()
                    && s.selected_carrier_service_option
                        .as_ref()
                        .is_none_or(|o| o.code.is_none())
            })
            && self.buyer_info.as_ref().is_none_or(|b| {
                b.email.is_none()
                    && b.visitor_id.is_none()
                    && b.member_id.is_none()
                    && b.contact_id.is_none()
            })
            && self.buyer_note.is_none()
            && self.custom_fields.is_none()
            && self.buyer_language.is_none()
            && self.conversion_currency.is_none()
    }
}

#[derive(Clone, Debug, Default, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ShippingInfoInput {
    pub shipping_destination: Option<AddressWithContact>,
    pub selected_carrier_service_option: Option<SelectedOptionInput>,
}

#[derive(Clone, Debug, Default, Deserialize)]
pub struct SelectedOptionInput {
    pub code: Option<String>,
}

#[derive(Clone, Debug, Default, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct BuyerInfoInput {
    pub email: Option<String>,
    pub visitor_id: Option<String>,
    pub member_id: Option<String>,
    pub contact_id: Option<String>,
}

#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct BuyerInfo {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub email: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub visitor_id: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub member_id: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub contact_id: Option<String>,
}

/// A catalog line to add: prices always come from the catalog.
#[derive(Clone, Debug, Default, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct LineItemInput {
    pub quantity: Option<Count>,
    pub catalog_reference: Option<CatalogReferenceInput>,
}

#[derive(Clone, Debug, Default, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct CatalogReferenceInput {
    pub catalog_item_id: Option<String>,
    pub app_id: Option<String>,
    pub options: Option<Map<String, Value>>,
}

#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct CatalogReference {
    pub catalog_item_id: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub app_id: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub options: Option<Map<String, Value>>,
}

/// A custom line (secret key only): the caller gives the price and the item data.
#[derive(Clone, Debug, Default, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct CustomLineItemInput {
    pub quantity: Option<Count>,
    pub price: Option<Text<'static>>,
    pub product_name: Option<ProductNameInput>,
    pub item_type: Option<ItemTypeInput>,
    pub tax_group_id: Option<String>,
    pub physical_properties: Option<PhysicalPropertiesInput>,
    pub quantity_available: Option<Count>,
    pub catalog_reference: Option<CatalogReferenceInput>,
}

#[derive(Clone, Debug, Default, Deserialize)]
pub struct ProductNameInput {
    pub original: Option<String>,
}

#[derive(Clone, Debug, Default, Deserialize)]
pub struct ItemTypeInput {
    pub preset: Option<String>,
}

#[derive(Clone, Debug, Default, Deserialize)]
pub struct PhysicalPropertiesInput {
    pub sku: Option<String>,
    /// A number on the wire (Wix types it so); kept as its decimal text.
    #[serde(default, deserialize_with = "number_text")]
    pub weight: Option<String>,
    pub shippable: Option<bool>,
}

fn number_text<'de, D: serde::Deserializer<'de>>(
    d: D,
) -> std::result::Result<Option<String>, D::Error> {
    Ok(match Option::<Value>::deserialize(d)? {
        Some(Value::Number(n)) => Some(n.to_string()),
        Some(Value::String(s)) => Some(s),
        _ => None,
    })
}

#[derive(Clone, Debug, Default, Deserialize)]
pub struct UpdateLineItemsQuantity {
    #[serde(rename = "lineItems")]
    pub line_items: Option<Vec<QuantityUpdate>>,
}

#[derive(Clone, Debug, Default, Deserialize)]
pub struct QuantityUpdate {
    pub id: Option<String>,
    pub quantity: Option<Count>,
}

#[derive(Clone, Debug, Default, Deserialize)]
pub struct AddToCheckout {
    #[serde(rename = "lineItems")]
    pub line_items: Option<Vec<LineItemInput>>,
    #[serde(rename = "customLineItems")]
    pub custom_line_items: Option<Vec<CustomLineItemInput>>,
}

#[derive(Clone, Debug, Default, Deserialize)]
pub struct RemoveLineItems {
    #[serde(rename = "lineItemIds")]
    pub line_item_ids: Option<Vec<String>>,
}

#[derive(Clone, Debug, Default, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct CreateOrderRequest {
    pub save_payment_method: Option<bool>,
    pub delay_capture: Option<bool>,
}

/// `create-order-and-charge`: create-order, and a charge of `paymentToken`.
#[derive(Clone, Debug, Default, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct CreateOrderAndChargeRequest {
    pub payment_token: Option<String>,
    pub save_payment_method: Option<bool>,
    pub delay_capture: Option<bool>,
}

impl CreateOrderAndChargeRequest {
    /// This engine charges through its payment provider's own flow (the
    /// PaymentIntent names the order; its webhook pays it), never a token
    /// handed to it: a `paymentToken` cannot be charged here, and nothing is
    /// created. Without one, it is create-order.
    pub fn check(&self) -> Result<()> {
        if self.payment_token.is_some() {
            return Err(Error::new(
                crate::error::ErrorCode::PaymentError,
                "paymentToken",
                "this payment token cannot be charged here: create the order, then pay its paymentGatewayOrderId with the payment provider (docs/api.md, Payment)",
            ));
        }
        Ok(())
    }
}

#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct CustomField {
    #[serde(default)]
    pub value: Value,
    #[serde(default)]
    pub title: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub translated_title: Option<String>,
}

/// Billing info and shipping destination: an address and a contact.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct AddressWithContact {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub address: Option<Address>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub contact_details: Option<ContactDetails>,
}

#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Address {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub country: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub subdivision: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub city: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub postal_code: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub street_address: Option<StreetAddress>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub address_line: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub address_line2: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub formatted_address: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub hint: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub geocode: Option<Geocode>,
}

#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct StreetAddress {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub number: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub apt: Option<String>,
}

/// Coordinates are not money: kept as the JSON numbers they arrived as.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct Geocode {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub latitude: Option<serde_json::Number>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub longitude: Option<serde_json::Number>,
}

#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ContactDetails {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub first_name: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub last_name: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub phone: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub company: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub vat_id: Option<VatId>,
}

#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct VatId {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub id: Option<String>,
    #[serde(default, rename = "type", skip_serializing_if = "Option::is_none")]
    pub kind: Option<String>,
}

impl AddressWithContact {
    /// Wix's length limits and an ISO 3166-1 alpha-2 country.
    pub fn validate(&self, path: &str) -> Result<()> {
        if let Some(a) = &self.address {
            let p = |f: &str| format!("{path}.address.{f}");
            if let Some(c) = &a.country {
                if !(c.len() == 2 && c.bytes().all(|b| b.is_ascii_uppercase())) {
                    return Err(Error::invalid(
                        p("country"),
                        "a two-letter ISO 3166-1 country code, as US",
                    ));
                }
            }
            for (value, field, max) in [
                (&a.subdivision, "subdivision", 50),
                (&a.city, "city", 50),
                (&a.postal_code, "postalCode", 50),
                (&a.address_line, "addressLine", 150),
                (&a.address_line2, "addressLine2", 100),
                (&a.formatted_address, "formattedAddress", 500),
                (&a.hint, "hint", 500),
            ] {
                if let Some(v) = value {
                    check_len(v, max, &p(field))?;
                }
            }
            if let Some(s) = &a.street_address {
                for (value, field) in [(&s.number, "number"), (&s.name, "name"), (&s.apt, "apt")] {
                    if let Some(v) = value {
                        check_len(v, 150, &p(&format!("streetAddress.{field}")))?;
                    }
                }
            }
        }
        if let Some(c) = &self.contact_details {
            let p = |f: &str| format!("{path}.contactDetails.{f}");
            for (value, field, max) in [
                (&c.first_name, "firstName", 100),
                (&c.last_name, "lastName", 100),
                (&c.phone, "phone", 50),
                (&c.company, "company", 1000),
            ] {
                if let Some(v) = value {
                    check_len(v, max, &p(field))?;
                }
            }
            if let Some(vat) = &c.vat_id {
                for (value, field, max) in
                    [(&vat.id, "vatId.id", 50), (&vat.kind, "vatId.type", 20)]
                {
                    if let Some(v) = value {
                        check_len(v, max, &p(field))?;
                    }
                }
            }
        }
        Ok(())
    }

    pub fn has_address(&self) -> bool {
        self.address.as_ref().is_some_and(|a| a.country.is_some())
    }
}
