//! Taking payment: a small trait in front of whatever provider the shop uses, and the mock
//! provider the shop runs with until there is a real one.
//!
//! The mock's behaviour is chosen by the `payment_mode` variable so that tests (and demos)
//! can see each path: `approve` (the default), `decline`, or `slow` (approves after
//! [`SLOW_PAYMENT_MS`], to show a checkout waiting on its provider).

use std::time::Duration;

use crate::error::{OrderError, Result};
use crate::money::Currency;

/// What the mock's slow mode waits before approving.
pub const SLOW_PAYMENT_MS: u64 = 2_000;

/// A charge for one order.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Charge<'a> {
    pub order_id: &'a str,
    pub amount_minor: i64,
    pub currency: Currency,
}

/// The provider's answer.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PaymentOutcome {
    /// Paid; the provider's reference for the payment.
    Approved { reference: String },
    /// Not paid, for a reason the shopper may see.
    Declined { reason: String },
}

/// A payment provider. Implementations must be idempotent per order id (a real provider
/// gets the order id as its idempotency key), since a checkout may be retried.
pub trait PaymentProvider {
    fn charge(&self, charge: &Charge<'_>) -> PaymentOutcome;
}

/// The mock provider's behaviour.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum MockPayment {
    Approve,
    Decline,
    Slow,
}

impl MockPayment {
    /// Parses the `payment_mode` variable; an unknown mode is the operator's mistake.
    pub fn parse(raw: &str) -> Result<Self> {
        match raw.trim() {
            "" | "approve" => Ok(Self::Approve),
            "decline" => Ok(Self::Decline),
            "slow" => Ok(Self::Slow),
            other => Err(OrderError::Storage(format!(
                "payment_mode `{other}` is not approve, decline or slow"
            ))),
        }
    }
}

impl PaymentProvider for MockPayment {
    fn charge(&self, charge: &Charge<'_>) -> PaymentOutcome {
        match self {
            Self::Approve => approved(charge),
            Self::Decline => PaymentOutcome::Declined {
                reason: "the card was declined (mock provider)".into(),
            },
            Self::Slow => {
                std::thread::sleep(Duration::from_millis(SLOW_PAYMENT_MS));
                approved(charge)
            }
        }
    }
}

fn approved(charge: &Charge<'_>) -> PaymentOutcome {
    PaymentOutcome::Approved {
        reference: format!("mock-{}", charge.order_id),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn charge() -> Charge<'static> {
        Charge {
            order_id: "o1",
            amount_minor: 4817,
            currency: Currency::Usd,
        }
    }

    #[test]
    fn modes_parse_and_default_to_approve() {
        assert_eq!(MockPayment::parse("").unwrap(), MockPayment::Approve);
        assert_eq!(MockPayment::parse("decline").unwrap(), MockPayment::Decline);
        assert_eq!(MockPayment::parse(" slow ").unwrap(), MockPayment::Slow);
        assert_eq!(MockPayment::parse("maybe").unwrap_err().status(), 500);
    }

    #[test]
    fn the_mock_declines_or_approves_with_a_reference_per_order() {
        assert!(matches!(
            MockPayment::Decline.charge(&charge()),
            PaymentOutcome::Declined { .. }
        ));
        assert_eq!(
            MockPayment::Approve.charge(&charge()),
            PaymentOutcome::Approved {
                reference: "mock-o1".into()
            }
        );
    }
}
