//! Identifiers: UUID newtypes, the cart owner, and the idempotency key.
//!
//! Every id arrives as text (a path segment, a header, a JSON field) and is parsed once into
//! its type; the canonical form is the lower-case hyphenated UUID, which is also how the
//! contract spells user ids in `x-redshop-user`.

use std::fmt;

use serde::{Serialize, Serializer};
use uuid::Uuid;

use crate::error::{OrderError, Result};

macro_rules! uuid_id {
    ($(#[$doc:meta])* $name:ident, $what:literal) => {
        $(#[$doc])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
        pub struct $name(Uuid);

        impl $name {
            pub fn parse(raw: &str) -> Result<Self> {
                let trimmed = raw.trim();
                // Only the hyphenated form: braces, URNs and simple hex are not ids here.
                if trimmed.len() != 36 {
                    return Err(OrderError::InvalidId(format!(
                        "{} `{}` is not a UUID",
                        $what,
                        clip(raw)
                    )));
                }
                Uuid::try_parse(trimmed).map(Self).map_err(|_| {
                    OrderError::InvalidId(format!("{} `{}` is not a UUID", $what, clip(raw)))
                })
            }

            pub fn to_text(&self) -> String {
                self.0.hyphenated().to_string()
            }
        }

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                write!(f, "{}", self.0.hyphenated())
            }
        }

        impl Serialize for $name {
            fn serialize<S: Serializer>(&self, s: S) -> std::result::Result<S::Ok, S::Error> {
                s.serialize_str(&self.to_text())
            }
        }
    };
}

uuid_id!(
    /// A user, as asserted by the gateway in `x-redshop-user`.
    UserId,
    "user id"
);
uuid_id!(
    /// A guest cart, as the storefront keeps it (`x-redshop-cart`).
    CartId,
    "cart id"
);
uuid_id!(
    /// An order; also the product service's reservation key.
    OrderId,
    "order id"
);
uuid_id!(
    /// A product of the catalog.
    ProductId,
    "product id"
);

/// Whose cart a request is about: the signed-in user's, or a guest's by its cart id.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CartOwner {
    User(UserId),
    Guest(CartId),
}

impl CartOwner {
    /// The key of the cart's rows: `u:<uuid>` or `g:<uuid>`, so a guest cart id can never
    /// name a user's cart.
    pub fn key(&self) -> String {
        match self {
            Self::User(u) => format!("u:{u}"),
            Self::Guest(c) => format!("g:{c}"),
        }
    }

    pub fn kind(&self) -> &'static str {
        match self {
            Self::User(_) => "user",
            Self::Guest(_) => "guest",
        }
    }
}

/// Longest idempotency key: Stripe's limit, enough for a UUID or a ULID with a prefix.
pub const MAX_IDEMPOTENCY_KEY_LEN: usize = 255;

/// The shopper's `Idempotency-Key`: 1–255 visible ASCII characters.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct IdempotencyKey(String);

impl IdempotencyKey {
    pub fn parse(raw: &str) -> Result<Self> {
        if raw.is_empty() || raw.len() > MAX_IDEMPOTENCY_KEY_LEN {
            return Err(OrderError::InvalidIdempotencyKey(format!(
                "must be 1 to {MAX_IDEMPOTENCY_KEY_LEN} characters, got {}",
                raw.len()
            )));
        }
        if !raw.bytes().all(|b| b.is_ascii_graphic()) {
            return Err(OrderError::InvalidIdempotencyKey(
                "only visible ASCII characters (no spaces)".into(),
            ));
        }
        Ok(Self(raw.to_owned()))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

fn clip(raw: &str) -> String {
    raw.chars().take(64).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_parse_the_hyphenated_form_and_print_lower_case() {
        let id = UserId::parse("6F1C2C1E-8C9E-4D4B-9A55-0D1F0C5E9B11").unwrap();
        assert_eq!(id.to_text(), "6f1c2c1e-8c9e-4d4b-9a55-0d1f0c5e9b11");
        assert_eq!(
            UserId::parse("6f1c2c1e8c9e4d4b9a550d1f0c5e9b11")
                .unwrap_err()
                .code(),
            "invalid_id"
        );
        assert!(OrderId::parse("nope").is_err());
    }

    #[test]
    fn a_guest_cart_and_a_user_with_the_same_uuid_are_different_carts() {
        let raw = "6f1c2c1e-8c9e-4d4b-9a55-0d1f0c5e9b11";
        let user = CartOwner::User(UserId::parse(raw).unwrap());
        let guest = CartOwner::Guest(CartId::parse(raw).unwrap());
        assert_ne!(user.key(), guest.key());
        assert_eq!(guest.key(), format!("g:{raw}"));
    }

    #[test]
    fn idempotency_keys_are_bounded_visible_ascii() {
        assert!(IdempotencyKey::parse("checkout-2026-12-02-abc").is_ok());
        assert!(IdempotencyKey::parse("").is_err());
        assert!(IdempotencyKey::parse("has space").is_err());
        assert!(IdempotencyKey::parse("ключ").is_err());
        assert!(IdempotencyKey::parse(&"k".repeat(256)).is_err());
        assert!(IdempotencyKey::parse(&"k".repeat(255)).is_ok());
    }
}
