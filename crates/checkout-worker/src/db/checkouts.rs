//! Checkouts: inserted with their `created` event, written over the version
//! they were read at with their change's event. A checkout's cart id,
//! set when it is created, is a column of its own (`checkouts_by_cart`).

use super::{first_changed, to_js, Db};
use crate::error::ApiResult;
use checkout_core::checkout::CheckoutRecord;
use checkout_core::events::Event;
use checkout_core::time::Timestamp;
use worker::wasm_bindgen::JsValue;

/// A checkout as read: the record and the version a change must write over.
pub struct Stored {
    pub record: CheckoutRecord,
    pub version: i64,
}

impl Db {
    /// A new checkout and its `created` event.
    pub async fn insert_checkout(&self, record: &CheckoutRecord, event: &Event) -> ApiResult<()> {
        let text = record.to_stored_json()?;
        let created = record.created_date.to_string();
        self.batch(vec![
                self.stmt(
                    "INSERT INTO checkouts (app_def_id, id, version, completed, record, created_date, updated_date, cart_id)
                     VALUES (?1, ?2, 1, ?3, ?4, ?5, ?5, ?6)",
                    &[record.id.as_str().into(), i32::from(record.completed).into(), text.into(), created.into(),
                      record.cart_id.as_deref().map_or(JsValue::NULL, JsValue::from_str)],
                )?,
                self.event(event, false)?,
            ])
            .await?;
        Ok(())
    }

    /// Writes a changed checkout over the version it was read at, with its
    /// event; `false` when another change came first (nothing is written then).
    pub async fn save_checkout(
        &self,
        record: &CheckoutRecord,
        version: i64,
        event: &Event,
    ) -> ApiResult<bool> {
        let text = record.to_stored_json()?;
        let results = self
            .batch(vec![
                self.stmt(
                    "UPDATE checkouts SET record = ?2, version = version + 1, completed = ?3, updated_date = ?4
                     WHERE app_def_id = ?1 AND id = ?5 AND version = ?6",
                    &[text.into(), i32::from(record.completed).into(), record.updated_date.to_string().into(),
                      record.id.as_str().into(), to_js(version)],
                )?,
                self.event(event, true)?,
            ])
            .await?;
        Ok(first_changed(&results))
    }

    /// Deletes the checkouts whose last change was before `cutoff`, with the
    /// buyer's data they hold (orders keep their own copy); how many.
    pub async fn delete_idle_checkouts(&self, cutoff: Timestamp) -> ApiResult<usize> {
        self.run(self.stmt(
            "DELETE FROM checkouts WHERE app_def_id = ?1 AND updated_date < ?2",
            &[cutoff.to_string().into()],
        )?)
        .await
    }

    /// The first checkout made from the cart `cart_id` (a cart id is bound
    /// to the first checkout that names it: a later one naming it, which any
    /// page may make, never takes its place).
    pub async fn checkout_id_of_cart(&self, cart_id: &str) -> ApiResult<Option<String>> {
        self.value(
            self.stmt(
                "SELECT id FROM checkouts WHERE app_def_id = ?1 AND cart_id = ?2
                 ORDER BY created_date, rowid LIMIT 1",
                &[cart_id.into()],
            )?,
            "id",
        )
        .await
    }
}
