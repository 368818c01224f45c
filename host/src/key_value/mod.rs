//! Key-value stores for guests (`fermyon:spin/key-value@2.0.0`).
//!
//! A component opens only the labels in its `key_value_stores` (anything else is
//! `access-denied`); every label a component lists must be defined, or start-up fails.
//! Backends come from `runtime-config.toml` `[key_value_store.<label>]`: `type = "redis"`
//! (shared across replicas, as SpinKube recommends) or `type = "spin"`, the embedded store.
//! The label `default` exists even when not configured: an embedded store in the app's
//! state directory, as in Spin. The embedded store is `redb` (pure Rust, crash-safe) where
//! Spin uses SQLite; guests cannot tell, but the file is not interchangeable with Spin's.

mod embedded;
mod host;

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use anyhow::{Context as _, bail};
use redshop_spin::runtime_config::{KeyValueStore, RuntimeConfig};
use wasmtime::component::{HasSelf, Linker};

pub use embedded::Embedded;

use crate::runtime::InstanceState;

/// File name of the default embedded store inside the state directory.
pub const DEFAULT_STORE_FILE: &str = "redshop_key_value.redb";

/// Where one label's data lives.
#[derive(Clone)]
pub enum Backend {
    /// A Redis server; keys stored as given, as Spin's Redis store does.
    Redis(String),
    /// The embedded store; one table per label.
    Embedded(Arc<Embedded>),
}

/// The value behind a guest's `store` resource.
pub struct KvStore {
    pub(crate) label: String,
    pub(crate) backend: Backend,
}

/// Every configured label and its backend.
#[derive(Clone, Default)]
pub struct KvBackends {
    by_label: HashMap<String, Backend>,
}

impl KvBackends {
    /// Backends from the runtime config, plus `default` if it is not configured.
    pub fn from_config(
        config: &RuntimeConfig,
        runtime_config_dir: &Path,
        state_dir: Option<&Path>,
    ) -> anyhow::Result<Self> {
        let mut by_label = HashMap::new();
        let mut files: HashMap<PathBuf, Arc<Embedded>> = HashMap::new();
        let mut embedded = |path: Option<PathBuf>| -> anyhow::Result<Arc<Embedded>> {
            Ok(match path {
                None => Arc::new(Embedded::in_memory()?),
                Some(path) => match files.get(&path) {
                    Some(db) => db.clone(),
                    None => {
                        let db = Arc::new(Embedded::open(&path)?);
                        files.insert(path, db.clone());
                        db
                    }
                },
            })
        };
        for (label, store) in &config.key_value_stores {
            let backend = match store {
                KeyValueStore::Redis { url } => Backend::Redis(url.expose().to_owned()),
                KeyValueStore::Spin { path } => {
                    Backend::Embedded(embedded(path.as_ref().map(|p| runtime_config_dir.join(p)))?)
                }
                KeyValueStore::Unsupported { store_type } => {
                    bail!(
                        "key_value_store `{label}`: type `{store_type}` is not supported by redshop (use \"redis\" or \"spin\")"
                    )
                }
            };
            by_label.insert(label.clone(), backend);
        }
        if !by_label.contains_key("default") {
            let path = state_dir.map(|d| d.join(DEFAULT_STORE_FILE));
            let db = embedded(path).context("opening the default key-value store")?;
            by_label.insert("default".into(), Backend::Embedded(db));
        }
        Ok(Self { by_label })
    }

    /// The backend of `label`, if configured.
    pub fn get(&self, label: &str) -> Option<&Backend> {
        self.by_label.get(label)
    }

    /// Start-up check: every label `component` lists must exist.
    pub fn check_labels(&self, component: &str, labels: &[String]) -> anyhow::Result<()> {
        for label in labels {
            if !self.by_label.contains_key(label) {
                bail!(
                    "component `{component}`: field `key_value_stores`: unknown label \"{label}\" (define [key_value_store.{label}] in the runtime config)"
                );
            }
        }
        Ok(())
    }
}

/// Add `fermyon:spin/key-value` to the linker.
pub fn add_to_linker(linker: &mut Linker<InstanceState>) -> wasmtime::Result<()> {
    crate::bindings::key_value::add_to_linker::<_, HasSelf<InstanceState>>(linker, |s| s)
}
