//! `{{ variable }}` templates, as used in component `variables`,
//! `allowed_outbound_hosts` and Redis trigger addresses.
//!
//! Mirrors crates/expressions/src/template.rs: a `{{` opens an expression that
//! runs to the *next* `}}`; the text between is trimmed and is the variable
//! name. There is no escape syntax, so a literal `{{` cannot be written; an
//! opening `{{` without a closing `}}` is an error, while a stray `}}` is plain
//! text. Names are not validated here (Spin doesn't either): the manifest
//! checks them against the declared application variables.

use std::fmt;

/// Why a template could not be parsed or rendered.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum TemplateError {
    /// A `{{` with no matching `}}` (Spin: "unmatched '{{' in template").
    #[error("invalid variable template: unmatched '{{{{' in template")]
    Unmatched,
    /// The lookup function had no value for a referenced variable.
    #[error("no value for variable `{0}`")]
    Undefined(String),
}

/// One piece of a parsed template.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Part {
    /// Text copied verbatim.
    Literal(String),
    /// A `{{ name }}` reference (name already trimmed).
    Variable(String),
}

/// A parsed template.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Template {
    parts: Vec<Part>,
}

impl Template {
    /// Parses `source` with Spin's rules.
    pub fn parse(source: &str) -> Result<Self, TemplateError> {
        let mut parts = Vec::new();
        let mut rest = source;
        while !rest.is_empty() {
            if let Some(after_open) = rest.strip_prefix("{{") {
                let (expr, after) = after_open
                    .split_once("}}")
                    .ok_or(TemplateError::Unmatched)?;
                parts.push(Part::Variable(expr.trim().to_owned()));
                rest = after;
            } else {
                let end = rest.find("{{").unwrap_or(rest.len());
                parts.push(Part::Literal(rest[..end].to_owned()));
                rest = &rest[end..];
            }
        }
        Ok(Self { parts })
    }

    /// The parts in order.
    pub fn parts(&self) -> &[Part] {
        &self.parts
    }

    /// True if the template contains no `{{ }}` references.
    pub fn is_literal(&self) -> bool {
        self.parts.iter().all(|p| matches!(p, Part::Literal(_)))
    }

    /// The referenced variable names, in order of appearance (repeats included).
    pub fn variables(&self) -> impl Iterator<Item = &str> {
        self.parts.iter().filter_map(|p| match p {
            Part::Variable(name) => Some(name.as_str()),
            Part::Literal(_) => None,
        })
    }

    /// Substitutes every reference with `lookup(name)`.
    pub fn render(&self, lookup: impl Fn(&str) -> Option<String>) -> Result<String, TemplateError> {
        let mut out = String::new();
        for part in &self.parts {
            match part {
                Part::Literal(text) => out.push_str(text),
                Part::Variable(name) => {
                    let value =
                        lookup(name).ok_or_else(|| TemplateError::Undefined(name.clone()))?;
                    out.push_str(&value);
                }
            }
        }
        Ok(out)
    }
}

impl fmt::Display for Template {
    /// Writes the template back in canonical form (`{{ name }}` with single spaces).
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for part in &self.parts {
            match part {
                Part::Literal(text) => f.write_str(text)?,
                Part::Variable(name) => write!(f, "{{{{ {name} }}}}")?,
            }
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn lit(s: &str) -> Part {
        Part::Literal(s.into())
    }
    fn var(s: &str) -> Part {
        Part::Variable(s.into())
    }

    #[test]
    fn literal_and_variable_parts_are_split() {
        let t = Template::parse("http://{{ host }}:{{port}}").unwrap();
        assert_eq!(
            t.parts(),
            [lit("http://"), var("host"), lit(":"), var("port")]
        );
        assert_eq!(t.variables().collect::<Vec<_>>(), ["host", "port"]);
        assert!(!t.is_literal());
    }

    #[test]
    fn empty_template_has_no_parts() {
        let t = Template::parse("").unwrap();
        assert!(t.parts().is_empty());
        assert!(t.is_literal());
    }

    #[test]
    fn whitespace_inside_braces_is_trimmed() {
        let t = Template::parse("{{\t spaced \n}}").unwrap();
        assert_eq!(t.parts(), [var("spaced")]);
    }

    #[test]
    fn adjacent_expressions_are_separate_parts() {
        let t = Template::parse("{{ a }}{{ b }}").unwrap();
        assert_eq!(t.parts(), [var("a"), var("b")]);
    }

    #[test]
    fn expression_ends_at_first_closing_braces() {
        // No escapes: `{{{x}}}` is the expression "{x" followed by literal "}".
        let t = Template::parse("{{{x}}}").unwrap();
        assert_eq!(t.parts(), [var("{x"), lit("}")]);
    }

    #[test]
    fn stray_closing_braces_are_literal() {
        let t = Template::parse("a }} b").unwrap();
        assert_eq!(t.parts(), [lit("a }} b")]);
    }

    #[test]
    fn unmatched_opening_braces_are_an_error() {
        let err = Template::parse("{{ matched }} {{ unmatched").unwrap_err();
        insta::assert_snapshot!(err.to_string());
    }

    #[test]
    fn render_substitutes_values() {
        let t = Template::parse("redis://{{ host }}:6379").unwrap();
        let out = t
            .render(|n| (n == "host").then(|| "cache".to_owned()))
            .unwrap();
        assert_eq!(out, "redis://cache:6379");
    }

    #[test]
    fn render_reports_the_missing_variable() {
        let t = Template::parse("{{ missing }}").unwrap();
        let err = t.render(|_| None).unwrap_err();
        insta::assert_snapshot!(err.to_string());
    }

    #[test]
    fn display_normalises_spacing() {
        let t = Template::parse("x{{a}}y").unwrap();
        assert_eq!(t.to_string(), "x{{ a }}y");
    }
}
