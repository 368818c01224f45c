//! The inbox: one row per recorded message, unique by event id.

use super::{Binder, Row, Stmt};
use crate::ids::EventId;

/// What became of a message, as stored in `inbox.outcome`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Recorded {
    Handled,
    Skipped,
    Rejected,
}

impl Recorded {
    pub const ALL: [Recorded; 3] = [Self::Handled, Self::Skipped, Self::Rejected];

    pub fn as_str(&self) -> &'static str {
        match self {
            Self::Handled => "handled",
            Self::Skipped => "skipped",
            Self::Rejected => "rejected",
        }
    }
}

/// A row to record.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Entry<'a> {
    pub event_id: Option<EventId>,
    pub kind: Option<&'a str>,
    pub version: Option<i64>,
    pub outcome: Recorded,
    pub reason: Option<&'a str>,
    pub excerpt: Option<&'a str>,
}

/// Records `entry` unless its event id is already recorded; returns one row (the new
/// `seq`) when this delivery is the first, none for a redelivery. Under concurrency the
/// unique index makes a second delivery wait for the first's transaction: if that commits,
/// this one gets no row; if it rolls back, this one claims the id.
pub fn claim(entry: &Entry<'_>) -> Stmt {
    let mut b = Binder::default();
    let sql = format!(
        "INSERT INTO inbox (event_id, event_type, event_version, outcome, reason, excerpt) \
         VALUES ({}, {}, {}, {}, {}, {}) ON CONFLICT (event_id) DO NOTHING RETURNING seq",
        b.opt_uuid(entry.event_id.as_ref()),
        b.opt_text(entry.kind),
        b.opt_int(entry.version),
        b.text(entry.outcome.as_str()),
        b.opt_text(entry.reason),
        b.opt_text(entry.excerpt),
    );
    b.finish(sql)
}

/// Whether [`claim`] claimed the id.
pub fn claimed(rows: &[Row]) -> bool {
    rows.len() == 1
}

/// Changes the recorded outcome of an event claimed earlier in the same transaction (an
/// event for an erased user turns out to be a skip).
pub fn settle(event_id: &EventId, outcome: Recorded, reason: &str) -> Stmt {
    let mut b = Binder::default();
    let sql = format!(
        "UPDATE inbox SET outcome = {}, reason = {} WHERE event_id = {}",
        b.text(outcome.as_str()),
        b.text(reason),
        b.uuid(event_id),
    );
    b.finish(sql)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::sql::SqlValue;
    use crate::sql::testing::assert_well_formed;

    #[test]
    fn a_claim_conflicts_on_the_event_id_and_binds_every_value() {
        let id = EventId::parse("33333333-3333-4333-8333-333333333333").unwrap();
        let stmt = claim(&Entry {
            event_id: Some(id),
            kind: Some("order.created"),
            version: Some(1),
            outcome: Recorded::Handled,
            reason: None,
            excerpt: None,
        });
        assert_well_formed(&stmt);
        assert!(
            stmt.sql
                .contains("ON CONFLICT (event_id) DO NOTHING RETURNING seq")
        );
        assert_eq!(stmt.params[0], SqlValue::Uuid(id.to_string()));
        assert_eq!(stmt.params[3], SqlValue::Text("handled".into()));
        assert_eq!(stmt.params[4], SqlValue::Null);
    }

    #[test]
    fn a_message_without_an_id_is_recorded_with_a_null_id() {
        let stmt = claim(&Entry {
            event_id: None,
            kind: None,
            version: None,
            outcome: Recorded::Rejected,
            reason: Some("message is not JSON"),
            excerpt: Some("'; DROP TABLE inbox; --"),
        });
        assert_well_formed(&stmt);
        assert_eq!(stmt.params[0], SqlValue::Null);
        assert!(!stmt.sql.contains("DROP"));
    }
}
