//! Statements on `users`.

use uuid::Uuid;

use super::{Cols, Row, Stmt, text, uuid};
use crate::Role;
use crate::email::Email;
use crate::error::UserError;
use crate::profile::{DisplayName, Profile};

/// What sign-in and password checks need.
#[derive(Debug, Clone)]
pub struct Account {
    pub profile: Profile,
    pub password_hash: String,
}

pub fn insert(email: &Email, name: &DisplayName, password_hash: &str) -> Stmt {
    Stmt::new(
        "INSERT INTO users (email, display_name, password_hash) \
         VALUES ($1::text, $2::text, $3::text) \
         RETURNING id, email, display_name, role, (extract(epoch FROM created_at) * 1000)::int8, password_hash",
        vec![
            text(email.as_str()),
            text(name.as_str()),
            text(password_hash),
        ],
    )
}

pub fn by_email(email: &Email) -> Stmt {
    Stmt::new(
        "SELECT id, email, display_name, role, (extract(epoch FROM created_at) * 1000)::int8, password_hash \
         FROM users WHERE lower(email) = lower($1::text)",
        vec![text(email.as_str())],
    )
}

pub fn by_id(id: Uuid) -> Stmt {
    Stmt::new(
        "SELECT id, email, display_name, role, (extract(epoch FROM created_at) * 1000)::int8, password_hash \
         FROM users WHERE id = $1::uuid",
        vec![uuid(id)],
    )
}

/// Locks the user's row until the transaction ends: serialises address changes.
pub fn lock(id: Uuid) -> Stmt {
    Stmt::new(
        "SELECT id FROM users WHERE id = $1::uuid FOR UPDATE",
        vec![uuid(id)],
    )
}

pub fn set_name(id: Uuid, name: &DisplayName) -> Stmt {
    Stmt::new(
        "UPDATE users SET display_name = $2::text, updated_at = now() WHERE id = $1::uuid \
         RETURNING id, email, display_name, role, (extract(epoch FROM created_at) * 1000)::int8, password_hash",
        vec![uuid(id), text(name.as_str())],
    )
}

pub fn set_password(id: Uuid, password_hash: &str) -> Stmt {
    Stmt::new(
        "UPDATE users SET password_hash = $2::text, updated_at = now() WHERE id = $1::uuid RETURNING id",
        vec![uuid(id), text(password_hash)],
    )
}

/// Erases the account: the user row, and by cascade its addresses and reset tokens.
pub fn delete(id: Uuid) -> Stmt {
    Stmt::new(
        "DELETE FROM users WHERE id = $1::uuid RETURNING id",
        vec![uuid(id)],
    )
}

/// The account in the first row, if any.
pub fn decode_account(rows: &[Row]) -> Result<Option<Account>, UserError> {
    let Some(row) = rows.first() else {
        return Ok(None);
    };
    let c = Cols::of(row);
    let role = c.text(3, "role")?;
    Ok(Some(Account {
        profile: Profile {
            id: c.uuid(0, "id")?,
            email: c.text(1, "email")?,
            display_name: c.text(2, "display_name")?,
            role: Role::parse(&role).ok_or_else(|| UserError::Storage(format!("role `{role}`")))?,
            created_ms: c.int(4, "created_ms")?,
        },
        password_hash: c.text(5, "password_hash")?,
    }))
}

/// Whether the statement touched a row (those `RETURNING id`).
pub fn touched(rows: &[Row]) -> bool {
    !rows.is_empty()
}

#[cfg(test)]
pub(super) fn all_statements() -> Vec<Stmt> {
    let e = Email::parse("a@b.co").expect("email");
    let n = DisplayName::parse("A").expect("name");
    vec![
        insert(&e, &n, "h"),
        by_email(&e),
        by_id(Uuid::nil()),
        lock(Uuid::nil()),
        set_name(Uuid::nil(), &n),
        set_password(Uuid::nil(), "h"),
        delete(Uuid::nil()),
    ]
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::sql::SqlValue;

    #[test]
    fn an_account_row_decodes() {
        let row = vec![
            SqlValue::Uuid("00000000-0000-0000-0000-000000000001".into()),
            SqlValue::Text("a@b.co".into()),
            SqlValue::Text("A".into()),
            SqlValue::Text("admin".into()),
            SqlValue::Int64(5),
            SqlValue::Text("$argon2id$…".into()),
        ];
        let a = decode_account(&[row]).expect("decodes").expect("a row");
        assert_eq!((a.profile.role, a.profile.created_ms), (Role::Admin, 5));
        assert!(decode_account(&[]).expect("decodes").is_none());
    }
}
