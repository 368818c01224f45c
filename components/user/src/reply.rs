//! Successful answers: a status, a JSON body or none, and the headers a route adds
//! (`set-cookie` on sign-in, refresh and sign-out).

use serde::Serialize;
use serde_json::Value;
use spin_sdk::http::Response;

use crate::error::ApiError;

#[derive(Debug)]
pub struct Reply {
    status: u16,
    body: Option<Value>,
    headers: Vec<(&'static str, String)>,
}

impl Reply {
    pub fn ok(body: Value) -> Self {
        Self {
            status: 200,
            body: Some(body),
            headers: Vec::new(),
        }
    }

    pub fn created(body: Value) -> Self {
        Self {
            status: 201,
            body: Some(body),
            headers: Vec::new(),
        }
    }

    pub fn accepted(body: Value) -> Self {
        Self {
            status: 202,
            body: Some(body),
            headers: Vec::new(),
        }
    }

    pub fn no_content() -> Self {
        Self {
            status: 204,
            body: None,
            headers: Vec::new(),
        }
    }

    pub fn with_header(mut self, name: &'static str, value: String) -> Self {
        self.headers.push((name, value));
        self
    }

    pub fn into_response(self) -> Response {
        let mut builder = Response::builder();
        builder.status(self.status);
        for (name, value) in self.headers {
            builder.header(name, value);
        }
        match self.body {
            Some(body) => builder
                .header("content-type", "application/json")
                .body(body.to_string())
                .build(),
            None => builder.build(),
        }
    }
}

/// Serialises a domain value; a failure is a bug in a `Serialize` impl, hence internal.
pub fn to_json<T: Serialize>(value: &T) -> Result<Value, ApiError> {
    serde_json::to_value(value).map_err(|e| ApiError::internal(format!("serialise response: {e}")))
}

pub fn json_response(status: u16, body: &Value) -> Response {
    Response::builder()
        .status(status)
        .header("content-type", "application/json")
        .body(body.to_string())
        .build()
}
