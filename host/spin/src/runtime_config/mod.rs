//! `runtime-config.toml`, read exactly as Spin 4 reads it.
//!
//! Spin's runtime config (crates/runtime-config/src/lib.rs) is assembled by
//! factors that each look up their own top-level key; anything no factor
//! looked at is rejected with "unused runtime config key(s): …"
//! (`validate_all_keys_used`). The accepted top-level keys in Spin 4 are
//! therefore exactly: `state_dir`, `log_dir`, `max_instance_memory`,
//! `variables_provider` (or its old name `config_provider`, consulted only when
//! `variables_provider` is absent), `key_value_store`, `sqlite_database`,
//! `llm_compute`, `outbound_http`, `outbound_networking` and `client_tls`.
//! Notably `[outbound_redis]`, `[outbound_pg]` and `[otel]` are *not*
//! accepted by Spin 4, so they are rejected here too; redshop's own knobs live
//! in `redshop.toml` ([`crate::host_config`]).
//!
//! redshop is stricter than Spin in one way: a wrongly-typed `state_dir`,
//! `log_dir` or `max_instance_memory` is an error rather than silently ignored.

mod sections;

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

use serde::Deserialize;

pub use sections::*;

/// Spin's default state directory, relative to the application directory.
pub const DEFAULT_STATE_DIR: &str = ".spin";
/// File name of the default key-value store inside the state directory.
pub const DEFAULT_KEY_VALUE_STORE_FILE: &str = "sqlite_key_value.db";
/// The key-value store every component gets unless configured otherwise.
pub const DEFAULT_KEY_VALUE_STORE_LABEL: &str = "default";
/// File name of the default SQLite database inside the state directory (Spin's
/// `DEFAULT_SQLITE_DB_FILENAME`, so the file is interchangeable with Spin's).
pub const DEFAULT_SQLITE_DATABASE_FILE: &str = "sqlite_db.db";
/// The SQLite database every component may list without configuring it.
pub const DEFAULT_SQLITE_DATABASE_LABEL: &str = "default";

/// Errors reading `runtime-config.toml`.
#[derive(Debug, thiserror::Error)]
pub enum RuntimeConfigError {
    /// The file could not be read.
    #[error("failed to read runtime config file '{path}': {source}")]
    Io {
        /// The file.
        path: PathBuf,
        /// The I/O error.
        source: std::io::Error,
    },
    /// Not TOML.
    #[error("failed to parse runtime config file as toml: {0}")]
    Toml(String),
    /// Keys no part of Spin reads (sorted).
    #[error("unused runtime config key(s): {}", .0.join(", "))]
    UnusedKeys(Vec<String>),
    /// A section is malformed.
    #[error("invalid `{key}` in runtime config: {reason}")]
    Invalid {
        /// The top-level key (with label, e.g. `key_value_store.cache`).
        key: String,
        /// What is wrong.
        reason: String,
    },
}

/// A directory setting: Spin treats an empty string as "explicitly none".
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum DirSetting {
    /// `state_dir = ""`: no directory.
    Unset,
    /// A path (Spin makes it absolute against the current directory).
    Path(PathBuf),
}

/// The parsed runtime config.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct RuntimeConfig {
    /// `state_dir`; `None` when absent (Spin then uses `<app dir>/.spin`).
    pub state_dir: Option<DirSetting>,
    /// `log_dir`; `None` when absent (Spin then uses `<state dir>/logs`).
    pub log_dir: Option<DirSetting>,
    /// `max_instance_memory` in bytes.
    pub max_instance_memory: Option<u64>,
    /// `[[variables_provider]]` in order. Spin always appends a default
    /// `env` provider after these.
    pub variables_providers: Vec<VariablesProvider>,
    /// `[key_value_store.<label>]`. `default` is implied when absent.
    pub key_value_stores: BTreeMap<String, KeyValueStore>,
    /// `[sqlite_database.<label>]`. `default` is implied when absent.
    pub sqlite_databases: BTreeMap<String, SqliteDatabase>,
    /// `[llm_compute]` (unsupported by redshop; type-checked).
    pub llm_compute: Option<OpaqueSection>,
    /// `[outbound_http]`.
    pub outbound_http: Option<OutboundHttp>,
    /// `[outbound_networking]`.
    pub outbound_networking: Option<OutboundNetworking>,
    /// `[[client_tls]]`.
    pub client_tls: Vec<ClientTls>,
}

/// A `type = ...` table with the rest of its keys.
#[derive(Deserialize)]
struct Typed {
    #[serde(rename = "type")]
    kind: String,
    #[serde(flatten)]
    rest: toml::Table,
}

fn invalid(key: impl Into<String>, reason: impl ToString) -> RuntimeConfigError {
    RuntimeConfigError::Invalid {
        key: key.into(),
        reason: reason.to_string(),
    }
}

fn typed<T: for<'de> Deserialize<'de>>(
    key: &str,
    value: toml::Value,
) -> Result<T, RuntimeConfigError> {
    T::deserialize(value).map_err(|e| invalid(key, e.message()))
}

impl RuntimeConfig {
    /// Reads and parses a runtime config file.
    pub fn from_file(path: &Path) -> Result<Self, RuntimeConfigError> {
        let text = std::fs::read_to_string(path).map_err(|source| RuntimeConfigError::Io {
            path: path.to_owned(),
            source,
        })?;
        Self::parse(&text)
    }

    /// Parses runtime config text.
    pub fn parse(text: &str) -> Result<Self, RuntimeConfigError> {
        let mut table: toml::Table =
            toml::from_str(text).map_err(|e| RuntimeConfigError::Toml(e.to_string()))?;
        let state_dir = table
            .remove("state_dir")
            .map(|v| dir_setting("state_dir", v))
            .transpose()?;
        let log_dir = table
            .remove("log_dir")
            .map(|v| dir_setting("log_dir", v))
            .transpose()?;
        let max_instance_memory = table
            .remove("max_instance_memory")
            .map(memory_limit)
            .transpose()?;
        let mut config = RuntimeConfig {
            state_dir,
            log_dir,
            max_instance_memory,
            ..Default::default()
        };
        let providers = match table.remove("variables_provider") {
            Some(v) => Some(("variables_provider", v)),
            None => table
                .remove("config_provider")
                .map(|v| ("config_provider", v)),
        };
        if let Some((key, v)) = providers {
            config.variables_providers = typed(key, v)?;
        }
        if let Some(v) = table.remove("key_value_store") {
            let stores: BTreeMap<String, Typed> = typed("key_value_store", v)?;
            for (label, store) in stores {
                let store = key_value_store(&label, store)?;
                config.key_value_stores.insert(label, store);
            }
        }
        if let Some(v) = table.remove("sqlite_database") {
            let dbs: BTreeMap<String, Typed> = typed("sqlite_database", v)?;
            for (label, db) in dbs {
                let db = sqlite_database(&label, db)?;
                config.sqlite_databases.insert(label, db);
            }
        }
        if let Some(v) = table.remove("llm_compute") {
            let llm: Typed = typed("llm_compute", v)?;
            if !["spin", "remote_http"].contains(&llm.kind.as_str()) {
                return Err(invalid(
                    "llm_compute",
                    format!(
                        "unknown variant `{}`, expected `spin` or `remote_http`",
                        llm.kind
                    ),
                ));
            }
            config.llm_compute = Some(OpaqueSection::new(llm.kind, llm.rest));
        }
        if let Some(v) = table.remove("outbound_http") {
            config.outbound_http = Some(typed("outbound_http", v)?);
        }
        if let Some(v) = table.remove("outbound_networking") {
            let networking: OutboundNetworking = typed("outbound_networking", v)?;
            for net in &networking.block_networks {
                if net != "private" && crate::outbound::parse_cidr(net).is_none() {
                    return Err(invalid(
                        "outbound_networking",
                        format!(
                            "invalid value: string {net:?}, expected an IP network in CIDR notation or the keyword 'private'"
                        ),
                    ));
                }
            }
            config.outbound_networking = Some(networking);
        }
        if let Some(v) = table.remove("client_tls") {
            config.client_tls = typed("client_tls", v)?;
            config.client_tls.iter().try_for_each(check_client_tls)?;
        }

        if !table.is_empty() {
            let unused: BTreeSet<String> = table.keys().cloned().collect();
            return Err(RuntimeConfigError::UnusedKeys(unused.into_iter().collect()));
        }
        Ok(config)
    }

    /// Spin's state directory for an app in `app_dir` (`None` if unset).
    pub fn resolved_state_dir(&self, app_dir: &Path) -> Option<PathBuf> {
        match &self.state_dir {
            None => Some(app_dir.join(DEFAULT_STATE_DIR)),
            Some(DirSetting::Unset) => None,
            Some(DirSetting::Path(p)) => Some(p.clone()),
        }
    }

    /// Spin's log directory (`<state dir>/logs` by default; `None` if unset).
    pub fn resolved_log_dir(&self, app_dir: &Path) -> Option<PathBuf> {
        match &self.log_dir {
            None => self.resolved_state_dir(app_dir).map(|d| d.join("logs")),
            Some(DirSetting::Unset) => None,
            Some(DirSetting::Path(p)) => Some(p.clone()),
        }
    }
}

fn memory_limit(value: toml::Value) -> Result<u64, RuntimeConfigError> {
    let bytes = value
        .as_integer()
        .ok_or_else(|| invalid("max_instance_memory", "expected an integer number of bytes"))?;
    u64::try_from(bytes).map_err(|_| invalid("max_instance_memory", "must not be negative"))
}

fn dir_setting(key: &str, value: toml::Value) -> Result<DirSetting, RuntimeConfigError> {
    match value.as_str() {
        Some("") => Ok(DirSetting::Unset),
        Some(path) => Ok(DirSetting::Path(PathBuf::from(path))),
        None => Err(invalid(key, "expected a string path")),
    }
}

fn key_value_store(label: &str, store: Typed) -> Result<KeyValueStore, RuntimeConfigError> {
    let key = format!("key_value_store.{label}");
    let rest = toml::Value::Table(store.rest);
    match store.kind.as_str() {
        "redis" => {
            let redis: RedisStoreToml = typed(&key, rest)?;
            Ok(KeyValueStore::Redis { url: redis.url })
        }
        "spin" => {
            let spin: SpinStoreToml = typed(&key, rest)?;
            Ok(KeyValueStore::Spin { path: spin.path })
        }
        "azure_cosmos" | "aws_dynamo" => Ok(KeyValueStore::Unsupported {
            store_type: store.kind,
        }),
        other => Err(invalid(
            key,
            format!(
                "could not configure key-value store with label '{label}': the store type '{other}' was not registered with the config resolver"
            ),
        )),
    }
}

fn sqlite_database(label: &str, db: Typed) -> Result<SqliteDatabase, RuntimeConfigError> {
    let key = format!("sqlite_database.{label}");
    let rest = toml::Value::Table(db.rest);
    match db.kind.as_str() {
        "spin" => Ok(SqliteDatabase::Spin(typed(&key, rest)?)),
        "libsql" => {
            let libsql: LibsqlDatabaseToml = typed(&key, rest)?;
            Ok(SqliteDatabase::Libsql {
                url: libsql.url,
                token: libsql.token,
            })
        }
        other => Err(invalid(key, format!("Unknown database kind: {other}"))),
    }
}

fn check_client_tls(tls: &ClientTls) -> Result<(), RuntimeConfigError> {
    let fail = |reason: String| Err(invalid("client_tls", reason));
    if tls.component_ids.is_empty() {
        return fail("'component_ids' list may not be empty".into());
    }
    if let Some(bad) = tls
        .component_ids
        .iter()
        .find_map(|id| crate::ids::check_kebab(id).err().map(|e| (id, e)))
    {
        return fail(format!("invalid component id {:?}: {}", bad.0, bad.1));
    }
    if tls.hosts.is_empty() {
        return fail("'hosts' list may not be empty".into());
    }
    for host in &tls.hosts {
        if host.is_empty() || host.contains(['/', '@', ' ']) {
            return fail(format!("invalid TLS 'host' {host:?}"));
        }
        let has_port = match host.strip_prefix('[') {
            Some(rest) => rest
                .split_once(']')
                .is_some_and(|(_, after)| !after.is_empty()),
            None => host.contains(':'),
        };
        if has_port {
            return fail(format!(
                "invalid TLS 'host' {host:?}; ports not currently supported"
            ));
        }
    }
    match (&tls.client_cert_file, &tls.client_private_key_file) {
        (Some(_), None) => {
            fail("client_cert_file specified without client_private_key_file".into())
        }
        (None, Some(_)) => {
            fail("client_private_key_file specified without client_cert_file".into())
        }
        _ => Ok(()),
    }
}

#[cfg(test)]
mod tests;
