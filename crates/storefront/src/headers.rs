//! The headers every storefront response carries, and the page-only ones.
//!
//! The Content-Security-Policy allows what the built app needs and nothing more: scripts,
//! styles, fonts and API calls from the shop's own origin (the gateway shares it, so
//! `connect-src 'self'` covers `/api`), images from the origin and `data:` URIs (the demo
//! catalog's images are inline SVG), no plugins, no framing, forms posting only to the
//! origin. Vite emits no inline script or style in production builds, so neither
//! `'unsafe-inline'` nor a nonce is needed; React's `style` props go through the CSSOM,
//! which `style-src` does not govern.

use crate::Asset;

/// The storefront pages' Content-Security-Policy.
pub const CONTENT_SECURITY_POLICY: &str = "default-src 'self'; script-src 'self'; \
style-src 'self'; img-src 'self' data:; font-src 'self'; connect-src 'self'; \
object-src 'none'; base-uri 'self'; form-action 'self'; frame-ancestors 'none'";

/// Headers on every response, pages, assets and errors alike.
pub const COMMON: [(&str, &str); 2] = [
    ("x-content-type-options", "nosniff"),
    ("referrer-policy", "strict-origin-when-cross-origin"),
];

/// Headers on HTML pages only.
pub const PAGE: [(&str, &str); 3] = [
    ("content-security-policy", CONTENT_SECURITY_POLICY),
    ("x-frame-options", "DENY"),
    (
        "permissions-policy",
        "camera=(), microphone=(), geolocation=()",
    ),
];

/// Every header of a `200` for `asset`, except `content-length` and `etag` (the component
/// adds them once it has read the file).
pub fn for_asset(asset: &Asset) -> Vec<(&'static str, String)> {
    let mut headers = vec![
        ("content-type", asset.content_type.to_owned()),
        ("cache-control", asset.cache.header()),
    ];
    headers.extend(COMMON.iter().map(|(k, v)| (*k, (*v).to_owned())));
    if asset.is_document() {
        headers.extend(PAGE.iter().map(|(k, v)| (*k, (*v).to_owned())));
    }
    headers
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{Decision, resolve};

    fn headers(path: &str) -> Vec<(&'static str, String)> {
        match resolve("GET", path) {
            Decision::Serve(asset) => for_asset(&asset),
            other => panic!("{other:?}"),
        }
    }

    fn get<'a>(headers: &'a [(&'static str, String)], name: &str) -> Option<&'a str> {
        headers
            .iter()
            .find(|(k, _)| *k == name)
            .map(|(_, v)| v.as_str())
    }

    #[test]
    fn pages_carry_the_policy_and_are_revalidated() {
        let h = headers("/catalog");
        assert_eq!(
            get(&h, "content-security-policy"),
            Some(CONTENT_SECURITY_POLICY)
        );
        assert_eq!(get(&h, "cache-control"), Some("no-cache"));
        assert_eq!(get(&h, "x-frame-options"), Some("DENY"));
        assert_eq!(get(&h, "x-content-type-options"), Some("nosniff"));
    }

    #[test]
    fn hashed_scripts_are_immutable_and_carry_no_page_headers() {
        let h = headers("/assets/index-B2xY_9zQ.js");
        assert_eq!(
            get(&h, "content-type"),
            Some("text/javascript; charset=utf-8")
        );
        assert_eq!(
            get(&h, "cache-control"),
            Some("public, max-age=31536000, immutable")
        );
        assert_eq!(get(&h, "content-security-policy"), None);
        assert_eq!(get(&h, "x-content-type-options"), Some("nosniff"));
    }

    #[test]
    fn the_policy_allows_no_inline_script_and_data_images_only() {
        let directive = |name: &str| {
            CONTENT_SECURITY_POLICY
                .split(';')
                .map(str::trim)
                .find(|d| d.starts_with(name))
                .map(str::to_owned)
        };
        assert_eq!(
            directive("script-src").as_deref(),
            Some("script-src 'self'")
        );
        assert_eq!(
            directive("img-src").as_deref(),
            Some("img-src 'self' data:")
        );
        assert_eq!(
            directive("frame-ancestors").as_deref(),
            Some("frame-ancestors 'none'")
        );
        assert!(!CONTENT_SECURITY_POLICY.contains("unsafe"));
    }
}
