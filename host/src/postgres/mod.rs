//! PostgreSQL for guests (`spin:postgres/postgres@4.0.0`), over a connection pool per
//! address. The interfaces older SDKs import, `spin:postgres/postgres@3.0.0` and
//! `fermyon:spin/postgres@2.0.0`, are the same implementation behind type conversions
//! (`v3`, `v2`).
//!
//! Spin's guests call `open` on nearly every request; a TCP and authentication handshake
//! each time would cost more than the query. So `open` takes a pooled connection and the
//! guest's `connection` resource keeps that one physical connection until it is dropped.
//! That makes `BEGIN … COMMIT` through one resource a real transaction. A connection goes
//! back to the pool only in a clean state: if the guest left a transaction open (or
//! trapped inside one), it is rolled back first, and discarded if that fails.
//!
//! Connections are shared by every component that uses an address, so each lease starts
//! from a clean session: `DISCARD ALL`, sent with the lease's first statement (`session`),
//! which also names the session after the component (`application_name`).
//!
//! **One budget for the process.** `[postgres] max_connections` bounds the connections
//! this process holds over all databases together, so a shop of four databases cannot
//! open four times its share of the server. The rule: the budget is split evenly among the
//! database addresses, counting those the app's component variables name (known at
//! start-up) and any other a guest opens; when a new address appears, every pool shrinks
//! to the new share. A guest that finds its pool busy waits for a connection, up to the
//! request deadline, instead of failing. Connections idle for `idle_timeout_ms` are closed,
//! down to `min_idle_connections` per address.
//!
//! Statements are prepared once per lease and cached, and parameters are converted
//! to the types the server expects for them (an `int32` for a `bigint` column is widened,
//! not refused), so guests need not match Postgres' integer widths exactly.
//!
//! TLS follows Spin 4 (see `tls` for `sslmode`, `client_tls` for the trusted roots): a pool
//! is per address and, for a component named by a `[[client_tls]]` entry, per component.

mod client_tls;
mod host;
mod params;
mod session;
mod tls;
mod tls_connect;
mod v2;
mod v3;
mod values;
mod wire;

use std::collections::HashMap;
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Duration;

use deadpool_postgres::{Manager, ManagerConfig, Object, Pool, RecyclingMethod, Runtime};
use redshop_spin::host_config_services::PostgresConfig;
use tokio::sync::Mutex;
use wasmtime::component::{HasSelf, Linker};

use crate::runtime::InstanceState;
pub use client_tls::PgTls;
use tls::{SslMode, split_ssl_mode};
use tls_connect::RustlsConnect;

/// Pools by address string (and component, for one with its own TLS settings), created on
/// first use.
pub struct PgPools {
    config: PostgresConfig,
    tls: PgTls,
    by_address: Mutex<HashMap<(String, Option<String>), Pool>>,
    opened: Arc<AtomicU64>,
    /// Database addresses the app's variables name: the budget is split among at least
    /// this many from the start.
    expected_addresses: usize,
    /// How long `open` waits for a busy pool: the request deadline.
    wait: Duration,
}

/// Why `open` failed; each becomes `connection-failed` for the guest.
#[derive(Debug, thiserror::Error)]
pub enum OpenError {
    /// Not a Postgres connection string.
    #[error("invalid address: {0}")]
    Address(String),
    /// No connection: the server is down, refused us, or failed TLS (certificate, no TLS
    /// offered under `sslmode=require`); the text says which.
    #[error("cannot connect: {0}")]
    Unavailable(String),
}

impl PgPools {
    /// No pools yet. `expected_addresses`: how many database addresses the app's
    /// variables name; `wait`: how long `open` may wait for a connection.
    pub fn new(
        config: PostgresConfig,
        tls: PgTls,
        expected_addresses: usize,
        wait: Duration,
    ) -> Arc<Self> {
        Arc::new(Self {
            config,
            tls,
            by_address: Mutex::new(HashMap::new()),
            opened: Arc::new(AtomicU64::new(0)),
            expected_addresses,
            wait,
        })
    }

    /// Each address's share of the budget when `addresses` are in use: an even split,
    /// rounded down, and never below one connection.
    fn share(&self, addresses: usize) -> usize {
        let budget = usize::try_from(self.config.max_connections).unwrap_or(1);
        (budget / addresses.max(self.expected_addresses).max(1)).max(1)
    }

    /// Physical connections opened so far, across all pools (for metrics and tests).
    pub fn connections_opened(&self) -> u64 {
        self.opened.load(Ordering::Relaxed)
    }

    /// The pool for `address` as `component` uses it, parsing it on first use.
    async fn pool(&self, component: &str, address: &str) -> Result<Pool, OpenError> {
        let key = (
            address.to_owned(),
            self.tls.names(component).then(|| component.to_owned()),
        );
        let mut map = self.by_address.lock().await;
        if let Some(pool) = map.get(&key) {
            return Ok(pool.clone());
        }
        // A new address: every pool gets the smaller share, so the sum stays in budget.
        let share = self.share(map.len() + 1);
        for pool in map.values() {
            pool.resize(share);
        }
        let (rest, mode) = split_ssl_mode(address).map_err(OpenError::Address)?;
        let mut pg: tokio_postgres::Config = rest
            .parse()
            .map_err(|e: tokio_postgres::Error| OpenError::Address(e.to_string()))?;
        pg.ssl_mode(mode.driver());
        // Until a lease names it after its component (`session`).
        pg.application_name("redshop");
        let timeout = Duration::from_millis(self.config.connect_timeout_ms);
        pg.connect_timeout(timeout);
        // The server enforces the statement bound too, so a runaway query stops there
        // rather than holding a connection after the guest gave up.
        pg.options(format!(
            "-c statement_timeout={}",
            self.config.statement_timeout_ms
        ));
        let manager_config = ManagerConfig {
            // No query when a connection is leased: the reset goes out with the
            // lease's first statement (`session`).
            recycling_method: RecyclingMethod::Fast,
        };
        let manager = match mode {
            SslMode::Disable => Manager::from_config(pg, tokio_postgres::NoTls, manager_config),
            SslMode::Prefer | SslMode::Require => {
                // Our setup failing (no crypto provider) is the host's fault, but the
                // guest can only handle it as a failed connection.
                let tls = self
                    .tls
                    .for_component(component)
                    .map_err(OpenError::Unavailable)?;
                let connect = RustlsConnect::new(Arc::new(tls));
                Manager::from_config(pg, connect, manager_config)
            }
        };
        let opened = self.opened.clone();
        let pool = Pool::builder(manager)
            .max_size(share)
            // A busy pool is waited for, up to the request deadline (which ends the wait
            // anyway when it passes).
            .wait_timeout(Some(self.wait))
            .create_timeout(Some(timeout))
            .recycle_timeout(Some(timeout))
            .runtime(Runtime::Tokio1)
            .post_create(deadpool_postgres::Hook::sync_fn(move |_, _| {
                opened.fetch_add(1, Ordering::Relaxed);
                Ok(())
            }))
            .build()
            .map_err(|e| OpenError::Unavailable(e.to_string()))?;
        map.insert(key, pool.clone());
        close_idle_connections(
            pool.clone(),
            Duration::from_millis(self.config.idle_timeout_ms),
            usize::try_from(self.config.min_idle_connections).unwrap_or(0),
        );
        Ok(pool)
    }

    /// A connection to `address` for `component`, from its pool.
    pub async fn open(&self, component: &str, address: &str) -> Result<PgConnection, OpenError> {
        let pool = self.pool(component, address).await?;
        let client = pool.get().await.map_err(|e| {
            OpenError::Unavailable(match e {
                // The driver's own message is only the kind ("error performing TLS
                // handshake"); the reason (a certificate that does not verify, a server
                // without TLS) is in its sources.
                deadpool_postgres::PoolError::Backend(e) => with_sources(&e),
                other => with_sources(&other),
            })
        })?;
        Ok(PgConnection {
            client: Some(client),
            in_transaction: false,
            needs_reset: true,
        })
    }

    /// How long one statement may run.
    pub fn statement_timeout(&self) -> Duration {
        Duration::from_millis(self.config.statement_timeout_ms)
    }
}

/// The value behind a guest's `connection` resource: one pooled connection, held until
/// the guest drops the resource or the instance ends.
pub struct PgConnection {
    client: Option<Object>,
    in_transaction: bool,
    /// The session still holds what the previous lease left; reset before the first
    /// statement.
    needs_reset: bool,
}

impl PgConnection {
    fn client(&self) -> Option<&Object> {
        self.client.as_ref()
    }

    /// Track `BEGIN`/`COMMIT` so that an abandoned transaction is rolled back before the
    /// connection is reused. Statements are single (the extended protocol allows no more).
    fn observe(&mut self, statement: &str) {
        let mut words = statement
            .trim_start()
            .split(|c: char| c.is_whitespace() || c == ';');
        let first = words.next().unwrap_or_default().to_ascii_uppercase();
        match first.as_str() {
            "BEGIN" | "START" => self.in_transaction = true,
            "COMMIT" | "END" | "ABORT" => self.in_transaction = false,
            "ROLLBACK" => {
                let next = words
                    .find(|w| !w.is_empty())
                    .unwrap_or_default()
                    .to_ascii_uppercase();
                if next != "TO" {
                    self.in_transaction = false;
                }
            }
            _ => {}
        }
    }
}

impl Drop for PgConnection {
    fn drop(&mut self) {
        let Some(client) = self.client.take() else {
            return;
        };
        if !self.in_transaction {
            return; // back to the pool as it is
        }
        match tokio::runtime::Handle::try_current() {
            Ok(handle) => {
                handle.spawn(async move {
                    if let Err(e) = client.batch_execute("ROLLBACK").await {
                        tracing::warn!(error = %e, "rollback of an abandoned transaction failed; closing the connection");
                        drop(Object::take(client));
                    }
                });
            }
            // No runtime to roll back on: close the connection, which ends the transaction.
            Err(_) => drop(Object::take(client)),
        }
    }
}

/// Closes `pool`'s connections that sat unused for `idle`, keeping `min` open, checking
/// every quarter of `idle`. The task ends with the pool (it holds only a weak handle).
fn close_idle_connections(pool: Pool, idle: Duration, min: usize) {
    let weak = pool.weak();
    drop(pool);
    let every = (idle / 4).max(Duration::from_millis(50));
    tokio::spawn(async move {
        loop {
            tokio::time::sleep(every).await;
            let Some(pool) = weak.upgrade() else {
                return;
            };
            let mut closable = pool.status().size.saturating_sub(min);
            if closable == 0 {
                continue;
            }
            // `retain` sees only the idle connections; the oldest-unused go first because
            // they are the ones past `idle`.
            drop(pool.retain(|_, metrics| {
                if closable > 0 && metrics.last_used() >= idle {
                    closable -= 1;
                    false
                } else {
                    true
                }
            }));
        }
    });
}

/// `error` and the errors it wraps, as one line; a cause already in the text is not
/// repeated.
fn with_sources(error: &dyn std::error::Error) -> String {
    let mut text = error.to_string();
    let mut source = error.source();
    while let Some(cause) = source {
        let more = cause.to_string();
        if !text.contains(&more) {
            text = format!("{text}: {more}");
        }
        source = cause.source();
    }
    text
}

/// `host` and `port` of every server in a Postgres address, for the allow-list.
pub fn address_hosts(address: &str) -> Result<Vec<(String, Option<u16>)>, String> {
    let (plain, _mode) = split_ssl_mode(address)?;
    let config: tokio_postgres::Config = plain
        .parse()
        .map_err(|e: tokio_postgres::Error| e.to_string())?;
    let ports = config.get_ports();
    let mut hosts = Vec::new();
    for (i, host) in config.get_hosts().iter().enumerate() {
        let tokio_postgres::config::Host::Tcp(name) = host else {
            return Err("Unix sockets are not supported on WebAssembly".into());
        };
        let port = ports
            .get(i)
            .or_else(|| (ports.len() == 1).then(|| &ports[0]))
            .copied();
        hosts.push((name.clone(), port));
    }
    Ok(hosts)
}

/// Add `spin:postgres/postgres@4.0.0`, `@3.0.0` and `fermyon:spin/postgres@2.0.0` to the
/// linker.
pub fn add_to_linker(linker: &mut Linker<InstanceState>) -> wasmtime::Result<()> {
    use crate::bindings::postgres_older::{v2, v2_types, v3};
    crate::bindings::postgres::add_to_linker::<_, HasSelf<InstanceState>>(linker, |s| s)?;
    v3::add_to_linker::<_, HasSelf<InstanceState>>(linker, |s| s)?;
    v2_types::add_to_linker::<_, HasSelf<InstanceState>>(linker, |s| s)?;
    v2::add_to_linker::<_, HasSelf<InstanceState>>(linker, |s| s)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn conn() -> PgConnection {
        PgConnection {
            client: None,
            in_transaction: false,
            needs_reset: true,
        }
    }

    #[test]
    fn begin_and_commit_are_tracked() {
        let mut c = conn();
        c.observe("  begin");
        assert!(c.in_transaction);
        c.observe("ROLLBACK TO SAVEPOINT a");
        assert!(
            c.in_transaction,
            "a savepoint rollback keeps the transaction"
        );
        c.observe("commit;");
        assert!(!c.in_transaction);
        c.observe("START TRANSACTION ISOLATION LEVEL SERIALIZABLE");
        assert!(c.in_transaction);
        c.observe("rollback");
        assert!(!c.in_transaction);
    }

    #[test]
    fn addresses_name_their_hosts_and_ports() {
        assert_eq!(
            address_hosts("postgres://u@db.internal:6432/shop").expect("parses"),
            vec![("db.internal".to_owned(), Some(6432))]
        );
        assert_eq!(
            address_hosts("host=localhost dbname=x").expect("parses"),
            vec![("localhost".to_owned(), None)]
        );
        assert!(address_hosts("not a url ===").is_err());
    }
}
