//! Statements on `addresses`. Every change runs in a transaction that first locks the user's
//! row ([`super::users::lock`]), so counting, clearing the old default and writing the new
//! address cannot interleave with another change for the same user.

use uuid::Uuid;

use super::{Cols, Row, SqlValue, Stmt, opt_text, text, uuid};
use crate::address::{Address, AddressFields};
use crate::error::UserError;

#[cfg(test)]
const SELECT: &str = "SELECT id, label, recipient, line1, line2, city, region, postal_code, country, phone, is_default \
     FROM addresses WHERE user_id = $1::uuid";

pub fn list(user: Uuid) -> Stmt {
    Stmt::new(
        "SELECT id, label, recipient, line1, line2, city, region, postal_code, country, phone, is_default \
         FROM addresses WHERE user_id = $1::uuid ORDER BY created_at, id",
        vec![uuid(user)],
    )
}

/// One of the user's addresses (another user's is simply not found).
pub fn get(user: Uuid, id: Uuid) -> Stmt {
    Stmt::new(
        "SELECT id, label, recipient, line1, line2, city, region, postal_code, country, phone, is_default \
         FROM addresses WHERE user_id = $1::uuid AND id = $2::uuid",
        vec![uuid(user), uuid(id)],
    )
}

pub fn count(user: Uuid) -> Stmt {
    Stmt::new(
        "SELECT count(*)::int8 FROM addresses WHERE user_id = $1::uuid",
        vec![uuid(user)],
    )
}

/// Clears the default flag on every address of the user except `keep` (nil: all).
pub fn clear_default(user: Uuid, keep: Uuid) -> Stmt {
    Stmt::new(
        "UPDATE addresses SET is_default = false, updated_at = now() \
         WHERE user_id = $1::uuid AND is_default AND id <> $2::uuid RETURNING id",
        vec![uuid(user), uuid(keep)],
    )
}

fn field_params(f: &AddressFields) -> Vec<SqlValue> {
    vec![
        opt_text(f.label.as_deref()),
        text(&f.recipient),
        text(&f.line1),
        opt_text(f.line2.as_deref()),
        text(&f.city),
        opt_text(f.region.as_deref()),
        text(&f.postal_code),
        text(&f.country),
        opt_text(f.phone.as_deref()),
    ]
}

pub fn insert(user: Uuid, f: &AddressFields, is_default: bool) -> Stmt {
    let mut params = vec![uuid(user)];
    params.extend(field_params(f));
    params.push(SqlValue::Bool(is_default));
    Stmt::new(
        "INSERT INTO addresses (user_id, label, recipient, line1, line2, city, region, postal_code, country, phone, is_default) \
         VALUES ($1::uuid, $2::text, $3::text, $4::text, $5::text, $6::text, $7::text, $8::text, $9::text, $10::text, $11::bool) \
         RETURNING id, label, recipient, line1, line2, city, region, postal_code, country, phone, is_default",
        params,
    )
}

pub fn update(user: Uuid, id: Uuid, f: &AddressFields, is_default: bool) -> Stmt {
    let mut params = vec![uuid(user), uuid(id)];
    params.extend(field_params(f));
    params.push(SqlValue::Bool(is_default));
    Stmt::new(
        "UPDATE addresses SET label = $3::text, recipient = $4::text, line1 = $5::text, line2 = $6::text, \
         city = $7::text, region = $8::text, postal_code = $9::text, country = $10::text, phone = $11::text, \
         is_default = $12::bool, updated_at = now() \
         WHERE user_id = $1::uuid AND id = $2::uuid \
         RETURNING id, label, recipient, line1, line2, city, region, postal_code, country, phone, is_default",
        params,
    )
}

/// Deletes one address, answering whether it was the default.
pub fn delete(user: Uuid, id: Uuid) -> Stmt {
    Stmt::new(
        "DELETE FROM addresses WHERE user_id = $1::uuid AND id = $2::uuid RETURNING is_default",
        vec![uuid(user), uuid(id)],
    )
}

/// Makes the oldest remaining address the default (after the default was deleted).
pub fn promote_oldest(user: Uuid) -> Stmt {
    Stmt::new(
        "UPDATE addresses SET is_default = true, updated_at = now() WHERE id = \
         (SELECT id FROM addresses WHERE user_id = $1::uuid ORDER BY created_at, id LIMIT 1) RETURNING id",
        vec![uuid(user)],
    )
}

pub fn decode(row: &[SqlValue]) -> Result<Address, UserError> {
    let c = Cols::of(row);
    Ok(Address {
        id: c.uuid(0, "id")?,
        label: c.opt_text(1, "label")?,
        recipient: c.text(2, "recipient")?,
        line1: c.text(3, "line1")?,
        line2: c.opt_text(4, "line2")?,
        city: c.text(5, "city")?,
        region: c.opt_text(6, "region")?,
        postal_code: c.text(7, "postal_code")?,
        country: c.text(8, "country")?,
        phone: c.opt_text(9, "phone")?,
        is_default: c.bool(10, "is_default")?,
    })
}

pub fn decode_all(rows: &[Row]) -> Result<Vec<Address>, UserError> {
    rows.iter().map(|r| decode(r)).collect()
}

pub fn decode_count(rows: &[Row]) -> Result<usize, UserError> {
    let n = rows
        .first()
        .map(|r| Cols::of(r).int(0, "count"))
        .transpose()?
        .unwrap_or(0);
    usize::try_from(n).map_err(|_| UserError::Storage(format!("count {n}")))
}

/// `RETURNING is_default` of [`delete`]: `None` when nothing was deleted.
pub fn decode_deleted(rows: &[Row]) -> Result<Option<bool>, UserError> {
    rows.first()
        .map(|r| Cols::of(r).bool(0, "is_default"))
        .transpose()
}

#[cfg(test)]
pub(super) fn all_statements() -> Vec<Stmt> {
    let f = AddressFields {
        label: None,
        recipient: "r".into(),
        line1: "l".into(),
        line2: None,
        city: "c".into(),
        region: None,
        postal_code: "p".into(),
        country: "GB".into(),
        phone: None,
    };
    let n = Uuid::nil();
    vec![
        list(n),
        get(n, n),
        count(n),
        clear_default(n, n),
        insert(n, &f, true),
        update(n, n, &f, false),
        delete(n, n),
        promote_oldest(n),
    ]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_select_reads_the_same_columns() {
        for stmt in [list(Uuid::nil()), get(Uuid::nil(), Uuid::nil())] {
            assert!(stmt.sql.starts_with(SELECT), "{}", stmt.sql);
        }
    }
}
