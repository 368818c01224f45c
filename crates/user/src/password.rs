//! The password policy: at least [`MIN_PASSWORD_CHARS`] characters, at most
//! [`MAX_PASSWORD_BYTES`] bytes, not one of the bundled common passwords
//! (`common_passwords.txt`, compared case-insensitively) and not one character repeated.
//! Length beats composition rules (NIST SP 800-63B, 5.1.1.2), so there are none.

use std::fmt;

use crate::error::UserError;

/// Shortest password: 12 characters (the policy; above NIST's minimum of 8).
pub const MIN_PASSWORD_CHARS: usize = 12;
/// Longest password in bytes. Argon2 accepts any length, but hashing is work done before
/// the caller is known, so the input is bounded; 256 bytes allows any passphrase a person
/// types or a manager generates.
pub const MAX_PASSWORD_BYTES: usize = 256;

const COMMON: &str = include_str!("common_passwords.txt");

/// A password that meets the policy. `Debug` never shows it.
#[derive(Clone, PartialEq, Eq)]
pub struct Password(String);

impl fmt::Debug for Password {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Password(..)")
    }
}

impl Password {
    /// Checks a new password against the policy.
    pub fn parse(raw: &str) -> Result<Password, UserError> {
        let weak = |why: &str| Err(UserError::WeakPassword(why.to_owned()));
        check_length(raw)?;
        if raw.chars().count() < MIN_PASSWORD_CHARS {
            return weak("it must be at least 12 characters");
        }
        let mut chars = raw.chars();
        if let Some(first) = chars.next()
            && chars.all(|c| c == first)
        {
            return weak("it is one character repeated");
        }
        if is_common(raw) {
            return weak("it is one of the most common passwords");
        }
        Ok(Password(raw.to_owned()))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// A password offered to sign in or to confirm a change: only bounded in length, since the
/// policy applies to new passwords and an old one may predate it.
#[derive(Clone, PartialEq, Eq)]
pub struct Attempt(String);

impl fmt::Debug for Attempt {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Attempt(..)")
    }
}

impl Attempt {
    pub fn parse(raw: &str) -> Result<Attempt, UserError> {
        check_length(raw)?;
        if raw.is_empty() {
            return Err(UserError::InvalidField {
                field: "password",
                reason: "it is empty".into(),
            });
        }
        Ok(Attempt(raw.to_owned()))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

fn check_length(raw: &str) -> Result<(), UserError> {
    if raw.len() > MAX_PASSWORD_BYTES {
        return Err(UserError::InvalidField {
            field: "password",
            reason: format!("it must be at most {MAX_PASSWORD_BYTES} bytes"),
        });
    }
    Ok(())
}

fn is_common(raw: &str) -> bool {
    let lower = raw.to_lowercase();
    COMMON
        .lines()
        .filter(|l| !l.starts_with('#'))
        .any(|l| l == lower)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_long_uncommon_password_is_accepted() {
        assert!(Password::parse("violet tram at noon").is_ok());
    }

    #[test]
    fn short_common_and_repeated_passwords_are_refused_with_reasons() {
        let reason = |raw: &str| match Password::parse(raw) {
            Err(UserError::WeakPassword(why)) => why,
            other => panic!("{raw}: {other:?}"),
        };
        assert_eq!(reason("elevenchars"), "it must be at least 12 characters");
        assert_eq!(
            reason("Password1234"),
            "it is one of the most common passwords"
        );
        assert_eq!(
            reason("QWERTY123456"),
            "it is one of the most common passwords"
        );
        assert_eq!(reason("zzzzzzzzzzzzzzzz"), "it is one character repeated");
    }

    #[test]
    fn length_counts_characters_but_the_cap_counts_bytes() {
        assert!(Password::parse("ééééééééééé").is_err(), "11 characters");
        assert!(
            Password::parse("éééééééééééa").is_ok(),
            "12 characters, 23 bytes"
        );
        let long = "ab".repeat(129);
        assert!(matches!(
            Password::parse(&long),
            Err(UserError::InvalidField {
                field: "password",
                ..
            })
        ));
        assert!(Attempt::parse(&long).is_err());
        assert!(
            Attempt::parse("short").is_ok(),
            "sign-in does not re-apply the policy"
        );
    }

    #[test]
    fn the_bundled_list_is_lower_case_and_long_enough_to_matter() {
        let words: Vec<&str> = COMMON.lines().filter(|l| !l.starts_with('#')).collect();
        assert!(words.len() > 400);
        assert!(
            words
                .iter()
                .all(|w| *w == w.to_lowercase() && w.chars().count() >= 12)
        );
    }

    #[test]
    fn debug_never_shows_the_password() {
        let p = Password::parse("violet tram at noon").expect("valid");
        assert_eq!(format!("{p:?}"), "Password(..)");
    }
}
