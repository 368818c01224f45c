//! Who may call what: the bearer token's place in the request, the session check against
//! the user service's record in Redis, the CSRF rule for cookie calls, and the role check.
//! Signature and claim verification is `redshop-token`'s: the user service signs with the
//! same crate, so the two sides cannot disagree about the format.

use redshop_token::{AccessClaims, SessionRecord, VerifyError};

use crate::error::GatewayError;
use crate::identity::{Identity, Role};
use crate::routes::Auth;

/// The CSRF header every refresh-cookie call carries (a cross-site form cannot set it).
pub const CSRF_HEADER: &str = "x-requested-with";
pub const CSRF_VALUE: &str = "redshop";

/// The token in `Authorization: Bearer <token>`; `None` without the header. Another scheme
/// or an empty token is a refusal, not anonymity: a client that sent credentials meant them.
pub fn bearer(authorization: Option<&str>) -> Result<Option<&str>, GatewayError> {
    let Some(value) = authorization else {
        return Ok(None);
    };
    let (scheme, token) = value.trim().split_once(' ').unwrap_or((value.trim(), ""));
    if !scheme.eq_ignore_ascii_case("bearer") {
        return Err(GatewayError::InvalidToken(
            "the Authorization scheme is not Bearer".into(),
        ));
    }
    let token = token.trim();
    if token.is_empty() {
        return Err(GatewayError::InvalidToken(
            "the bearer token is empty".into(),
        ));
    }
    Ok(Some(token))
}

/// The Redis key of a session (the user service's layout).
pub fn session_key(prefix: &str, session_id: uuid::Uuid) -> String {
    redshop_token::session_key(prefix, session_id)
}

/// Why a token was refused, as the gateway answers it: always the same 401, the reason in
/// the message (never the expected values).
pub fn refused(e: &VerifyError) -> GatewayError {
    GatewayError::InvalidToken(e.to_string())
}

/// The identity of verified `claims` whose session record (the value of
/// [`session_key`], `None` when the key is missing) still admits them. A missing record is
/// a refusal: a revoked session and a Redis that lost its data both sign the user out.
pub fn admit(claims: &AccessClaims, record: Option<&[u8]>) -> Result<Identity, GatewayError> {
    let ended = || GatewayError::InvalidToken("the session has ended".into());
    let record = record.ok_or_else(ended)?;
    let record: SessionRecord = serde_json::from_slice(record)
        .map_err(|e| GatewayError::Internal(format!("session record is not readable: {e}")))?;
    if !record.admits(claims) {
        return Err(ended());
    }
    Ok(Identity {
        user_id: claims.sub.to_string(),
        role: match claims.role {
            redshop_token::Role::Admin => Role::Admin,
            redshop_token::Role::Customer => Role::Customer,
        },
        session_id: claims.sid.to_string(),
    })
}

/// Whether a cookie-authenticated call carries the CSRF header.
pub fn csrf_ok(header: Option<&str>) -> bool {
    header.is_some_and(|v| v.trim() == CSRF_VALUE)
}

/// The route's requirement against the verified identity (none when anonymous).
pub fn authorize(required: Auth, identity: Option<&Identity>) -> Result<(), GatewayError> {
    match (required, identity) {
        (Auth::Anon | Auth::RefreshCookie | Auth::UserOrCookie, _) => Ok(()),
        (Auth::User | Auth::Admin, None) => Err(GatewayError::Unauthenticated),
        (Auth::User, Some(_)) => Ok(()),
        (Auth::Admin, Some(id)) if id.role == Role::Admin => Ok(()),
        (Auth::Admin, Some(_)) => Err(GatewayError::Forbidden),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn who(role: Role) -> Identity {
        Identity {
            user_id: "u1".into(),
            role,
            session_id: "s1".into(),
        }
    }

    #[test]
    fn bearer_tokens_are_read_and_other_schemes_refused() {
        assert_eq!(bearer(None), Ok(None));
        assert_eq!(bearer(Some("Bearer abc.def.ghi")), Ok(Some("abc.def.ghi")));
        assert_eq!(bearer(Some("bearer  abc ")), Ok(Some("abc")));
        for bad in ["Basic dXNlcjpwdw==", "Bearer", "Bearer   ", "abc"] {
            assert!(
                matches!(bearer(Some(bad)), Err(GatewayError::InvalidToken(_))),
                "{bad}"
            );
        }
    }

    fn claims(version: u64) -> AccessClaims {
        AccessClaims::new(
            uuid::Uuid::from_u128(1),
            redshop_token::Role::Admin,
            uuid::Uuid::from_u128(2),
            version,
            1_700_000_000,
        )
    }

    fn record(user: u128, version: u64) -> Vec<u8> {
        serde_json::json!({
            "user_id": uuid::Uuid::from_u128(user), "role": "admin", "version": version,
            "user_agent": "x", "created_ms": 1, "last_used_ms": 2
        })
        .to_string()
        .into_bytes()
    }

    #[test]
    fn the_session_must_exist_with_the_same_user_and_version() {
        let who = admit(&claims(3), Some(&record(1, 3))).unwrap();
        assert_eq!(who.user_id, "00000000-0000-0000-0000-000000000001");
        assert_eq!(who.session_id, "00000000-0000-0000-0000-000000000002");
        assert_eq!(who.role, Role::Admin);
        let ended = Err(GatewayError::InvalidToken("the session has ended".into()));
        assert_eq!(admit(&claims(2), Some(&record(1, 3))), ended);
        assert_eq!(admit(&claims(3), Some(&record(9, 3))), ended);
        assert_eq!(admit(&claims(3), None), ended);
        assert!(matches!(
            admit(&claims(3), Some(b"{")),
            Err(GatewayError::Internal(_))
        ));
    }

    #[test]
    fn roles_are_enforced_per_route() {
        let customer = who(Role::Customer);
        let admin = who(Role::Admin);
        assert_eq!(authorize(Auth::Anon, None), Ok(()));
        assert_eq!(
            authorize(Auth::User, None),
            Err(GatewayError::Unauthenticated)
        );
        assert_eq!(authorize(Auth::User, Some(&customer)), Ok(()));
        assert_eq!(
            authorize(Auth::Admin, Some(&customer)),
            Err(GatewayError::Forbidden)
        );
        assert_eq!(authorize(Auth::Admin, Some(&admin)), Ok(()));
        assert_eq!(
            authorize(Auth::Admin, None),
            Err(GatewayError::Unauthenticated)
        );
    }

    #[test]
    fn the_csrf_header_must_say_redshop() {
        assert!(csrf_ok(Some("redshop")));
        assert!(!csrf_ok(Some("XMLHttpRequest")));
        assert!(!csrf_ok(None));
    }
}
