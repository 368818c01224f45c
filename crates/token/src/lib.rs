//! Red Shopping's access tokens, shared by the user service (which signs them) and the
//! gateway (which verifies them). The format is fixed by docs/contracts.md, "Tokens and
//! sessions"; this crate is that section as code, so the two sides cannot drift apart.
//!
//! - [`AccessClaims`]: what a token says (`iss`, `aud`, `sub`, `role`, `sid`, `sv`, `iat`,
//!   `exp`).
//! - [`SigningKeys`]: the `jwt_signing_keys` secret parsed (`<kid>:<base64url Ed25519
//!   seed>`, comma-separated, the first signs); signs tokens and lists the public keys as a
//!   [`Jwks`].
//! - [`Verifier`]: built from a [`Jwks`] (or from the signing keys); checks a token with the
//!   algorithm pinned to `EdDSA`, the issuer and audience exact, and 30 s of leeway on `exp`
//!   and `iat`. Every failure is a [`VerifyError`]; only [`VerifyError::UnknownKey`] is worth a
//!   JWKS refetch.
//! - [`SessionRecord`]: the JSON of the `{p}session:{sid}` Redis key the gateway reads on every
//!   authenticated request.
//!
//! Plain Rust with pure-Rust crypto (`jsonwebtoken` on `ed25519-dalek`), so it builds for
//! `wasm32-wasip2`. Time is always passed in (`now_secs`), never read here, so tests can set
//! the clock.

mod claims;
mod error;
mod jwks;
mod keys;
mod session;
mod verify;

pub use claims::{ACCESS_TOKEN_TTL_SECS, AUDIENCE, AccessClaims, ISSUER, Role};
pub use error::{KeyError, VerifyError};
pub use jwks::{Jwk, Jwks};
pub use keys::{SigningKey, SigningKeys};
pub use session::{SessionRecord, session_key};
pub use verify::{LEEWAY_SECS, Verifier};

#[cfg(test)]
mod tests;
