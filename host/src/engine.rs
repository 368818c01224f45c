//! The wasmtime engine every component runs on, and the on-disk cache of compiled code.
//!
//! Per-request cost dominates a shop's latency, so the engine is set up for many short
//! instances: the pooling allocator (instances come from pre-reserved slots, not mmap
//! calls), memory kept resident between uses with batched decommits (on a VM each
//! `madvise` costs a TLB-shootdown IPI; keeping a few MiB resident halves the cost of a
//! trivial request on this class of machine), and epoch interruption for deadlines, which
//! costs a load and compare per loop back-edge instead of fuel's counting.

use std::hash::{Hash, Hasher};
use std::path::{Path, PathBuf};
use std::time::Duration;

use anyhow::Context as _;
use redshop_spin::host_config::Pooling as PoolingConfig;
use sha2::{Digest, Sha256};
use wasmtime::component::Component;
use wasmtime::{Config, Enabled, Engine, InstanceAllocationStrategy, PoolingAllocationConfig};

/// How often the epoch advances. Deadlines are measured in these ticks, so this is the
/// granularity of a timeout; 10 ms keeps the ticker's own cost negligible.
pub const EPOCH_TICK: Duration = Duration::from_millis(10);

/// Build the engine. `max_instance_memory` caps each linear memory (and so each
/// instance, since our components have one memory).
pub fn build_engine(pooling: &PoolingConfig, max_instance_memory: u64) -> anyhow::Result<Engine> {
    let mut config = Config::new();
    config.epoch_interruption(true);
    config.wasm_component_model(true);
    // Components here are WASI 0.2 (spin-sdk 5.2): nothing calls into wasmtime's
    // component-model-async machinery. Left on (the default), every call goes through its
    // task queue, and dropping each store unwinds a parked worker fiber by raising an
    // error with a captured backtrace: over a quarter of a trivial request's instructions.
    config.concurrency_support(false);

    let mut pool = PoolingAllocationConfig::default();
    pool.total_component_instances(pooling.total_component_instances)
        .total_memories(pooling.total_memories)
        .total_tables(pooling.total_tables)
        .total_stacks(pooling.total_component_instances)
        // A component instance creates several core instances (its module, shims,
        // adapters), counted by wasmtime against their own limit: size it so they never
        // run out before component instances do (app/capacity.rs).
        .total_core_instances(
            pooling
                .total_component_instances
                .saturating_mul(pooling.max_core_instances_per_component)
                .max(pooling.total_memories),
        )
        .max_core_instances_per_component(pooling.max_core_instances_per_component)
        .max_memories_per_component(pooling.max_core_instances_per_component)
        .max_tables_per_component(pooling.max_core_instances_per_component)
        .max_memory_size(usize::try_from(max_instance_memory).unwrap_or(usize::MAX))
        .linear_memory_keep_resident(to_usize(pooling.memory_keep_resident_bytes))
        .table_keep_resident(to_usize(pooling.table_keep_resident_bytes))
        .decommit_batch_size(to_usize(u64::from(pooling.decommit_batch_size)))
        .pagemap_scan(if pooling.pagemap_scan {
            Enabled::Auto
        } else {
            Enabled::No
        });
    config.allocation_strategy(InstanceAllocationStrategy::Pooling(pool));
    Engine::new(&config)
        .map_err(anyhow::Error::from)
        .context("configuring the wasmtime engine")
}

fn to_usize(n: u64) -> usize {
    usize::try_from(n).unwrap_or(usize::MAX)
}

/// Spawn the thread that advances the engine's epoch. It stops when the engine is dropped.
pub fn start_epoch_ticker(engine: &Engine) {
    let weak = engine.weak();
    std::thread::Builder::new()
        .name("redshop-epoch".into())
        .spawn(move || {
            while let Some(engine) = weak.upgrade() {
                engine.increment_epoch();
                drop(engine);
                std::thread::sleep(EPOCH_TICK);
            }
        })
        .map(drop)
        .unwrap_or_else(|e| tracing::error!(error = %e, "cannot start the epoch ticker; deadlines will not fire"));
}

/// Compiled components on disk, keyed by the wasm's hash and the engine's settings, so
/// that a second start skips Cranelift entirely.
#[derive(Debug, Clone)]
pub struct CompileCache {
    dir: Option<PathBuf>,
}

impl CompileCache {
    /// A cache in `dir`, or none at all.
    pub fn new(dir: Option<PathBuf>) -> Self {
        Self { dir }
    }

    /// Load `wasm` compiled for `engine`, compiling and storing it on a miss. Returns the
    /// component and whether it came from the cache.
    pub fn load(&self, engine: &Engine, wasm: &[u8]) -> anyhow::Result<(Component, bool)> {
        let Some(dir) = &self.dir else {
            return Ok((compile(engine, wasm)?, false));
        };
        let path = dir.join(format!("{}.cwasm", cache_key(engine, wasm)));
        if path.is_file() {
            match deserialize(engine, &path) {
                Ok(component) => return Ok((component, true)),
                // Our cache, our fault: a stale or torn file is recompiled, not fatal.
                Err(e) => {
                    tracing::warn!(path = %path.display(), error = %e, "ignoring unusable cache entry")
                }
            }
        }
        let component = compile(engine, wasm)?;
        if let Err(e) = store(&component, dir, &path) {
            tracing::warn!(dir = %dir.display(), error = %e, "cannot write the compilation cache");
        }
        Ok((component, false))
    }
}

/// Compile a component, or a core module from an older SDK once it is wrapped into one
/// (`core_module`). The cache key is the original bytes, so a cached module skips both.
fn compile(engine: &Engine, wasm: &[u8]) -> anyhow::Result<Component> {
    let wasm = crate::core_module::componentize_if_module(wasm)?;
    Ok(Component::new(engine, &wasm)?)
}

fn cache_key(engine: &Engine, wasm: &[u8]) -> String {
    let mut engine_hash = std::collections::hash_map::DefaultHasher::new();
    engine
        .precompile_compatibility_hash()
        .hash(&mut engine_hash);
    let mut sha = Sha256::new();
    sha.update(wasm);
    sha.update(engine_hash.finish().to_le_bytes());
    sha.update(env!("CARGO_PKG_VERSION").as_bytes());
    sha.finalize().iter().map(|b| format!("{b:02x}")).collect()
}

#[expect(
    unsafe_code,
    reason = "deserializing native code; the file is one this host wrote, keyed by a hash of its input and the engine's settings"
)]
fn deserialize(engine: &Engine, path: &Path) -> anyhow::Result<Component> {
    // SAFETY: the cache directory belongs to this host and entries are written atomically
    // (temp file + rename) by `store` below from `Component::serialize`.
    unsafe { Component::deserialize_file(engine, path) }.map_err(anyhow::Error::from)
}

fn store(component: &Component, dir: &Path, path: &Path) -> anyhow::Result<()> {
    std::fs::create_dir_all(dir)?;
    let bytes = component.serialize()?;
    let tmp = path.with_extension(format!("tmp{}", std::process::id()));
    std::fs::write(&tmp, bytes)?;
    std::fs::rename(&tmp, path)?;
    Ok(())
}
