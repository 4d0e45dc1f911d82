//! A store's move from D1 into its own object: its rows copied table by
//! table, a page at a time, each page one transaction in the object with the
//! mark of how far the copy has come, so a copy cut short (a slice of rows
//! done, or the object reset) goes on from there. Run by the object from its
//! first call on, while the store is no longer written on D1
//! (`npm run move-store` marks it `moving` first), so the copy is whole.
//! Once the copy holds as many rows of each table as D1 does, the store's
//! rows on D1 are deleted, a page at a time (its configuration stays there,
//! as the directory's entry).

use super::{to_js, Db, Stmt};
use crate::error::ApiResult;
use serde_json::{Map, Value};

/// Every table with a store's rows, the store's configuration first.
const TABLES: [&str; 13] = [
    "stores",
    "stock",
    "gift_card_balances",
    "coupon_uses",
    "checkouts",
    "orders",
    "plan_orders",
    "events",
    "idempotency_keys",
    "order_numbers",
    "store_bytes",
    "webhook_endpoints",
    "webhook_secrets",
];
/// Rows read and written at once.
pub(super) const PAGE: usize = 200;

/// How far a copy has come: the table (of [`TABLES`]) and its last row copied.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub(super) struct Progress {
    pub table: usize,
    pub after: i64,
}

impl Progress {
    /// As `object_meta` keeps it: `table:rowid`.
    pub(super) fn to_text(self) -> String {
        format!("{}:{}", self.table, self.after)
    }

    pub(super) fn parse(text: &str) -> Option<Progress> {
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
    pub(super) async fn copy_rows_from(
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

impl Db {
    /// How many rows of the tenant's each table of [`TABLES`] holds.
    pub(super) async fn row_counts(&self) -> ApiResult<Vec<i64>> {
        let columns: Vec<String> = TABLES
            .iter()
            .map(|t| format!("(SELECT count(*) FROM {t} WHERE app_def_id = ?1) AS {t}"))
            .collect();
        let row: Option<Map<String, Value>> = self
            .row(self.stmt(&format!("SELECT {}", columns.join(", ")), &[])?)
            .await?;
        let row = row.unwrap_or_default();
        Ok(TABLES
            .iter()
            .map(|t| row.get(*t).and_then(Value::as_i64).unwrap_or(-1))
            .collect())
    }

    /// Deletes a page of the tenant's rows of every table but its
    /// configuration (which stays, as the directory's entry); whether any
    /// were left to delete.
    pub(super) async fn delete_moved_rows(&self) -> ApiResult<bool> {
        let pages = TABLES[1..]
            .iter()
            .map(|t| {
                self.stmt(
                    &format!("DELETE FROM {t} WHERE rowid IN (SELECT rowid FROM {t} WHERE app_def_id = ?1 LIMIT {PAGE})"),
                    &[],
                )
            })
            .collect::<ApiResult<Vec<Stmt>>>()?;
        Ok(self.batch(pages).await?.iter().any(|n| *n > 0))
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
