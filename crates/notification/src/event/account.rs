//! `user.password_reset_requested` version 1.

use serde::Deserialize;
use serde_json::Value;

use crate::text::{is_plausible_email, one_line};

/// Longest reset token accepted. The user service's tokens are 32 random bytes in base64url
/// (43 characters); the bound is generous and only stops an unbounded link.
const MAX_TOKEN_CHARS: usize = 512;

/// `data` of a password-reset request, checked.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PasswordReset {
    pub email: String,
    pub name: String,
    /// The raw single-use token; it appears only in the email's link.
    pub token: String,
    /// When the token stops working, Unix milliseconds.
    pub expires_ms: i64,
}

#[derive(Deserialize)]
struct Raw {
    email: String,
    #[serde(default)]
    name: Option<String>,
    token: String,
    expires_ms: i64,
}

impl PasswordReset {
    pub fn from_data(data: &Value) -> Result<Self, String> {
        let raw = Raw::deserialize(data).map_err(|e| format!("`data`: {e}"))?;
        if !is_plausible_email(&raw.email) {
            return Err("`data.email` is not an email address".into());
        }
        let token_ok = (1..=MAX_TOKEN_CHARS).contains(&raw.token.chars().count())
            && raw
                .token
                .chars()
                .all(|c| !c.is_control() && !c.is_whitespace());
        if !token_ok {
            return Err("`data.token` is empty, too long or has spaces".into());
        }
        if raw.expires_ms <= 0 {
            return Err("`data.expires_ms` is not a positive time".into());
        }
        Ok(Self {
            email: raw.email,
            name: one_line(raw.name.as_deref().unwrap_or(""), 100),
            token: raw.token,
            expires_ms: raw.expires_ms,
        })
    }
}
