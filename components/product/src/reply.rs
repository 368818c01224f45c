//! Successful answers: a status with a JSON body, or `204 No Content`.

use serde::Serialize;
use serde_json::Value;
use spin_sdk::http::Response;

use crate::error::ApiError;

/// What a handler returns on success.
#[derive(Debug)]
pub enum Reply {
    Json(u16, Value),
    NoContent,
}

impl Reply {
    pub fn ok(body: Value) -> Self {
        Self::Json(200, body)
    }

    pub fn created(body: Value) -> Self {
        Self::Json(201, body)
    }

    pub fn into_response(self) -> Response {
        match self {
            Self::Json(status, body) => json_response(status, &body),
            Self::NoContent => Response::builder().status(204).build(),
        }
    }
}

/// Serializes a domain value; failure is a bug in a `Serialize` impl, hence internal.
pub fn to_json<T: Serialize>(value: &T) -> Result<Value, ApiError> {
    serde_json::to_value(value).map_err(|e| ApiError::internal(format!("serialize response: {e}")))
}

pub fn json_response(status: u16, body: &Value) -> Response {
    Response::builder()
        .status(status)
        .header("content-type", "application/json")
        .body(body.to_string())
        .build()
}
