//! The typed sections of `runtime-config.toml`.
//!
//! Each type mirrors the Spin struct that reads the same table; the source is
//! named on the type. Where Spin does not deny unknown fields (key-value store
//! configs, `static` variables) neither do we: a file that `spin up` accepts
//! must parse here too.

use std::collections::BTreeMap;
use std::fmt;
use std::path::PathBuf;

use serde::Deserialize;

use crate::secret::{Secret, SecretUrl};

/// `[[variables_provider]]` (crates/runtime-config/src/variables.rs).
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum VariablesProvider {
    /// `type = "env"`: environment variables (and an optional `.env` file).
    Env(EnvProvider),
    /// `type = "vault"`: HashiCorp Vault (not supported by redshop).
    Vault(VaultProvider),
    /// `type = "azure_key_vault"` (not supported by redshop).
    AzureKeyVault(AzureKeyVaultProvider),
    /// `type = "static"`: fixed values (not supported by redshop).
    Static(StaticProvider),
}

/// `type = "env"` (crates/variables-env, `EnvVariablesConfig`).
#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct EnvProvider {
    /// Variable-name prefix; Spin's default is `SPIN_VARIABLE` (giving `SPIN_VARIABLE_API_HOST`).
    #[serde(default)]
    pub prefix: Option<String>,
    /// A dotenv file to read as well.
    #[serde(default)]
    pub dotenv_path: Option<PathBuf>,
}

/// Spin's default env-provider prefix.
pub const DEFAULT_ENV_PREFIX: &str = "SPIN_VARIABLE";

/// `type = "vault"` (crates/variables-vault).
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct VaultProvider {
    /// Vault server URL.
    pub url: String,
    /// Access token.
    pub token: Secret,
    /// KV v2 mount.
    pub mount: String,
    /// Path prefix for secrets.
    #[serde(default)]
    pub prefix: Option<String>,
}

/// `type = "azure_key_vault"` (crates/variables-azure).
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct AzureKeyVaultProvider {
    /// Key Vault URL.
    pub vault_url: String,
    /// Service principal client id.
    pub client_id: Option<String>,
    /// Service principal secret.
    pub client_secret: Option<Secret>,
    /// Tenant id.
    pub tenant_id: Option<String>,
    /// Authority host name (`AzurePublicCloud`, …).
    pub authority_host: Option<String>,
}

/// `type = "static"` (crates/variables-static).
#[derive(Clone, PartialEq, Eq, Deserialize)]
pub struct StaticProvider {
    /// Variable name to value.
    pub values: BTreeMap<String, String>,
}

impl fmt::Debug for StaticProvider {
    /// Values may be secrets: only names are shown.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("StaticProvider")
            .field("names", &self.values.keys().collect::<Vec<_>>())
            .finish()
    }
}

/// `[key_value_store.<label>]` (crates/factor-key-value/src/runtime_config/spin.rs
/// and the store crates). Unknown `type`s are an error, as in Spin.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum KeyValueStore {
    /// `type = "redis"` (crates/key-value-redis).
    Redis {
        /// Connection URL (password redacted when formatted).
        url: SecretUrl,
    },
    /// `type = "spin"`: a local SQLite file (crates/key-value-spin).
    Spin {
        /// Database file; relative paths are relative to the runtime-config
        /// file's directory. `None` means in-memory (Spin's behaviour).
        path: Option<PathBuf>,
    },
    /// `type = "azure_cosmos"` or `"aws_dynamo"`: accepted by Spin, not by redshop.
    Unsupported {
        /// The store type.
        store_type: String,
    },
}

/// `type = "redis"` fields. Spin does not deny unknown fields here.
#[derive(Deserialize)]
pub(super) struct RedisStoreToml {
    /// Connection URL.
    pub(super) url: SecretUrl,
}

/// `type = "spin"` fields. Spin does not deny unknown fields here.
#[derive(Deserialize)]
pub(super) struct SpinStoreToml {
    /// Database file.
    #[serde(default)]
    pub(super) path: Option<PathBuf>,
}

/// `[sqlite_database.<label>]` (crates/runtime-config/src/sqlite.rs,
/// `RuntimeConfigResolver`). Unknown `type`s are an error, as in Spin.
///
/// ```toml
/// [sqlite_database.orders]
/// type = "spin"
/// path = "data/orders.db"   # relative to this file's directory
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SqliteDatabase {
    /// `type = "spin"`: a local SQLite file (crates/sqlite-inproc).
    Spin(SpinSqliteDatabase),
    /// `type = "libsql"`: a remote libSQL server, accepted by Spin, not by redshop.
    Libsql {
        /// The server URL.
        url: String,
        /// Its access token (never formatted).
        token: Secret,
    },
}

/// `type = "spin"` fields (`InProcDatabase`; Spin denies unknown fields here).
#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SpinSqliteDatabase {
    /// Database file; relative paths are relative to the runtime-config
    /// file's directory. `None` means in-memory, a fresh database for each
    /// connection (Spin's behaviour).
    #[serde(default)]
    pub path: Option<PathBuf>,
    /// Allow `ATTACH` of other database files. Off by default, as in Spin:
    /// attaching a temporary or `:memory:` database is always allowed.
    #[serde(default)]
    pub allow_attach_file: bool,
}

/// `type = "libsql"` fields (`LibSqlDatabase`; Spin denies unknown fields here).
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct LibsqlDatabaseToml {
    /// Server URL.
    pub(super) url: String,
    /// Access token.
    pub(super) token: Secret,
}

/// `[outbound_http]` (crates/factor-outbound-http/src/runtime_config/spin.rs).
#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct OutboundHttp {
    /// Reuse connections. Defaults to `false` when the section is present
    /// (and to `true` when it is absent — Spin's quirk).
    #[serde(default)]
    pub connection_pooling: bool,
    /// Cap on concurrent outbound HTTP requests.
    #[serde(default)]
    pub max_concurrent_requests: Option<usize>,
}

/// `[outbound_networking]` (crates/factor-outbound-networking/src/runtime_config/spin.rs).
#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct OutboundNetworking {
    /// CIDR blocks, or the keyword `private`, that guests may never reach.
    #[serde(default)]
    pub block_networks: Vec<String>,
}

/// One `[[client_tls]]` entry (same source as [`OutboundNetworking`]).
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ClientTls {
    /// Components this applies to (non-empty).
    pub component_ids: Vec<String>,
    /// Hosts this applies to, without ports (non-empty).
    pub hosts: Vec<String>,
    /// Trust the platform's roots.
    pub ca_use_platform_roots: Option<bool>,
    /// Trust the webpki roots.
    pub ca_use_webpki_roots: Option<bool>,
    /// Extra CA roots (PEM), relative to the runtime-config directory.
    pub ca_roots_file: Option<PathBuf>,
    /// Client certificate chain (PEM); requires `client_private_key_file`.
    pub client_cert_file: Option<PathBuf>,
    /// Client private key (PEM); requires `client_cert_file`.
    pub client_private_key_file: Option<PathBuf>,
}

/// A section redshop does not implement (`[llm_compute]`): its `type` is
/// checked like Spin does, the rest is kept but never formatted, since it may
/// hold tokens.
#[derive(Clone, PartialEq)]
pub struct OpaqueSection {
    /// The section's `type`.
    pub kind: String,
    settings: toml::Table,
}

impl OpaqueSection {
    pub(super) fn new(kind: String, settings: toml::Table) -> Self {
        Self { kind, settings }
    }

    /// The other keys of the section.
    pub fn settings(&self) -> &toml::Table {
        &self.settings
    }
}

impl fmt::Debug for OpaqueSection {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("OpaqueSection")
            .field("kind", &self.kind)
            .field("keys", &self.settings.keys().collect::<Vec<_>>())
            .finish()
    }
}
