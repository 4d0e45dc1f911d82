//! A store's move from D1 into its own object: its rows copied table by
//! table, a page at a time, each page one transaction in the object with the
//! mark of how far the copy has come, so a copy cut short (a slice of rows
//! done, or the object reset) goes on from there. Run by the object from its
//! first call on, while the store is no longer written on D1
//! (`npm run move-store` marks it `moving` first), so the copy is whole.

use super::{to_js, Db, Stmt};
use crate::error::ApiResult;
use serde_json::{Map, Value};

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
pub const PAGE: usize = 200;

/// How far a copy has come: the table (of [`TABLES`]) and its last row copied.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Progress {
    pub table: usize,
    pub after: i64,
}

impl Progress {
    /// As `object_meta` keeps it: `table:rowid`.
    pub fn to_text(self) -> String {
        format!("{}:{}", self.table, self.after)
    }

    pub fn parse(text: &str) -> Option<Progress> {
        let (table, after) = text.split_once(':')?;
        Some(Progress {
            table: table.parse().ok()?,
            after: after.parse().ok()?,
        })
    }
}

impl Db {
    /// Copies the tenant's rows from `from` into this database (written over
    /// any copied before), from `at` on, each page with `mark(progress)` in
    /// its transaction: `None` when all is copied, else where it stopped,
    /// after about `budget` rows.
    pub async fn copy_rows_from(
        &self,
        from: &Db,
        mut at: Progress,
        budget: usize,
        mark: impl Fn(Progress) -> Stmt,
    ) -> ApiResult<Option<Progress>> {
        let mut copied = 0;
        while let Some(table) = TABLES.get(at.table) {
            if copied >= budget {
                return Ok(Some(at));
            }
            let rows: Vec<Map<String, Value>> = from
                .rows(from.stmt(
                    &format!(
                        "SELECT rowid AS moving_rowid, * FROM {table}
                         WHERE app_def_id = ?1 AND rowid > ?2 ORDER BY rowid LIMIT {PAGE}"
                    ),
                    &[to_js(at.after)],
                )?)
                .await?;
            let Some(last) = rows.last() else {
                at = Progress {
                    table: at.table + 1,
                    after: 0,
                };
                continue;
            };
            at.after = last["moving_rowid"].as_i64().unwrap_or(i64::MAX);
            copied += rows.len();
            let mut page: Vec<Stmt> = rows.into_iter().map(|row| insert(table, row)).collect();
            page.push(mark(at));
            self.batch(page).await?;
        }
        Ok(None)
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
    let args = row.values().map(super::js_of).collect();
    Stmt::new(&sql, args)
}
