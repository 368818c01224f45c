//! Email addresses. Normalised on the way in: surrounding whitespace trimmed and the domain
//! lower-cased (domains are case-insensitive; the local part, strictly, is not, so it keeps its
//! case for display). Uniqueness is case-insensitive over the whole address: the database has a
//! unique index on `lower(email)` and every lookup compares [`Email::key`].

use serde::Serialize;

use crate::error::UserError;

/// Longest address (RFC 5321: a path of 256 octets including the angle brackets).
pub const MAX_EMAIL_LEN: usize = 254;
/// Longest local part (RFC 5321, 4.5.3.1.1).
pub const MAX_LOCAL_LEN: usize = 64;

/// A syntactically plausible, normalised email address.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize)]
#[serde(transparent)]
pub struct Email(String);

impl Email {
    /// Parses `raw`: one `@`, a non-empty local part of printable ASCII without spaces, a
    /// domain of dot-separated labels (letters, digits, hyphens) with at least one dot.
    pub fn parse(raw: &str) -> Result<Email, UserError> {
        let bad = |why: &str| Err(UserError::InvalidEmail(why.to_owned()));
        let trimmed = raw.trim();
        if trimmed.is_empty() {
            return bad("it is empty");
        }
        if trimmed.len() > MAX_EMAIL_LEN {
            return bad("it is longer than 254 characters");
        }
        let Some((local, domain)) = trimmed.rsplit_once('@') else {
            return bad("it has no @");
        };
        if local.is_empty() || local.len() > MAX_LOCAL_LEN {
            return bad("the part before @ must be 1-64 characters");
        }
        if !local
            .bytes()
            .all(|b| b.is_ascii_graphic() && !matches!(b, b'@' | b'"' | b'\\'))
        {
            return bad("the part before @ has a character that is not allowed");
        }
        if local.starts_with('.') || local.ends_with('.') || local.contains("..") {
            return bad("the part before @ has a misplaced dot");
        }
        let domain = domain.to_ascii_lowercase();
        let labels: Vec<&str> = domain.split('.').collect();
        if labels.len() < 2 {
            return bad("the domain needs a dot");
        }
        for label in &labels {
            let ok = (1..=63).contains(&label.len())
                && label
                    .bytes()
                    .all(|b| b.is_ascii_alphanumeric() || b == b'-')
                && !label.starts_with('-')
                && !label.ends_with('-');
            if !ok {
                return bad("the domain is not valid");
            }
        }
        Ok(Email(format!("{local}@{domain}")))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// The case-insensitive identity of the address: what uniqueness and throttling use.
    pub fn key(&self) -> String {
        self.0.to_lowercase()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_domain_is_lower_cased_and_the_local_part_kept() {
        assert_eq!(
            Email::parse("  Ada.Lovelace@Example.COM ").map(|e| e.0),
            Ok("Ada.Lovelace@example.com".into())
        );
    }

    #[test]
    fn the_key_ignores_case_entirely() {
        let a = Email::parse("Ada@Example.com").expect("valid");
        let b = Email::parse("ada@example.COM").expect("valid");
        assert_ne!(a, b);
        assert_eq!(a.key(), b.key());
    }

    #[test]
    fn malformed_addresses_are_refused() {
        for raw in [
            "",
            "ada",
            "ada@",
            "@example.com",
            "ada@example",
            "a b@example.com",
            "ada@exa_mple.com",
            "ada@-x.com",
            ".ada@x.com",
            "a..b@x.com",
        ] {
            assert!(
                matches!(Email::parse(raw), Err(UserError::InvalidEmail(_))),
                "{raw:?}"
            );
        }
        let long = format!("{}@example.com", "a".repeat(65));
        assert!(Email::parse(&long).is_err());
    }
}
