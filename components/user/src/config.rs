//! Every name and limit the component depends on, in one place.
//!
//! Settings come only from Spin variables bound in `spin.toml` (`[component.user.variables]`);
//! identity comes only from the headers the gateway sets (docs/contracts.md, "Identity
//! headers"), which this private component can trust because nothing else can reach it.

/// PostgreSQL address of the user database (`user_db_url`).
pub const DB_URL_VARIABLE: &str = "db_url";
/// Redis address for sessions, throttling and events (`redis_url`).
pub const REDIS_URL_VARIABLE: &str = "redis_url";
/// Prefix of every Redis key (`redis_prefix`).
pub const REDIS_PREFIX_VARIABLE: &str = "redis_prefix";
/// Channel the user events are published on (`user_events_channel`).
pub const EVENTS_CHANNEL_VARIABLE: &str = "events_channel";
/// The signing keys, `<kid>:<base64url seed>,…` (`jwt_signing_keys`, a secret).
pub const SIGNING_KEYS_VARIABLE: &str = "signing_keys";
/// Optional: the sign-in throttling window in seconds (default
/// [`redshop_user::throttle::WINDOW_SECS`]); tests shorten it to watch a trip end.
pub const THROTTLE_WINDOW_VARIABLE: &str = "login_throttle_window_secs";

/// The signed-in user's id, set by the gateway after verifying the access token.
pub const USER_HEADER: &str = "x-redshop-user";
/// The session id from the token's `sid`.
pub const SESSION_HEADER: &str = "x-redshop-session";
/// The shopper's IP address (a chained call itself only shows `0.0.0.0:0`).
pub const CLIENT_ADDR_HEADER: &str = "x-redshop-client-addr";
/// Spin's path relative to the component's route.
pub const PATH_INFO_HEADER: &str = "spin-path-info";

/// Largest request body: the largest valid one is an address (ten fields of at most 120
/// characters, each at most 12 bytes as JSON escapes: about 15 KiB); 16 KiB leaves room for
/// names and whitespace while refusing anything that is not a form.
pub const MAX_BODY_BYTES: usize = 16 * 1024;
/// How much of an oversized body is read and dropped before answering 413, so the client
/// sees the answer rather than a reset (the same 1 MiB as the product service).
pub const MAX_DRAIN_BYTES: usize = 1024 * 1024;

const _: () = assert!(MAX_BODY_BYTES < MAX_DRAIN_BYTES);
