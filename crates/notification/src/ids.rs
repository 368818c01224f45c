//! Ids: UUIDs, parsed once, printed lower-case and hyphenated (the contract's form).

use crate::error::DomainError;

macro_rules! uuid_newtype {
    ($name:ident, $what:literal) => {
        #[doc = concat!("A ", $what, " id (a UUID of any version).")]
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
        pub struct $name(uuid::Uuid);

        impl $name {
            /// Parses a UUID; the error names the kind of id and (a clip of) the value.
            pub fn parse(raw: &str) -> Result<Self, DomainError> {
                uuid::Uuid::try_parse(raw.trim())
                    .map(Self)
                    .map_err(|_| DomainError::InvalidId {
                        what: $what,
                        value: raw.chars().take(64).collect(),
                    })
            }

            /// The first eight hex digits, upper-case: a short reference for people.
            pub fn short(&self) -> String {
                self.0.simple().to_string()[..8].to_ascii_uppercase()
            }
        }

        impl serde::Serialize for $name {
            fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
                s.collect_str(self)
            }
        }

        impl std::fmt::Display for $name {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                write!(f, "{}", self.0.hyphenated())
            }
        }
    };
}

uuid_newtype!(EventId, "event");
uuid_newtype!(UserId, "user");
uuid_newtype!(OrderId, "order");
uuid_newtype!(NotificationId, "notification");
uuid_newtype!(MailId, "mail");

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_print_lower_case_hyphenated_whatever_the_input_case() {
        let id = UserId::parse("0B6E1F1E-6C8A-4C65-9A8F-1B1D1C1E1F10").unwrap();
        assert_eq!(id.to_string(), "0b6e1f1e-6c8a-4c65-9a8f-1b1d1c1e1f10");
        assert_eq!(id.short(), "0B6E1F1E");
    }

    #[test]
    fn a_bad_id_names_its_kind_and_value() {
        let err = NotificationId::parse("nope").unwrap_err();
        assert_eq!(err.to_string(), "invalid notification id: nope");
    }
}
