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
pub struct RedisClients {
    config: RedisConfig,
    by_address: Mutex<HashMap<String, ConnectionManager>>,
}

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
            by_address: Mutex::new(HashMap::new()),
        })
    }

    /// How long a connection attempt may take.
    pub fn connect_timeout(&self) -> Duration {
        Duration::from_millis(self.config.connect_timeout_ms)
    }

    /// The shared connection to `address`, connecting if this is the first use.
    pub async fn get(&self, address: &str) -> Result<ConnectionManager, ConnectError> {
        let mut map = self.by_address.lock().await;
        if let Some(conn) = map.get(address) {
            return Ok(conn.clone());
        }
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
        map.insert(address.to_owned(), conn.clone());
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
