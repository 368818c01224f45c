//! Identifiers: UUID ids and URL slugs / SKUs.
//!
//! Ids are UUIDs so that the database (`gen_random_uuid()`), the seed generator and other
//! services can mint them without coordination. Slugs are what appears in shop URLs, so they are
//! restricted to lower-case ASCII words joined by single hyphens: stable, readable and never in
//! need of percent-encoding.

use crate::error::{DomainError, Result};

/// Declares the boilerplate every validated string newtype shares: accessors, `Display`,
/// transparent `Serialize`, and `Deserialize`/`TryFrom<String>` that go through `parse`.
macro_rules! string_newtype {
    ($name:ident) => {
        impl $name {
            pub fn as_str(&self) -> &str {
                &self.0
            }
        }
        impl std::fmt::Display for $name {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str(&self.0)
            }
        }
        impl serde::Serialize for $name {
            fn serialize<S: serde::Serializer>(
                &self,
                s: S,
            ) -> std::result::Result<S::Ok, S::Error> {
                s.serialize_str(&self.0)
            }
        }
        impl<'de> serde::Deserialize<'de> for $name {
            fn deserialize<D: serde::Deserializer<'de>>(
                d: D,
            ) -> std::result::Result<Self, D::Error> {
                let raw = String::deserialize(d)?;
                $name::parse(&raw).map_err(serde::de::Error::custom)
            }
        }
        impl TryFrom<&str> for $name {
            type Error = $crate::error::DomainError;
            fn try_from(raw: &str) -> std::result::Result<Self, Self::Error> {
                $name::parse(raw)
            }
        }
    };
}
pub(crate) use string_newtype;

/// Longest product slug. 96 characters keeps a product URL (`/p/<slug>`) far below the ~2 000
/// characters that browsers, proxies and sitemaps reliably handle, and above the longest seed name.
pub const MAX_SLUG_LEN: usize = 96;
/// Longest category slug; category names are short nouns ("kitchen", "sports-outdoors").
pub const MAX_CATEGORY_SLUG_LEN: usize = 64;
/// Longest SKU. GS1 allows up to 48 characters in an item reference; 64 leaves room for a
/// merchant prefix without allowing free text.
pub const MAX_SKU_LEN: usize = 64;

macro_rules! uuid_newtype {
    ($name:ident, $what:literal) => {
        #[doc = concat!("A ", $what, " id (UUID, any version; stored as PostgreSQL `uuid`).")]
        #[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
        pub struct $name(uuid::Uuid);

        impl $name {
            pub fn parse(raw: &str) -> Result<Self> {
                let raw = raw.trim();
                uuid::Uuid::try_parse(raw).map(Self).map_err(|e| {
                    DomainError::InvalidId(format!(
                        concat!($what, " id `{}` is not a UUID: {}"),
                        clip(raw),
                        e
                    ))
                })
            }
            pub fn from_uuid(id: uuid::Uuid) -> Self {
                Self(id)
            }
            pub fn as_uuid(&self) -> uuid::Uuid {
                self.0
            }
            /// Canonical lower-case hyphenated text, as PostgreSQL prints it.
            pub fn to_text(&self) -> String {
                self.0.hyphenated().to_string()
            }
        }
        impl std::fmt::Display for $name {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                self.0.hyphenated().fmt(f)
            }
        }
        impl serde::Serialize for $name {
            fn serialize<S: serde::Serializer>(
                &self,
                s: S,
            ) -> std::result::Result<S::Ok, S::Error> {
                s.collect_str(&self.0.hyphenated())
            }
        }
        impl<'de> serde::Deserialize<'de> for $name {
            fn deserialize<D: serde::Deserializer<'de>>(
                d: D,
            ) -> std::result::Result<Self, D::Error> {
                let raw = String::deserialize(d)?;
                $name::parse(&raw).map_err(serde::de::Error::custom)
            }
        }
    };
}

uuid_newtype!(ProductId, "product");
uuid_newtype!(OrderId, "order");

/// Shortens user input quoted back in an error message so a 1 MB value cannot echo 1 MB.
pub(crate) fn clip(raw: &str) -> String {
    const SHOWN: usize = 40;
    if raw.chars().count() <= SHOWN {
        raw.to_string()
    } else {
        format!("{}…", raw.chars().take(SHOWN).collect::<String>())
    }
}

/// Shared slug grammar: `[a-z0-9]+(-[a-z0-9]+)*`, 1..=max characters.
fn slug_rules(raw: &str, max: usize) -> std::result::Result<String, String> {
    let s = raw.trim();
    if s.is_empty() {
        return Err("must not be empty".into());
    }
    if s.len() > max {
        return Err(format!(
            "`{}` is {} characters, at most {max} allowed",
            clip(s),
            s.len()
        ));
    }
    if let Some(c) = s
        .chars()
        .find(|c| !(c.is_ascii_lowercase() || c.is_ascii_digit() || *c == '-'))
    {
        return Err(format!(
            "`{}` contains `{c}`; only a-z, 0-9 and `-` are allowed",
            clip(s)
        ));
    }
    if s.starts_with('-') || s.ends_with('-') || s.contains("--") {
        return Err(format!(
            "`{}` must not start or end with `-` or contain `--`",
            clip(s)
        ));
    }
    Ok(s.to_string())
}

/// A product's URL slug, unique across the catalog.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Slug(String);
string_newtype!(Slug);

impl Slug {
    pub fn parse(raw: &str) -> Result<Self> {
        slug_rules(raw, MAX_SLUG_LEN)
            .map(Self)
            .map_err(DomainError::InvalidSlug)
    }

    /// Derives a slug from free text ("Acme Trail Shoe 2!" → "acme-trail-shoe-2"), truncated to
    /// the limit on a word boundary. Used by the seed generator and offered to admin UIs.
    pub fn from_text(text: &str) -> Result<Self> {
        let mut out = String::new();
        for word in text
            .split(|c: char| !c.is_ascii_alphanumeric())
            .filter(|w| !w.is_empty())
        {
            let word = word.to_ascii_lowercase();
            if out.len() + word.len() + 1 > MAX_SLUG_LEN {
                break;
            }
            if !out.is_empty() {
                out.push('-');
            }
            out.push_str(&word);
        }
        Self::parse(&out)
    }
}

/// A category's URL slug and primary key.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct CategorySlug(String);
string_newtype!(CategorySlug);

impl CategorySlug {
    pub fn parse(raw: &str) -> Result<Self> {
        slug_rules(raw, MAX_CATEGORY_SLUG_LEN)
            .map(Self)
            .map_err(DomainError::InvalidCategory)
    }
}

/// Stock keeping unit, unique across the catalog. Normalised to upper case so `ab-1` and `AB-1`
/// cannot both exist.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Sku(String);
string_newtype!(Sku);

impl Sku {
    pub fn parse(raw: &str) -> Result<Self> {
        let s = raw.trim().to_ascii_uppercase();
        if s.is_empty() {
            return Err(DomainError::InvalidSku("must not be empty".into()));
        }
        if s.len() > MAX_SKU_LEN {
            return Err(DomainError::InvalidSku(format!(
                "`{}` is {} characters, at most {MAX_SKU_LEN} allowed",
                clip(&s),
                s.len()
            )));
        }
        if let Some(c) = s
            .chars()
            .find(|c| !(c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.')))
        {
            return Err(DomainError::InvalidSku(format!(
                "`{}` contains `{c}`; only A-Z, 0-9, `-`, `_` and `.` are allowed",
                clip(&s)
            )));
        }
        Ok(Self(s))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn product_id_accepts_any_uuid_and_prints_it_lower_case() {
        let id = ProductId::parse(" 6F9619FF-8B86-D011-B42D-00C04FC964FF ").unwrap();
        assert_eq!(id.to_text(), "6f9619ff-8b86-d011-b42d-00c04fc964ff");
        assert_eq!(
            serde_json::to_string(&id).unwrap(),
            "\"6f9619ff-8b86-d011-b42d-00c04fc964ff\""
        );
    }

    #[test]
    fn product_id_rejects_non_uuid_and_names_the_value() {
        let err = ProductId::parse("42").unwrap_err();
        assert_eq!(err.code(), "invalid_id");
        assert!(err.to_string().contains("`42`"), "{err}");
    }

    #[test]
    fn slug_accepts_hyphenated_lower_case_words() {
        assert_eq!(
            Slug::parse("trail-shoe-2").unwrap().as_str(),
            "trail-shoe-2"
        );
    }

    #[test]
    fn slug_rejects_upper_case_spaces_and_stray_hyphens() {
        for bad in [
            "Trail",
            "trail shoe",
            "-trail",
            "trail-",
            "trail--shoe",
            "",
            "tråil",
        ] {
            let err = Slug::parse(bad).unwrap_err();
            assert_eq!(err.code(), "invalid_slug", "{bad}");
        }
    }

    #[test]
    fn slug_rejects_overlong_input_and_says_the_limit() {
        let err = Slug::parse(&"a".repeat(MAX_SLUG_LEN + 1)).unwrap_err();
        assert!(err.to_string().contains("at most 96"), "{err}");
    }

    #[test]
    fn slug_from_text_lowercases_and_drops_punctuation() {
        assert_eq!(
            Slug::from_text("Acme Trail Shoe 2!").unwrap().as_str(),
            "acme-trail-shoe-2"
        );
        assert!(Slug::from_text("!!!").is_err());
    }

    #[test]
    fn category_slug_uses_its_own_error_code_and_limit() {
        assert_eq!(
            CategorySlug::parse("home-garden").unwrap().as_str(),
            "home-garden"
        );
        let err = CategorySlug::parse(&"a".repeat(MAX_CATEGORY_SLUG_LEN + 1)).unwrap_err();
        assert_eq!(err.code(), "invalid_category");
    }

    #[test]
    fn sku_is_upper_cased_and_rejects_spaces() {
        assert_eq!(Sku::parse(" ab-12.x_3 ").unwrap().as_str(), "AB-12.X_3");
        assert_eq!(Sku::parse("AB 12").unwrap_err().code(), "invalid_sku");
        assert_eq!(Sku::parse("").unwrap_err().code(), "invalid_sku");
    }

    #[test]
    fn newtypes_deserialize_through_parse() {
        let slug: Slug = serde_json::from_str("\"ok-slug\"").unwrap();
        assert_eq!(slug.as_str(), "ok-slug");
        assert!(serde_json::from_str::<Slug>("\"Not OK\"").is_err());
    }

    #[test]
    fn error_echo_is_clipped() {
        let err = Sku::parse(&format!("{} x", "A".repeat(100))).unwrap_err();
        assert!(err.to_string().len() < 150, "{err}");
    }
}
