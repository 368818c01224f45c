//! The claims of an access token (docs/contracts.md, "Access token").

use serde::{Deserialize, Serialize};
use uuid::Uuid;

/// `iss` of every access token.
pub const ISSUER: &str = "redshop-user";
/// `aud` of every access token.
pub const AUDIENCE: &str = "redshop-api";
/// Lifetime of an access token: 15 minutes (the contract). Short, because a token stays
/// valid until it expires unless the gateway finds its session gone.
pub const ACCESS_TOKEN_TTL_SECS: u64 = 15 * 60;

/// What a signed-in user may do: `customer` by default, `admin` only by an operator's command.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Role {
    Customer,
    Admin,
}

impl Role {
    /// The wire name, as in the `role` claim and the `x-redshop-role` header.
    pub fn as_str(self) -> &'static str {
        match self {
            Role::Customer => "customer",
            Role::Admin => "admin",
        }
    }

    /// The role named `s` exactly (`customer` or `admin`), or `None`.
    pub fn parse(s: &str) -> Option<Role> {
        match s {
            "customer" => Some(Role::Customer),
            "admin" => Some(Role::Admin),
            _ => None,
        }
    }
}

/// The claims of an access token. Unknown claims are refused, so that a token this crate did
/// not write cannot smuggle in fields a later reader might trust.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct AccessClaims {
    pub iss: String,
    pub aud: String,
    /// The user id.
    pub sub: Uuid,
    pub role: Role,
    /// The session id: the `{p}session:{sid}` key must exist for the token to be honoured.
    pub sid: Uuid,
    /// The session version the token was minted at; it must equal the session's `version`.
    pub sv: u64,
    /// Issued at, seconds since the Unix epoch.
    pub iat: u64,
    /// Expires at, seconds since the Unix epoch.
    pub exp: u64,
}

impl AccessClaims {
    /// Claims for a token issued at `now_secs`, expiring [`ACCESS_TOKEN_TTL_SECS`] later.
    pub fn new(user: Uuid, role: Role, session: Uuid, version: u64, now_secs: u64) -> Self {
        AccessClaims {
            iss: ISSUER.to_owned(),
            aud: AUDIENCE.to_owned(),
            sub: user,
            role,
            sid: session,
            sv: version,
            iat: now_secs,
            exp: now_secs + ACCESS_TOKEN_TTL_SECS,
        }
    }
}
