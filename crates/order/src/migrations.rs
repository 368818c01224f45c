//! Versioned schema migrations, embedded so `dbctl` (and the tests through it) apply exactly
//! what ships with the crate. The runner contract is the product service's
//! (`redshop_product::migrations`): each version in order, in its own transaction, recorded
//! in `schema_migrations`. Never edit a released migration; add the next one.

/// Migrations in the order they must be applied. Versions sort lexically in the same order.
pub const MIGRATIONS: &[(&str, &str)] =
    &[("0001_orders", include_str!("../migrations/0001_orders.sql"))];

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn versions_are_unique_and_sorted() {
        let versions: Vec<&str> = MIGRATIONS.iter().map(|(v, _)| *v).collect();
        let mut sorted = versions.clone();
        sorted.sort_unstable();
        sorted.dedup();
        assert_eq!(versions, sorted);
    }

    #[test]
    fn migrations_use_no_dollar_quoting() {
        // The runner splits on `;` outside quotes and comments; `$$` bodies would break it.
        for (version, sql) in MIGRATIONS {
            assert!(!sql.contains("$$"), "{version}");
        }
    }
}
