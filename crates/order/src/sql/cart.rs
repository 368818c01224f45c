//! Cart statements. A cart is its rows in `cart_lines`, keyed by [`CartOwner::key`].

use super::{Cols, Row, SqlValue, Stmt, text, uuid};
use crate::cart::CartLine;
use crate::error::Result;
use crate::ids::{CartOwner, ProductId};
use crate::money::Currency;

/// The cart's lines, oldest first. Decode with [`decode_lines`].
pub fn lines(owner: &CartOwner) -> Stmt {
    Stmt::new(
        "SELECT product_id::text, quantity::int8, unit_price_minor, currency FROM cart_lines \
         WHERE owner = $1::text ORDER BY added_at, product_id",
        vec![text(owner.key())],
    )
}

pub fn decode_lines(rows: &[Row]) -> Result<Vec<CartLine>> {
    rows.iter()
        .map(|row| {
            let c = Cols::new(row, 4)?;
            Ok(CartLine {
                product_id: ProductId::parse(&c.text(0, "product_id")?)?,
                quantity: c.int(1, "quantity")?,
                added_unit_price_minor: c.int(2, "unit_price_minor")?,
                added_currency: Currency::parse(&c.text(3, "currency")?)?,
            })
        })
        .collect()
}

/// Adds `add` units to a line (creating it), recording the price seen now. The sum is bounded
/// by the table's CHECK, so two concurrent adds cannot push a line past the limit.
pub fn add(
    owner: &CartOwner,
    product: ProductId,
    add: i64,
    price_minor: i64,
    currency: Currency,
) -> Stmt {
    Stmt::new(
        "INSERT INTO cart_lines (owner, product_id, quantity, unit_price_minor, currency) \
         VALUES ($1::text, $2::uuid, $3::int8, $4::int8, $5::text) \
         ON CONFLICT (owner, product_id) DO UPDATE SET \
         quantity = cart_lines.quantity + EXCLUDED.quantity, \
         unit_price_minor = EXCLUDED.unit_price_minor, currency = EXCLUDED.currency \
         RETURNING quantity::int8",
        vec![
            text(owner.key()),
            uuid(product),
            SqlValue::Int64(add),
            SqlValue::Int64(price_minor),
            text(currency.code()),
        ],
    )
}

/// Sets a line to `quantity` (creating it), recording the price seen now.
pub fn set(
    owner: &CartOwner,
    product: ProductId,
    quantity: i64,
    price_minor: i64,
    currency: Currency,
) -> Stmt {
    Stmt::new(
        "INSERT INTO cart_lines (owner, product_id, quantity, unit_price_minor, currency) \
         VALUES ($1::text, $2::uuid, $3::int8, $4::int8, $5::text) \
         ON CONFLICT (owner, product_id) DO UPDATE SET quantity = EXCLUDED.quantity, \
         unit_price_minor = EXCLUDED.unit_price_minor, currency = EXCLUDED.currency \
         RETURNING quantity::int8",
        vec![
            text(owner.key()),
            uuid(product),
            SqlValue::Int64(quantity),
            SqlValue::Int64(price_minor),
            text(currency.code()),
        ],
    )
}

/// Removes one line; one row back when it existed.
pub fn remove(owner: &CartOwner, product: ProductId) -> Stmt {
    Stmt::new(
        "DELETE FROM cart_lines WHERE owner = $1::text AND product_id = $2::uuid RETURNING 1::int8",
        vec![text(owner.key()), uuid(product)],
    )
}

/// Empties the cart.
pub fn clear(owner: &CartOwner) -> Stmt {
    Stmt::new(
        "DELETE FROM cart_lines WHERE owner = $1::text RETURNING 1::int8",
        vec![text(owner.key())],
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ids::UserId;

    #[test]
    fn every_statement_binds_the_owner_key_never_inlines_it() {
        let owner = CartOwner::User(UserId::parse("6f1c2c1e-8c9e-4d4b-9a55-0d1f0c5e9b11").unwrap());
        for stmt in [lines(&owner), clear(&owner)] {
            assert!(!stmt.sql.contains("6f1c2c1e"));
            assert_eq!(
                stmt.params[0],
                text("u:6f1c2c1e-8c9e-4d4b-9a55-0d1f0c5e9b11")
            );
        }
    }

    #[test]
    fn lines_decode_into_cart_lines() {
        let rows = vec![vec![
            SqlValue::Text("00000000-0000-4000-8000-000000000001".into()),
            SqlValue::Int64(2),
            SqlValue::Int64(1999),
            SqlValue::Text("USD".into()),
        ]];
        let lines = decode_lines(&rows).unwrap();
        assert_eq!(lines[0].quantity, 2);
        assert_eq!(lines[0].added_currency, Currency::Usd);
    }
}
