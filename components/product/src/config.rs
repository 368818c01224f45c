//! Every name and limit the component depends on, in one place.
//!
//! The component reads its settings only through Spin variables (bound in `spin.toml`), and
//! trusts exactly one request header, set by the gateway. Keeping the names here means a
//! rename is one edit, and a reviewer can see the component's whole configuration surface.

use redshop_product::domain::{
    MAX_ATTRIBUTE_KEY_LEN, MAX_ATTRIBUTE_VALUE_CHARS, MAX_ATTRIBUTES, MAX_DATA_URI_LEN,
    MAX_DESCRIPTION_CHARS, MAX_IMAGES,
};

/// Component variable holding the PostgreSQL address (`postgres://user@host:port/db`).
/// `spin.toml` binds it to the application variable `product_db_url`.
pub const DB_URL_VARIABLE: &str = "db_url";

/// Header the gateway sets on requests it makes on behalf of a signed-in admin. The gateway
/// strips it from client requests, and this component is private (reachable only by service
/// chaining), so its presence is trustworthy here and nowhere else.
pub const ROLE_HEADER: &str = "x-redshop-role";
/// The value of [`ROLE_HEADER`] that unlocks the admin API.
pub const ADMIN_ROLE: &str = "admin";

/// Spin's header with the request path relative to the matched route (`/products/…` whether
/// the component is mounted at `/product/...` or reached as `product.spin.internal`).
pub const PATH_INFO_HEADER: &str = "spin-path-info";

/// Largest request body, derived from the domain's own limits so that no product the domain
/// accepts is refused for its size, and nothing much bigger is ever buffered: 8 images of
/// 64 KiB data URIs, a 5 000-character description and 32 attributes of 200-character values
/// with every character in its longest JSON form (`\uXXXX\uXXXX`, 12 bytes), plus 4 KiB for the
/// other fields. About 651 KiB; a 100-line reservation is about 8 KiB.
pub const MAX_BODY_BYTES: usize = MAX_IMAGES * (MAX_DATA_URI_LEN + 4)
    + MAX_DESCRIPTION_CHARS * JSON_CHAR_BYTES
    + MAX_ATTRIBUTES * (MAX_ATTRIBUTE_KEY_LEN + MAX_ATTRIBUTE_VALUE_CHARS * JSON_CHAR_BYTES + 6)
    + 4 * 1024;

/// The longest JSON encoding of one character: a surrogate pair of `\uXXXX` escapes.
const JSON_CHAR_BYTES: usize = 12;

/// How much of an oversized body is read and thrown away before answering 413. A client that
/// is still sending when the server answers and closes gets a connection reset instead of the
/// 413; draining lets it finish. 1 MiB matches the host's `max_request_body_bytes` in
/// `redshop.toml`, so a body the host accepts is always drained; the memory cost is one chunk.
/// Beyond it the component answers at once (the client may then see a reset).
pub const MAX_DRAIN_BYTES: usize = 1024 * 1024;

// Every body the component refuses for its size is still drained.
const _: () = assert!(MAX_BODY_BYTES < MAX_DRAIN_BYTES);

/// Attempts of a reservation transaction that PostgreSQL aborted as a deadlock victim (40P01)
/// or a serialization failure (40001): the first plus two retries. Lock ordering makes these
/// rare; a third failure in a row means real contention, and the caller gets a 409 to retry.
pub const TX_ATTEMPTS: u32 = 3;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_body_cap_is_about_651_kib() {
        assert_eq!(MAX_BODY_BYTES / 1024, 651);
    }
}
