//! `spin.toml` (manifest version 2), parsed and validated up front.
//!
//! Mirrors crates/manifest/src/schema/v2.rs plus the checks Spin performs
//! later while loading (crates/loader/src/local.rs, crates/expressions,
//! crates/trigger-http): a manifest accepted here is one `spin up` would run,
//! and a manifest rejected here fails before anything starts, with a message
//! naming the component, field or trigger at fault.
//!
//! redshop supports the HTTP and Redis triggers and components built from
//! local Wasm files. Spin features outside that (other trigger types, remote
//! sources, SQLite, AI models, dependencies, …) are rejected by name instead of
//! being silently ignored. Things Spin itself only warns about (duplicate
//! routes, `base = "/"`, routes under `/.well-known/spin/`) are collected in
//! [`Manifest::warnings`].

mod error;
mod parse;
mod schema;
mod validate;

/// The rule a variable name passed to `fermyon:spin/variables.get` must follow.
pub use crate::ids::check_key as validate_variable_name;
use std::collections::BTreeMap;
use std::path::Path;

pub use error::ManifestError;
pub use schema::*;

use crate::routes::{RouteError, Router};

/// A parsed, validated manifest.
#[derive(Debug, Clone)]
pub struct Manifest {
    /// `[application]`.
    pub application: Application,
    /// `[variables]`: application variables by name.
    pub variables: BTreeMap<String, VariableDecl>,
    /// `[[trigger.http]]` and `[[trigger.redis]]`, in manifest order.
    pub triggers: Triggers,
    /// `[component.<id>]` by id.
    pub components: BTreeMap<String, Component>,
    warnings: Vec<String>,
}

impl Manifest {
    /// Reads and parses a manifest file.
    pub fn from_file(path: &Path) -> Result<Self, ManifestError> {
        let text = std::fs::read_to_string(path).map_err(|source| ManifestError::Io {
            path: path.to_owned(),
            source,
        })?;
        Self::parse(&text)
    }

    /// Parses and validates manifest text.
    pub fn parse(text: &str) -> Result<Self, ManifestError> {
        let mut manifest = parse::parse(text)?;
        manifest.warnings = validate::validate(&manifest)?;
        Ok(manifest)
    }

    /// Things Spin reports but accepts (duplicate routes, deprecated `base`).
    pub fn warnings(&self) -> &[String] {
        &self.warnings
    }

    /// `(route, component id)` for every routable HTTP trigger, in manifest
    /// order: the input [`Router::build`] expects.
    pub fn http_routes(&self) -> impl Iterator<Item = (String, String)> + '_ {
        self.triggers.http.iter().filter_map(|t| match &t.route {
            HttpRoute::Path(route) => Some((route.clone(), t.component.clone())),
            HttpRoute::Private => None,
        })
    }

    /// Builds the HTTP router for this manifest.
    pub fn router(&self) -> Result<Router, RouteError> {
        Router::build(self.http_routes())
    }

    /// The address a Redis trigger subscribes to: its own `address`, else the
    /// `[application.trigger.redis] address` default (validation guarantees
    /// one exists). Still a template: render it with the variable values.
    pub fn redis_address<'a>(&'a self, trigger: &'a RedisTrigger) -> &'a str {
        trigger
            .address
            .as_deref()
            .or(self
                .application
                .trigger
                .redis
                .as_ref()
                .map(|r| r.address.as_str()))
            .unwrap_or_default()
    }
}

#[cfg(test)]
mod tests;
