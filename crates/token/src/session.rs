//! The session record in Redis (docs/contracts.md, "Redis keys"): `{p}session:{sid}` holds
//! this JSON, written by the user service and read by the gateway on every authenticated
//! request. A token is honoured only while the key exists, names the token's user and has the
//! token's `sv` as its `version`.

use serde::{Deserialize, Serialize};
use uuid::Uuid;

use crate::claims::{AccessClaims, Role};

/// The JSON value of `{p}session:{sid}`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SessionRecord {
    pub user_id: Uuid,
    pub role: Role,
    /// Bumped on every refresh; tokens minted before carry an older `sv`.
    pub version: u64,
    pub user_agent: String,
    pub created_ms: u64,
    pub last_used_ms: u64,
}

impl SessionRecord {
    /// Whether `claims` belong to this session at its current version.
    pub fn admits(&self, claims: &AccessClaims) -> bool {
        self.user_id == claims.sub && self.version == claims.sv
    }
}

/// The Redis key of session `sid` under the app's `redis_prefix`.
pub fn session_key(prefix: &str, sid: Uuid) -> String {
    format!("{prefix}session:{sid}")
}
