//! Sessions in Redis. The `{p}session:{sid}` key is the contract with the gateway
//! (docs/contracts.md, "Redis keys"); the others are the user service's own:
//!
//! | Key | Holds | TTL |
//! | --- | --- | --- |
//! | `{p}session:{sid}` | [`SessionRecord`] JSON | [`REFRESH_TTL_SECS`], renewed on refresh |
//! | `{p}session-refresh:{sid}` | hex SHA-256 of the current refresh secret | as the session |
//! | `{p}refresh-used:{hash}` | the sid whose refresh token had this hash | [`REFRESH_TTL_SECS`] |
//! | `{p}user-sessions:{user_id}` | set of the user's sids | as the newest session |
//!
//! **Rotation and reuse.** A refresh token works once. Using it claims
//! `refresh-used:{hash}` with `SET NX`; only the first claim rotates: a new secret, the
//! version bumped, a new cookie. A token whose hash is already claimed was used before:
//! someone holds a copy, so the whole session is revoked ([`judge_refresh`]). Writes to an
//! existing session use `SET … XX`, so a refresh racing a revoke can never bring the session
//! back.

use redshop_token::{Role, SessionRecord};
use serde::Serialize;
use uuid::Uuid;

/// How long a refresh token (and so a session without activity) lives: 14 days.
pub const REFRESH_TTL_SECS: u64 = 14 * 24 * 3600;
/// Longest user agent kept, in characters: enough to tell devices apart.
pub const MAX_USER_AGENT_CHARS: usize = 200;

pub use redshop_token::session_key;

pub fn refresh_key(prefix: &str, sid: Uuid) -> String {
    format!("{prefix}session-refresh:{sid}")
}

pub fn used_key(prefix: &str, hash: &str) -> String {
    format!("{prefix}refresh-used:{hash}")
}

pub fn user_sessions_key(prefix: &str, user: Uuid) -> String {
    format!("{prefix}user-sessions:{user}")
}

/// A new session's record, at version 1.
pub fn new_record(user: Uuid, role: Role, user_agent: &str, now_ms: u64) -> SessionRecord {
    SessionRecord {
        user_id: user,
        role,
        version: 1,
        user_agent: user_agent
            .chars()
            .filter(|c| !c.is_control())
            .take(MAX_USER_AGENT_CHARS)
            .collect(),
        created_ms: now_ms,
        last_used_ms: now_ms,
    }
}

/// The record after a refresh: the version bumped (older access tokens stop working at the
/// gateway) and the last use moved.
pub fn refreshed(record: &SessionRecord, now_ms: u64) -> SessionRecord {
    SessionRecord {
        version: record.version + 1,
        last_used_ms: now_ms,
        ..record.clone()
    }
}

/// What a refresh attempt amounts to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RefreshVerdict {
    /// The current token, used for the first time: rotate.
    Rotate,
    /// A token of this session that was already used: revoke the session.
    Reused,
    /// No such session, or a token that never belonged to it.
    Invalid,
}

/// Decides a refresh from what Redis said: the session's current hash (if the session
/// exists), whether the presented hash equals it, whether this request won the `SET NX`
/// claim on the presented hash, and whether a claim on it already existed.
pub fn judge_refresh(
    current: Option<&str>,
    presented: &str,
    won_claim: bool,
    claimed_before: bool,
) -> RefreshVerdict {
    match current {
        None => RefreshVerdict::Invalid,
        Some(c) if c == presented && won_claim => RefreshVerdict::Rotate,
        Some(c) if c == presented => RefreshVerdict::Reused,
        Some(_) if claimed_before => RefreshVerdict::Reused,
        Some(_) => RefreshVerdict::Invalid,
    }
}

/// A session as its owner sees it in `GET /me/sessions`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct SessionView {
    pub id: Uuid,
    pub user_agent: String,
    pub created_ms: u64,
    pub last_used_ms: u64,
    pub current: bool,
}

impl SessionView {
    pub fn of(id: Uuid, record: &SessionRecord, current: Option<Uuid>) -> SessionView {
        SessionView {
            id,
            user_agent: record.user_agent.clone(),
            created_ms: record.created_ms,
            last_used_ms: record.last_used_ms,
            current: current == Some(id),
        }
    }
}

/// Orders sessions newest use first.
pub fn sort_views(views: &mut [SessionView]) {
    views.sort_by(|a, b| b.last_used_ms.cmp(&a.last_used_ms).then(a.id.cmp(&b.id)));
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keys_follow_the_documented_layout() {
        let sid = Uuid::from_u128(1);
        assert_eq!(session_key("t:", sid), format!("t:session:{sid}"));
        assert_eq!(refresh_key("t:", sid), format!("t:session-refresh:{sid}"));
        assert_eq!(used_key("t:", "ab"), "t:refresh-used:ab");
        assert_eq!(
            user_sessions_key("t:", sid),
            format!("t:user-sessions:{sid}")
        );
    }

    #[test]
    fn a_refresh_bumps_the_version_and_the_last_use_only() {
        let r = new_record(Uuid::from_u128(1), Role::Customer, "curl/8\n", 10);
        assert_eq!((r.version, r.user_agent.as_str()), (1, "curl/8"));
        let next = refreshed(&r, 20);
        assert_eq!(
            (next.version, next.created_ms, next.last_used_ms),
            (2, 10, 20)
        );
    }

    #[test]
    fn only_the_first_use_of_the_current_token_rotates() {
        use RefreshVerdict::*;
        assert_eq!(judge_refresh(Some("h"), "h", true, false), Rotate);
        assert_eq!(
            judge_refresh(Some("h"), "h", false, true),
            Reused,
            "a concurrent second use"
        );
        assert_eq!(
            judge_refresh(Some("h2"), "h1", false, true),
            Reused,
            "an old token again"
        );
        assert_eq!(
            judge_refresh(Some("h2"), "hx", true, false),
            Invalid,
            "never issued"
        );
        assert_eq!(
            judge_refresh(None, "h", true, false),
            Invalid,
            "session gone"
        );
    }

    #[test]
    fn the_user_agent_is_bounded() {
        let r = new_record(Uuid::nil(), Role::Admin, &"x".repeat(500), 0);
        assert_eq!(r.user_agent.len(), MAX_USER_AGENT_CHARS);
    }
}
