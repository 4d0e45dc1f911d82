//! The changes the checkout routes make to a checkout: each checks the whole
//! request against the record and the store before anything changes, so a
//! refused change leaves the record as it was.

use super::fields::{channel_type, is_guid};
use super::*;
use crate::error::{Error, ErrorCode, PricingCode, Result};
use crate::store::Store;
use crate::time::Timestamp;
use checkout_pricing::cart::MAX_LINE_ITEMS;
use checkout_pricing::input::{self, Count};

impl CheckoutRecord {
    /// A new checkout from a create request, checked whole.
    /// `POST /ecom/v1/checkouts`, by `caller` of the tenant `app_id`.
    pub fn create(
        req: CreateCheckout,
        store: &Store,
        (caller, app_id): (Caller, &str),
        ids: &mut dyn Ids,
        now: Timestamp,
    ) -> Result<CheckoutRecord> {
        let channel = channel_type(req.channel_type.as_deref(), caller)?;
        let mut record = CheckoutRecord::empty(ids.new_id(), ids.new_id(), channel, now);
        if let Some(mut info) = req.checkout_info {
            record.custom_settings = info.custom_settings.take().unwrap_or_default();
            if let Some(cart) = info.cart_id.take() {
                if !is_guid(&cart) {
                    return Err(Error::invalid("checkoutInfo.cartId", "a GUID"));
                }
                record.cart_id = Some(cart);
            }
            record.apply_info(info, store, caller, "checkoutInfo")?;
        }
        record.created_by = CreatedBy::of(&record.buyer_info, caller, app_id);
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
            return Err(Error::invalid(
                "checkout",
                "nothing to update: the request changes no field",
            ));
        }
        if let Some(mut info) = req.checkout {
            // set when the checkout was created: may be sent back, not changed
            if info
                .custom_settings
                .take()
                .is_some_and(|s| s != self.custom_settings)
            {
                return Err(Error::invalid(
                    "checkout.customSettings",
                    "custom settings are set only when the checkout is created",
                ));
            }
            if info
                .cart_id
                .take()
                .is_some_and(|c| Some(&c) != self.cart_id.as_ref())
            {
                return Err(Error::invalid(
                    "checkout.cartId",
                    "the cart id is set only when the checkout is created",
                ));
            }
            self.apply_info(info, store, caller, "checkout")?;
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
            return Err(Error::invalid(
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
            return Err(Error::invalid("lineItemIds", "give 1 to 300 line item ids"));
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
            return Err(Error::invalid(
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

    pub fn remove_coupon(&mut self, caller: Caller) -> Result<()> {
        self.ensure_open()?;
        self.custom_settings.check_codes(caller, true, false)?;
        self.coupon_code = None;
        Ok(())
    }

    pub fn remove_gift_card(&mut self, caller: Caller) -> Result<()> {
        self.ensure_open()?;
        self.custom_settings.check_codes(caller, false, true)?;
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
    /// The checkout page: the override URL when set, else the store's page
    /// (or, when the store names none, `default_base`, the worker's configured
    /// public URL) with the checkout's id; `None` when there is neither.
    pub fn checkout_url(&self, store: &Store, default_base: Option<&str>) -> Option<String> {
        if let Some(url) = &self.override_checkout_url {
            return Some(url.clone());
        }
        self.store_checkout_url(store, default_base)
    }

    /// The store's own checkout page for this checkout, whatever the
    /// override (Wix's `getWixCheckoutUrl`).
    pub fn store_checkout_url(&self, store: &Store, default_base: Option<&str>) -> Option<String> {
        let base = store.config.checkout_url.as_deref().or(default_base)?;
        let sep = if base.contains('?') { '&' } else { '?' };
        Some(format!("{base}{sep}checkoutId={}", self.id))
    }

    fn ensure_open(&self) -> Result<()> {
        if self.completed {
            return Err(Error::new(
                ErrorCode::CheckoutIsComplete,
                "id",
                "this checkout is completed and can no longer change",
            ));
        }
        if let Some(order) = &self.order_id {
            return Err(Error::new(
                ErrorCode::CheckoutPaymentInProgress,
                "id",
                format!("this checkout's order {order} awaits payment: the checkout cannot change until it is paid or canceled"),
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
                    PricingCode::LineItemNotFound,
                    path,
                    format!("no line item with id {id:?} in this checkout"),
                )
            })
    }
}

#[cfg(test)]
mod tests;
