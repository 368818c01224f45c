//! Every failure of the storefront, mapped to a response in one place.

use redshop_storefront::headers::COMMON;
use redshop_storefront::path::PathError;
use spin_sdk::http::Response;

/// Why a request got no file.
#[derive(Debug)]
pub enum ServeError {
    /// The path names no file in the mount.
    NotFound,
    /// `/api/...`: the gateway's, never answered with a page.
    NotOurs,
    BadPath(PathError),
    MethodNotAllowed,
    /// The mount is broken (no `index.html`, an unreadable file); the cause is logged.
    Internal(String),
}

impl ServeError {
    pub fn internal(cause: String) -> Self {
        Self::Internal(cause)
    }

    fn status(&self) -> u16 {
        match self {
            Self::NotFound | Self::NotOurs => 404,
            Self::BadPath(_) => 400,
            Self::MethodNotAllowed => 405,
            Self::Internal(_) => 500,
        }
    }

    fn code(&self) -> &'static str {
        match self {
            Self::NotFound | Self::NotOurs => "not_found",
            Self::BadPath(_) => "invalid_path",
            Self::MethodNotAllowed => "method_not_allowed",
            Self::Internal(_) => "internal",
        }
    }

    fn message(&self) -> String {
        match self {
            Self::NotFound => "no such file".to_owned(),
            Self::NotOurs => "no such API route".to_owned(),
            Self::BadPath(e) => e.to_string(),
            Self::MethodNotAllowed => "only GET and HEAD are served here".to_owned(),
            Self::Internal(_) => "internal error".to_owned(),
        }
    }

    /// The JSON error response (docs/contracts.md, Errors); a 5xx logs its cause and says
    /// only "internal error".
    pub fn into_response(self) -> Response {
        if let Self::Internal(cause) = &self {
            eprintln!("storefront: internal error: {cause}");
        }
        let body = format!(
            r#"{{"error":"{}","message":"{}"}}"#,
            self.code(),
            escape(&self.message())
        );
        let mut builder = Response::builder();
        builder
            .status(self.status())
            .header("content-type", "application/json")
            .header("cache-control", "no-store");
        for (name, value) in COMMON {
            builder.header(name, value);
        }
        if matches!(self, Self::MethodNotAllowed) {
            builder.header("allow", redshop_storefront::ALLOW);
        }
        builder.body(body).build()
    }
}

/// JSON string escaping for the messages above (fixed texts; escaped anyway).
fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            c if u32::from(c) < 0x20 => out.push_str(&format!("\\u{:04x}", u32::from(c))),
            c => out.push(c),
        }
    }
    out
}
