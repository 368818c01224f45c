//! Newtypes that keep credentials out of logs.
//!
//! Runtime config carries Redis URLs with passwords and provider tokens. The
//! host logs its config at startup and errors often `{:?}` whole structs, so
//! these types redact themselves in both `Debug` and `Display`; the real value
//! is only reachable through an explicitly named accessor.

use std::fmt;

use serde::Deserialize;

/// What replaces a hidden credential.
const MASK: &str = "*****";

/// A URL that may embed a password (`redis://user:pass@host`). Formatting
/// replaces the password with `*****`; [`SecretUrl::expose`] returns the URL.
#[derive(Clone, PartialEq, Eq, Deserialize)]
#[serde(transparent)]
pub struct SecretUrl(String);

impl SecretUrl {
    /// Wraps a URL.
    pub fn new(url: impl Into<String>) -> Self {
        Self(url.into())
    }

    /// The URL including any password: pass it to the client, never to a log.
    pub fn expose(&self) -> &str {
        &self.0
    }

    /// The URL with any password masked.
    pub fn redacted(&self) -> String {
        let url = &self.0;
        // Authority starts after "scheme://" and ends at the first '/', '?' or '#'.
        let start = url.find("://").map_or(0, |i| i + 3);
        let end = url[start..]
            .find(['/', '?', '#'])
            .map_or(url.len(), |i| start + i);
        let authority = &url[start..end];
        let Some(at) = authority.rfind('@') else {
            return url.clone();
        };
        let userinfo = &authority[..at];
        let Some(colon) = userinfo.find(':') else {
            return url.clone();
        };
        format!(
            "{}{}:{MASK}{}",
            &url[..start],
            &userinfo[..colon],
            &url[start + at..]
        )
    }
}

impl fmt::Debug for SecretUrl {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "SecretUrl({:?})", self.redacted())
    }
}

impl fmt::Display for SecretUrl {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.redacted())
    }
}

/// An opaque credential (token, client secret). Formats as `*****`.
#[derive(Clone, PartialEq, Eq, Deserialize)]
#[serde(transparent)]
pub struct Secret(String);

impl Secret {
    /// Wraps a credential.
    pub fn new(value: impl Into<String>) -> Self {
        Self(value.into())
    }

    /// The credential itself.
    pub fn expose(&self) -> &str {
        &self.0
    }
}

impl fmt::Debug for Secret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Secret({MASK})")
    }
}

impl fmt::Display for Secret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(MASK)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn password_is_masked_in_debug_and_display() {
        let url = SecretUrl::new("redis://shop:hunter2@cache:6379/0");
        assert_eq!(url.to_string(), "redis://shop:*****@cache:6379/0");
        assert_eq!(
            format!("{url:?}"),
            "SecretUrl(\"redis://shop:*****@cache:6379/0\")"
        );
        assert_eq!(url.expose(), "redis://shop:hunter2@cache:6379/0");
    }

    #[test]
    fn password_only_userinfo_is_masked() {
        let url = SecretUrl::new("redis://:hunter2@cache");
        assert_eq!(url.to_string(), "redis://:*****@cache");
    }

    #[test]
    fn password_containing_at_sign_is_fully_masked() {
        let url = SecretUrl::new("redis://u:p@ss@cache/1");
        assert_eq!(url.to_string(), "redis://u:*****@cache/1");
    }

    #[test]
    fn url_without_password_is_unchanged() {
        for plain in ["redis://cache:6379", "redis://user@cache", "not a url"] {
            assert_eq!(SecretUrl::new(plain).to_string(), plain);
        }
    }

    #[test]
    fn secret_never_formats_its_value() {
        let s = Secret::new("tok");
        assert_eq!(format!("{s} {s:?}"), "***** Secret(*****)");
    }
}
