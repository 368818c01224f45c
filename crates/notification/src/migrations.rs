//! Versioned schema migrations, embedded so that `dbctl` and the tests apply exactly these.
//!
//! The runner contract is the product service's (`redshop_product::migrations`, which
//! `dbctl` follows): apply each pending version in order in its own transaction, one
//! statement at a time, recording the version in `schema_migrations`. Never edit a released
//! migration; add a new one.

/// Migrations in the order they must be applied. Versions sort lexically in that order.
pub const MIGRATIONS: &[(&str, &str)] = &[(
    "0001_notifications",
    include_str!("../migrations/0001_notifications.sql"),
)];

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn idempotency_rests_on_unique_event_ids_in_every_table_an_event_writes() {
        let sql = MIGRATIONS[0].1;
        for constraint in [
            "inbox_event_id_key UNIQUE (event_id)",
            "notifications_event_id_key UNIQUE (event_id)",
            "mailbox_event_id_key UNIQUE (event_id)",
        ] {
            assert!(sql.contains(constraint), "{constraint}");
        }
    }

    #[test]
    fn the_outcome_check_lists_exactly_the_outcomes_the_consumer_records() {
        let sql = MIGRATIONS[0].1;
        let listed = crate::sql::inbox::Recorded::ALL
            .iter()
            .map(|o| format!("'{}'", o.as_str()))
            .collect::<Vec<_>>()
            .join(", ");
        assert!(sql.contains(&format!("outcome IN ({listed})")), "{listed}");
    }
}
