//! `POST /ecom/v1/orders/search`: Wix's search request (`{search: {filter,
//! cursorPaging}}`) read into a [`Search`]; filters on `status`,
//! `paymentStatus`, `createdDate` and `buyerInfo.email`, newest first,
//! cursor paging of at most 100 orders a page.

pub use crate::db::Search;
use crate::error::{ApiError, ApiResult};
use crate::ids::hex;
use checkout_core::time::Timestamp;
use serde_json::{json, Value};

pub const MAX_PAGE: usize = 100;
pub const DEFAULT_PAGE: usize = 50;

/// One value or `{$eq: v}` or `{$in: [..]}`, as a list of strings.
fn strings(v: &Value, field: &str) -> ApiResult<Vec<String>> {
    let one = |v: &Value| {
        v.as_str()
            .map(String::from)
            .ok_or_else(|| ApiError::invalid(field, "a string"))
    };
    match v {
        Value::String(s) => Ok(vec![s.clone()]),
        Value::Object(ops) if ops.len() == 1 => match ops.iter().next() {
            Some((op, v)) if op == "$eq" => Ok(vec![one(v)?]),
            Some((op, Value::Array(list))) if op == "$in" => list.iter().map(one).collect(),
            _ => Err(ApiError::invalid(
                field,
                "a value, {\"$eq\": value} or {\"$in\": [values]}",
            )),
        },
        _ => Err(ApiError::invalid(
            field,
            "a value, {\"$eq\": value} or {\"$in\": [values]}",
        )),
    }
}

impl Search {
    /// Wix's search request read into the query storage runs.
    pub fn parse(body: &Value) -> ApiResult<Search> {
        let search = body.get("search").unwrap_or(&Value::Null);
        let mut out = Search {
            limit: DEFAULT_PAGE,
            ..Search::default()
        };
        let paging = search.get("cursorPaging").unwrap_or(&Value::Null);
        if let Some(limit) = paging.get("limit").filter(|l| !l.is_null()) {
            out.limit = limit
                .as_u64()
                .and_then(|l| usize::try_from(l).ok())
                .filter(|l| (1..=MAX_PAGE).contains(l))
                .ok_or_else(|| {
                    ApiError::invalid("search.cursorPaging.limit", "a whole number from 1 to 100")
                })?;
        }
        if let Some(cursor) = paging
            .get("cursor")
            .and_then(Value::as_str)
            .filter(|c| !c.is_empty())
        {
            out.after = Some(decode_cursor(cursor).ok_or_else(|| {
                ApiError::invalid(
                    "search.cursorPaging.cursor",
                    "a cursor from a previous page",
                )
            })?);
            // a cursor carries on the search it came from; Wix sends no filter with it
        }
        let Some(filter) = search.get("filter").filter(|f| !f.is_null()) else {
            return Ok(out);
        };
        let filter = filter
            .as_object()
            .ok_or_else(|| ApiError::invalid("search.filter", "an object"))?;
        for (key, v) in filter {
            let field = format!("search.filter.{key}");
            match key.as_str() {
                "status" => out.statuses = Some(strings(v, &field)?),
                "paymentStatus" => out.payment_statuses = Some(strings(v, &field)?),
                "buyerInfo.email" => {
                    let mut list = strings(v, &field)?;
                    if list.len() != 1 {
                        return Err(ApiError::invalid(&field, "one email"));
                    }
                    out.email = list.pop();
                }
                "createdDate" => {
                    let ops = v.as_object().ok_or_else(|| ApiError::invalid(&field, "{\"$gte\"|\"$gt\"|\"$lte\"|\"$lt\": date}"))?;
                    for (op, bound) in ops {
                        let sql = match op.as_str() {
                            "$gte" => ">=",
                            "$gt" => ">",
                            "$lte" => "<=",
                            "$lt" => "<",
                            _ => return Err(ApiError::invalid(&field, "operators are $gte, $gt, $lte, $lt")),
                        };
                        let t = bound.as_str().and_then(Timestamp::parse).ok_or_else(|| ApiError::invalid(&field, "an RFC 3339 date-time"))?;
                        out.created.push((sql, t));
                    }
                }
                _ => return Err(ApiError::invalid(&field, "orders can be filtered on status, paymentStatus, createdDate and buyerInfo.email")),
            }
        }
        Ok(out)
    }
}

pub fn encode_cursor(created: &str, id: &str) -> String {
    hex(format!("{created}|{id}").as_bytes())
}

fn decode_cursor(cursor: &str) -> Option<(String, String)> {
    if !cursor.len().is_multiple_of(2) || cursor.len() > 400 {
        return None;
    }
    let bytes: Option<Vec<u8>> = (0..cursor.len())
        .step_by(2)
        .map(|i| {
            cursor
                .get(i..i + 2)
                .and_then(|h| u8::from_str_radix(h, 16).ok())
        })
        .collect();
    let text = String::from_utf8(bytes?).ok()?;
    let (created, id) = text.split_once('|')?;
    Timestamp::parse(created)?;
    Some((created.to_owned(), id.to_owned()))
}

/// The search response: `{orders, metadata: {count, cursors: {next}, hasNext}}`.
pub fn page(mut rows: Vec<(Value, String, String)>, limit: usize) -> Value {
    let has_next = rows.len() > limit;
    rows.truncate(limit);
    let next = if has_next {
        rows.last()
            .map(|(_, created, id)| encode_cursor(created, id))
    } else {
        None
    };
    let count = rows.len();
    json!({
        "orders": rows.into_iter().map(|(o, _, _)| o).collect::<Vec<_>>(),
        "metadata": {"count": count, "cursors": {"next": next}, "hasNext": has_next},
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_wix_search_requests() {
        let s = Search::parse(&json!({"search": {
            "filter": {"status": {"$in": ["APPROVED"]}, "buyerInfo.email": "a@b.co",
                       "createdDate": {"$gte": "2026-01-01T00:00:00Z"}},
            "cursorPaging": {"limit": 10}}}))
        .unwrap();
        assert_eq!(s.statuses, Some(vec!["APPROVED".to_string()]));
        assert_eq!(s.email.as_deref(), Some("a@b.co"));
        assert_eq!(s.created.len(), 1);
        assert_eq!(s.limit, 10);
        assert_eq!(Search::parse(&json!({})).unwrap().limit, DEFAULT_PAGE);
    }

    #[test]
    fn refuses_what_it_cannot_search() {
        for bad in [
            json!({"search": {"cursorPaging": {"limit": 101}}}),
            json!({"search": {"cursorPaging": {"limit": 0}}}),
            json!({"search": {"filter": {"total": "5"}}}),
            json!({"search": {"filter": {"createdDate": {"$gte": "yesterday"}}}}),
            json!({"search": {"cursorPaging": {"cursor": "zz"}}}),
            json!({"search": {"filter": []}}),
        ] {
            assert!(Search::parse(&bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn cursors_round_trip() {
        let c = encode_cursor("2026-11-23T07:24:48.000Z", "abc");
        assert_eq!(
            decode_cursor(&c),
            Some(("2026-11-23T07:24:48.000Z".into(), "abc".into()))
        );
    }
}
