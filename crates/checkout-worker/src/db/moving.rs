//! A store's move from D1 into its own object: its rows copied table by
//! table, a page at a time, each page one transaction in the object. Run by
//! the object on its first call, while the store is no longer written on D1
//! (`npm run move-store` marks it `moving` first), so the copy is whole.

use super::{to_js, Db, Stmt};
use crate::error::ApiResult;
use serde_json::{Map, Value};
use worker::wasm_bindgen::JsValue;

/// Every table with a store's rows, the store's configuration first.
const TABLES: [&str; 9] = [
    "stores",
    "stock",
    "gift_card_balances",
    "coupon_uses",
    "checkouts",
    "orders",
    "plan_orders",
    "events",
    "idempotency_keys",
];
/// Rows read and written at once.
const PAGE: usize = 200;

impl Db {
    /// Copies the tenant's rows of every table from `from` into this
    /// database (written over any copied before); how many rows.
    pub async fn copy_rows_from(&self, from: &Db) -> ApiResult<usize> {
        let mut copied = 0;
        for table in TABLES {
            let mut after = 0_i64;
            loop {
                let rows: Vec<Map<String, Value>> = from
                    .rows(from.stmt(
                        &format!(
                            "SELECT rowid AS moving_rowid, * FROM {table}
                             WHERE app_def_id = ?1 AND rowid > ?2 ORDER BY rowid LIMIT {PAGE}"
                        ),
                        &[to_js(after)],
                    )?)
                    .await?;
                let Some(last) = rows.last() else { break };
                after = last["moving_rowid"].as_i64().unwrap_or(i64::MAX);
                let page: Vec<Stmt> = rows.into_iter().map(|row| insert(table, row)).collect();
                copied += page.len();
                self.batch(page).await?;
            }
        }
        Ok(copied)
    }
}

/// The statement that writes `row` into `table` as it was.
fn insert(table: &str, mut row: Map<String, Value>) -> Stmt {
    row.remove("moving_rowid");
    let columns: Vec<&str> = row.keys().map(String::as_str).collect();
    let marks: Vec<String> = (1..=columns.len()).map(|i| format!("?{i}")).collect();
    let sql = format!(
        "INSERT OR REPLACE INTO {table} ({}) VALUES ({})",
        columns.join(", "),
        marks.join(", ")
    );
    let args = row
        .values()
        .map(|v| match v {
            Value::Null => JsValue::NULL,
            Value::String(s) => JsValue::from_str(s),
            Value::Number(n) => n
                .as_i64()
                .map_or_else(|| JsValue::from_f64(n.as_f64().unwrap_or_default()), to_js),
            other => JsValue::from_str(&other.to_string()),
        })
        .collect();
    Stmt::new(&sql, args)
}
