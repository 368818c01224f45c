//! The storefront component: the built web shop (`frontend/dist`), served from the Spin
//! `files` mount at `/`.
//!
//! Every rule (which paths are files, which fall back to the app's shell, content types,
//! caching, security headers) lives in the `redshop-storefront` crate and is tested
//! natively; this crate reads the request head, opens the file the rules chose and writes
//! the response. It makes no outbound calls and reads no variables: its world
//! (`wit/storefront.wit`) gives it the filesystem and the HTTP handler only.

#![expect(
    unsafe_code,
    reason = "the #[http_component] macro generates the canonical-ABI export glue"
)]

mod error;
mod files;

use redshop_storefront::{Decision, etag, headers, resolve};
use spin_sdk::http::{IncomingRequest, Method, Response};
use spin_sdk::http_component;

use crate::error::ServeError;

/// Spin's header with the request path relative to the component's route (`/...` here, so
/// the whole path).
const PATH_INFO_HEADER: &str = "spin-path-info";

#[http_component]
fn handle(req: IncomingRequest) -> Response {
    match serve(&req) {
        Ok(response) => response,
        Err(e) => e.into_response(),
    }
}

fn serve(req: &IncomingRequest) -> Result<Response, ServeError> {
    let headers = req.headers();
    let first = |name: &str| {
        headers
            .get(name)
            .into_iter()
            .next()
            .and_then(|v| String::from_utf8(v).ok())
    };
    let path = first(PATH_INFO_HEADER).unwrap_or_else(|| {
        let target = req.path_with_query().unwrap_or_default();
        target.split('?').next().unwrap_or_default().to_owned()
    });
    let method = req.method();
    let asset = match resolve(method_name(&method), &path) {
        Decision::Serve(asset) => asset,
        Decision::NotOurs => return Err(ServeError::NotOurs),
        Decision::BadPath(e) => return Err(ServeError::BadPath(e)),
        Decision::MethodNotAllowed => return Err(ServeError::MethodNotAllowed),
    };
    let content = files::read(&asset)?;
    let tag = etag::of(&content);
    let mut builder = Response::builder();
    for (name, value) in headers::for_asset(&asset) {
        builder.header(name, value);
    }
    builder.header("etag", tag.as_str());
    if first("if-none-match").is_some_and(|inm| etag::matches(&inm, &tag)) {
        return Ok(builder.status(304).build());
    }
    if !asset.with_body {
        return Ok(builder.status(200).build());
    }
    Ok(builder
        .status(200)
        .header("content-length", content.len().to_string())
        .body(content)
        .build())
}

fn method_name(method: &Method) -> &str {
    match method {
        Method::Get => "GET",
        Method::Head => "HEAD",
        Method::Post => "POST",
        Method::Put => "PUT",
        Method::Delete => "DELETE",
        Method::Patch => "PATCH",
        Method::Options => "OPTIONS",
        Method::Connect => "CONNECT",
        Method::Trace => "TRACE",
        Method::Other(other) => other,
    }
}
