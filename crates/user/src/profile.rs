//! The profile: a display name, the one personal field besides the email.

use serde::Serialize;

use crate::error::UserError;

/// Longest display name, in characters: room for a full name, short enough for a header.
pub const MAX_NAME_CHARS: usize = 80;

/// A display name: trimmed, 1-80 characters, no control characters.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(transparent)]
pub struct DisplayName(String);

impl DisplayName {
    pub fn parse(raw: &str) -> Result<DisplayName, UserError> {
        let name = raw.trim();
        if name.is_empty() {
            return Err(UserError::InvalidName("it is empty".into()));
        }
        if name.chars().count() > MAX_NAME_CHARS {
            return Err(UserError::InvalidName(format!(
                "it is longer than {MAX_NAME_CHARS} characters"
            )));
        }
        if name.chars().any(char::is_control) {
            return Err(UserError::InvalidName(
                "it contains a control character".into(),
            ));
        }
        Ok(DisplayName(name.to_owned()))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// A user as the service shows it to its owner.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Profile {
    pub id: uuid::Uuid,
    pub email: String,
    pub display_name: String,
    pub role: crate::Role,
    pub created_ms: i64,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_are_trimmed_and_bounded() {
        assert_eq!(
            DisplayName::parse("  Ada L. ").map(|n| n.0),
            Ok("Ada L.".into())
        );
        assert!(DisplayName::parse("   ").is_err());
        assert!(DisplayName::parse(&"é".repeat(80)).is_ok());
        assert!(DisplayName::parse(&"é".repeat(81)).is_err());
        assert!(DisplayName::parse("Ada\u{0}").is_err());
    }
}
