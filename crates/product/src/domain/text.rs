//! Human-readable text: product and category names, brands, descriptions.
//!
//! Single-line texts are trimmed and have whitespace runs collapsed, so "Acme  Shoe" and
//! "Acme Shoe" are the same name and search/sort behave predictably. Control characters are
//! rejected everywhere (they break feeds, CSV exports and terminals); descriptions may keep
//! line breaks. Lengths are counted in Unicode scalar values, as the shop front renders them.

use super::ids::{clip, string_newtype};
use crate::error::{DomainError, Result};

/// Longest product name. Google Merchant Center truncates titles at 150 characters, so a longer
/// name could never be shown in a shopping feed anyway.
pub const MAX_NAME_CHARS: usize = 150;
/// Longest category name: it is a navigation label, and 60 characters is about what a desktop
/// mega-menu column fits.
pub const MAX_CATEGORY_NAME_CHARS: usize = 60;
/// Longest brand. Google Merchant Center's `brand` attribute allows 70 characters.
pub const MAX_BRAND_CHARS: usize = 70;
/// Longest description. Google Merchant Center's `description` attribute allows 5 000 characters.
pub const MAX_DESCRIPTION_CHARS: usize = 5_000;

/// Trims, collapses whitespace and applies the length limit to a one-line label.
fn single_line(raw: &str, max: usize) -> std::result::Result<String, String> {
    if let Some(c) = raw.chars().find(|c| c.is_control() && !c.is_whitespace()) {
        return Err(format!("contains control character U+{:04X}", c as u32));
    }
    let s = raw.split_whitespace().collect::<Vec<_>>().join(" ");
    if s.is_empty() {
        return Err("must not be empty".into());
    }
    let n = s.chars().count();
    if n > max {
        return Err(format!(
            "`{}` is {n} characters, at most {max} allowed",
            clip(&s)
        ));
    }
    Ok(s)
}

/// A product's display name.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct ProductName(String);
string_newtype!(ProductName);

impl ProductName {
    pub fn parse(raw: &str) -> Result<Self> {
        single_line(raw, MAX_NAME_CHARS)
            .map(Self)
            .map_err(DomainError::InvalidName)
    }
}

/// A category's display name.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct CategoryName(String);
string_newtype!(CategoryName);

impl CategoryName {
    pub fn parse(raw: &str) -> Result<Self> {
        single_line(raw, MAX_CATEGORY_NAME_CHARS)
            .map(Self)
            .map_err(DomainError::InvalidName)
    }
}

/// A brand (manufacturer or label). Case is kept as the brand spells it ("iRobot").
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Brand(String);
string_newtype!(Brand);

impl Brand {
    pub fn parse(raw: &str) -> Result<Self> {
        single_line(raw, MAX_BRAND_CHARS)
            .map(Self)
            .map_err(DomainError::InvalidBrand)
    }
}

/// Long-form product or category description: plain text, line breaks allowed, may be empty.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Default)]
pub struct Description(String);
string_newtype!(Description);

impl Description {
    pub fn parse(raw: &str) -> Result<Self> {
        if let Some(c) = raw
            .chars()
            .find(|c| c.is_control() && !matches!(c, '\n' | '\r' | '\t'))
        {
            return Err(DomainError::InvalidDescription(format!(
                "contains control character U+{:04X}",
                c as u32
            )));
        }
        let s = raw.trim().replace("\r\n", "\n");
        let n = s.chars().count();
        if n > MAX_DESCRIPTION_CHARS {
            return Err(DomainError::InvalidDescription(format!(
                "is {n} characters, at most {MAX_DESCRIPTION_CHARS} allowed"
            )));
        }
        Ok(Self(s))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn name_collapses_whitespace_and_keeps_unicode() {
        assert_eq!(
            ProductName::parse("  Café   Crème\tMug ").unwrap().as_str(),
            "Café Crème Mug"
        );
    }

    #[test]
    fn name_rejects_empty_and_whitespace_only() {
        assert!(
            ProductName::parse("")
                .unwrap_err()
                .to_string()
                .contains("must not be empty")
        );
        assert_eq!(
            ProductName::parse(" \n ").unwrap_err().code(),
            "invalid_name"
        );
    }

    #[test]
    fn name_rejects_control_characters_and_names_them() {
        let err = ProductName::parse("Mug\u{0007}").unwrap_err();
        assert!(err.to_string().contains("U+0007"), "{err}");
    }

    #[test]
    fn name_limit_counts_characters_not_bytes() {
        assert!(ProductName::parse(&"é".repeat(MAX_NAME_CHARS)).is_ok());
        let err = ProductName::parse(&"é".repeat(MAX_NAME_CHARS + 1)).unwrap_err();
        assert!(err.to_string().contains("at most 150"), "{err}");
    }

    #[test]
    fn category_name_has_a_shorter_limit() {
        assert!(CategoryName::parse(&"x".repeat(MAX_CATEGORY_NAME_CHARS + 1)).is_err());
        assert!(CategoryName::parse("Kitchen & Dining").is_ok());
    }

    #[test]
    fn brand_keeps_its_case_and_rejects_overlong() {
        assert_eq!(Brand::parse("iRobot").unwrap().as_str(), "iRobot");
        assert_eq!(
            Brand::parse(&"b".repeat(71)).unwrap_err().code(),
            "invalid_brand"
        );
    }

    #[test]
    fn description_keeps_line_breaks_and_may_be_empty() {
        assert_eq!(Description::parse("a\r\nb").unwrap().as_str(), "a\nb");
        assert_eq!(Description::parse("  ").unwrap().as_str(), "");
    }

    #[test]
    fn description_rejects_nul_and_overlong() {
        assert_eq!(
            Description::parse("a\0b").unwrap_err().code(),
            "invalid_description"
        );
        assert!(Description::parse(&"d".repeat(MAX_DESCRIPTION_CHARS + 1)).is_err());
    }
}
