//! Images and free-form attributes.
//!
//! Image URLs are restricted to site-local paths (`/images/...`) or inline `data:image/...`
//! URIs. The shop never hot-links: an external host would leak shopper IPs, break the
//! Content-Security-Policy (`img-src 'self' data:`) and could swap the picture after review.
//! Attributes are a bounded string→string map ("color" → "navy") kept in a `jsonb` column;
//! bounds keep rows small and facet UIs sane.

use std::collections::BTreeMap;

use serde::Serialize;

use super::ids::clip;
use crate::error::{DomainError, Result};

/// Longest site-local image path; the CDN's object-key limit is 1 024 bytes, we use half.
pub const MAX_IMAGE_PATH_LEN: usize = 512;
/// Largest inline data URI: 64 KiB. The seed tiles are ~1 KiB; anything bigger belongs in
/// `/images/` where it can be cached, and a row stays well under PostgreSQL's TOAST sweet spot.
pub const MAX_DATA_URI_LEN: usize = 64 * 1024;
/// Images per product: the product page gallery shows at most 8 thumbnails.
pub const MAX_IMAGES: usize = 8;
/// Attributes per product: 32 covers the richest seed category (electronics specs) twice over.
pub const MAX_ATTRIBUTES: usize = 32;
/// Attribute key length: keys are identifiers used as facet names (`screen_size_in`).
pub const MAX_ATTRIBUTE_KEY_LEN: usize = 40;
/// Attribute value length: a spec value, not prose (Merchant Center caps most at 200 too).
pub const MAX_ATTRIBUTE_VALUE_CHARS: usize = 200;

/// Raster formats browsers render inline; SVG is handled separately (it has two encodings).
const DATA_IMAGE_TYPES: &[&str] = &["png", "jpeg", "webp", "gif", "avif"];

/// A validated image reference.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct ImageUrl(String);
super::ids::string_newtype!(ImageUrl);

impl ImageUrl {
    pub fn parse(raw: &str) -> Result<Self> {
        let s = raw.trim();
        let bad = |why: String| DomainError::InvalidImage(why);
        if let Some(rest) = s.strip_prefix("data:image/") {
            if s.len() > MAX_DATA_URI_LEN {
                return Err(bad(format!(
                    "data URI is {} bytes, at most {MAX_DATA_URI_LEN} allowed",
                    s.len()
                )));
            }
            return check_data_uri(rest)
                .map(|()| Self(s.to_string()))
                .map_err(bad);
        }
        if !s.starts_with("/images/") {
            return Err(bad(format!(
                "`{}` must be a site-local `/images/...` path or a `data:image/...` URI; external hosts are not allowed",
                clip(s)
            )));
        }
        if s.len() > MAX_IMAGE_PATH_LEN {
            return Err(bad(format!(
                "path is {} bytes, at most {MAX_IMAGE_PATH_LEN} allowed",
                s.len()
            )));
        }
        if s.contains("..") || s.contains("//") || s.contains('\\') {
            return Err(bad(format!(
                "`{}` must not contain `..`, `//` or `\\`",
                clip(s)
            )));
        }
        if let Some(c) = s
            .chars()
            .find(|c| !(c.is_ascii_alphanumeric() || "/-_.%".contains(*c)))
        {
            return Err(bad(format!(
                "`{}` contains `{c}`; use a-z, 0-9, `/-_.%`",
                clip(s)
            )));
        }
        Ok(Self(s.to_string()))
    }
}

/// Checks the part after `data:image/`: `<type>;base64,<b64>` or `svg+xml,<percent-encoded>`.
fn check_data_uri(rest: &str) -> std::result::Result<(), String> {
    let (meta, payload) = rest
        .split_once(',')
        .ok_or("data URI has no `,` before its payload")?;
    if payload.is_empty() {
        return Err("data URI payload is empty".into());
    }
    let (kind, base64) = match meta.strip_suffix(";base64") {
        Some(kind) => (kind, true),
        None => (meta, false),
    };
    if kind == "svg+xml" || kind == "svg+xml;charset=utf-8" {
        if base64 {
            return check_base64(payload);
        }
        // URL-encoded SVG must not smuggle quotes or angle-bracket-free tricks into HTML
        // attributes: require `<`, `>`, `"` and `#` to be percent-encoded, as `encodeURIComponent` does.
        return match payload
            .chars()
            .find(|c| matches!(c, '"' | '<' | '>' | '#' | ' ') || c.is_control())
        {
            Some(c) => Err(format!(
                "SVG data URI must percent-encode `{}`",
                c.escape_default()
            )),
            None => Ok(()),
        };
    }
    if !DATA_IMAGE_TYPES.contains(&kind) {
        return Err(format!(
            "data URI type `image/{}` is not an allowed image type",
            clip(kind)
        ));
    }
    if !base64 {
        return Err(format!("`image/{kind}` data URIs must be base64-encoded"));
    }
    check_base64(payload)
}

fn check_base64(payload: &str) -> std::result::Result<(), String> {
    use base64::Engine as _;
    base64::engine::general_purpose::STANDARD
        .decode(payload)
        .map(|_| ())
        .map_err(|e| format!("data URI payload is not valid base64: {e}"))
}

/// Bounded `key → value` product attributes, ordered by key for stable JSON.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize)]
#[serde(transparent)]
pub struct Attributes(BTreeMap<String, String>);

impl Attributes {
    pub fn parse(raw: BTreeMap<String, String>) -> Result<Self> {
        let bad = |why: String| DomainError::InvalidAttributes(why);
        if raw.len() > MAX_ATTRIBUTES {
            return Err(bad(format!(
                "{} attributes given, at most {MAX_ATTRIBUTES} allowed",
                raw.len()
            )));
        }
        let mut out = BTreeMap::new();
        for (key, value) in raw {
            let key = key.trim().to_string();
            if key.is_empty() || key.len() > MAX_ATTRIBUTE_KEY_LEN {
                return Err(bad(format!(
                    "key `{}` must be 1 to {MAX_ATTRIBUTE_KEY_LEN} characters",
                    clip(&key)
                )));
            }
            if !key
                .bytes()
                .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'_')
                || key.starts_with(|c: char| c.is_ascii_digit())
            {
                return Err(bad(format!(
                    "key `{}` must be snake_case (a-z, 0-9, `_`)",
                    clip(&key)
                )));
            }
            if value.chars().any(char::is_control) {
                return Err(bad(format!(
                    "value of `{key}` contains a control character"
                )));
            }
            let value = value.split_whitespace().collect::<Vec<_>>().join(" ");
            let n = value.chars().count();
            if n == 0 || n > MAX_ATTRIBUTE_VALUE_CHARS {
                return Err(bad(format!(
                    "value of `{key}` must be 1 to {MAX_ATTRIBUTE_VALUE_CHARS} characters, got {n}"
                )));
            }
            if out.insert(key.clone(), value).is_some() {
                return Err(bad(format!("key `{key}` appears twice after trimming")));
            }
        }
        Ok(Self(out))
    }

    pub fn get(&self, key: &str) -> Option<&str> {
        self.0.get(key).map(String::as_str)
    }

    pub fn as_map(&self) -> &BTreeMap<String, String> {
        &self.0
    }

    pub fn len(&self) -> usize {
        self.0.len()
    }

    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }
}

/// Parses an image list, enforcing [`MAX_IMAGES`] and rejecting duplicates.
pub fn parse_images(raw: &[String]) -> Result<Vec<ImageUrl>> {
    if raw.len() > MAX_IMAGES {
        return Err(DomainError::InvalidImage(format!(
            "{} images given, at most {MAX_IMAGES} allowed",
            raw.len()
        )));
    }
    let mut out: Vec<ImageUrl> = Vec::with_capacity(raw.len());
    for (i, r) in raw.iter().enumerate() {
        let img = ImageUrl::parse(r).map_err(|e| match e {
            DomainError::InvalidImage(why) => {
                DomainError::InvalidImage(format!("image {i}: {why}"))
            }
            other => other,
        })?;
        if out.contains(&img) {
            return Err(DomainError::InvalidImage(format!(
                "image {i} duplicates an earlier image"
            )));
        }
        out.push(img);
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn map(pairs: &[(&str, &str)]) -> BTreeMap<String, String> {
        pairs
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect()
    }

    #[test]
    fn image_accepts_site_local_paths() {
        assert!(ImageUrl::parse("/images/products/trail-shoe_1.webp").is_ok());
    }

    #[test]
    fn image_rejects_external_hosts_and_protocol_relative_urls() {
        for bad in [
            "https://evil.example/x.png",
            "//cdn.example/x.png",
            "http://localhost/x.png",
            "images/x.png",
        ] {
            let err = ImageUrl::parse(bad).unwrap_err();
            assert!(
                err.to_string().contains("external hosts are not allowed"),
                "{bad}: {err}"
            );
        }
    }

    #[test]
    fn image_rejects_path_traversal() {
        assert!(
            ImageUrl::parse("/images/../secrets")
                .unwrap_err()
                .to_string()
                .contains("..")
        );
        assert!(ImageUrl::parse("/images//x.png").is_err());
    }

    #[test]
    fn image_accepts_base64_raster_and_encoded_svg_data_uris() {
        assert!(ImageUrl::parse("data:image/png;base64,iVBORw0KGgo=").is_ok());
        assert!(
            ImageUrl::parse(
                "data:image/svg+xml,%3Csvg%20xmlns='http://www.w3.org/2000/svg'%3E%3C/svg%3E"
            )
            .is_ok()
        );
        assert!(ImageUrl::parse("data:image/svg+xml;base64,PHN2Zz48L3N2Zz4=").is_ok());
    }

    #[test]
    fn image_rejects_unencoded_svg_bad_base64_and_other_types() {
        assert!(
            ImageUrl::parse("data:image/svg+xml,<svg></svg>")
                .unwrap_err()
                .to_string()
                .contains("percent-encode")
        );
        assert!(
            ImageUrl::parse("data:image/png;base64,@@@")
                .unwrap_err()
                .to_string()
                .contains("base64")
        );
        assert!(ImageUrl::parse("data:image/x-icon;base64,AAAA").is_err());
        assert!(ImageUrl::parse("data:text/html;base64,AAAA").is_err());
        assert!(ImageUrl::parse("data:image/png,raw").is_err());
    }

    #[test]
    fn image_rejects_oversized_data_uri() {
        let big = format!("data:image/png;base64,{}", "A".repeat(MAX_DATA_URI_LEN));
        assert!(
            ImageUrl::parse(&big)
                .unwrap_err()
                .to_string()
                .contains("at most 65536")
        );
    }

    #[test]
    fn image_list_is_bounded_and_duplicate_free() {
        let one = "/images/a.png".to_string();
        assert!(
            parse_images(&vec![one.clone(); MAX_IMAGES + 1])
                .unwrap_err()
                .to_string()
                .contains("at most 8")
        );
        assert!(
            parse_images(&[one.clone(), one])
                .unwrap_err()
                .to_string()
                .contains("image 1 duplicates")
        );
    }

    #[test]
    fn attributes_accept_snake_case_keys_and_normalise_values() {
        let a = Attributes::parse(map(&[("color", "  navy  blue "), ("size_eu", "42")])).unwrap();
        assert_eq!(a.get("color"), Some("navy blue"));
        assert_eq!(a.len(), 2);
    }

    #[test]
    fn attributes_reject_bad_keys_empty_values_and_too_many_entries() {
        assert!(
            Attributes::parse(map(&[("Color", "x")]))
                .unwrap_err()
                .to_string()
                .contains("snake_case")
        );
        assert!(Attributes::parse(map(&[("1st", "x")])).is_err());
        assert!(
            Attributes::parse(map(&[("color", " ")]))
                .unwrap_err()
                .to_string()
                .contains("got 0")
        );
        let many: BTreeMap<String, String> = (0..=MAX_ATTRIBUTES)
            .map(|i| (format!("k{i}"), "v".into()))
            .collect();
        assert!(
            Attributes::parse(many)
                .unwrap_err()
                .to_string()
                .contains("at most 32")
        );
    }

    #[test]
    fn attributes_reject_keys_that_collide_after_trimming() {
        let err = Attributes::parse(map(&[("color", "a"), (" color", "b")])).unwrap_err();
        assert!(err.to_string().contains("twice"), "{err}");
    }
}
