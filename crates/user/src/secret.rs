//! Opaque secrets: refresh tokens and password-reset tokens. Both are 32 random bytes from
//! the caller, shown once in base64url, and stored only as their SHA-256, so a copy of Redis
//! or the database does not contain a usable token. Also ids from random bytes.

use base64::Engine as _;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use sha2::{Digest as _, Sha256};
use uuid::Uuid;

/// Bytes of randomness in a token: 256 bits, beyond guessing.
pub const SECRET_BYTES: usize = 32;

/// Hex SHA-256 of `bytes`: how a token is stored and looked up.
pub fn digest(bytes: &[u8]) -> String {
    Sha256::digest(bytes)
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

/// A version-4 UUID from 16 random bytes.
pub fn uuid_from(bytes: [u8; 16]) -> Uuid {
    uuid::Builder::from_random_bytes(bytes).into_uuid()
}

/// A refresh token: the session it belongs to and a secret, written `<sid>.<base64url>`. The
/// session id in the clear lets the service find the session with one lookup; the secret
/// proves possession.
#[derive(Clone, PartialEq, Eq)]
pub struct RefreshToken {
    pub sid: Uuid,
    secret: [u8; SECRET_BYTES],
}

impl std::fmt::Debug for RefreshToken {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("RefreshToken")
            .field("sid", &self.sid)
            .finish_non_exhaustive()
    }
}

impl RefreshToken {
    pub fn new(sid: Uuid, secret: [u8; SECRET_BYTES]) -> RefreshToken {
        RefreshToken { sid, secret }
    }

    /// Reads a token from a cookie value; anything malformed is `None`.
    pub fn parse(raw: &str) -> Option<RefreshToken> {
        let (sid, secret) = raw.trim().split_once('.')?;
        let sid = Uuid::parse_str(sid).ok()?;
        let secret = URL_SAFE_NO_PAD.decode(secret).ok()?.try_into().ok()?;
        Some(RefreshToken { sid, secret })
    }

    /// The cookie value.
    pub fn encode(&self) -> String {
        format!("{}.{}", self.sid, URL_SAFE_NO_PAD.encode(self.secret))
    }

    /// What is stored for this token.
    pub fn hash(&self) -> String {
        digest(&self.secret)
    }
}

/// A password-reset token: only its hash is stored; the raw value goes to the user by email.
#[derive(Clone, PartialEq, Eq)]
pub struct ResetToken(String);

impl std::fmt::Debug for ResetToken {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("ResetToken(..)")
    }
}

impl ResetToken {
    pub fn new(secret: [u8; SECRET_BYTES]) -> ResetToken {
        ResetToken(URL_SAFE_NO_PAD.encode(secret))
    }

    /// A token as the user sends it back; malformed ones are refused before any lookup.
    pub fn parse(raw: &str) -> Option<ResetToken> {
        let raw = raw.trim();
        let bytes = URL_SAFE_NO_PAD.decode(raw).ok()?;
        (bytes.len() == SECRET_BYTES).then(|| ResetToken(raw.to_owned()))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }

    pub fn hash(&self) -> String {
        digest(self.0.as_bytes())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_refresh_token_round_trips_and_hashes_its_secret_only() {
        let t = RefreshToken::new(Uuid::from_u128(5), [9; 32]);
        let parsed = RefreshToken::parse(&t.encode()).expect("parses");
        assert_eq!(parsed, t);
        assert_eq!(t.hash(), digest(&[9; 32]));
        assert_eq!(t.hash().len(), 64);
        assert!(!format!("{t:?}").contains(&URL_SAFE_NO_PAD.encode([9u8; 32])));
    }

    #[test]
    fn malformed_refresh_tokens_are_none() {
        for raw in [
            "",
            "x",
            "not-a-uuid.AAAA",
            "00000000-0000-0000-0000-000000000005.AAAA",
        ] {
            assert_eq!(RefreshToken::parse(raw), None, "{raw}");
        }
    }

    #[test]
    fn reset_tokens_are_43_characters_and_checked_before_lookup() {
        let t = ResetToken::new([1; 32]);
        assert_eq!(t.as_str().len(), 43);
        assert_eq!(ResetToken::parse(t.as_str()), Some(t.clone()));
        assert_eq!(ResetToken::parse("short"), None);
        assert_ne!(t.hash(), ResetToken::new([2; 32]).hash());
    }

    #[test]
    fn ids_are_version_4() {
        assert_eq!(uuid_from([0xff; 16]).get_version_num(), 4);
    }
}
