//! Builders for the core's unit tests: a small store, and checkouts made
//! through the very requests the API reads, one field at a time.

use crate::checkout::{Caller, CheckoutRecord, CreateCheckout, Ids};
use crate::error::Result;
use crate::store::{Counters, Store, StoreConfig};
use crate::time::Timestamp;
use serde_json::{json, Value};

/// The instant every test runs at.
pub fn now() -> Timestamp {
    Timestamp::parse("2026-12-01T12:00:00Z").expect("a valid instant")
}

/// Ids `id-1`, `id-2`, … in the order they are asked for.
#[derive(Default)]
pub struct SeqIds(u32);

impl Ids for SeqIds {
    fn new_id(&mut self) -> String {
        self.0 += 1;
        format!("id-{}", self.0)
    }
}

/// The configuration [`store`] starts from: USD, tax excluded from prices,
/// 8.25% everywhere (0 for digital goods), a tee with 5 in stock, a mug with 2,
/// an e-book (digital), two shipping options, a 10% coupon, an expired
/// coupon, a coupon used up, a 30.00 gift card and an expired one.
pub fn config() -> Value {
    json!({
        "currency": "USD",
        "taxIncludedInPrice": false,
        "catalog": [
            {"id": "tee", "name": "Tee", "price": "20.00", "itemType": "PHYSICAL", "stock": 5},
            {"id": "mug", "name": "Mug", "price": "12.50", "itemType": "PHYSICAL", "stock": 2},
            {"id": "ebook", "name": "E-book", "price": "9.00", "itemType": "DIGITAL", "taxGroupId": "digital"}
        ],
        "taxRegions": [{"country": "*", "rates": {"*": "0.0825", "digital": "0"}, "shippingRate": "0.0825"}],
        "shippingOptions": [
            {"code": "standard", "title": "Standard", "price": "5.00"},
            {"code": "pickup", "title": "Pickup", "price": "0", "pickup": {"address": {"country": "US", "city": "Portland"}}}
        ],
        "coupons": [
            {"code": "SAVE10", "type": "PERCENTAGE", "value": "10"},
            {"code": "OLD", "type": "PERCENTAGE", "value": "10", "expiresAt": "2026-01-01T00:00:00Z"},
            {"code": "ONCE", "type": "FIXED_AMOUNT", "value": "1.00", "usageLimit": 1}
        ],
        "giftCards": [
            {"code": "GIFT-30", "balance": "30.00"},
            {"code": "GIFT-OLD", "balance": "5.00", "expiresAt": "2026-01-01T00:00:00Z"}
        ],
        "allowedOrigins": ["https://shop.example"],
        "checkoutRetentionDays": 30
    })
}

/// The store of [`config`], with no sales yet but one use of `ONCE`.
pub fn store() -> Store {
    store_with(|_| {})
}

/// The store of [`config`] after `edit`.
pub fn store_with(edit: impl FnOnce(&mut Value)) -> Store {
    let mut config = config();
    edit(&mut config);
    let config = StoreConfig::from_json(&config.to_string()).expect("a valid store");
    let mut counters = Counters::default();
    counters.coupon_uses.insert("ONCE".into(), 1);
    Store::new(config, counters).expect("a valid store")
}

/// A create-checkout request, built field by field.
#[derive(Clone, Default)]
pub struct CheckoutBuilder {
    req: Value,
}

impl CheckoutBuilder {
    pub fn new() -> CheckoutBuilder {
        CheckoutBuilder { req: json!({}) }
    }

    /// A checkout a buyer could order: a tee, an email, an address to ship
    /// and bill to, standard shipping.
    pub fn ready() -> CheckoutBuilder {
        CheckoutBuilder::new()
            .line("tee", 1)
            .email("buyer@example.com")
            .address("US", "US-CA")
            .shipping("standard")
    }

    fn set(mut self, path: &[&str], value: Value) -> CheckoutBuilder {
        let mut at = &mut self.req;
        for key in &path[..path.len() - 1] {
            at = &mut at[*key];
        }
        at[path[path.len() - 1]] = value;
        self
    }

    pub fn line(mut self, item: &str, quantity: u32) -> CheckoutBuilder {
        let line = json!({"quantity": quantity, "catalogReference": {"catalogItemId": item}});
        match self.req["lineItems"].as_array_mut() {
            Some(lines) => lines.push(line),
            None => self.req["lineItems"] = json!([line]),
        }
        self
    }

    pub fn custom_line(self, price: &str) -> CheckoutBuilder {
        self.set(
            &["customLineItems"],
            json!([{"quantity": 1, "price": price, "productName": {"original": "Gift wrap"},
                    "itemType": {"preset": "PHYSICAL"}}]),
        )
    }

    pub fn email(self, email: &str) -> CheckoutBuilder {
        self.set(&["checkoutInfo", "buyerInfo", "email"], json!(email))
    }

    /// The same address to ship and to bill to.
    pub fn address(self, country: &str, subdivision: &str) -> CheckoutBuilder {
        let address = json!({"country": country, "subdivision": subdivision,
                             "city": "Town", "addressLine": "1 Main St", "postalCode": "94000"});
        self.set(&["checkoutInfo", "billingInfo", "address"], address.clone())
            .set(
                &[
                    "checkoutInfo",
                    "shippingInfo",
                    "shippingDestination",
                    "address",
                ],
                address,
            )
    }

    pub fn shipping(self, code: &str) -> CheckoutBuilder {
        self.set(
            &[
                "checkoutInfo",
                "shippingInfo",
                "selectedCarrierServiceOption",
                "code",
            ],
            json!(code),
        )
    }

    pub fn coupon(self, code: &str) -> CheckoutBuilder {
        self.set(&["couponCode"], json!(code))
    }

    pub fn gift_card(self, code: &str) -> CheckoutBuilder {
        self.set(&["giftCardCode"], json!(code))
    }

    pub fn request(&self) -> CreateCheckout {
        serde_json::from_value(self.req.clone()).expect("a well-formed request")
    }

    /// The checkout as `caller` creates it, or the refusal.
    pub fn create(&self, store: &Store, caller: Caller) -> Result<CheckoutRecord> {
        CheckoutRecord::create(
            self.request(),
            store,
            (caller, "app-1"),
            &mut SeqIds::default(),
            now(),
        )
    }

    /// The checkout as the merchant creates it.
    pub fn build(&self, store: &Store) -> CheckoutRecord {
        self.create(store, Caller::Merchant)
            .expect("the builder's checkout is valid")
    }
}
