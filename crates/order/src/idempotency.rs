//! Idempotent checkout: what to do when a checkout arrives with a key already seen.
//!
//! The rules (Spree and Medusa behave the same way):
//!
//! - A key belongs to one user; two users may use the same key independently.
//! - The first request with a key **claims** it (a row inserted before anything else
//!   happens, with a fresh order id); a concurrent duplicate cannot claim it again.
//! - The same key with the **same body** gets the stored answer — status and body — marked
//!   `Idempotent-Replayed: true`, and nothing happens again.
//! - The same key with **another body** is `422 idempotency_key_reused`.
//! - A duplicate that arrives while the first is still working waits for it (polling) and
//!   then replays; if it is still not done after [`WAIT_FOR_FIRST_MS`], `409
//!   checkout_in_progress`.
//! - Keys expire after [`KEY_TTL_SECONDS`] (a day); an expired key is claimed afresh.
//! - A claim left `in_progress` for [`ABANDONED_AFTER_SECONDS`] belongs to a checkout that
//!   crashed: the flush releases its reservation and deletes the claim, so the key can be
//!   used again.
//!
//! "Same body" means the same JSON value: whitespace and key order do not matter.

use sha2::{Digest, Sha256};

use crate::error::{OrderError, Result};

/// How long a key is remembered.
pub const KEY_TTL_SECONDS: i64 = 24 * 60 * 60;
/// How long a duplicate waits for the first request. Shorter than the gateway's upstream
/// deadline (`gateway_upstream_timeout_ms`, 5 s by default), so a retry gets its original's
/// answer, or a clear `409 checkout_in_progress`, from this service, never a `504` from the
/// gateway; longer than a checkout takes even in a flash sale (the host queues a burst
/// before the gateway, so the original is running by the time its retry waits) and than
/// the payment provider's 2 s slow mode.
pub const WAIT_FOR_FIRST_MS: u64 = 4_000;
/// Pause between two looks at the claim while waiting.
pub const POLL_INTERVAL_MS: u64 = 50;
/// After this long in progress a claim is abandoned: far beyond any request deadline, so a
/// live checkout is never swept from under itself.
pub const ABANDONED_AFTER_SECONDS: i64 = 10 * 60;

/// The fingerprint of a request body: SHA-256 (hex) of its canonical JSON form (object keys
/// sorted, no whitespace). A body that is not JSON is fingerprinted as raw bytes.
pub fn fingerprint(body: &[u8]) -> String {
    let canonical = match serde_json::from_slice::<serde_json::Value>(body) {
        // serde_json's map is ordered by key, so serialising sorts every object.
        Ok(value) => value.to_string().into_bytes(),
        Err(_) => body.to_vec(),
    };
    let digest = Sha256::digest(&canonical);
    digest.iter().map(|b| format!("{b:02x}")).collect()
}

/// A stored claim, as read back when the key was already taken.
#[derive(Debug, Clone, PartialEq)]
pub struct StoredKey {
    pub fingerprint: String,
    pub state: KeyState,
    /// Seconds since the claim was made.
    pub age_seconds: i64,
}

#[derive(Debug, Clone, PartialEq)]
pub enum KeyState {
    InProgress,
    /// The answer the first request gave.
    Done {
        status: u16,
        body: serde_json::Value,
    },
}

/// What a request that found its key taken does next.
#[derive(Debug, Clone, PartialEq)]
pub enum Decision {
    /// Answer with the stored response, marked as a replay.
    Replay {
        status: u16,
        body: serde_json::Value,
    },
    /// Look again in a moment: the first request is still working.
    Wait,
    /// The key expired: delete it and claim it afresh.
    Reclaim,
}

/// Decides on a key that is already taken, for a request with `fingerprint`.
pub fn decide(stored: &StoredKey, fingerprint: &str) -> Result<Decision> {
    if stored.age_seconds >= KEY_TTL_SECONDS {
        return Ok(Decision::Reclaim);
    }
    if stored.fingerprint != fingerprint {
        return Err(OrderError::IdempotencyKeyReused);
    }
    Ok(match &stored.state {
        KeyState::InProgress => Decision::Wait,
        KeyState::Done { status, body } => Decision::Replay {
            status: *status,
            body: body.clone(),
        },
    })
}

/// Whether an answer is final for its key (stored and replayed) or leaves the key free for a
/// retry: every answer the shopper caused is final — the order, a declined payment, stock
/// that ran out, an empty cart — while a server failure is not, because a retry may succeed.
pub fn is_final(status: u16) -> bool {
    status < 500
}

#[cfg(test)]
mod tests {
    use super::*;

    fn stored(fp: &str, state: KeyState, age: i64) -> StoredKey {
        StoredKey {
            fingerprint: fp.into(),
            state,
            age_seconds: age,
        }
    }

    #[test]
    fn the_fingerprint_ignores_whitespace_and_key_order() {
        let a = fingerprint(br#"{"address_id":"x","note":{"b":1,"a":2}}"#);
        let b = fingerprint(b"{ \"note\": {\"a\":2, \"b\":1},\n \"address_id\": \"x\" }");
        assert_eq!(a, b);
        assert_eq!(a.len(), 64);
        assert_ne!(a, fingerprint(br#"{"address_id":"y"}"#));
    }

    #[test]
    fn the_same_body_after_completion_replays_the_stored_answer() {
        let body = serde_json::json!({ "id": "o1" });
        let done = stored(
            "fp",
            KeyState::Done {
                status: 201,
                body: body.clone(),
            },
            5,
        );
        assert_eq!(
            decide(&done, "fp").unwrap(),
            Decision::Replay { status: 201, body }
        );
    }

    #[test]
    fn another_body_with_the_same_key_is_422() {
        let in_progress = stored("fp", KeyState::InProgress, 1);
        assert_eq!(
            decide(&in_progress, "other").unwrap_err(),
            OrderError::IdempotencyKeyReused
        );
    }

    #[test]
    fn a_duplicate_waits_while_the_first_request_works() {
        assert_eq!(
            decide(&stored("fp", KeyState::InProgress, 1), "fp").unwrap(),
            Decision::Wait
        );
    }

    #[test]
    fn a_key_older_than_a_day_is_claimed_afresh_whatever_the_body() {
        let old = stored(
            "fp",
            KeyState::Done {
                status: 201,
                body: serde_json::Value::Null,
            },
            KEY_TTL_SECONDS,
        );
        assert_eq!(decide(&old, "other").unwrap(), Decision::Reclaim);
        assert_eq!(
            decide(
                &stored("fp", KeyState::InProgress, KEY_TTL_SECONDS - 1),
                "fp"
            )
            .unwrap(),
            Decision::Wait
        );
    }

    #[test]
    fn shopper_caused_answers_are_final_and_server_failures_are_not() {
        assert!(is_final(201));
        assert!(is_final(402));
        assert!(is_final(409));
        assert!(!is_final(500));
        assert!(!is_final(503));
    }

    #[test]
    fn the_abandon_window_is_longer_than_any_wait() {
        assert!(ABANDONED_AFTER_SECONDS * 1000 > WAIT_FOR_FIRST_MS as i64 * 10);
    }
}
