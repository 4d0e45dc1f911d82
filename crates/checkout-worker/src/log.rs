//! The worker's log: one JSON line per request (the access log, filtered by
//! `LOG_LEVEL`: `info` every request, the default; `warn` refused ones, 4xx
//! and 5xx; `error` failed ones, 5xx), and failures with their cause, which
//! an answer never carries.

use crate::error::ApiError;
use serde_json::json;
use worker::{console_log, Env};

/// One request, as the access log tells it.
pub struct Access<'a> {
    pub request_id: &'a str,
    pub method: &'a str,
    pub path: &'a str,
    pub status: u16,
    pub tenant: Option<&'a str>,
    pub ms: f64,
}

pub fn access(env: &Env, a: Access) {
    let level = match a.status {
        500.. => "error",
        400.. => "warn",
        _ => "info",
    };
    let wanted = env
        .var("LOG_LEVEL")
        .map(|v| v.to_string())
        .unwrap_or_else(|_| "info".into());
    if rank(level) >= rank(&wanted) {
        console_log!(
            "{}",
            json!({"level": level, "requestId": a.request_id, "method": a.method, "path": a.path,
                   "status": a.status, "tenant": a.tenant, "ms": a.ms})
        );
    }
}

/// An internal error of a request, with its cause, under the request's id.
pub fn internal(request_id: &str, detail: &str) {
    console_log!(
        "{}",
        json!({"level": "error", "requestId": request_id, "error": detail})
    );
}

/// A failure outside a request (the scheduled handler).
pub fn failure(origin: &str, e: &ApiError) {
    console_log!(
        "{}",
        json!({"level": "error", "in": origin, "error": format!("{e:?}")})
    );
}

fn rank(level: &str) -> u8 {
    match level {
        "error" => 3,
        "warn" => 2,
        _ => 1,
    }
}
