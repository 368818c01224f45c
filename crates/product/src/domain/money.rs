//! Money: integer minor units plus an ISO 4217 currency. Never floats.
//!
//! Prices are stored, compared, summed and sent as `i64` minor units (cents), so 0.1 + 0.2 is
//! never a question. The currency allow-list is small on purpose: every currency the shop
//! accepts must also be supported by payments and tax, which is a business decision, not a
//! parser detail.

use serde::{Deserialize, Serialize};

use super::ids::clip;
use crate::error::{DomainError, Result};

/// Currencies the shop sells in, with their ISO 4217 minor-unit exponent (all 2 for now).
/// Adding one here is the only change needed in this crate.
pub const CURRENCIES: &[(&str, u8)] = &[("USD", 2), ("EUR", 2), ("GBP", 2)];

/// Highest price in minor units: 99 999 999.99, the largest value of the `DECIMAL(10,2)`
/// column the finance exports use. Far below `i64::MAX`, so line totals cannot overflow.
pub const MAX_PRICE_MINOR: i64 = 9_999_999_999;

/// An ISO 4217 currency code from [`CURRENCIES`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Currency(&'static str);

impl Currency {
    pub const USD: Currency = Currency("USD");
    pub const EUR: Currency = Currency("EUR");
    pub const GBP: Currency = Currency("GBP");

    pub fn parse(raw: &str) -> Result<Self> {
        let s = raw.trim();
        if s.len() != 3 || !s.bytes().all(|b| b.is_ascii_uppercase()) {
            return Err(DomainError::InvalidCurrency(format!(
                "`{}` is not an ISO 4217 code (three upper-case letters)",
                clip(s)
            )));
        }
        CURRENCIES
            .iter()
            .find(|(code, _)| *code == s)
            .map(|(code, _)| Self(code))
            .ok_or_else(|| {
                let allowed: Vec<&str> = CURRENCIES.iter().map(|(c, _)| *c).collect();
                DomainError::InvalidCurrency(format!(
                    "`{s}` is not accepted; use one of {}",
                    allowed.join(", ")
                ))
            })
    }

    pub fn code(&self) -> &'static str {
        self.0
    }

    /// Number of minor-unit digits (2 for USD: 1 dollar = 100 cents).
    pub fn exponent(&self) -> u8 {
        CURRENCIES
            .iter()
            .find(|(c, _)| *c == self.0)
            .map_or(2, |(_, e)| *e)
    }
}

impl std::fmt::Display for Currency {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.0)
    }
}

impl Serialize for Currency {
    fn serialize<S: serde::Serializer>(&self, s: S) -> std::result::Result<S::Ok, S::Error> {
        s.serialize_str(self.0)
    }
}

impl<'de> Deserialize<'de> for Currency {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> std::result::Result<Self, D::Error> {
        let raw = String::deserialize(d)?;
        Currency::parse(&raw).map_err(serde::de::Error::custom)
    }
}

/// A non-negative amount of money.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
pub struct Money {
    amount_minor: i64,
    currency: Currency,
}

/// Wire form of [`Money`]: `{"amount_minor": 1999, "currency": "USD"}`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct MoneyDto {
    pub amount_minor: i64,
    pub currency: String,
}

impl Money {
    pub fn parse(amount_minor: i64, currency: &str) -> Result<Self> {
        let currency = Currency::parse(currency)?;
        Self::new(amount_minor, currency)
    }

    pub fn new(amount_minor: i64, currency: Currency) -> Result<Self> {
        if amount_minor < 0 {
            return Err(DomainError::InvalidMoney(format!(
                "amount {amount_minor} is negative"
            )));
        }
        if amount_minor > MAX_PRICE_MINOR {
            return Err(DomainError::InvalidMoney(format!(
                "amount {amount_minor} exceeds the maximum of {MAX_PRICE_MINOR} minor units"
            )));
        }
        Ok(Self {
            amount_minor,
            currency,
        })
    }

    pub fn amount_minor(&self) -> i64 {
        self.amount_minor
    }

    pub fn currency(&self) -> Currency {
        self.currency
    }

    /// Plain decimal rendering, e.g. `19.99 USD`, for logs and feeds (the UI localises itself).
    pub fn display(&self) -> String {
        let scale = 10_i64.pow(u32::from(self.currency.exponent()));
        let width = usize::from(self.currency.exponent());
        format!(
            "{}.{:0width$} {}",
            self.amount_minor / scale,
            self.amount_minor % scale,
            self.currency
        )
    }
}

impl TryFrom<MoneyDto> for Money {
    type Error = DomainError;
    fn try_from(dto: MoneyDto) -> Result<Self> {
        Money::parse(dto.amount_minor, &dto.currency)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn currency_accepts_the_allow_list() {
        for code in ["USD", "EUR", "GBP"] {
            assert_eq!(Currency::parse(code).unwrap().code(), code);
        }
    }

    #[test]
    fn currency_rejects_lower_case_and_wrong_length() {
        for bad in ["usd", "US", "USDD", "U5D", ""] {
            let err = Currency::parse(bad).unwrap_err();
            assert!(err.to_string().contains("ISO 4217"), "{bad}: {err}");
        }
    }

    #[test]
    fn currency_rejects_well_formed_codes_outside_the_allow_list() {
        let err = Currency::parse("JPY").unwrap_err();
        assert!(
            err.to_string().contains("use one of USD, EUR, GBP"),
            "{err}"
        );
    }

    #[test]
    fn money_accepts_zero_and_the_maximum() {
        assert_eq!(Money::parse(0, "USD").unwrap().amount_minor(), 0);
        assert!(Money::parse(MAX_PRICE_MINOR, "EUR").is_ok());
    }

    #[test]
    fn money_rejects_negative_and_overlarge_amounts() {
        assert!(
            Money::parse(-1, "USD")
                .unwrap_err()
                .to_string()
                .contains("negative")
        );
        assert_eq!(
            Money::parse(MAX_PRICE_MINOR + 1, "USD").unwrap_err().code(),
            "invalid_price"
        );
    }

    #[test]
    fn money_displays_minor_units_with_padding() {
        assert_eq!(Money::parse(1905, "USD").unwrap().display(), "19.05 USD");
        assert_eq!(Money::parse(7, "GBP").unwrap().display(), "0.07 GBP");
    }

    #[test]
    fn money_round_trips_through_its_dto() {
        let dto: MoneyDto =
            serde_json::from_str(r#"{"amount_minor":1999,"currency":"EUR"}"#).unwrap();
        let money = Money::try_from(dto).unwrap();
        assert_eq!(
            serde_json::to_value(money).unwrap(),
            serde_json::json!({"amount_minor": 1999, "currency": "EUR"})
        );
    }
}
