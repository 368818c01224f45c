//! Stock values: quantities, adjustments and the on-hand/reserved level.
//!
//! Stock is tracked as two counters per product: `on_hand` (physically in the warehouse) and
//! `reserved` (promised to orders that have not shipped). What can be sold is
//! `available = on_hand - reserved`, and the invariant `0 <= reserved <= on_hand` is enforced
//! both here and by CHECK constraints in `migrations/0002_stock.sql`.

use serde::{Deserialize, Serialize};

use crate::error::{DomainError, Result};

/// Largest quantity of one product in one order line. 10 000 is far above any retail basket;
/// wholesale orders go through the B2B channel, and the bound keeps sums far from overflow.
pub const MAX_LINE_QUANTITY: i64 = 10_000;
/// Largest single stock adjustment (either sign): one full pallet-truck delivery of small
/// items is ~100 000 units; 1 000 000 leaves headroom while catching typos like an extra 000000.
pub const MAX_STOCK_DELTA: i64 = 1_000_000;
/// Largest on-hand quantity a product may hold (checked by the adjustment statement and the
/// `stock_on_hand_max` constraint): 1 000 000 000 keeps every sum in `i64` comfortably.
pub const MAX_ON_HAND: i64 = 1_000_000_000;
/// Longest free-text note on a stock adjustment (audit trail comment, not a document).
pub const MAX_STOCK_NOTE_CHARS: usize = 500;

/// A strictly positive, bounded quantity of one product.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(transparent)]
pub struct Quantity(i64);

impl Quantity {
    pub fn parse(raw: i64) -> Result<Self> {
        if raw <= 0 {
            return Err(DomainError::InvalidQuantity(format!(
                "{raw} is not positive"
            )));
        }
        if raw > MAX_LINE_QUANTITY {
            return Err(DomainError::InvalidQuantity(format!(
                "{raw} exceeds the per-line maximum of {MAX_LINE_QUANTITY}"
            )));
        }
        Ok(Self(raw))
    }

    pub fn get(&self) -> i64 {
        self.0
    }
}

/// A non-zero signed change to `on_hand`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(transparent)]
pub struct StockDelta(i64);

impl StockDelta {
    pub fn parse(raw: i64) -> Result<Self> {
        if raw == 0 {
            return Err(DomainError::InvalidStockAdjustment(
                "delta must not be zero".into(),
            ));
        }
        if raw.abs() > MAX_STOCK_DELTA {
            return Err(DomainError::InvalidStockAdjustment(format!(
                "delta {raw} exceeds ±{MAX_STOCK_DELTA}"
            )));
        }
        Ok(Self(raw))
    }

    pub fn get(&self) -> i64 {
        self.0
    }
}

/// Why stock changed; stored in the audit table and checked there by a CHECK constraint.
/// Reservations do not use this: they move `reserved`, not `on_hand`, and are audited by
/// the `reservations` tables themselves.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum StockReason {
    /// Goods received from a supplier.
    Restock,
    /// Goods returned by a customer and put back on the shelf.
    Return,
    /// Damaged, lost or stolen goods written off.
    Shrinkage,
    /// Stock-take correction (either sign).
    Correction,
    /// Opening balance when a product is created or seeded.
    Initial,
}

impl StockReason {
    pub const ALL: [StockReason; 5] = [
        Self::Restock,
        Self::Return,
        Self::Shrinkage,
        Self::Correction,
        Self::Initial,
    ];

    pub fn parse(raw: &str) -> Result<Self> {
        Self::ALL
            .into_iter()
            .find(|r| r.as_str() == raw.trim())
            .ok_or_else(|| {
                let all: Vec<&str> = Self::ALL.iter().map(|r| r.as_str()).collect();
                DomainError::InvalidStockAdjustment(format!(
                    "reason `{}` is not one of {}",
                    super::ids::clip(raw),
                    all.join(", ")
                ))
            })
    }

    pub fn as_str(&self) -> &'static str {
        match self {
            Self::Restock => "restock",
            Self::Return => "return",
            Self::Shrinkage => "shrinkage",
            Self::Correction => "correction",
            Self::Initial => "initial",
        }
    }

    /// Restocks and returns only add, shrinkage only removes; corrections go either way.
    pub fn check_sign(&self, delta: StockDelta) -> Result<()> {
        let ok = match self {
            Self::Restock | Self::Return | Self::Initial => delta.get() > 0,
            Self::Shrinkage => delta.get() < 0,
            Self::Correction => true,
        };
        if ok {
            Ok(())
        } else {
            Err(DomainError::InvalidStockAdjustment(format!(
                "a `{}` adjustment cannot have delta {}",
                self.as_str(),
                delta.get()
            )))
        }
    }
}

/// Optional audit note on an adjustment.
pub fn parse_note(raw: Option<&str>) -> Result<Option<String>> {
    let Some(raw) = raw.map(str::trim).filter(|s| !s.is_empty()) else {
        return Ok(None);
    };
    if raw.chars().any(|c| c.is_control() && c != '\n') {
        return Err(DomainError::InvalidStockAdjustment(
            "note contains a control character".into(),
        ));
    }
    let n = raw.chars().count();
    if n > MAX_STOCK_NOTE_CHARS {
        return Err(DomainError::InvalidStockAdjustment(format!(
            "note is {n} characters, at most {MAX_STOCK_NOTE_CHARS} allowed"
        )));
    }
    Ok(Some(raw.to_string()))
}

/// A product's stock counters as read from the `stock` table.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct StockLevel {
    pub on_hand: i64,
    pub reserved: i64,
}

impl StockLevel {
    /// Checks the invariant `0 <= reserved <= on_hand` on data coming back from storage.
    pub fn new(on_hand: i64, reserved: i64) -> Result<Self> {
        if reserved < 0 || on_hand < reserved {
            return Err(DomainError::Storage(format!(
                "stock row breaks 0 <= reserved ({reserved}) <= on_hand ({on_hand})"
            )));
        }
        Ok(Self { on_hand, reserved })
    }

    /// What can still be sold.
    pub fn available(&self) -> i64 {
        self.on_hand - self.reserved
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn quantity_accepts_one_through_the_line_maximum() {
        assert_eq!(Quantity::parse(1).unwrap().get(), 1);
        assert!(Quantity::parse(MAX_LINE_QUANTITY).is_ok());
    }

    #[test]
    fn quantity_rejects_zero_negative_and_overlarge() {
        assert!(
            Quantity::parse(0)
                .unwrap_err()
                .to_string()
                .contains("not positive")
        );
        assert!(Quantity::parse(-3).is_err());
        assert!(
            Quantity::parse(MAX_LINE_QUANTITY + 1)
                .unwrap_err()
                .to_string()
                .contains("10000")
        );
    }

    #[test]
    fn stock_delta_rejects_zero_and_typo_sized_values() {
        assert!(StockDelta::parse(0).is_err());
        assert!(StockDelta::parse(-MAX_STOCK_DELTA).is_ok());
        assert_eq!(
            StockDelta::parse(MAX_STOCK_DELTA + 1).unwrap_err().code(),
            "invalid_stock_adjustment"
        );
    }

    #[test]
    fn stock_reason_parses_known_words_and_lists_them_otherwise() {
        assert_eq!(StockReason::parse("restock").unwrap(), StockReason::Restock);
        let err = StockReason::parse("gift").unwrap_err();
        assert!(
            err.to_string()
                .contains("restock, return, shrinkage, correction, initial"),
            "{err}"
        );
    }

    #[test]
    fn stock_reason_enforces_the_sign_of_the_delta() {
        let plus = StockDelta::parse(5).unwrap();
        let minus = StockDelta::parse(-5).unwrap();
        assert!(StockReason::Restock.check_sign(plus).is_ok());
        assert!(StockReason::Restock.check_sign(minus).is_err());
        assert!(StockReason::Shrinkage.check_sign(plus).is_err());
        assert!(StockReason::Correction.check_sign(minus).is_ok());
    }

    #[test]
    fn note_is_optional_trimmed_and_bounded() {
        assert_eq!(parse_note(Some("  ")).unwrap(), None);
        assert_eq!(
            parse_note(Some(" pallet 7 ")).unwrap().as_deref(),
            Some("pallet 7")
        );
        assert!(parse_note(Some(&"n".repeat(MAX_STOCK_NOTE_CHARS + 1))).is_err());
    }

    #[test]
    fn stock_level_available_is_on_hand_minus_reserved() {
        assert_eq!(StockLevel::new(10, 3).unwrap().available(), 7);
    }

    #[test]
    fn stock_level_rejects_rows_breaking_the_invariant() {
        assert_eq!(StockLevel::new(1, 2).unwrap_err().code(), "storage_error");
        assert!(StockLevel::new(1, -1).is_err());
    }
}
