//! `redshop.toml` sections for the services guests reach: `[postgres]`, `[redis]` and
//! `[redis_trigger]`. Spin has no equivalent settings (it hard-codes its pools), so they
//! live here rather than in `runtime-config.toml`.

use serde::Deserialize;

/// PostgreSQL connections one redshop process may hold, over every database it uses.
/// PostgreSQL's default `max_connections` is 100, three of them reserved for superusers;
/// 40 leaves room for a second replica (2 × 40 = 80), `psql`, `dbctl` and monitoring.
/// With more replicas, give each `floor((server max_connections − reserve) / replicas)`.
pub const DEFAULT_PG_MAX_CONNECTIONS: u32 = 40;
/// How long a pooled connection may sit unused before it is closed (down to
/// [`DEFAULT_PG_MIN_IDLE_CONNECTIONS`] per database): after a burst, the server gets its
/// connections back within a minute.
pub const DEFAULT_PG_IDLE_TIMEOUT_MS: u64 = 30_000;
/// Connections kept open per database when idle, so the next request does not pay a
/// handshake.
pub const DEFAULT_PG_MIN_IDLE_CONNECTIONS: u32 = 1;
/// Time to establish a Postgres connection before the guest gets `connection-failed`.
/// 5 s: long enough for a loaded server, short enough that a request does not hang.
pub const DEFAULT_PG_CONNECT_TIMEOUT_MS: u64 = 5_000;
/// Longest a single Postgres statement may take before the guest gets `query-failed`.
/// Below the 30 s request deadline so the guest can still answer with a clear error.
pub const DEFAULT_PG_STATEMENT_TIMEOUT_MS: u64 = 10_000;
/// Time to connect to Redis before the guest gets an error: Redis answers in
/// microseconds on a LAN, so 2 s means it is down.
pub const DEFAULT_REDIS_CONNECT_TIMEOUT_MS: u64 = 2_000;
/// Longest a Redis command may take: 2 s, as above.
pub const DEFAULT_REDIS_RESPONSE_TIMEOUT_MS: u64 = 2_000;
/// Attempts per trigger message, the first included: a handler that fails five times
/// with backoff is not going to succeed on a retry, and the message is logged as dead.
pub const DEFAULT_TRIGGER_MAX_ATTEMPTS: u32 = 5;
/// First retry delay; doubles each attempt.
pub const DEFAULT_TRIGGER_INITIAL_BACKOFF_MS: u64 = 100;
/// Upper bound of the retry delay.
pub const DEFAULT_TRIGGER_MAX_BACKOFF_MS: u64 = 5_000;
/// Delay between attempts to re-subscribe after Redis went away.
pub const DEFAULT_TRIGGER_RECONNECT_MS: u64 = 500;

/// `[postgres]`: the pools behind `spin:postgres/postgres`.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct PostgresConfig {
    /// Connections this process may hold over all databases together, split evenly
    /// among the database addresses in use. Default [`DEFAULT_PG_MAX_CONNECTIONS`].
    pub max_connections: u32,
    /// Idle time after which a pooled connection is closed. Default
    /// [`DEFAULT_PG_IDLE_TIMEOUT_MS`].
    pub idle_timeout_ms: u64,
    /// Connections per database kept open when idle. Default
    /// [`DEFAULT_PG_MIN_IDLE_CONNECTIONS`].
    pub min_idle_connections: u32,
    /// Connect timeout. Default [`DEFAULT_PG_CONNECT_TIMEOUT_MS`].
    pub connect_timeout_ms: u64,
    /// Statement timeout. Default [`DEFAULT_PG_STATEMENT_TIMEOUT_MS`].
    pub statement_timeout_ms: u64,
}

impl Default for PostgresConfig {
    fn default() -> Self {
        Self {
            max_connections: DEFAULT_PG_MAX_CONNECTIONS,
            idle_timeout_ms: DEFAULT_PG_IDLE_TIMEOUT_MS,
            min_idle_connections: DEFAULT_PG_MIN_IDLE_CONNECTIONS,
            connect_timeout_ms: DEFAULT_PG_CONNECT_TIMEOUT_MS,
            statement_timeout_ms: DEFAULT_PG_STATEMENT_TIMEOUT_MS,
        }
    }
}

/// `[redis]`: the connections behind `fermyon:spin/redis` and Redis key-value stores.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct RedisConfig {
    /// Connect timeout. Default [`DEFAULT_REDIS_CONNECT_TIMEOUT_MS`].
    pub connect_timeout_ms: u64,
    /// Command timeout. Default [`DEFAULT_REDIS_RESPONSE_TIMEOUT_MS`].
    pub response_timeout_ms: u64,
}

impl Default for RedisConfig {
    fn default() -> Self {
        Self {
            connect_timeout_ms: DEFAULT_REDIS_CONNECT_TIMEOUT_MS,
            response_timeout_ms: DEFAULT_REDIS_RESPONSE_TIMEOUT_MS,
        }
    }
}

/// `[redis_trigger]`: retries and reconnection of the Redis message trigger.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct RedisTriggerConfig {
    /// Attempts per message, the first included. Default [`DEFAULT_TRIGGER_MAX_ATTEMPTS`].
    pub max_attempts: u32,
    /// First retry delay. Default [`DEFAULT_TRIGGER_INITIAL_BACKOFF_MS`].
    pub initial_backoff_ms: u64,
    /// Largest retry delay. Default [`DEFAULT_TRIGGER_MAX_BACKOFF_MS`].
    pub max_backoff_ms: u64,
    /// Delay between re-subscription attempts. Default [`DEFAULT_TRIGGER_RECONNECT_MS`].
    pub reconnect_ms: u64,
}

impl Default for RedisTriggerConfig {
    fn default() -> Self {
        Self {
            max_attempts: DEFAULT_TRIGGER_MAX_ATTEMPTS,
            initial_backoff_ms: DEFAULT_TRIGGER_INITIAL_BACKOFF_MS,
            max_backoff_ms: DEFAULT_TRIGGER_MAX_BACKOFF_MS,
            reconnect_ms: DEFAULT_TRIGGER_RECONNECT_MS,
        }
    }
}
