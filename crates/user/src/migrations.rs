//! The user database's schema, versioned and embedded, applied by `dbctl migrate` with the
//! same runner contract as every service (see `redshop_product::migrations`): each version in
//! its own transaction, recorded in `schema_migrations`, never edited once released.

/// Migrations in the order they must be applied.
pub const MIGRATIONS: &[(&str, &str)] =
    &[("0001_users", include_str!("../migrations/0001_users.sql"))];

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_schema_backs_the_rules_with_constraints() {
        let sql = MIGRATIONS[0].1;
        for needle in [
            "users_email_lower_key ON users (lower(email))",
            "addresses_one_default ON addresses (user_id) WHERE is_default",
            "role IN ('customer', 'admin')",
            "ON DELETE CASCADE",
        ] {
            assert!(sql.contains(needle), "{needle}");
        }
    }
}
