//! Connections to the servers guests use, shared by every instance of every component:
//! Postgres pools, Redis connections and key-value backends. Created once at start-up
//! (connections themselves on first use) and reached from each store through one `Arc`.

use std::sync::Arc;

use crate::key_value::KvBackends;
use crate::outbound_redis::RedisClients;
use crate::postgres::PgPools;
use crate::sqlite::SqliteDatabases;

/// Everything a capability needs beyond the instance's own state.
pub struct Services {
    /// Postgres pools by address.
    pub pg: Arc<PgPools>,
    /// Redis connections by address.
    pub redis: Arc<RedisClients>,
    /// Key-value stores by label.
    pub kv: KvBackends,
    /// SQLite databases by label.
    pub sqlite: SqliteDatabases,
}
