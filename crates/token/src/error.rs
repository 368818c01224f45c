//! The two ways this crate fails: a bad key configuration, and a token that must be refused.

/// The `jwt_signing_keys` value or a JWKS cannot be used. Messages name the key (by kid or
/// position) but never contain key material.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum KeyError {
    #[error("no signing key is configured")]
    Empty,
    #[error("key {position} is not `<kid>:<base64url seed>`")]
    Shape { position: usize },
    #[error("key {position} has an invalid kid (1-64 of A-Z a-z 0-9 . _ -)")]
    Kid { position: usize },
    #[error("key `{kid}` is not base64url of 32 bytes")]
    Seed { kid: String },
    #[error("kid `{kid}` is listed twice")]
    DuplicateKid { kid: String },
    #[error("JWKS key `{kid}` is not an Ed25519 public key")]
    PublicKey { kid: String },
    #[error("signing failed: {0}")]
    Signing(String),
}

/// Why a token was refused. The gateway answers every one with the same 401; the variants
/// exist for logs and tests, and so that [`VerifyError::UnknownKey`] can trigger a JWKS
/// refetch.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum VerifyError {
    #[error("the token is not a well-formed JWT")]
    Malformed,
    #[error("algorithm `{0}` is not accepted (only EdDSA)")]
    Algorithm(String),
    #[error("the token has no kid")]
    MissingKid,
    #[error("no key with kid `{0}`")]
    UnknownKey(String),
    #[error("the signature does not verify")]
    Signature,
    #[error("the claims are not an access token's")]
    Claims,
    #[error("wrong issuer")]
    Issuer,
    #[error("wrong audience")]
    Audience,
    #[error("the token has expired")]
    Expired,
    #[error("the token is not valid yet")]
    NotYetValid,
}
