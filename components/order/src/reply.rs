//! Successful answers: a status with a JSON body (optionally marked as an idempotent replay),
//! or `204 No Content`.

use serde_json::Value;
use spin_sdk::http::Response;

use crate::config::REPLAYED_HEADER;

#[derive(Debug)]
pub enum Reply {
    Json(u16, Value),
    /// A stored checkout answer given again for the same `Idempotency-Key`.
    Replayed(u16, Value),
    NoContent,
}

impl Reply {
    pub fn ok(body: Value) -> Self {
        Self::Json(200, body)
    }

    pub fn into_response(self) -> Response {
        match self {
            Self::Json(status, body) => json_response(status, &body),
            Self::Replayed(status, body) => {
                let mut r = json_response(status, &body);
                r.set_header(REPLAYED_HEADER, "true");
                r
            }
            Self::NoContent => Response::builder().status(204).build(),
        }
    }
}

pub fn json_response(status: u16, body: &Value) -> Response {
    Response::builder()
        .status(status)
        .header("content-type", "application/json")
        .body(body.to_string())
        .build()
}
