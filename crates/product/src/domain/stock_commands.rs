//! Stock commands: manual adjustments and the order reservation life cycle.
//!
//! A reservation belongs to an order id chosen by the order service; that id is the
//! idempotency key, so a checkout retried after a timeout cannot reserve twice. Lines are
//! merged per product and sorted by product id, which (a) makes "same request" comparable for
//! replays and (b) is the lock order the SQL uses to avoid deadlocks.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use super::stock::{MAX_LINE_QUANTITY, parse_note};
use super::{OrderId, ProductId, Quantity, StockDelta, StockReason};
use crate::error::{DomainError, Result};

/// Most distinct products in one reservation: the cart service caps a basket at 100 lines,
/// and it bounds the lock set and the JSON parameter of one statement.
pub const MAX_RESERVATION_LINES: usize = 100;

/// `POST /products/{id}/stock/adjustments` body (the product id comes from the path).
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct AdjustStockRequest {
    pub delta: i64,
    pub reason: String,
    #[serde(default)]
    pub note: Option<String>,
}

/// A validated, audited change of `on_hand`.
#[derive(Debug, Clone, PartialEq)]
pub struct AdjustStock {
    pub product: ProductId,
    pub delta: StockDelta,
    pub reason: StockReason,
    pub note: Option<String>,
}

impl AdjustStock {
    pub fn from_request(product: ProductId, r: AdjustStockRequest) -> Result<Self> {
        let delta = StockDelta::parse(r.delta)?;
        let reason = StockReason::parse(&r.reason)?;
        reason.check_sign(delta)?;
        Ok(Self {
            product,
            delta,
            reason,
            note: parse_note(r.note.as_deref())?,
        })
    }
}

/// One requested line of a reservation, as sent.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ReserveLineRequest {
    pub product_id: String,
    pub quantity: i64,
}

/// `POST /reservations` body.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ReserveStockRequest {
    pub order_id: String,
    pub lines: Vec<ReserveLineRequest>,
}

/// A reservation line after merging: one per product.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize)]
pub struct ReservationLine {
    pub product_id: ProductId,
    pub quantity: Quantity,
}

/// A validated reservation: non-empty, bounded, one line per product, sorted by product id.
#[derive(Debug, Clone, PartialEq)]
pub struct ReserveStock {
    pub order_id: OrderId,
    lines: Vec<ReservationLine>,
}

impl ReserveStock {
    /// Builds the command from raw `(product, quantity)` pairs, merging duplicates.
    pub fn new(
        order_id: OrderId,
        lines: impl IntoIterator<Item = (ProductId, i64)>,
    ) -> Result<Self> {
        let mut merged: BTreeMap<ProductId, i64> = BTreeMap::new();
        let mut given = 0usize;
        for (product, qty) in lines {
            given += 1;
            // Validate each line on its own first, so the message blames the client's value.
            Quantity::parse(qty)?;
            *merged.entry(product).or_insert(0) += qty;
        }
        if given == 0 {
            return Err(DomainError::InvalidRequest(
                "a reservation needs at least one line".into(),
            ));
        }
        if merged.len() > MAX_RESERVATION_LINES {
            return Err(DomainError::InvalidRequest(format!(
                "{} distinct products, at most {MAX_RESERVATION_LINES} per reservation",
                merged.len()
            )));
        }
        let lines = merged
            .into_iter()
            .map(|(product_id, qty)| {
                Quantity::parse(qty)
                    .map(|quantity| ReservationLine { product_id, quantity })
                    .map_err(|_| {
                        DomainError::InvalidQuantity(format!(
                            "product {product_id}: merged quantity {qty} exceeds the per-line maximum of {MAX_LINE_QUANTITY}"
                        ))
                    })
            })
            .collect::<Result<Vec<_>>>()?;
        Ok(Self { order_id, lines })
    }

    /// Lines sorted by product id, one per product.
    pub fn lines(&self) -> &[ReservationLine] {
        &self.lines
    }
}

impl TryFrom<ReserveStockRequest> for ReserveStock {
    type Error = DomainError;
    fn try_from(r: ReserveStockRequest) -> Result<Self> {
        let order_id = OrderId::parse(&r.order_id)?;
        let lines = r
            .lines
            .iter()
            .enumerate()
            .map(|(i, l)| {
                let id = ProductId::parse(&l.product_id)
                    .map_err(|e| DomainError::InvalidId(format!("line {i}: {e}")))?;
                Ok((id, l.quantity))
            })
            .collect::<Result<Vec<_>>>()?;
        Self::new(order_id, lines)
    }
}

/// `POST /reservations/{order_id}/release` and `/commit`: both only name the order.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ReservationRef {
    pub order_id: OrderId,
}

impl ReservationRef {
    pub fn parse(order_id: &str) -> Result<Self> {
        Ok(Self {
            order_id: OrderId::parse(order_id)?,
        })
    }
}

/// Release: give reserved units back to `available` (order cancelled or payment failed).
pub type ReleaseStock = ReservationRef;
/// Commit: the order shipped; reserved units leave `on_hand` for good.
pub type CommitStock = ReservationRef;

/// A reservation's state. Transitions: `reserved → released` and `reserved → committed`;
/// both end states are final.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum ReservationState {
    Reserved,
    Released,
    Committed,
}

impl ReservationState {
    pub fn as_str(&self) -> &'static str {
        match self {
            Self::Reserved => "reserved",
            Self::Released => "released",
            Self::Committed => "committed",
        }
    }

    pub fn parse(raw: &str) -> Result<Self> {
        match raw {
            "reserved" => Ok(Self::Reserved),
            "released" => Ok(Self::Released),
            "committed" => Ok(Self::Committed),
            other => Err(DomainError::Storage(format!(
                "unknown reservation state `{other}`"
            ))),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn pid(n: u8) -> ProductId {
        ProductId::parse(&format!("00000000-0000-4000-8000-0000000000{n:02x}")).unwrap()
    }

    fn order() -> OrderId {
        OrderId::parse("11111111-1111-4111-8111-111111111111").unwrap()
    }

    #[test]
    fn reserve_merges_duplicate_product_lines_and_sorts_them() {
        let cmd = ReserveStock::new(order(), [(pid(2), 1), (pid(1), 2), (pid(2), 3)]).unwrap();
        let got: Vec<(ProductId, i64)> = cmd
            .lines()
            .iter()
            .map(|l| (l.product_id, l.quantity.get()))
            .collect();
        assert_eq!(got, vec![(pid(1), 2), (pid(2), 4)]);
    }

    #[test]
    fn reserve_rejects_an_empty_line_list() {
        let err = ReserveStock::new(order(), []).unwrap_err();
        assert!(err.to_string().contains("at least one line"), "{err}");
    }

    #[test]
    fn reserve_rejects_non_positive_quantities() {
        assert_eq!(
            ReserveStock::new(order(), [(pid(1), 0)])
                .unwrap_err()
                .code(),
            "invalid_quantity"
        );
    }

    #[test]
    fn reserve_rejects_merged_quantities_above_the_line_maximum() {
        let err =
            ReserveStock::new(order(), [(pid(1), MAX_LINE_QUANTITY), (pid(1), 1)]).unwrap_err();
        assert!(err.to_string().contains("merged quantity 10001"), "{err}");
    }

    #[test]
    fn reserve_bounds_the_number_of_distinct_products() {
        let lines = (0..=MAX_RESERVATION_LINES as u8).map(|i| (pid(i), 1));
        let err = ReserveStock::new(order(), lines).unwrap_err();
        assert!(err.to_string().contains("at most 100"), "{err}");
    }

    #[test]
    fn reserve_request_names_the_line_with_a_bad_product_id() {
        let req: ReserveStockRequest = serde_json::from_value(serde_json::json!({
            "order_id": "11111111-1111-4111-8111-111111111111",
            "lines": [{"product_id": pid(1).to_text(), "quantity": 1}, {"product_id": "nope", "quantity": 1}]
        }))
        .unwrap();
        let err = ReserveStock::try_from(req).unwrap_err();
        assert!(err.to_string().contains("line 1"), "{err}");
    }

    #[test]
    fn adjust_stock_checks_delta_reason_and_sign_together() {
        let ok = AdjustStockRequest {
            delta: 10,
            reason: "restock".into(),
            note: Some(" PO-7 ".into()),
        };
        let cmd = AdjustStock::from_request(pid(1), ok).unwrap();
        assert_eq!(cmd.note.as_deref(), Some("PO-7"));
        let bad = AdjustStockRequest {
            delta: -10,
            reason: "restock".into(),
            note: None,
        };
        assert_eq!(
            AdjustStock::from_request(pid(1), bad).unwrap_err().code(),
            "invalid_stock_adjustment"
        );
    }

    #[test]
    fn reservation_state_round_trips_its_text_form() {
        for s in [
            ReservationState::Reserved,
            ReservationState::Released,
            ReservationState::Committed,
        ] {
            assert_eq!(ReservationState::parse(s.as_str()).unwrap(), s);
        }
        assert_eq!(
            ReservationState::parse("pending").unwrap_err().code(),
            "storage_error"
        );
    }
}
