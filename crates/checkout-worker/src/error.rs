//! The worker's one error type, and its translation to an HTTP answer in Wix's
//! error shape (`api.md`, Errors). Nothing else builds an error response.

use checkout_core::ErrorCode;
use serde_json::{json, Value};

#[derive(Debug)]
pub enum ApiError {
    /// 400: the request does not hold what the route needs.
    Invalid {
        field: String,
        description: String,
        rule: &'static str,
    },
    /// 400 with an application code (a core validation error, say).
    BadRequest {
        code: &'static str,
        field: String,
        description: String,
    },
    /// 401: no key, or a key of no tenant.
    Unauthenticated,
    /// 403: the key is valid but may not do this.
    Forbidden,
    /// 404: no such route, or no such entity for this tenant.
    NotFound(&'static str),
    MethodNotAllowed,
    PayloadTooLarge {
        limit: usize,
    },
    /// 428: the tenant has no store configuration yet (PUT /admin/v1/store).
    StoreNotConfigured,
    /// An application error with its own status (409 conflict, 428 failed
    /// precondition) and data (the existing order's id, the failing conditions).
    Application {
        status: u16,
        code: &'static str,
        description: String,
        data: Value,
    },
    /// 500: logged with the request id; the body says nothing more.
    Internal(String),
}

impl ApiError {
    pub fn status(&self) -> u16 {
        match self {
            ApiError::Invalid { .. } | ApiError::BadRequest { .. } => 400,
            ApiError::Unauthenticated => 401,
            ApiError::Forbidden => 403,
            ApiError::NotFound(_) => 404,
            ApiError::MethodNotAllowed => 405,
            ApiError::PayloadTooLarge { .. } => 413,
            ApiError::StoreNotConfigured => 428,
            ApiError::Application { status, .. } => *status,
            ApiError::Internal(_) => 500,
        }
    }

    pub fn conflict(code: &'static str, description: impl Into<String>, data: Value) -> ApiError {
        ApiError::Application {
            status: 409,
            code,
            description: description.into(),
            data,
        }
    }

    pub fn bad_request(code: &'static str, description: impl Into<String>) -> ApiError {
        ApiError::Application {
            status: 400,
            code,
            description: description.into(),
            data: json!({}),
        }
    }

    pub fn precondition(
        code: &'static str,
        description: impl Into<String>,
        data: Value,
    ) -> ApiError {
        ApiError::Application {
            status: 428,
            code,
            description: description.into(),
            data,
        }
    }

    /// The stable code a client matches on.
    pub fn code(&self) -> &'static str {
        match self {
            ApiError::Invalid { .. } => "INVALID_ARGUMENT",
            ApiError::BadRequest { code, .. } => code,
            ApiError::Unauthenticated => "UNAUTHENTICATED",
            ApiError::Forbidden => "PERMISSION_DENIED",
            ApiError::NotFound(_) => "NOT_FOUND",
            ApiError::MethodNotAllowed => "METHOD_NOT_ALLOWED",
            ApiError::PayloadTooLarge { .. } => "PAYLOAD_TOO_LARGE",
            ApiError::StoreNotConfigured => "STORE_NOT_CONFIGURED",
            ApiError::Application { code, .. } => code,
            ApiError::Internal(_) => "INTERNAL",
        }
    }

    fn message(&self) -> String {
        match self {
            ApiError::Invalid {
                field, description, ..
            } => format!("INVALID_ARGUMENT: \"{field}\" {description}"),
            ApiError::BadRequest {
                field, description, ..
            } if field.is_empty() => description.clone(),
            ApiError::BadRequest {
                field, description, ..
            } => format!("{field}: {description}"),
            ApiError::Unauthenticated => {
                "a valid API key is required in the Authorization header".into()
            }
            ApiError::Forbidden => "this key may not do this".into(),
            ApiError::NotFound(what) => format!("{what} not found"),
            ApiError::MethodNotAllowed => "method not allowed on this path".into(),
            ApiError::PayloadTooLarge { limit } => {
                format!("the request body is larger than {limit} bytes")
            }
            ApiError::StoreNotConfigured => {
                "the store is not configured yet: PUT /admin/v1/store first".into()
            }
            ApiError::Application { description, .. } => description.clone(),
            ApiError::Internal(_) => "internal error".into(),
        }
    }

    /// The JSON body: `{message, details: {applicationError | validationError}}`.
    pub fn body(&self) -> Value {
        let message = self.message();
        let details = match self {
            ApiError::Invalid {
                field,
                description,
                rule,
            } => json!({"validationError": {"fieldViolations": [
                {"field": field, "description": description, "violatedRule": rule}
            ]}}),
            ApiError::BadRequest {
                code,
                field,
                description,
            } => json!({
                "applicationError": {"code": code, "description": description, "data": {"field": field}},
                "validationError": {"fieldViolations": [
                    {"field": field, "description": description, "violatedRule": "VALIDATION", "ruleName": code}
                ]}
            }),
            ApiError::Application {
                code,
                description,
                data,
                ..
            } => {
                json!({"applicationError": {"code": code, "description": description, "data": data}})
            }
            _ => {
                json!({"applicationError": {"code": self.code(), "description": message, "data": {}}})
            }
        };
        json!({"message": message, "details": details})
    }
}

impl From<checkout_core::Error> for ApiError {
    fn from(e: checkout_core::Error) -> ApiError {
        match e.code {
            ErrorCode::InvalidInput => ApiError::Invalid {
                field: e.field,
                description: e.message,
                rule: "VALIDATION",
            },
            ErrorCode::PermissionDenied => ApiError::Forbidden,
            ErrorCode::PlanNotFound => ApiError::NotFound("plan"),
            ErrorCode::CheckoutIsComplete | ErrorCode::PurchaseLimitReached => {
                ApiError::precondition(e.code.as_str(), e.message, json!({ "field": e.field }))
            }
            code => ApiError::BadRequest {
                code: code.as_str(),
                field: e.field,
                description: e.message,
            },
        }
    }
}

impl From<worker::Error> for ApiError {
    fn from(e: worker::Error) -> ApiError {
        ApiError::Internal(e.to_string())
    }
}

pub type ApiResult<T> = Result<T, ApiError>;
