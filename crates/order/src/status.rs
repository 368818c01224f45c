//! The order life cycle: `pending → paid → shipped → delivered`, and `cancelled` from
//! `pending` or `paid`. Every transition is guarded here, gets a timestamp in the status
//! history, emits its event, and may act on the product service's reservation:
//! shipping commits it (the goods left), cancelling releases it.

use std::fmt;

use serde::{Deserialize, Serialize};

use crate::error::{OrderError, Result};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum OrderStatus {
    Pending,
    Paid,
    Shipped,
    Delivered,
    Cancelled,
}

/// What a transition does to the order's stock reservation.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum StockAction {
    None,
    /// `POST /reservations/{order_id}/commit`: the units leave the warehouse for good.
    Commit,
    /// `POST /reservations/{order_id}/release`: the units are for sale again.
    Release,
}

impl OrderStatus {
    pub const ALL: [OrderStatus; 5] = [
        Self::Pending,
        Self::Paid,
        Self::Shipped,
        Self::Delivered,
        Self::Cancelled,
    ];

    pub fn as_str(&self) -> &'static str {
        match self {
            Self::Pending => "pending",
            Self::Paid => "paid",
            Self::Shipped => "shipped",
            Self::Delivered => "delivered",
            Self::Cancelled => "cancelled",
        }
    }

    /// A status named by a client (admin filter or target).
    pub fn parse(raw: &str) -> Result<Self> {
        Self::ALL
            .into_iter()
            .find(|s| s.as_str() == raw)
            .ok_or_else(|| {
                OrderError::InvalidRequest(format!(
                    "unknown status `{}`; one of pending, paid, shipped, delivered, cancelled",
                    raw.chars().take(32).collect::<String>()
                ))
            })
    }

    /// A status read from the database; anything else means the schema drifted.
    pub fn from_db(raw: &str) -> Result<Self> {
        Self::parse(raw).map_err(|_| OrderError::Storage(format!("unknown order status `{raw}`")))
    }

    /// The event a move into this status emits.
    pub fn event_type(&self) -> &'static str {
        match self {
            Self::Pending => "order.created",
            Self::Paid => "order.paid",
            Self::Shipped => "order.shipped",
            Self::Delivered => "order.delivered",
            Self::Cancelled => "order.cancelled",
        }
    }

    /// Checks `self → to` and says what it does to the reservation; an invalid move is a
    /// 409 that names the current status.
    pub fn transition(self, to: OrderStatus) -> Result<StockAction> {
        use OrderStatus::*;
        match (self, to) {
            (Pending, Paid) | (Shipped, Delivered) => Ok(StockAction::None),
            (Paid, Shipped) => Ok(StockAction::Commit),
            (Pending | Paid, Cancelled) => Ok(StockAction::Release),
            _ => Err(OrderError::InvalidTransition {
                current: self.as_str().into(),
                requested: to.as_str().into(),
            }),
        }
    }

    /// Whether the shopper may still cancel an order in this status.
    pub fn cancellable(&self) -> bool {
        self.transition(Self::Cancelled).is_ok()
    }
}

impl fmt::Display for OrderStatus {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

#[cfg(test)]
mod tests {
    use super::OrderStatus::*;
    use super::*;

    #[test]
    fn the_happy_path_moves_forward_one_step_at_a_time() {
        assert_eq!(Pending.transition(Paid).unwrap(), StockAction::None);
        assert_eq!(Paid.transition(Shipped).unwrap(), StockAction::Commit);
        assert_eq!(Shipped.transition(Delivered).unwrap(), StockAction::None);
    }

    #[test]
    fn cancelling_is_allowed_before_shipping_and_releases_the_stock() {
        assert_eq!(Pending.transition(Cancelled).unwrap(), StockAction::Release);
        assert_eq!(Paid.transition(Cancelled).unwrap(), StockAction::Release);
        assert!(!Shipped.cancellable());
        assert!(!Delivered.cancellable());
        assert!(!Cancelled.cancellable());
    }

    #[test]
    fn every_other_move_is_refused_with_the_current_state() {
        let allowed = [
            (Pending, Paid),
            (Paid, Shipped),
            (Shipped, Delivered),
            (Pending, Cancelled),
            (Paid, Cancelled),
        ];
        for from in OrderStatus::ALL {
            for to in OrderStatus::ALL {
                let result = from.transition(to);
                if allowed.contains(&(from, to)) {
                    assert!(result.is_ok(), "{from} → {to}");
                } else {
                    let err = result.unwrap_err();
                    assert_eq!(err.status(), 409, "{from} → {to}");
                    assert_eq!(err.body()["current_state"], from.as_str());
                }
            }
        }
    }

    #[test]
    fn statuses_round_trip_and_unknown_ones_are_client_errors() {
        for s in OrderStatus::ALL {
            assert_eq!(OrderStatus::parse(s.as_str()).unwrap(), s);
        }
        assert_eq!(OrderStatus::parse("lost").unwrap_err().status(), 400);
        assert_eq!(OrderStatus::from_db("lost").unwrap_err().status(), 500);
    }

    #[test]
    fn each_status_has_its_event() {
        assert_eq!(Shipped.event_type(), "order.shipped");
        assert_eq!(Pending.event_type(), "order.created");
    }
}
