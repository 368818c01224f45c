//! Password hashing with Argon2id (RFC 9106) in the PHC string format, so the parameters
//! travel with each hash and can be raised later without invalidating old ones.
//!
//! Parameters: OWASP's first recommendation for Argon2id (Password Storage Cheat Sheet):
//! m = 19 MiB, t = 2, p = 1. One hash costs about what docs/services/user.md records, inside
//! the component under redshop; a login stays well under the 250 ms budget.

use argon2::password_hash::{PasswordHash, PasswordHasher as _, PasswordVerifier as _, SaltString};
use argon2::{Algorithm, Argon2, Params, Version};

use crate::error::UserError;

/// Memory cost in KiB (19 MiB).
pub const MEMORY_KIB: u32 = 19 * 1024;
/// Passes over memory.
pub const ITERATIONS: u32 = 2;
/// Lanes: one, since a component instance runs on one thread.
pub const PARALLELISM: u32 = 1;
/// Bytes of random salt per hash (RFC 9106 recommends 16).
pub const SALT_BYTES: usize = 16;

/// A hash made once with fixed parameters and a fixed salt, verified against when the email
/// is unknown: the request then costs the same one Argon2id computation as a wrong password.
pub const DUMMY_HASH: &str = "$argon2id$v=19$m=19456,t=2,p=1$cmVkc2hvcC1kdW1teS1zYWx0$3LNu3gAa5ux/0n4kJ6gKVT4fEvdF5FZAE4Ue7jm2B7o";

fn hasher() -> Result<Argon2<'static>, UserError> {
    let params = Params::new(MEMORY_KIB, ITERATIONS, PARALLELISM, None)
        .map_err(|e| UserError::Storage(format!("argon2 parameters: {e}")))?;
    Ok(Argon2::new(Algorithm::Argon2id, Version::V0x13, params))
}

/// Hashes `password` with `salt` (fresh random bytes from the caller).
pub fn hash_password(password: &str, salt: &[u8; SALT_BYTES]) -> Result<String, UserError> {
    let salt = SaltString::encode_b64(salt)
        .map_err(|e| UserError::Storage(format!("argon2 salt: {e}")))?;
    hasher()?
        .hash_password(password.as_bytes(), &salt)
        .map(|h| h.to_string())
        .map_err(|e| UserError::Storage(format!("argon2 hash: {e}")))
}

/// Whether `password` matches the PHC string `stored`. A stored string that does not parse
/// is a storage fault, not a wrong password.
pub fn verify_password(password: &str, stored: &str) -> Result<bool, UserError> {
    let parsed = PasswordHash::new(stored)
        .map_err(|e| UserError::Storage(format!("stored hash does not parse: {e}")))?;
    match hasher()?.verify_password(password.as_bytes(), &parsed) {
        Ok(()) => Ok(true),
        Err(argon2::password_hash::Error::Password) => Ok(false),
        Err(e) => Err(UserError::Storage(format!("argon2 verify: {e}"))),
    }
}

/// Spends one verification on the dummy hash; the result is always "no".
pub fn burn_dummy(password: &str) {
    let _ = verify_password(password, DUMMY_HASH);
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_hash_verifies_its_password_and_no_other() {
        let hash = hash_password("violet tram at noon", &[7; SALT_BYTES]).expect("hash");
        assert!(
            hash.starts_with("$argon2id$v=19$m=19456,t=2,p=1$"),
            "{hash}"
        );
        assert_eq!(verify_password("violet tram at noon", &hash), Ok(true));
        assert_eq!(verify_password("violet tram at noon!", &hash), Ok(false));
    }

    #[test]
    fn the_dummy_hash_has_the_live_parameters_and_matches_nothing_typed() {
        assert!(DUMMY_HASH.starts_with("$argon2id$v=19$m=19456,t=2,p=1$"));
        assert_eq!(verify_password("", DUMMY_HASH), Ok(false));
        assert_eq!(
            verify_password("violet tram at noon", DUMMY_HASH),
            Ok(false)
        );
    }

    #[test]
    fn a_corrupt_stored_hash_is_a_storage_error() {
        assert!(matches!(
            verify_password("x", "not-a-hash"),
            Err(UserError::Storage(_))
        ));
    }
}
