//! The native peer's database clients, shaped like the bench components' calls: one
//! one-row `SELECT` for Postgres, one `GET` for Redis.

use std::sync::atomic::{AtomicUsize, Ordering};

use anyhow::Context as _;
use tokio_postgres::{Client, NoTls, Statement};

/// The statement `bench-pg` runs; the table is created by `bench/run.py`.
const QUERY: &str = "SELECT body FROM bench_item WHERE id = $1";

/// A fixed set of connections used round-robin. tokio-postgres pipelines concurrent
/// queries on one connection, so a handful is enough; a pool crate would add checkout
/// cost that the comparison does not need.
pub struct Postgres {
    connections: Vec<(Client, Statement)>,
    next: AtomicUsize,
}

impl Postgres {
    /// Open `count` connections and prepare the statement on each.
    pub async fn connect(url: &str, count: usize) -> anyhow::Result<Self> {
        let mut connections = Vec::with_capacity(count.max(1));
        for _ in 0..count.max(1) {
            let (client, connection) = tokio_postgres::connect(url, NoTls)
                .await
                .with_context(|| format!("connecting to {url}"))?;
            tokio::spawn(async move {
                if let Err(e) = connection.await {
                    eprintln!("postgres connection closed: {e}");
                }
            });
            let statement = client
                .prepare(QUERY)
                .await
                .context("preparing the bench query")?;
            connections.push((client, statement));
        }
        Ok(Self {
            connections,
            next: AtomicUsize::new(0),
        })
    }

    /// Run the query and answer the row's text.
    pub async fn fetch(&self) -> anyhow::Result<String> {
        let i = self.next.fetch_add(1, Ordering::Relaxed) % self.connections.len();
        let (client, statement) = &self.connections[i];
        let row = client.query_one(statement, &[&1i32]).await?;
        Ok(row.try_get(0)?)
    }
}

/// One multiplexed connection, cloned per request (a clone shares the pipeline).
pub struct Redis {
    connection: redis::aio::MultiplexedConnection,
    key: String,
}

impl Redis {
    /// Connect to `url`; `key` is what [`Redis::fetch`] reads.
    pub async fn connect(url: &str, key: &str) -> anyhow::Result<Self> {
        let client = redis::Client::open(url).with_context(|| format!("parsing {url}"))?;
        let connection = client
            .get_multiplexed_async_connection()
            .await
            .with_context(|| format!("connecting to {url}"))?;
        Ok(Self {
            connection,
            key: key.to_owned(),
        })
    }

    /// `GET` the key; a missing key is an error, as it is for the component.
    pub async fn fetch(&self) -> anyhow::Result<Vec<u8>> {
        let mut connection = self.connection.clone();
        let value: Option<Vec<u8>> = redis::cmd("GET")
            .arg(&self.key)
            .query_async(&mut connection)
            .await?;
        value.with_context(|| format!("no value at {}", self.key))
    }
}
