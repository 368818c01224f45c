//! Shipping addresses: at most [`MAX_ADDRESSES`] per account, exactly one of them the
//! default whenever there is any. The rule is kept by the statements in [`crate::sql`] under
//! a lock on the user's row, and backed by a partial unique index (one default per user).

use serde::{Deserialize, Serialize};

use crate::error::UserError;

/// Addresses per account (the limit): plenty for a person, bounded for the
/// order service, which copies them.
pub const MAX_ADDRESSES: usize = 20;
/// Longest free-text field (recipient, lines, city, region), in characters.
const MAX_FIELD_CHARS: usize = 120;
/// Longest postal code: the longest national formats are 10 characters; 16 leaves room.
const MAX_POSTAL_CHARS: usize = 16;
/// Longest label ("Home", "Office"…).
const MAX_LABEL_CHARS: usize = 40;
/// Longest phone number, E.164 is 15 digits; separators and `+` make 24 plenty.
const MAX_PHONE_CHARS: usize = 24;

/// An address as stored and shown.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Address {
    pub id: uuid::Uuid,
    pub label: Option<String>,
    pub recipient: String,
    pub line1: String,
    pub line2: Option<String>,
    pub city: String,
    pub region: Option<String>,
    pub postal_code: String,
    /// ISO 3166-1 alpha-2, upper-case.
    pub country: String,
    pub phone: Option<String>,
    pub is_default: bool,
}

/// `POST /me/addresses` and `PATCH /me/addresses/{id}` bodies. For a PATCH every field is
/// optional; an optional field set to `null` clears it.
#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct AddressRequest {
    #[serde(default, deserialize_with = "present")]
    pub label: Option<Option<String>>,
    pub recipient: Option<String>,
    pub line1: Option<String>,
    #[serde(default, deserialize_with = "present")]
    pub line2: Option<Option<String>>,
    pub city: Option<String>,
    #[serde(default, deserialize_with = "present")]
    pub region: Option<Option<String>>,
    pub postal_code: Option<String>,
    pub country: Option<String>,
    #[serde(default, deserialize_with = "present")]
    pub phone: Option<Option<String>>,
    pub is_default: Option<bool>,
}

/// Distinguishes an absent field (`None`) from an explicit `null` (`Some(None)`).
fn present<'de, D, T>(d: D) -> Result<Option<Option<T>>, D::Error>
where
    D: serde::Deserializer<'de>,
    T: Deserialize<'de>,
{
    Option::<T>::deserialize(d).map(Some)
}

/// The validated fields of an address (everything but its id and default flag).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AddressFields {
    pub label: Option<String>,
    pub recipient: String,
    pub line1: String,
    pub line2: Option<String>,
    pub city: String,
    pub region: Option<String>,
    pub postal_code: String,
    pub country: String,
    pub phone: Option<String>,
}

/// A new address.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewAddress {
    pub fields: AddressFields,
    /// Asked to be the default; the first address is the default whatever is asked.
    pub make_default: bool,
}

impl TryFrom<AddressRequest> for NewAddress {
    type Error = UserError;

    fn try_from(r: AddressRequest) -> Result<Self, UserError> {
        let required = |field: &'static str, v: Option<String>| {
            v.ok_or_else(|| UserError::InvalidAddress {
                field,
                reason: "it is required".into(),
            })
        };
        let fields = AddressFields {
            label: optional("label", r.label.flatten(), MAX_LABEL_CHARS)?,
            recipient: text(
                "recipient",
                &required("recipient", r.recipient)?,
                MAX_FIELD_CHARS,
            )?,
            line1: text("line1", &required("line1", r.line1)?, MAX_FIELD_CHARS)?,
            line2: optional("line2", r.line2.flatten(), MAX_FIELD_CHARS)?,
            city: text("city", &required("city", r.city)?, MAX_FIELD_CHARS)?,
            region: optional("region", r.region.flatten(), MAX_FIELD_CHARS)?,
            postal_code: postal(&required("postal_code", r.postal_code)?)?,
            country: country(&required("country", r.country)?)?,
            phone: optional_phone(r.phone.flatten())?,
        };
        Ok(NewAddress {
            fields,
            make_default: r.is_default.unwrap_or(false),
        })
    }
}

/// A change to an existing address: the request applied to what is stored.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AddressChange {
    pub request: AddressRequest,
}

impl AddressChange {
    /// Validates the changed fields on top of `current`. `is_default: false` on the default
    /// address is refused: an account with addresses always has one default.
    pub fn apply(&self, current: &Address) -> Result<(AddressFields, bool), UserError> {
        let r = &self.request;
        let keep_or = |field: &'static str, new: &Option<String>, old: &str, max| match new {
            Some(v) => text(field, v, max),
            None => Ok(old.to_owned()),
        };
        let opt_or = |field: &'static str,
                      new: &Option<Option<String>>,
                      old: &Option<String>,
                      max| match new {
            Some(v) => optional(field, v.clone(), max),
            None => Ok(old.clone()),
        };
        let fields = AddressFields {
            label: opt_or("label", &r.label, &current.label, MAX_LABEL_CHARS)?,
            recipient: keep_or(
                "recipient",
                &r.recipient,
                &current.recipient,
                MAX_FIELD_CHARS,
            )?,
            line1: keep_or("line1", &r.line1, &current.line1, MAX_FIELD_CHARS)?,
            line2: opt_or("line2", &r.line2, &current.line2, MAX_FIELD_CHARS)?,
            city: keep_or("city", &r.city, &current.city, MAX_FIELD_CHARS)?,
            region: opt_or("region", &r.region, &current.region, MAX_FIELD_CHARS)?,
            postal_code: match &r.postal_code {
                Some(v) => postal(v)?,
                None => current.postal_code.clone(),
            },
            country: match &r.country {
                Some(v) => country(v)?,
                None => current.country.clone(),
            },
            phone: match &r.phone {
                Some(v) => optional_phone(v.clone())?,
                None => current.phone.clone(),
            },
        };
        let is_default = match r.is_default {
            Some(false) if current.is_default => return Err(UserError::DefaultAddressRequired),
            Some(wanted) => wanted,
            None => current.is_default,
        };
        Ok((fields, is_default))
    }
}

fn text(field: &'static str, raw: &str, max: usize) -> Result<String, UserError> {
    let v = raw.trim();
    let bad = |reason: String| Err(UserError::InvalidAddress { field, reason });
    if v.is_empty() {
        return bad("it is empty".into());
    }
    if v.chars().count() > max {
        return bad(format!("it is longer than {max} characters"));
    }
    if v.chars().any(char::is_control) {
        return bad("it contains a control character".into());
    }
    Ok(v.to_owned())
}

fn optional(
    field: &'static str,
    raw: Option<String>,
    max: usize,
) -> Result<Option<String>, UserError> {
    match raw {
        Some(v) if !v.trim().is_empty() => text(field, &v, max).map(Some),
        _ => Ok(None),
    }
}

fn postal(raw: &str) -> Result<String, UserError> {
    let v = text("postal_code", raw, MAX_POSTAL_CHARS)?;
    if !v
        .chars()
        .all(|c| c.is_ascii_alphanumeric() || c == ' ' || c == '-')
    {
        return Err(UserError::InvalidAddress {
            field: "postal_code",
            reason: "only letters, digits, spaces and hyphens".into(),
        });
    }
    Ok(v.to_ascii_uppercase())
}

fn country(raw: &str) -> Result<String, UserError> {
    let v = raw.trim().to_ascii_uppercase();
    if v.len() != 2 || !v.bytes().all(|b| b.is_ascii_uppercase()) {
        return Err(UserError::InvalidAddress {
            field: "country",
            reason: "an ISO 3166-1 alpha-2 code such as GB or DE".into(),
        });
    }
    Ok(v)
}

fn optional_phone(raw: Option<String>) -> Result<Option<String>, UserError> {
    let Some(v) = optional("phone", raw, MAX_PHONE_CHARS)? else {
        return Ok(None);
    };
    let digits = v.chars().filter(char::is_ascii_digit).count();
    let allowed = v
        .chars()
        .all(|c| c.is_ascii_digit() || " +-().".contains(c));
    if !allowed || !(5..=15).contains(&digits) {
        return Err(UserError::InvalidAddress {
            field: "phone",
            reason: "5-15 digits, optionally with + - ( ) . and spaces".into(),
        });
    }
    Ok(Some(v))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn request() -> AddressRequest {
        serde_json::from_value(serde_json::json!({
            "recipient": "Ada Lovelace", "line1": "12 St James's Square", "city": "London",
            "postal_code": "sw1y 4jh", "country": "gb"
        }))
        .expect("request")
    }

    #[test]
    fn a_complete_address_is_normalised() {
        let a = NewAddress::try_from(request()).expect("valid");
        assert_eq!(a.fields.postal_code, "SW1Y 4JH");
        assert_eq!(a.fields.country, "GB");
        assert_eq!(a.fields.line2, None);
        assert!(!a.make_default);
    }

    #[test]
    fn missing_and_bad_fields_are_named() {
        let mut r = request();
        r.city = None;
        assert_eq!(
            NewAddress::try_from(r).err().and_then(|e| e.field()),
            Some("city")
        );
        let mut r = request();
        r.country = Some("GBR".into());
        assert_eq!(
            NewAddress::try_from(r).err().and_then(|e| e.field()),
            Some("country")
        );
        let mut r = request();
        r.phone = Some(Some("call me".into()));
        assert_eq!(
            NewAddress::try_from(r).err().and_then(|e| e.field()),
            Some("phone")
        );
    }

    #[test]
    fn unknown_fields_are_refused() {
        let r: Result<AddressRequest, _> =
            serde_json::from_value(serde_json::json!({ "zip": "1" }));
        assert!(r.is_err());
    }

    fn stored(is_default: bool) -> Address {
        let f = NewAddress::try_from(request()).expect("valid").fields;
        Address {
            id: uuid::Uuid::from_u128(1),
            label: Some("Home".into()),
            recipient: f.recipient,
            line1: f.line1,
            line2: None,
            city: f.city,
            region: None,
            postal_code: f.postal_code,
            country: f.country,
            phone: None,
            is_default,
        }
    }

    #[test]
    fn a_patch_changes_only_what_it_names_and_null_clears() {
        let change = AddressChange {
            request: serde_json::from_value(serde_json::json!({ "city": "Bath", "label": null }))
                .expect("patch"),
        };
        let (fields, is_default) = change.apply(&stored(false)).expect("valid");
        assert_eq!(fields.city, "Bath");
        assert_eq!(fields.label, None);
        assert_eq!(fields.line1, "12 St James's Square");
        assert!(!is_default);
    }

    #[test]
    fn the_default_cannot_be_unset_directly() {
        let change = AddressChange {
            request: serde_json::from_value(serde_json::json!({ "is_default": false }))
                .expect("patch"),
        };
        assert_eq!(
            change.apply(&stored(true)),
            Err(UserError::DefaultAddressRequired)
        );
        assert_eq!(change.apply(&stored(false)).map(|(_, d)| d), Ok(false));
    }
}
