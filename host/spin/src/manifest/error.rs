//! Manifest errors.
//!
//! Every error names where it is (component, trigger, variable) and what is
//! wrong, because the manifest is written by hand and the error is all the
//! user sees. Unsupported Spin features get their own variants so the message
//! says "not supported by redshop" rather than "invalid".

use std::path::PathBuf;

use crate::outbound::OutboundError;
use crate::routes::RouteError;
use crate::template::TemplateError;

/// Why a `spin.toml` was rejected.
#[derive(Debug, thiserror::Error)]
pub enum ManifestError {
    /// The file could not be read.
    #[error("failed to read Spin app manifest {path}: {source}")]
    Io {
        /// The file.
        path: PathBuf,
        /// The I/O error.
        source: std::io::Error,
    },
    /// Not valid TOML.
    #[error("{0}")]
    Toml(String),
    /// No `spin_manifest_version` key (Spin's serde message).
    #[error("missing field `spin_manifest_version`")]
    MissingVersion,
    /// A version 1 manifest.
    #[error(
        "spin_manifest_version 1 is not supported by redshop: convert the manifest to version 2 (https://spinframework.dev/v3/manifest-reference)"
    )]
    VersionOneUnsupported,
    /// Any other version value (Spin's wording).
    #[error("invalid manifest version: {0}")]
    InvalidVersion(String),
    /// A structural problem outside components and triggers.
    #[error("{context}: {message}")]
    Invalid {
        /// Where (`manifest`, `[application]`, `variable `x``).
        context: String,
        /// What is wrong.
        message: String,
    },
    /// Component id fails Spin's kebab-case rule.
    #[error("invalid component id `{id}`: {reason}")]
    InvalidComponentId {
        /// The id.
        id: String,
        /// Spin's reason.
        reason: String,
    },
    /// Variable name fails Spin's rules.
    #[error("invalid variable name `{name}`: {reason}")]
    InvalidVariableName {
        /// The name.
        name: String,
        /// Spin's reason.
        reason: String,
    },
    /// An application variable declaration that Spin would refuse to load.
    #[error("invalid variable definition for `{name}`: {reason}")]
    InvalidVariable {
        /// The variable.
        name: String,
        /// Spin's reason.
        reason: String,
    },
    /// A `[[trigger.<type>]]` other than `http` or `redis`.
    #[error("trigger type `{0}` is not supported by redshop")]
    UnsupportedTriggerType(String),
    /// A problem with one trigger.
    #[error("{trigger}: {message}")]
    Trigger {
        /// Which trigger (`[[trigger.http]] #2`, 1-based).
        trigger: String,
        /// What is wrong.
        message: String,
    },
    /// A trigger type runs a component with a host requirement it cannot meet: service
    /// chaining outside the HTTP trigger. Spin's wording (crates/trigger/src/cli.rs).
    #[error(
        "This application requires the following features that are not available in this version of the '{trigger_type}' trigger: {requirements}"
    )]
    UnmetHostRequirements {
        /// `redis`.
        trigger_type: String,
        /// Comma-separated, as Spin lists them (`local_service_chaining`).
        requirements: String,
    },
    /// A trigger names a component that is not defined.
    #[error("{trigger}: component `{component}` is not defined in the manifest")]
    UnknownComponent {
        /// Which trigger.
        trigger: String,
        /// The missing component id.
        component: String,
    },
    /// A Spin component field redshop does not implement.
    #[error("component `{component}`: field `{field}` is not supported by redshop{hint}")]
    UnsupportedField {
        /// The component.
        component: String,
        /// The field.
        field: String,
        /// Extra advice, starting with `; ` when present.
        hint: String,
    },
    /// A `source` that is not a local file.
    #[error(
        "component `{component}`: field `source`: {kind} sources are not supported by redshop; use a local file path"
    )]
    UnsupportedSource {
        /// The component.
        component: String,
        /// `url` or `registry`.
        kind: &'static str,
    },
    /// Any other problem inside a component (unknown field, wrong type, …).
    #[error("component `{component}`: {message}")]
    Component {
        /// The component.
        component: String,
        /// What is wrong.
        message: String,
    },
    /// A `{{ name }}` reference to a variable not declared in `[variables]`.
    #[error("{context}: field `{field}` refers to undeclared application variable `{variable}`")]
    UndeclaredVariable {
        /// Where (`component `cart``, a trigger).
        context: String,
        /// The field (`variables.api_url`, `allowed_outbound_hosts`, …).
        field: String,
        /// The undeclared name.
        variable: String,
    },
    /// A malformed `{{ }}` template.
    #[error("{context}: field `{field}`: {source}")]
    Template {
        /// Where.
        context: String,
        /// The field.
        field: String,
        /// The template error.
        source: TemplateError,
    },
    /// A malformed `allowed_outbound_hosts` entry.
    #[error("component `{component}`: field `allowed_outbound_hosts` is malformed: {source}")]
    AllowedHosts {
        /// The component.
        component: String,
        /// The entry error.
        source: OutboundError,
    },
    /// A route pattern that cannot be parsed.
    #[error(transparent)]
    Route(#[from] RouteError),
}
