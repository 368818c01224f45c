//! `redshop.toml`: settings of the redshop host itself.
//!
//! These live in their own file because Spin rejects any key it does not know
//! in `runtime-config.toml` (see [`crate::runtime_config`]); keeping them apart
//! means the same runtime config still works with `spin up`. Every field is
//! optional and every default is a named constant explaining where its value
//! comes from.
//!
//! `[postgres]`, `[redis]` and `[redis_trigger]` are in [`crate::host_config_services`].

use std::path::{Path, PathBuf};

use serde::Deserialize;

/// Per-request deadline. Spin sets none by default (trigger-http
/// `DEFAULT_REQUEST_TIMEOUT = None`); redshop bounds requests so a stuck guest
/// cannot hold a pool slot forever. 30 s is above any legitimate storefront
/// request and matches common reverse-proxy upstream timeouts.
pub const DEFAULT_REQUEST_TIMEOUT_MS: u64 = 30_000;
/// Outside requests run at once (each may hold a whole chain of instances: the host lowers
/// it to what `[pooling]` can serve, app/capacity.rs). On 2 cores more concurrency adds
/// latency, not throughput: 64 keeps both cores and the database busy while each admitted
/// request finishes well inside the gateway's 5 s upstream deadline, and the queue below
/// holds the rest of a burst.
pub const DEFAULT_MAX_CONCURRENT_REQUESTS: u32 = 64;
/// Requests that may wait for a slot; one more is answered 503 at once. A flash sale of a
/// thousand shoppers whose browsers each retry once is 2,000 requests within a second
/// (tests/tests/flash_sale.rs): 4096 holds that twice over. A waiting request costs its
/// connection and its head, a few KiB.
pub const DEFAULT_MAX_QUEUED_REQUESTS: u32 = 4096;
/// How long a request waits in that queue before it is answered 503 with `Retry-After`:
/// this 2-core machine answers 200–300 flash-sale checkouts a second (most of them a
/// quick `409`), so the 2,000 above take 7–10 s; 20 s leaves room for a machine busy with
/// other work and is still inside the 30 s request deadline.
pub const DEFAULT_QUEUE_TIMEOUT_MS: u64 = 20_000;
/// Largest accepted request body: 10 MiB, comfortably above product-image
/// uploads, small enough that 256 concurrent bodies fit in memory.
pub const DEFAULT_MAX_REQUEST_BODY_BYTES: u64 = 10 * 1024 * 1024;
/// Graceful-shutdown bound: 10 s, the default Kubernetes grace period (30 s)
/// minus margin for the process to exit after draining.
pub const DEFAULT_DRAIN_TIMEOUT_MS: u64 = 10_000;
/// Pool size: wasmtime's `PoolingAllocationConfig` default (1000 on 64-bit)
/// and Spin's `SPIN_MAX_INSTANCE_COUNT` default (crates/core).
pub const DEFAULT_TOTAL_COMPONENT_INSTANCES: u32 = 1000;
/// One linear memory per instance: same 1000 as wasmtime and Spin.
pub const DEFAULT_TOTAL_MEMORIES: u32 = 1000;
/// wasmtime's default (Spin uses 2000 for multi-table components; redshop's
/// Rust components use one table each).
pub const DEFAULT_TOTAL_TABLES: u32 = 1000;
/// Spin allows 200 core instances per component to accommodate composed
/// components; redshop's single-module components need a handful, so 50
/// limits pathological components while leaving headroom.
pub const DEFAULT_MAX_CORE_INSTANCES_PER_COMPONENT: u32 = 50;
/// Memory kept paged-in when a slot is reused: 4 MiB (Spin: 2 MiB), sized to
/// a typical component's working set so reuse avoids page faults.
pub const DEFAULT_MEMORY_KEEP_RESIDENT_BYTES: u64 = 4 * 1024 * 1024;
/// Table bytes kept resident on reuse: 64 KiB (Spin: 512 KiB), enough for the
/// small tables of Rust components.
pub const DEFAULT_TABLE_KEEP_RESIDENT_BYTES: u64 = 64 * 1024;
/// Slots decommitted per batch: wasmtime defaults to 1 (decommit at once);
/// batching 64 amortises `madvise` calls under load.
pub const DEFAULT_DECOMMIT_BATCH_SIZE: u32 = 64;
/// Without `PAGEMAP_SCAN`, keeping memory resident means `memset`-ing all of it on every
/// reuse: a quarter of a trivial request's CPU in a profile on this machine. With it, only
/// the pages the guest touched are reset. On by default where the kernel has it.
pub const DEFAULT_PAGEMAP_SCAN: bool = true;
/// Compiled-component cache, relative to the manifest directory (next to
/// Spin's own `.spin` state directory).
pub const DEFAULT_CACHE_DIR: &str = ".redshop/cache";

/// Errors reading `redshop.toml`.
#[derive(Debug, thiserror::Error)]
pub enum HostConfigError {
    /// The file could not be read.
    #[error("failed to read host config {path}: {source}")]
    Io {
        /// The file.
        path: PathBuf,
        /// The I/O error.
        source: std::io::Error,
    },
    /// Not valid TOML, an unknown key, or a value of the wrong type.
    #[error("invalid host config: {0}")]
    Parse(String),
}

/// The whole `redshop.toml`.
#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct HostConfig {
    /// `[limits]`: request-level limits.
    #[serde(default)]
    pub limits: Limits,
    /// `[pooling]`: wasmtime pooling-allocator sizing.
    #[serde(default)]
    pub pooling: Pooling,
    /// `[cache]`: compiled-component cache.
    #[serde(default)]
    pub cache: Cache,
    /// `[postgres]`: connection pools.
    #[serde(default)]
    pub postgres: crate::host_config_services::PostgresConfig,
    /// `[redis]`: connections.
    #[serde(default)]
    pub redis: crate::host_config_services::RedisConfig,
    /// `[redis_trigger]`: retries and reconnection.
    #[serde(default)]
    pub redis_trigger: crate::host_config_services::RedisTriggerConfig,
}

/// `[limits]`.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct Limits {
    /// Per-request deadline (epoch interruption), then 504. Default [`DEFAULT_REQUEST_TIMEOUT_MS`].
    pub request_timeout_ms: u64,
    /// Outside requests run at once, lowered to what the pool can serve. Default
    /// [`DEFAULT_MAX_CONCURRENT_REQUESTS`].
    pub max_concurrent_requests: u32,
    /// Requests waiting for a slot at most. Default [`DEFAULT_MAX_QUEUED_REQUESTS`].
    pub max_queued_requests: u32,
    /// How long a request past the cap waits for a slot, then 503 (never past its
    /// deadline). Default [`DEFAULT_QUEUE_TIMEOUT_MS`].
    pub queue_timeout_ms: u64,
    /// Largest request body accepted. Default [`DEFAULT_MAX_REQUEST_BODY_BYTES`].
    pub max_request_body_bytes: u64,
    /// Graceful shutdown bound. Default [`DEFAULT_DRAIN_TIMEOUT_MS`].
    pub drain_timeout_ms: u64,
}

impl Default for Limits {
    fn default() -> Self {
        Self {
            request_timeout_ms: DEFAULT_REQUEST_TIMEOUT_MS,
            max_concurrent_requests: DEFAULT_MAX_CONCURRENT_REQUESTS,
            max_queued_requests: DEFAULT_MAX_QUEUED_REQUESTS,
            queue_timeout_ms: DEFAULT_QUEUE_TIMEOUT_MS,
            max_request_body_bytes: DEFAULT_MAX_REQUEST_BODY_BYTES,
            drain_timeout_ms: DEFAULT_DRAIN_TIMEOUT_MS,
        }
    }
}

/// `[pooling]`.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct Pooling {
    /// Component instances alive at once. Default [`DEFAULT_TOTAL_COMPONENT_INSTANCES`].
    pub total_component_instances: u32,
    /// Linear memories alive at once. Default [`DEFAULT_TOTAL_MEMORIES`].
    pub total_memories: u32,
    /// Tables alive at once. Default [`DEFAULT_TOTAL_TABLES`].
    pub total_tables: u32,
    /// Core instances a single component may create. Default [`DEFAULT_MAX_CORE_INSTANCES_PER_COMPONENT`].
    pub max_core_instances_per_component: u32,
    /// Linear-memory bytes kept resident on slot reuse. Default [`DEFAULT_MEMORY_KEEP_RESIDENT_BYTES`].
    pub memory_keep_resident_bytes: u64,
    /// Table bytes kept resident on slot reuse. Default [`DEFAULT_TABLE_KEEP_RESIDENT_BYTES`].
    pub table_keep_resident_bytes: u64,
    /// Slots decommitted per batch. Default [`DEFAULT_DECOMMIT_BATCH_SIZE`].
    pub decommit_batch_size: u32,
    /// Reset only the pages a guest dirtied (Linux `PAGEMAP_SCAN`, kernel 6.7+; ignored
    /// where unsupported). Default [`DEFAULT_PAGEMAP_SCAN`].
    pub pagemap_scan: bool,
}

impl Default for Pooling {
    fn default() -> Self {
        Self {
            total_component_instances: DEFAULT_TOTAL_COMPONENT_INSTANCES,
            total_memories: DEFAULT_TOTAL_MEMORIES,
            total_tables: DEFAULT_TOTAL_TABLES,
            max_core_instances_per_component: DEFAULT_MAX_CORE_INSTANCES_PER_COMPONENT,
            memory_keep_resident_bytes: DEFAULT_MEMORY_KEEP_RESIDENT_BYTES,
            table_keep_resident_bytes: DEFAULT_TABLE_KEEP_RESIDENT_BYTES,
            decommit_batch_size: DEFAULT_DECOMMIT_BATCH_SIZE,
            pagemap_scan: DEFAULT_PAGEMAP_SCAN,
        }
    }
}

/// `[cache]`.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct Cache {
    /// Cache directory; relative paths are relative to the manifest directory.
    /// Default [`DEFAULT_CACHE_DIR`].
    pub dir: PathBuf,
}

impl Default for Cache {
    fn default() -> Self {
        Self {
            dir: PathBuf::from(DEFAULT_CACHE_DIR),
        }
    }
}

impl Cache {
    /// The cache directory resolved against the manifest directory.
    pub fn resolve(&self, manifest_dir: &Path) -> PathBuf {
        manifest_dir.join(&self.dir)
    }
}

impl HostConfig {
    /// Parses `redshop.toml` contents.
    pub fn parse(text: &str) -> Result<Self, HostConfigError> {
        toml::from_str(text).map_err(|e| HostConfigError::Parse(e.to_string()))
    }

    /// Reads and parses a `redshop.toml` file.
    pub fn from_file(path: &Path) -> Result<Self, HostConfigError> {
        let text = std::fs::read_to_string(path).map_err(|source| HostConfigError::Io {
            path: path.to_owned(),
            source,
        })?;
        Self::parse(&text)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn empty_file_gives_documented_defaults() {
        let c = HostConfig::parse("").unwrap();
        assert_eq!(c, HostConfig::default());
        assert_eq!(c.limits.request_timeout_ms, 30_000);
        assert_eq!(c.limits.max_concurrent_requests, 64);
        assert_eq!(c.limits.max_queued_requests, 4096);
        assert_eq!(c.limits.queue_timeout_ms, 20_000);
        assert_eq!(c.limits.max_request_body_bytes, 10_485_760);
        assert_eq!(c.limits.drain_timeout_ms, 10_000);
        assert_eq!(c.pooling.total_component_instances, 1000);
        assert_eq!(c.pooling.total_memories, 1000);
        assert_eq!(c.pooling.total_tables, 1000);
        assert_eq!(c.pooling.max_core_instances_per_component, 50);
        assert_eq!(c.pooling.memory_keep_resident_bytes, 4_194_304);
        assert_eq!(c.pooling.table_keep_resident_bytes, 65_536);
        assert_eq!(c.pooling.decommit_batch_size, 64);
        assert_eq!(c.cache.dir, PathBuf::from(".redshop/cache"));
    }

    #[test]
    fn partial_sections_keep_other_defaults() {
        let c = HostConfig::parse(
            "[limits]\nrequest_timeout_ms = 5000\n[cache]\ndir = \"/var/cache/redshop\"",
        )
        .unwrap();
        assert_eq!(c.limits.request_timeout_ms, 5000);
        assert_eq!(c.limits.max_concurrent_requests, 64);
        assert_eq!(
            c.cache.resolve(Path::new("/app")),
            PathBuf::from("/var/cache/redshop")
        );
        assert_eq!(
            HostConfig::default().cache.resolve(Path::new("/app")),
            PathBuf::from("/app/.redshop/cache")
        );
    }

    #[test]
    fn unknown_keys_and_wrong_types_are_errors() {
        let errors: Vec<String> = [
            "[limits]\nrequest_timeout = 5",
            "[postgres]\nurl = \"x\"",
            "[pooling]\ntotal_memories = -1",
        ]
        .iter()
        .map(|t| HostConfig::parse(t).unwrap_err().to_string())
        .collect();
        insta::assert_snapshot!(errors.join("\n---\n"));
    }
}
