//! Versioned schema migrations, embedded so `dbctl` (and the tests through it) apply exactly
//! what ships with the crate. The runner contract is the product service's
//! (`redshop_product::migrations`): each version in order, in its own transaction, recorded
//! in `schema_migrations`. Never edit a released migration; add the next one.

/// Migrations in the order they must be applied. Versions sort lexically in the same order.
pub const MIGRATIONS: &[(&str, &str)] =
    &[("0001_orders", include_str!("../migrations/0001_orders.sql"))];
