//! The OpenAPI 3.1 document served at `/openapi.json`. Its paths come from
//! the route table (`routes.rs`), the one place a route is declared: each
//! route's operation is placed at its path and method with what the
//! declaration says (the operation id; the keys that may call it, as
//! `security`; `429` where a publishable key's calls are rate limited;
//! `503` on every route of a tenant's store, which may be moving; the path's
//! parameters). What a declaration cannot say (a summary, the request body,
//! the answers and their schemas) is written in `openapi.json`, under
//! `x-operations`, by operation id, beside the shared components.

use crate::error::{ApiError, ApiResult};
use crate::request::Call;
use crate::routes::{Access, Limit, Route, ROUTES};
use serde_json::{json, Map, Value};
use std::cell::OnceCell;

const DESCRIPTIONS: &str = include_str!("../openapi.json");

thread_local! {
    static DOCUMENT: OnceCell<String> = const { OnceCell::new() };
}

/// `GET /openapi.json`: the document, made once per isolate.
pub async fn served(_call: &Call<'_>) -> ApiResult<String> {
    DOCUMENT.with(|made| match made.get() {
        Some(text) => Ok(text.clone()),
        None => {
            let text = document()?.to_string();
            Ok(made.get_or_init(|| text).clone())
        }
    })
}

/// The document: the descriptions, each at its route.
pub fn document() -> ApiResult<Value> {
    let internal = |e: &str| ApiError::Internal(format!("openapi.json: {e}"));
    let mut doc: Map<String, Value> =
        serde_json::from_str(DESCRIPTIONS).map_err(|e| internal(&e.to_string()))?;
    let mut described = match doc.remove("x-operations") {
        Some(Value::Object(described)) => described,
        _ => return Err(internal("no x-operations")),
    };
    let mut paths = Map::new();
    for route in ROUTES {
        let Some(Value::Object(mut op)) = described.remove(route.id) else {
            return Err(internal(&format!("{} is not described", route.id)));
        };
        declared(route, &mut op);
        let item = paths
            .entry(route.path)
            .or_insert_with(|| path_item(route.path));
        if let Value::Object(item) = item {
            item.insert(route.method.to_lowercase(), Value::Object(op));
        }
    }
    doc.insert("paths".into(), Value::Object(paths));
    Ok(Value::Object(doc))
}

/// What the declaration of `route` says of its operation.
fn declared(route: &Route, op: &mut Map<String, Value>) {
    op.insert("operationId".into(), json!(route.id));
    let security = match route.access {
        Access::Public => Some(json!([])),
        Access::Secret => Some(json!([{"secretKey": []}])),
        Access::Storefront => Some(json!([{"secretKey": []}, {"publishableKey": []}])),
        // its signature is its key
        Access::Signed => None,
    };
    if let Some(security) = security {
        op.insert("security".into(), security);
    }
    if let Some(Value::Object(responses)) = op.get_mut("responses") {
        let answer = |name: &str| json!({"$ref": format!("#/components/responses/{name}")});
        if route.limit != Limit::None {
            responses.insert("429".into(), answer("RateLimited"));
        }
        if route.access != Access::Public {
            responses.insert("503".into(), answer("StoreMoving"));
        }
    }
}

/// A path's item: its template's parameters (an operation may describe one further).
fn path_item(path: &str) -> Value {
    let parameters: Vec<Value> = path
        .split('/')
        .filter_map(|s| s.strip_prefix('{').and_then(|s| s.strip_suffix('}')))
        .map(|name| json!({"name": name, "in": "path", "required": true, "schema": {"type": "string"}}))
        .collect();
    if parameters.is_empty() {
        json!({})
    } else {
        json!({ "parameters": parameters })
    }
}
