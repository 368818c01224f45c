//! The outside world the rules are kept apart from: the clock and the random source.

use redshop_user::error::UserError;

/// Milliseconds since the Unix epoch (`wasi:clocks/wall-clock`).
pub fn now_ms() -> u64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| u64::try_from(d.as_millis()).unwrap_or(u64::MAX))
}

/// `N` bytes from `wasi:random/random`, the host's cryptographically secure source.
pub fn random<const N: usize>() -> Result<[u8; N], UserError> {
    let bytes = wasi::random::random::get_random_bytes(N as u64);
    bytes.try_into().map_err(|b: Vec<u8>| {
        UserError::Storage(format!("random source gave {} bytes, not {N}", b.len()))
    })
}

/// A fresh version-4 id.
pub fn new_id() -> Result<uuid::Uuid, UserError> {
    random::<16>().map(redshop_user::secret::uuid_from)
}
