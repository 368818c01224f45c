//! Order totals, computed server-side in integer minor units.
//!
//! The rules are deliberately simple and written down (docs/services/order.md):
//!
//! - **Tax**: [`TAX_RATE_BASIS_POINTS`] (8 %) of the subtotal, rounded half up to the minor
//!   unit — one flat rate for every currency, as a stand-in for a real tax service.
//! - **Shipping**: a flat [`SHIPPING_FLAT_MINOR`] (4.99), free from
//!   [`FREE_SHIPPING_FROM_MINOR`] (50.00) of subtotal; shipping is not taxed.
//! - **Total** = subtotal + tax + shipping.

use serde::Serialize;

use crate::error::Result;
use crate::money::{add, times};

/// 8 % in basis points (1/100 of a percent).
pub const TAX_RATE_BASIS_POINTS: i64 = 800;
/// Flat shipping per order, in minor units.
pub const SHIPPING_FLAT_MINOR: i64 = 499;
/// Subtotal (minor units) from which shipping is free.
pub const FREE_SHIPPING_FROM_MINOR: i64 = 5000;

/// Subtotal, tax, shipping and total of a cart or an order.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct Totals {
    pub subtotal_minor: i64,
    pub tax_minor: i64,
    pub shipping_minor: i64,
    pub total_minor: i64,
}

impl Totals {
    /// Totals of lines given as `(unit price, quantity)`.
    pub fn of_lines(lines: impl IntoIterator<Item = (i64, i64)>) -> Result<Self> {
        let mut subtotal = 0i64;
        for (unit, qty) in lines {
            subtotal = add(subtotal, times(unit, qty)?)?;
        }
        Self::of_subtotal(subtotal)
    }

    pub fn of_subtotal(subtotal_minor: i64) -> Result<Self> {
        let tax_minor = tax(subtotal_minor)?;
        let shipping_minor = shipping(subtotal_minor);
        let total_minor = add(add(subtotal_minor, tax_minor)?, shipping_minor)?;
        Ok(Self {
            subtotal_minor,
            tax_minor,
            shipping_minor,
            total_minor,
        })
    }
}

/// Tax on `subtotal`, rounded half up: `(subtotal × rate + 5 000) / 10 000`.
pub fn tax(subtotal_minor: i64) -> Result<i64> {
    let scaled = times(subtotal_minor, TAX_RATE_BASIS_POINTS)?;
    Ok(add(scaled, 5_000)? / 10_000)
}

/// Shipping for an order of `subtotal`: nothing for an empty cart, free from the threshold.
pub fn shipping(subtotal_minor: i64) -> i64 {
    if subtotal_minor == 0 || subtotal_minor >= FREE_SHIPPING_FROM_MINOR {
        0
    } else {
        SHIPPING_FLAT_MINOR
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_small_order_pays_tax_and_flat_shipping() {
        // 2 × 19.99 = 39.98; tax 3.1984 → 3.20; shipping 4.99.
        let t = Totals::of_lines([(1999, 2)]).unwrap();
        assert_eq!(
            t,
            Totals {
                subtotal_minor: 3998,
                tax_minor: 320,
                shipping_minor: 499,
                total_minor: 4817
            }
        );
    }

    #[test]
    fn shipping_is_free_from_fifty() {
        assert_eq!(shipping(4999), 499);
        assert_eq!(shipping(5000), 0);
        let t = Totals::of_lines([(2500, 2)]).unwrap();
        assert_eq!(
            (t.tax_minor, t.shipping_minor, t.total_minor),
            (400, 0, 5400)
        );
    }

    #[test]
    fn tax_rounds_half_up_to_the_minor_unit() {
        assert_eq!(tax(1).unwrap(), 0); // 0.08
        assert_eq!(tax(6).unwrap(), 0); // 0.48
        assert_eq!(tax(7).unwrap(), 1); // 0.56
        assert_eq!(tax(1250).unwrap(), 100); // exactly 100
        assert_eq!(tax(1256).unwrap(), 100); // 100.48
        assert_eq!(tax(1257).unwrap(), 101); // 100.56
    }

    #[test]
    fn an_empty_cart_costs_nothing() {
        assert_eq!(Totals::of_lines([]).unwrap().total_minor, 0);
    }

    #[test]
    fn lines_add_up_across_products() {
        let t = Totals::of_lines([(1000, 1), (250, 4), (1, 3)]).unwrap();
        assert_eq!(t.subtotal_minor, 2003);
    }

    #[test]
    fn absurd_amounts_are_refused_not_wrapped() {
        assert!(Totals::of_lines([(i64::MAX / 2, 3)]).is_err());
        assert!(tax(i64::MAX / 100).is_err());
    }
}
