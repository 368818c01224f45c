//! The user service's events (docs/contracts.md, Events): one JSON envelope each, written to
//! the `outbox` table in the same transaction as the change and published on the
//! `user_events_channel` by the flush that follows. An event counts as delivered only when
//! `PUBLISH` reports at least one receiver; otherwise it stays and the next flush tries again,
//! oldest first, so consumers see events in order and deduplicate on `id`.

use serde_json::{Value, json};
use uuid::Uuid;

pub const PASSWORD_RESET_REQUESTED: &str = "user.password_reset_requested";
pub const USER_DELETED: &str = "user.deleted";
/// Events handed to `PUBLISH` per flush: bounds the work one request does for the backlog.
pub const FLUSH_BATCH: i64 = 50;

/// The envelope every event shares.
pub fn envelope(id: Uuid, kind: &str, occurred_ms: u64, user: Uuid, data: Value) -> Value {
    json!({
        "id": id,
        "type": kind,
        "version": 1,
        "occurred_at": rfc3339(occurred_ms),
        "order_id": null,
        "user_id": user,
        "data": data,
    })
}

/// `user.password_reset_requested`: the raw token, which only the mailbox shows.
pub fn password_reset_requested(
    id: Uuid,
    occurred_ms: u64,
    user: Uuid,
    email: &str,
    name: &str,
    token: &str,
    expires_ms: u64,
) -> Value {
    let data = json!({ "email": email, "name": name, "token": token, "expires_ms": expires_ms });
    envelope(id, PASSWORD_RESET_REQUESTED, occurred_ms, user, data)
}

/// `user.deleted`: nothing but the user id in the envelope.
pub fn user_deleted(id: Uuid, occurred_ms: u64, user: Uuid) -> Value {
    envelope(id, USER_DELETED, occurred_ms, user, json!({}))
}

/// Milliseconds since the Unix epoch as `YYYY-MM-DDTHH:MM:SSZ` (UTC, whole seconds).
pub fn rfc3339(ms: u64) -> String {
    let secs = ms / 1000;
    let (days, rem) = (secs / 86_400, secs % 86_400);
    let (y, m, d) = civil_from_days(days);
    format!(
        "{y:04}-{m:02}-{d:02}T{:02}:{:02}:{:02}Z",
        rem / 3600,
        rem % 3600 / 60,
        rem % 60
    )
}

/// Days since 1970-01-01 to a proleptic Gregorian date (H. Hinnant's `civil_from_days`).
fn civil_from_days(days: u64) -> (u64, u64, u64) {
    let z = days + 719_468;
    let era = z / 146_097;
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = doy - (153 * mp + 2) / 5 + 1;
    let m = if mp < 10 { mp + 3 } else { mp - 9 };
    let y = yoe + era * 400 + u64::from(m <= 2);
    (y, m, d)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn timestamps_are_utc_rfc3339() {
        assert_eq!(rfc3339(0), "1970-01-01T00:00:00Z");
        assert_eq!(rfc3339(1_798_450_200_000), "2026-12-28T09:30:00Z");
        assert_eq!(rfc3339(951_782_400_000), "2000-02-29T00:00:00Z");
    }

    #[test]
    fn a_reset_event_has_the_contract_envelope_and_data() {
        let e = password_reset_requested(
            Uuid::from_u128(1),
            0,
            Uuid::from_u128(2),
            "a@b.co",
            "A",
            "tok",
            5,
        );
        assert_eq!(e["type"], "user.password_reset_requested");
        assert_eq!(e["version"], 1);
        assert_eq!(e["order_id"], Value::Null);
        assert_eq!(e["user_id"], "00000000-0000-0000-0000-000000000002");
        assert_eq!(
            e["data"],
            json!({ "email": "a@b.co", "name": "A", "token": "tok", "expires_ms": 5 })
        );
    }

    #[test]
    fn a_deleted_event_has_empty_data() {
        let e = user_deleted(Uuid::from_u128(1), 0, Uuid::from_u128(2));
        assert_eq!(
            (e["type"].as_str(), &e["data"]),
            (Some("user.deleted"), &json!({}))
        );
    }
}
