//! The typed manifest, field for field as in Spin's v2 schema
//! (crates/manifest/src/schema/v2.rs and common.rs), minus what redshop
//! rejects. Structs read straight from TOML deny unknown fields, as Spin's do.

use std::collections::BTreeMap;

use serde::Deserialize;

/// `[application]`.
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Application {
    /// Application name (required).
    pub name: String,
    /// Application version (Spin suggests semver; not checked).
    #[serde(default)]
    pub version: Option<String>,
    /// Human-readable description.
    #[serde(default)]
    pub description: Option<String>,
    /// Authors.
    #[serde(default)]
    pub authors: Vec<String>,
    /// `[application.trigger.<type>]`: per-trigger-type application settings.
    #[serde(default)]
    pub trigger: ApplicationTriggers,
    /// `[application.tool.<name>]`: settings for external tools. Ignored, as in Spin.
    #[serde(default)]
    pub tool: BTreeMap<String, toml::Table>,
}

/// `[application.trigger]`.
#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ApplicationTriggers {
    /// `[application.trigger.http]`.
    #[serde(default)]
    pub http: Option<AppHttpTrigger>,
    /// `[application.trigger.redis]`.
    #[serde(default)]
    pub redis: Option<AppRedisTrigger>,
}

/// `[application.trigger.http]` (crates/trigger-http, `TriggerMetadata`).
#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct AppHttpTrigger {
    /// Deprecated route base: only `/` is accepted (with a warning), as in Spin 4.
    #[serde(default)]
    pub base: Option<String>,
}

/// `[application.trigger.redis]` (crates/trigger-redis, `TriggerMetadata`).
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct AppRedisTrigger {
    /// Default server address (a template) for triggers without their own.
    pub address: String,
}

/// One application variable (crates/manifest/src/schema/common.rs, `Variable`).
#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct VariableDecl {
    /// Human-readable description.
    #[serde(default)]
    pub description: Option<String>,
    /// Value used when no provider supplies one. Exclusive with `required`.
    #[serde(default)]
    pub default: Option<String>,
    /// A provider must supply the value. Exclusive with `default`.
    #[serde(default)]
    pub required: bool,
    /// Never log the value.
    #[serde(default)]
    pub secret: bool,
}

/// All triggers, by type.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Triggers {
    /// `[[trigger.http]]`.
    pub http: Vec<HttpTrigger>,
    /// `[[trigger.redis]]`.
    pub redis: Vec<RedisTrigger>,
}

/// One `[[trigger.http]]`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HttpTrigger {
    /// Optional `id` (Spin treats `""` as absent).
    pub id: Option<String>,
    /// The handling component's id.
    pub component: String,
    /// Where it is reachable.
    pub route: HttpRoute,
}

/// `route = "/path"` or `route = { private = true }`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum HttpRoute {
    /// A routable pattern, as written.
    Path(String),
    /// Reachable only through service chaining.
    Private,
}

/// One `[[trigger.redis]]`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RedisTrigger {
    /// Optional `id`.
    pub id: Option<String>,
    /// Channel to subscribe to (a template).
    pub channel: String,
    /// The handling component's id.
    pub component: String,
    /// Server address (a template); falls back to the application default.
    pub address: Option<String>,
}

/// `[component.<id>]`.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Component {
    /// Path of the Wasm file, relative to the manifest directory.
    pub source: String,
    /// Human-readable description.
    #[serde(default)]
    pub description: Option<String>,
    /// Network destinations the component may reach (entries may use `{{ var }}`).
    #[serde(default)]
    pub allowed_outbound_hosts: Vec<String>,
    /// Component variables: name to template over application variables.
    #[serde(default)]
    pub variables: BTreeMap<String, String>,
    /// Environment variables for the guest.
    #[serde(default)]
    pub environment: BTreeMap<String, String>,
    /// Files made available to the guest.
    #[serde(default)]
    pub files: Vec<FileMount>,
    /// Glob patterns excluded from `files`.
    #[serde(default)]
    pub exclude_files: Vec<String>,
    /// Key-value store labels the component may open.
    #[serde(default)]
    pub key_value_stores: Vec<String>,
    /// SQLite database labels the component may open (`default`, or a label
    /// defined in the runtime config's `[sqlite_database.<label>]`).
    #[serde(default)]
    pub sqlite_databases: Vec<String>,
    /// How `spin build` builds the component.
    #[serde(default)]
    pub build: Option<BuildConfig>,
}

/// A `files` entry (crates/manifest/src/schema/common.rs, `WasiFilesMount`).
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(untagged, deny_unknown_fields)]
pub enum FileMount {
    /// A path or glob, mounted at the same relative path.
    Pattern(String),
    /// A host file or directory mounted at a chosen guest path.
    Placement {
        /// Host path, relative to the manifest directory.
        source: String,
        /// Absolute guest path.
        destination: String,
    },
}

/// `[component.<id>.build]` (common.rs, `ComponentBuildConfig`).
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct BuildConfig {
    /// One command or a list run in order.
    pub command: BuildCommand,
    /// Working directory, relative to the manifest directory.
    #[serde(default)]
    pub workdir: Option<String>,
    /// Globs `spin watch` monitors.
    #[serde(default)]
    pub watch: Vec<String>,
}

/// `command = "..."` or `command = ["...", "..."]`.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(untagged)]
pub enum BuildCommand {
    /// A single command.
    Single(String),
    /// Commands run left to right.
    Multiple(Vec<String>),
}

impl BuildCommand {
    /// The commands in order.
    pub fn commands(&self) -> &[String] {
        match self {
            BuildCommand::Single(c) => std::slice::from_ref(c),
            BuildCommand::Multiple(cs) => cs,
        }
    }
}
