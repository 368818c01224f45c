//! The storefront's serving rules, as plain Rust so that they are tested natively.
//!
//! The storefront component serves the built web shop (`frontend/dist`, mounted at `/` by
//! the manifest's `files`) on every path the gateway does not take. What it may answer is
//! decided here, before any file is opened:
//!
//! - [`path`] turns the request path into a [`path::AssetPath`] inside the mount, or refuses
//!   it (bad escapes, `..`, hidden names): the filesystem is never asked about a path this
//!   module did not produce.
//! - [`resolve`] picks the file: a path that names a file (its last segment has an extension,
//!   or it lies under `assets/`) is that file or a 404; any other path is a client-side route
//!   of the single-page app and gets `index.html`.
//! - [`mime`], [`cache`] and [`headers`] give the content type, the caching policy (hashed
//!   build output is immutable, the HTML shell is revalidated every time) and the security
//!   headers, the Content-Security-Policy included.
//!
//! `/api/...` belongs to the gateway. The host routes it there (the longer wildcard wins);
//! should a request reach the storefront anyway (an app without the gateway), it is refused
//! rather than answered with the shop's HTML, so an API client never mistakes a page for
//! data.

pub mod cache;
pub mod etag;
pub mod headers;
pub mod mime;
pub mod path;

use crate::cache::CachePolicy;
use crate::path::{AssetPath, PathError};

/// The file that holds the single-page app's shell.
pub const INDEX: &str = "index.html";

/// The directory of Vite's build output, whose file names carry a content hash.
pub const ASSETS_DIR: &str = "assets";

/// What the component does with a request.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Decision {
    /// Serve this file (or, when it is missing and `fallback` is false, answer 404).
    Serve(Asset),
    /// The path is the gateway's (`/api` or below): 404, never the shop's HTML.
    NotOurs,
    /// The path cannot name a file in the mount.
    BadPath(PathError),
    /// Only `GET` and `HEAD` are served: 405 with [`ALLOW`].
    MethodNotAllowed,
}

/// The `allow` header of a 405.
pub const ALLOW: &str = "GET, HEAD";

/// A file to serve and how.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Asset {
    /// Relative to the mount, never empty, never with `..`.
    pub file: String,
    pub content_type: &'static str,
    pub cache: CachePolicy,
    /// Whether this is the app's HTML shell standing in for a client-side route.
    pub fallback: bool,
    /// Whether the body is sent (`GET`) or only the headers (`HEAD`).
    pub with_body: bool,
}

impl Asset {
    fn new(file: String, fallback: bool, with_body: bool) -> Self {
        Self {
            content_type: mime::content_type(&file),
            cache: CachePolicy::for_file(&file),
            file,
            fallback,
            with_body,
        }
    }

    /// Whether the asset is an HTML document (gets the page-only headers).
    pub fn is_document(&self) -> bool {
        self.content_type.starts_with("text/html")
    }
}

/// Decide what to answer to `method path` (the path without its query string).
pub fn resolve(method: &str, path: &str) -> Decision {
    let with_body = match method {
        "GET" => true,
        "HEAD" => false,
        _ => return Decision::MethodNotAllowed,
    };
    let path = match AssetPath::parse(path) {
        Ok(p) => p,
        Err(e) => return Decision::BadPath(e),
    };
    if path.first_segment() == Some("api") {
        return Decision::NotOurs;
    }
    if path.is_root() {
        return Decision::Serve(Asset::new(INDEX.to_owned(), false, with_body));
    }
    if path.names_file() || path.first_segment() == Some(ASSETS_DIR) {
        return Decision::Serve(Asset::new(path.as_str().to_owned(), false, with_body));
    }
    Decision::Serve(Asset::new(INDEX.to_owned(), true, with_body))
}

#[cfg(test)]
mod tests;
