//! Outbound Redis for guests (`fermyon:spin/redis@2.0.0`), over one auto-reconnecting
//! multiplexed connection per address shared by every instance.
//!
//! Spin opens a new connection on every `open`; a shop opens Redis on most requests (rate
//! limits, sessions, cache), so the handshake would dominate. Redis pipelines commands on
//! one connection, which is what the multiplexed client does. The address is checked
//! against the component's `allowed_outbound_hosts` before anything connects.

mod host;

use std::collections::HashMap;
use std::sync::Arc;
use std::time::Duration;

use redis::aio::{ConnectionManager, ConnectionManagerConfig};
use redshop_spin::host_config_services::RedisConfig;
use tokio::sync::Mutex;
use wasmtime::component::{HasSelf, Linker};

use crate::runtime::InstanceState;

/// The value behind a guest's `connection` resource.
pub struct RedisConnection {
    pub(crate) conn: ConnectionManager,
}

/// Connections by address, created on first use.
///
/// The first connection to an address is made without holding any lock other requests
/// need: requests for other addresses, or for none, never wait on it. Requests for the same
/// address wait for the one attempt in flight rather than each making their own, and for
/// [`FAILED_ATTEMPT_HOLD`] after a failed attempt they fail at once instead of queueing
/// behind more attempts: with Redis unreachable, each request waits at most one connect
/// timeout, never one per request ahead of it.
pub struct RedisClients {
    config: RedisConfig,
    by_address: std::sync::Mutex<HashMap<String, Slot>>,
}

/// How long a failed first connection is the answer for the same address: new attempts
/// wait this long, so a dead Redis costs one attempt a second, not one per request.
const FAILED_ATTEMPT_HOLD: Duration = Duration::from_secs(1);

/// One address: its connection once made, and the attempt that makes it.
#[derive(Default)]
struct Slot {
    conn: Option<ConnectionManager>,
    /// Held while an attempt is in flight; holds the last failure and when it happened.
    attempt: Attempt,
}

/// The lock of an address's first connection attempt, holding its last failure.
type Attempt = Arc<Mutex<Option<(std::time::Instant, String)>>>;

/// Why no connection could be had.
#[derive(Debug, thiserror::Error)]
pub enum ConnectError {
    /// Not a Redis URL.
    #[error("invalid redis address")]
    InvalidAddress,
    /// The server did not answer in time or refused.
    #[error("cannot connect to redis: {0}")]
    Unavailable(String),
}

impl RedisClients {
    /// No connections yet.
    pub fn new(config: RedisConfig) -> Arc<Self> {
        Arc::new(Self {
            config,
            by_address: std::sync::Mutex::new(HashMap::new()),
        })
    }

    /// How long a connection attempt may take.
    pub fn connect_timeout(&self) -> Duration {
        Duration::from_millis(self.config.connect_timeout_ms)
    }

    /// The shared connection to `address`, connecting if this is the first use.
    pub async fn get(&self, address: &str) -> Result<ConnectionManager, ConnectError> {
        let attempt = match self.slot(address) {
            Ok(conn) => return Ok(conn),
            Err(attempt) => attempt,
        };
        let mut last_failure = attempt.lock().await;
        // Another request may have connected while this one waited for the attempt.
        if let Ok(conn) = self.slot(address) {
            return Ok(conn);
        }
        if let Some((at, why)) = last_failure.as_ref()
            && at.elapsed() < FAILED_ATTEMPT_HOLD
        {
            return Err(ConnectError::Unavailable(why.clone()));
        }
        match self.connect(address).await {
            Ok(conn) => {
                *last_failure = None;
                self.by_address
                    .lock()
                    .unwrap_or_else(std::sync::PoisonError::into_inner)
                    .entry(address.to_owned())
                    .or_default()
                    .conn = Some(conn.clone());
                Ok(conn)
            }
            Err(e) => {
                if let ConnectError::Unavailable(why) = &e {
                    *last_failure = Some((std::time::Instant::now(), why.clone()));
                }
                Err(e)
            }
        }
    }

    /// The connection to `address` if there is one, else the lock of its first attempt.
    /// The map's lock is held only for the lookup.
    fn slot(&self, address: &str) -> Result<ConnectionManager, Attempt> {
        // A poisoned lock means a panic while inserting, which leaves the map usable.
        let mut map = self
            .by_address
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        let slot = map.entry(address.to_owned()).or_default();
        match &slot.conn {
            Some(conn) => Ok(conn.clone()),
            None => Err(slot.attempt.clone()),
        }
    }

    /// One connection attempt, bounded by the connect timeout.
    async fn connect(&self, address: &str) -> Result<ConnectionManager, ConnectError> {
        let client = redis::Client::open(address).map_err(|_| ConnectError::InvalidAddress)?;
        let config = ConnectionManagerConfig::new()
            .set_connection_timeout(Duration::from_millis(self.config.connect_timeout_ms))
            .set_response_timeout(Duration::from_millis(self.config.response_timeout_ms))
            .set_number_of_retries(1);
        let connect = client.get_connection_manager_with_config(config);
        let conn = tokio::time::timeout(
            Duration::from_millis(self.config.connect_timeout_ms),
            connect,
        )
        .await
        .map_err(|_| ConnectError::Unavailable("connect timed out".into()))?
        .map_err(|e| ConnectError::Unavailable(e.to_string()))?;
        Ok(conn)
    }
}

/// `scheme`, `host` and `port` of a `redis://` (or `rediss://`) address, for the
/// allow-list; `None` if it is not one.
pub fn address_parts(address: &str) -> Option<(String, String, Option<u16>)> {
    let url = url::Url::parse(address).ok()?;
    let scheme = url.scheme().to_owned();
    if scheme != "redis" && scheme != "rediss" {
        return None;
    }
    Some((scheme, url.host_str()?.to_owned(), url.port()))
}

/// Add `fermyon:spin/redis` to the linker.
pub fn add_to_linker(linker: &mut Linker<InstanceState>) -> wasmtime::Result<()> {
    crate::bindings::redis::add_to_linker::<_, HasSelf<InstanceState>>(linker, |s| s)
}
