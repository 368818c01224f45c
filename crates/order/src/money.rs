//! Money: integer minor units and an ISO currency, never floats.

use std::fmt;

use serde::{Serialize, Serializer};

use crate::error::{OrderError, Result};

/// The currencies the catalog sells in (the product service accepts the same three); each has
/// two decimal places, so one rule of minor units serves all.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Currency {
    Usd,
    Eur,
    Gbp,
}

impl Currency {
    pub fn parse(raw: &str) -> Result<Self> {
        match raw {
            "USD" => Ok(Self::Usd),
            "EUR" => Ok(Self::Eur),
            "GBP" => Ok(Self::Gbp),
            other => Err(OrderError::Upstream(format!("unknown currency `{other}`"))),
        }
    }

    pub fn code(&self) -> &'static str {
        match self {
            Self::Usd => "USD",
            Self::Eur => "EUR",
            Self::Gbp => "GBP",
        }
    }
}

impl fmt::Display for Currency {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.code())
    }
}

impl Serialize for Currency {
    fn serialize<S: Serializer>(&self, s: S) -> std::result::Result<S::Ok, S::Error> {
        s.serialize_str(self.code())
    }
}

/// Adds minor-unit amounts, refusing an overflow instead of wrapping.
pub fn add(a: i64, b: i64) -> Result<i64> {
    a.checked_add(b)
        .ok_or_else(|| OrderError::Overflow(format!("{a} + {b}")))
}

/// Multiplies a unit price by a quantity, refusing an overflow.
pub fn times(unit_minor: i64, quantity: i64) -> Result<i64> {
    unit_minor
        .checked_mul(quantity)
        .ok_or_else(|| OrderError::Overflow(format!("{unit_minor} × {quantity}")))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn currencies_round_trip_their_codes() {
        for c in [Currency::Usd, Currency::Eur, Currency::Gbp] {
            assert_eq!(Currency::parse(c.code()).unwrap(), c);
        }
        assert!(Currency::parse("usd").is_err());
    }

    #[test]
    fn arithmetic_refuses_to_overflow() {
        assert_eq!(times(1999, 3).unwrap(), 5997);
        assert_eq!(times(i64::MAX, 2).unwrap_err().code(), "internal");
        assert!(add(i64::MAX, 1).is_err());
    }
}
