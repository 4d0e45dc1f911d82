//! `POST /ecom/v1/orders/search`: Wix's search request (`{search: {filter,
//! cursorPaging}}`) read into a [`Search`]; filters on `status`,
//! `paymentStatus`, `createdDate` and `buyerInfo.email`, newest first,
//! cursor paging of at most 100 orders a page. A cursor carries the filter
//! it was made for (Wix's SDK sends the cursor alone for the next pages),
//! sealed by the core (`checkout_core::cursor`): the caller can neither read
//! it nor change what it asks for.

pub use crate::db::Search;
use crate::error::{ApiError, ApiResult};
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
    /// Wix's search request read into the query storage runs; `open` gives
    /// the position a cursor carries (`None`: not a cursor of this tenant).
    pub fn parse(body: &Value, open: impl Fn(&str) -> Option<Value>) -> ApiResult<Search> {
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
        let cursor = paging
            .get("cursor")
            .and_then(Value::as_str)
            .filter(|c| !c.is_empty());
        // a cursor carries on the search it came from, whatever filter comes with it
        let filter = match cursor {
            Some(cursor) => {
                let (filter, after) = open(cursor).and_then(position).ok_or_else(|| {
                    ApiError::invalid(
                        "search.cursorPaging.cursor",
                        "a cursor from a previous page of this search, at most a day old",
                    )
                })?;
                out.after = Some(after);
                filter
            }
            None => search.get("filter").cloned().unwrap_or(Value::Null),
        };
        if filter.is_null() {
            return Ok(out);
        }
        out.filter = filter.clone();
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

/// The filter and the end of the page a cursor's position holds.
fn position(p: Value) -> Option<(Value, (String, String))> {
    let after = p.get("after")?.as_array()?;
    let created = after.first()?.as_str()?;
    let id = after.get(1)?.as_str()?;
    Timestamp::parse(created)?;
    let filter = p.get("filter").cloned().unwrap_or(Value::Null);
    Some((filter, (created.to_owned(), id.to_owned())))
}

/// The search response, as JSON text: `{orders, metadata: {count,
/// cursors: {next}, hasNext}}`, each order as the JSON text it is given
/// (`Db::search_orders`: a page of 100 orders is some 2 MB, never parsed
/// here); `seal` makes the next page's cursor of its position.
pub fn page(
    mut rows: Vec<(String, String, String)>,
    search: &Search,
    seal: impl FnOnce(Value) -> ApiResult<String>,
) -> ApiResult<String> {
    let has_next = rows.len() > search.limit;
    rows.truncate(search.limit);
    let next = match rows.last().filter(|_| has_next) {
        Some((_, created, id)) => Some(seal(
            json!({"filter": search.filter, "after": [created, id]}),
        )?),
        None => None,
    };
    let count = rows.len();
    let metadata = json!({"count": count, "cursors": {"next": next}, "hasNext": has_next});
    let orders: Vec<String> = rows.into_iter().map(|(o, _, _)| o).collect();
    Ok(format!(
        "{{\"orders\":[{}],\"metadata\":{metadata}}}",
        orders.join(",")
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    /// No cursor is ours.
    fn none(_: &str) -> Option<Value> {
        None
    }

    #[test]
    fn reads_wix_search_requests() {
        let s = Search::parse(
            &json!({"search": {
                "filter": {"status": {"$in": ["APPROVED"]}, "buyerInfo.email": "a@b.co",
                           "createdDate": {"$gte": "2026-01-01T00:00:00Z"}},
                "cursorPaging": {"limit": 10}}}),
            none,
        )
        .unwrap();
        assert_eq!(s.statuses, Some(vec!["APPROVED".to_string()]));
        assert_eq!(s.email.as_deref(), Some("a@b.co"));
        assert_eq!(s.created.len(), 1);
        assert_eq!(s.limit, 10);
        assert_eq!(Search::parse(&json!({}), none).unwrap().limit, DEFAULT_PAGE);
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
            assert!(Search::parse(&bad, none).is_err(), "{bad}");
        }
    }

    #[test]
    fn a_cursor_carries_its_filter_and_position_whatever_comes_with_it() {
        let search = Search::parse(
            &json!({"search": {"filter": {"buyerInfo.email": "a@b.co"}, "cursorPaging": {"limit": 1}}}),
            none,
        )
        .unwrap();
        let rows = |ids: &[&str]| -> Vec<(String, String, String)> {
            ids.iter()
                .map(|id| {
                    (
                        json!({"id": id}).to_string(),
                        "2026-12-01T00:00:00.000Z".to_owned(),
                        id.to_string(),
                    )
                })
                .collect()
        };
        let mut sealed = None;
        let answer: Value = serde_json::from_str(
            &page(rows(&["o-2", "o-1"]), &search, |p| {
                sealed = Some(p);
                Ok("CURSOR".into())
            })
            .unwrap(),
        )
        .unwrap();
        assert_eq!(answer["metadata"]["cursors"]["next"], "CURSOR");
        assert_eq!(answer["orders"], json!([{"id": "o-2"}]));
        let position = sealed.unwrap();
        // page 2: the cursor alone, or with another filter, asks the same search
        for filter in [Value::Null, json!({"buyerInfo.email": "other@b.co"})] {
            let next = Search::parse(
                &json!({"search": {"filter": filter, "cursorPaging": {"cursor": "CURSOR"}}}),
                |c| (c == "CURSOR").then(|| position.clone()),
            )
            .unwrap();
            assert_eq!(next.email.as_deref(), Some("a@b.co"));
            assert_eq!(
                next.after,
                Some(("2026-12-01T00:00:00.000Z".into(), "o-2".into()))
            );
        }
        let last: Value = serde_json::from_str(
            &page(rows(&["o-1"]), &search, |_| panic!("no next page")).unwrap(),
        )
        .unwrap();
        assert_eq!(last["metadata"]["hasNext"], false);
    }
}
