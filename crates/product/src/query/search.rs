//! Search text and the prefix fallback derived from it.
//!
//! The full text goes to PostgreSQL's `websearch_to_tsquery('english', $q)`, which accepts any
//! input (quotes, `or`, `-word`) without syntax errors. The fallback is a `to_tsquery('simple', …)`
//! of prefix terms built here from letters and digits only, so it can never contain tsquery
//! operators; each term is cut to [`FALLBACK_PREFIX_CHARS`] characters and marked `:*`. That makes
//! half-typed words ("headph") and typos after the fifth character ("headphnoes") still match,
//! using only stock PostgreSQL (no `pg_trgm` extension). Both strings are bound as parameters.

use super::invalid;
use crate::error::Result;

/// Longest search text. The longest product name is 150 characters; 200 leaves room for a
/// brand and operators, and bounds the tsquery work per request.
pub const MAX_SEARCH_CHARS: usize = 200;
/// Most prefix terms in the fallback query; more terms only narrow an AND query to nothing
/// while multiplying index lookups.
pub const MAX_SEARCH_TERMS: usize = 8;
/// Prefix length of each fallback term. Five characters keep "headphones" → `headp:*` specific
/// enough (a few dozen words in an English catalog) while tolerating a typo from the sixth on.
pub const FALLBACK_PREFIX_CHARS: usize = 5;
/// Terms shorter than this are dropped from the fallback: `a:*` would match everything.
const MIN_TERM_CHARS: usize = 2;

/// Validated search text plus its derived prefix query.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SearchText {
    text: String,
    prefix_query: Option<String>,
}

impl SearchText {
    pub fn parse(raw: &str) -> Result<Self> {
        if raw.chars().any(char::is_control) {
            return Err(invalid("q", "contains a control character"));
        }
        let text = raw.split_whitespace().collect::<Vec<_>>().join(" ");
        let n = text.chars().count();
        if n == 0 {
            return Err(invalid("q", "must not be blank"));
        }
        if n > MAX_SEARCH_CHARS {
            return Err(invalid(
                "q",
                format!("is {n} characters, at most {MAX_SEARCH_CHARS} allowed"),
            ));
        }
        let terms: Vec<String> = text
            .split(|c: char| !c.is_alphanumeric())
            .map(|w| {
                w.to_lowercase()
                    .chars()
                    .take(FALLBACK_PREFIX_CHARS)
                    .collect::<String>()
            })
            .filter(|w| w.chars().count() >= MIN_TERM_CHARS)
            .take(MAX_SEARCH_TERMS)
            .map(|w| format!("{w}:*"))
            .collect();
        let prefix_query = (!terms.is_empty()).then(|| terms.join(" & "));
        Ok(Self { text, prefix_query })
    }

    /// The normalised text for `websearch_to_tsquery`.
    pub fn as_str(&self) -> &str {
        &self.text
    }

    /// The `to_tsquery('simple', …)` prefix query, if any term survived.
    pub fn prefix_query(&self) -> Option<&str> {
        self.prefix_query.as_deref()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn search_text_collapses_whitespace() {
        assert_eq!(
            SearchText::parse("  trail   shoe ").unwrap().as_str(),
            "trail shoe"
        );
    }

    #[test]
    fn prefix_query_truncates_terms_and_joins_with_and() {
        let s = SearchText::parse("Headphnoes wireless").unwrap();
        assert_eq!(s.prefix_query(), Some("headp:* & wirel:*"));
    }

    #[test]
    fn prefix_query_strips_tsquery_operators_and_short_terms() {
        let s = SearchText::parse("a & !b | (mug):* 'x' \\ c<->d").unwrap();
        assert_eq!(s.prefix_query(), Some("mug:*"));
        assert!(SearchText::parse("!!! ?").unwrap().prefix_query().is_none());
    }

    #[test]
    fn prefix_query_keeps_unicode_letters() {
        assert_eq!(
            SearchText::parse("Crème brûlée").unwrap().prefix_query(),
            Some("crème:* & brûlé:*")
        );
    }

    #[test]
    fn prefix_query_is_bounded_in_terms() {
        let s = SearchText::parse(&"word ".repeat(20)).unwrap();
        assert_eq!(
            s.prefix_query().unwrap().matches(":*").count(),
            MAX_SEARCH_TERMS
        );
    }

    #[test]
    fn search_text_rejects_blank_overlong_and_control_characters() {
        assert!(SearchText::parse("   ").is_err());
        assert!(
            SearchText::parse(&"x".repeat(MAX_SEARCH_CHARS + 1))
                .unwrap_err()
                .to_string()
                .contains("at most 200")
        );
        assert_eq!(
            SearchText::parse("a\u{0}b").unwrap_err().code(),
            "invalid_query"
        );
    }
}
