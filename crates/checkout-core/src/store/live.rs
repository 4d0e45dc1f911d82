//! A store as the checkout routes see it: its configuration (validated in
//! `store`) with its counters, and what they answer: an item and its stock
//! left, a coupon or gift card and whether it may be applied now.

use super::{CatalogItem, StoreConfig, StoreCoupon, StoreGiftCard};
use crate::error::{Error, ErrorCode, PricingCode, Result};
use crate::time::Timestamp;
use checkout_pricing::currency::Currency;
use checkout_pricing::input::{self, Text};
use std::collections::HashMap;
use std::rc::Rc;

/// Whether an `expiresAt` (validated RFC 3339, or none) has passed at `now`.
fn expired(expires_at: Option<&str>, now: Timestamp) -> bool {
    expires_at
        .and_then(Timestamp::parse)
        .is_some_and(|t| now >= t)
}

/// What orders change, kept apart from the configuration: the stock left of
/// each item with a stock, each gift card's balance in minor units and how
/// often each coupon was used. Read from storage with the configuration.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Counters {
    pub stock: HashMap<String, u64>,
    pub gift_card_balances: HashMap<String, u128>,
    pub coupon_uses: HashMap<String, u64>,
}

/// The number before a store's first order (its first is 1001); storage
/// gives each order the next, one at a time.
pub const ORDER_NUMBERS_AFTER: u64 = 1000;

/// A store as the checkout routes see it: its configuration and counters.
/// The configuration is shared, never changed: a worker keeps the one it
/// read for the next request while the store's is the same (the counters
/// are read each time).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Store {
    pub config: Rc<StoreConfig>,
    pub counters: Counters,
    currency: Currency,
    pub(super) items: CatalogIndex,
}

/// A long catalog's items by the hash of their id, made once a store has
/// looked items up often enough for it to pay (each line of a checkout looks
/// its item up: 300 lines in a catalog of 1,500 items were some 225,000
/// comparisons of ids, twice, as its stock was looked up again; an index of
/// 1,500 ids costs about as much as 50 lookups). Of the configuration the store was made with, which is
/// not changed after; not part of a store's equality.
#[derive(Clone, Debug, Default)]
pub(super) struct CatalogIndex {
    lookups: std::cell::Cell<usize>,
    pub(super) by_hash: std::cell::OnceCell<HashMap<u64, usize>>,
}

impl PartialEq for CatalogIndex {
    fn eq(&self, _: &Self) -> bool {
        true
    }
}

impl Eq for CatalogIndex {}

/// A catalog is read in order while a store has looked up fewer items than
/// this, or when it has at most this many.
const INDEX_AFTER: usize = 32;

fn id_hash(id: &str) -> u64 {
    use std::hash::{Hash, Hasher};
    let mut h = std::collections::hash_map::DefaultHasher::new();
    id.hash(&mut h);
    h.finish()
}

impl Store {
    /// A store from a configuration validated on the way in ([`StoreConfig::from_json`],
    /// as `PUT /admin/v1/store` stores it) and its counters. Not validated again
    /// here: this runs on every checkout request.
    pub fn new(config: impl Into<Rc<StoreConfig>>, counters: Counters) -> Result<Store> {
        let config = config.into();
        let currency = Currency::from_code(&config.currency).ok_or_else(|| {
            Error::new(
                PricingCode::UnsupportedCurrency,
                "currency",
                "unsupported currency",
            )
        })?;
        Ok(Store {
            config,
            counters,
            currency,
            items: CatalogIndex::default(),
        })
    }

    /// The catalog's item `id` (the first of that id, as a reading in order finds it).
    pub fn catalog_item(&self, id: &str) -> Option<&CatalogItem> {
        let catalog = &self.config.catalog;
        let lookups = self.items.lookups.get() + 1;
        self.items.lookups.set(lookups);
        if catalog.len() <= INDEX_AFTER || lookups <= INDEX_AFTER {
            return self.config.catalog_item(id);
        }
        let index = self.items.by_hash.get_or_init(|| {
            let mut index = HashMap::with_capacity(catalog.len());
            for (at, item) in catalog.iter().enumerate() {
                index.entry(id_hash(&item.id)).or_insert(at);
            }
            index
        });
        match index.get(&id_hash(id)).and_then(|&at| catalog.get(at)) {
            Some(item) if item.id == id => Some(item),
            // another id of the same hash came first: read in order
            Some(_) => self.config.catalog_item(id),
            // no id of that hash: not in the catalog
            None => None,
        }
    }

    pub fn currency(&self) -> Currency {
        self.currency
    }

    /// Units of an item left; `None` when the item has no stock (unlimited) or is unknown.
    pub fn stock(&self, item_id: &str) -> Option<u64> {
        self.stock_of(self.catalog_item(item_id)?)
    }

    /// Units of a catalog item left (one already found); `None` when it has no stock (unlimited).
    pub fn stock_of(&self, item: &CatalogItem) -> Option<u64> {
        let configured = item.stock?;
        Some(
            self.counters
                .stock
                .get(&item.id)
                .copied()
                .unwrap_or(configured),
        )
    }

    pub fn coupon(&self, code: &str) -> Option<&StoreCoupon> {
        self.config.coupons.iter().find(|c| c.code == code)
    }

    pub fn gift_card(&self, code: &str) -> Option<&StoreGiftCard> {
        self.config.gift_cards.iter().find(|g| g.code == code)
    }

    pub fn coupon_uses(&self, code: &str) -> u64 {
        self.counters.coupon_uses.get(code).copied().unwrap_or(0)
    }

    /// A gift card's balance left, in minor units.
    pub fn gift_card_balance(&self, card: &StoreGiftCard) -> u128 {
        self.counters
            .gift_card_balances
            .get(&card.code)
            .copied()
            .unwrap_or_else(|| self.money(&card.balance))
    }

    /// A configured amount in minor units (validated on the way in, so never refused).
    pub fn money(&self, value: &str) -> u128 {
        input::money(Some(&Text::Str(value.into())), self.currency, "").unwrap_or(0)
    }

    /// Whether a coupon code may be applied now: why not, as an error, if not.
    pub fn check_coupon(&self, code: &str, now: Timestamp) -> Result<&StoreCoupon> {
        let coupon = self.coupon(code).ok_or_else(|| {
            Error::new(
                ErrorCode::CouponNotFound,
                "couponCode",
                format!("no coupon {code:?}"),
            )
        })?;
        if expired(coupon.expires_at.as_deref(), now) {
            return Err(Error::new(
                ErrorCode::CouponExpired,
                "couponCode",
                format!("coupon {code:?} has expired"),
            ));
        }
        if coupon
            .usage_limit
            .is_some_and(|limit| self.coupon_uses(code) >= limit)
        {
            return Err(Error::new(
                ErrorCode::CouponUsageExceeded,
                "couponCode",
                format!("coupon {code:?} was used as often as it may be"),
            ));
        }
        Ok(coupon)
    }

    /// Whether a gift card may be applied now: why not, as an error, if not.
    pub fn check_gift_card(&self, code: &str, now: Timestamp) -> Result<&StoreGiftCard> {
        let card = self.gift_card(code).ok_or_else(|| {
            Error::new(
                ErrorCode::GiftCardNotFound,
                "giftCardCode",
                "no gift card with this code",
            )
        })?;
        if expired(card.expires_at.as_deref(), now) {
            return Err(Error::new(
                ErrorCode::GiftCardExpired,
                "giftCardCode",
                "this gift card has expired",
            ));
        }
        if self.gift_card_balance(card) == 0 {
            return Err(Error::new(
                ErrorCode::GiftCardIsEmpty,
                "giftCardCode",
                "this gift card has no balance left",
            ));
        }
        Ok(card)
    }

    /// The configuration with the counters' values: stock left and balances left.
    pub fn config_with_counters(&self) -> StoreConfig {
        let mut config = StoreConfig::clone(&self.config);
        for item in &mut config.catalog {
            if item.stock.is_some() {
                item.stock = self.stock_of(item);
            }
        }
        for coupon in &mut config.coupons {
            coupon.uses = Some(self.coupon_uses(&coupon.code));
        }
        let exp = self.currency.exponent();
        let balances: Vec<u128> = config
            .gift_cards
            .iter()
            .map(|g| self.gift_card_balance(g))
            .collect();
        for (card, balance) in config.gift_cards.iter_mut().zip(balances) {
            card.balance = checkout_pricing::Amount::new(balance, exp).to_string();
        }
        config
    }
}
