//! Identifier rules shared by the manifest and runtime config.
//!
//! Spin validates component ids, variable names and store labels with a small
//! family of "words separated by a delimiter" rules (`spin-serde`'s `Id` type,
//! crates/serde/src/id.rs) plus a stricter rule for variable keys
//! (crates/expressions/src/lib.rs, `Key::validate`). The reasons returned here
//! reproduce Spin's wording so users see the same explanation from both hosts.

/// Checks `id` against Spin's `Id<DELIM, LOWER>` rule: non-empty words
/// separated by `delim`, each starting with an ASCII letter, alphanumeric, and
/// either all lowercase or all uppercase (`lower` forbids uppercase words).
fn check_words(id: &str, delim: char, lower: bool) -> Result<(), String> {
    if id.is_empty() {
        return Err("empty".into());
    }
    let wrong = if delim == '-' { '_' } else { '-' };
    if id.contains(wrong) {
        return Err(format!(
            "words must be separated with {delim:?}, not {wrong:?}"
        ));
    }
    for word in id.split(delim) {
        let mut chars = word.chars();
        let Some(first) = chars.next() else {
            return Err(format!("{delim:?}-separated words must not be empty"));
        };
        if !first.is_ascii_alphabetic() {
            return Err(format!(
                "{delim:?}-separated words must start with an ASCII letter; got {first:?}"
            ));
        }
        let upper = first.is_ascii_uppercase();
        for ch in chars {
            if ch.is_ascii_digit() {
                continue;
            }
            if !ch.is_ascii_alphanumeric() {
                return Err(format!(
                    "{delim:?}-separated words may only contain alphanumeric ASCII; got {ch:?}"
                ));
            }
            if ch.is_ascii_uppercase() != upper {
                return Err(format!(
                    "{delim:?}-separated words must be all lowercase or all UPPERCASE; got {word:?}"
                ));
            }
        }
        if lower && upper {
            return Err(format!(
                "Lower-case identifiers must be all lowercase; got {id:?}"
            ));
        }
    }
    Ok(())
}

/// Component ids (`[component.<id>]`, trigger `component = "<id>"`,
/// `[[client_tls]] component_ids`): Spin's `KebabId`.
pub(crate) fn check_kebab(id: &str) -> Result<(), String> {
    check_words(id, '-', false)
}

/// Application and component variable names: Spin's `LowerSnakeId` (manifest
/// schema) followed by the expressions crate's `Key` rule (resolver). Both
/// apply in Spin, so both apply here; the first failure wins as in Spin.
pub(crate) fn check_variable_name(name: &str) -> Result<(), String> {
    check_words(name, '_', true)?;
    check_key(name)
}

/// The expressions crate's variable `Key` rule: what `variables.get` checks at run time.
pub fn check_key(key: &str) -> Result<(), String> {
    let Some(first) = key.bytes().next() else {
        return Err("must not be empty".into());
    };
    if let Some(bad) = key
        .chars()
        .find(|c| !(c.is_ascii_lowercase() || c.is_ascii_digit() || *c == '_'))
    {
        return Err(format!(
            "invalid character {bad:?}. Variable names may contain only lower-case letters, numbers, and underscores."
        ));
    }
    if !first.is_ascii_lowercase() {
        return Err("must start with a lowercase ASCII letter".into());
    }
    if !key.ends_with(|c: char| c.is_ascii_alphanumeric()) {
        return Err("must end with a lowercase ASCII letter or digit".into());
    }
    if key.contains("__") {
        return Err("must not contain multiple consecutive underscores".into());
    }
    Ok(())
}

/// Key-value store labels: Spin accepts a `KebabId` or a `SnakeId`
/// (crates/manifest/src/schema/v2.rs, `kebab_or_snake_case`).
pub(crate) fn check_store_label(label: &str) -> Result<(), String> {
    if check_words(label, '-', false).is_ok() || check_words(label, '_', false).is_ok() {
        Ok(())
    } else {
        Err("expected kebab-case or snake_case".into())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn kebab_ids_follow_spin_rules() {
        assert!(check_kebab("cart").is_ok());
        assert!(check_kebab("cart-v2").is_ok());
        assert!(check_kebab("CART-API").is_ok());
        assert_eq!(
            check_kebab("bad_id").unwrap_err(),
            "words must be separated with '-', not '_'"
        );
        assert_eq!(
            check_kebab("1-2-3").unwrap_err(),
            "'-'-separated words must start with an ASCII letter; got '1'"
        );
        assert_eq!(
            check_kebab("a--b").unwrap_err(),
            "'-'-separated words must not be empty"
        );
        assert_eq!(
            check_kebab("Cart").unwrap_err(),
            "'-'-separated words must be all lowercase or all UPPERCASE; got \"Cart\""
        );
        assert_eq!(check_kebab("").unwrap_err(), "empty");
    }

    #[test]
    fn variable_names_must_be_lower_snake_and_valid_keys() {
        assert!(check_variable_name("api_host").is_ok());
        assert!(check_variable_name("v2").is_ok());
        assert_eq!(
            check_variable_name("API").unwrap_err(),
            "Lower-case identifiers must be all lowercase; got \"API\""
        );
        assert_eq!(
            check_variable_name("bad+name").unwrap_err(),
            "'_'-separated words may only contain alphanumeric ASCII; got '+'"
        );
        assert_eq!(
            check_variable_name("port_8080").unwrap_err(),
            "'_'-separated words must start with an ASCII letter; got '8'"
        );
    }

    #[test]
    fn store_labels_accept_kebab_or_snake() {
        assert!(check_store_label("default").is_ok());
        assert!(check_store_label("snake_case").is_ok());
        assert!(check_store_label("kebab-case").is_ok());
        assert!(check_store_label("b@dlabel").is_err());
        assert!(check_store_label("mixed-and_bad").is_err());
    }
}
