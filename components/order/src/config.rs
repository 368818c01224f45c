//! Every name and limit the component depends on, in one place.
//!
//! The component reads its settings only through Spin variables (bound in `spin.toml`), and
//! trusts the gateway's identity headers (docs/contracts.md) because it is private: only the
//! gateway reaches it.

/// PostgreSQL address of the order database (`order_db_url` in `spin.toml`).
pub const DB_URL_VARIABLE: &str = "db_url";
/// Redis address for publishing events and bumping the catalog version.
pub const REDIS_URL_VARIABLE: &str = "redis_url";
/// Prefix of every Redis key the app writes (`{p}` in docs/contracts.md).
pub const REDIS_PREFIX_VARIABLE: &str = "redis_prefix";
/// The order-event channel (`order_events_channel`).
pub const EVENTS_CHANNEL_VARIABLE: &str = "events_channel";
/// The mock payment provider's behaviour: `approve` (default), `decline` or `slow`.
pub const PAYMENT_MODE_VARIABLE: &str = "payment_mode";

/// The product service, by service chaining.
pub const PRODUCT_BASE: &str = "http://product.spin.internal";
/// The user service, by service chaining: the default of [`USER_URL_VARIABLE`].
pub const USER_BASE: &str = "http://user.spin.internal";
/// Optional variable overriding where the user service's internal lookup is reached. The
/// shipped `spin.toml` leaves it unbound (chaining to `user`); end-to-end tests that need many
/// customers point it at a stand-in directory instead of registering each one.
pub const USER_URL_VARIABLE: &str = "user_service_url";

/// The catalog version key (`{p}catalog:version`), bumped after reserve, release and commit
/// so that the gateway's cached catalog pages (which show stock) are refreshed.
pub const CATALOG_VERSION_KEY: &str = "catalog:version";

/// Identity headers set by the gateway (docs/contracts.md, Identity headers).
pub const USER_HEADER: &str = "x-redshop-user";
pub const ROLE_HEADER: &str = "x-redshop-role";
pub const CART_HEADER: &str = "x-redshop-cart";
pub const REQUEST_ID_HEADER: &str = "x-request-id";
pub const ADMIN_ROLE: &str = "admin";
/// The shopper's key for one checkout click.
pub const IDEMPOTENCY_HEADER: &str = "idempotency-key";
/// Marks a response that was stored for an earlier request with the same key.
pub const REPLAYED_HEADER: &str = "idempotent-replayed";

/// Spin's header with the request path relative to the matched route.
pub const PATH_INFO_HEADER: &str = "spin-path-info";

/// Largest request body: a new address at its longest (7 fields of 200 characters, each
/// character at its longest JSON escape of 12 bytes) is about 17 KiB; 32 KiB leaves room and
/// still refuses anything that is not a checkout or a cart line.
pub const MAX_BODY_BYTES: usize = 32 * 1024;
/// How much of an oversized body is drained before answering 413, so the client sees the
/// answer rather than a reset (the product service's reasoning and figure).
pub const MAX_DRAIN_BYTES: usize = 1024 * 1024;

const _: () = assert!(MAX_BODY_BYTES < MAX_DRAIN_BYTES);

/// Abandoned checkouts the flush releases per run: bounds the work (and the chained calls)
/// of one flush request; the next flush takes the rest.
pub const SWEEP_BATCH: i64 = 50;

/// Flush rounds per request: each publishes up to `FLUSH_BATCH` events, so one flush
/// publishes up to 1 000; a larger backlog waits for the next flush.
pub const FLUSH_ROUNDS: usize = 10;

/// Reads a variable; a missing one is the operator's mistake (internal).
pub fn variable(name: &str) -> Result<String, String> {
    spin_sdk::variables::get(name).map_err(|e| format!("variable `{name}`: {e:?}"))
}

/// Reads a variable that may be left unbound, with its default.
pub fn variable_or(name: &str, default: &str) -> String {
    spin_sdk::variables::get(name).unwrap_or_else(|_| default.to_owned())
}
