//! TOML text to typed manifest.
//!
//! The document is first read as a plain table so that redshop-specific
//! refusals (version 1, unsupported triggers and fields, remote sources) can
//! be reported by name before serde would report them as merely "unknown".
//! The remaining, supported shape is then deserialized with
//! `deny_unknown_fields` like Spin's own schema.

use std::collections::BTreeMap;

use serde::Deserialize;
use toml::{Table, Value};

use super::{
    Application, Component, HttpRoute, HttpTrigger, Manifest, ManifestError, RedisTrigger,
    Triggers, VariableDecl,
};
use crate::ids;

const TOP_LEVEL: [&str; 5] = [
    "spin_manifest_version",
    "application",
    "variables",
    "trigger",
    "component",
];

/// Component fields real Spin accepts but redshop does not, with advice.
const UNSUPPORTED_COMPONENT_FIELDS: [(&str, &str); 7] = [
    ("ai_models", ""),
    ("dependencies", ""),
    ("dependencies_inherit_configuration", ""),
    ("tool", ""),
    ("targets", ""),
    ("profile", "; build profiles are not supported"),
    (
        "allowed_http_hosts",
        "; it is deprecated, use `allowed_outbound_hosts` instead",
    ),
];

fn invalid(context: &str, message: impl ToString) -> ManifestError {
    ManifestError::Invalid {
        context: context.to_owned(),
        message: message.to_string(),
    }
}

fn from_value<T: for<'de> Deserialize<'de>>(value: Value) -> Result<T, String> {
    T::deserialize(value).map_err(|e| e.message().trim_end().to_owned())
}

pub(super) fn parse(text: &str) -> Result<Manifest, ManifestError> {
    let mut doc: Table = toml::from_str(text).map_err(|e| ManifestError::Toml(e.to_string()))?;
    check_version(&doc)?;
    doc.remove("spin_manifest_version");
    if let Some(key) = doc.keys().find(|k| !TOP_LEVEL.contains(&k.as_str())) {
        return Err(invalid(
            "manifest",
            format!(
                "unknown field `{key}`, expected one of `spin_manifest_version`, `application`, `variables`, `trigger`, `component`"
            ),
        ));
    }
    let application = parse_application(doc.remove("application"))?;
    let variables = parse_variables(doc.remove("variables"))?;
    let triggers = parse_triggers(doc.remove("trigger"))?;
    let components = parse_components(doc.remove("component"))?;
    Ok(Manifest {
        application,
        variables,
        triggers,
        components,
        warnings: Vec::new(),
    })
}

/// Spin's `ManifestVersion::detect`: `"1"` (string) is v1, `2` (integer) is v2.
fn check_version(doc: &Table) -> Result<(), ManifestError> {
    let version = doc
        .get("spin_manifest_version")
        .or_else(|| doc.get("spin_version"));
    match version {
        None => Err(ManifestError::MissingVersion),
        Some(Value::String(s)) if s == "1" => Err(ManifestError::VersionOneUnsupported),
        Some(Value::Integer(2)) if doc.contains_key("spin_manifest_version") => Ok(()),
        Some(Value::Integer(2)) => Err(invalid(
            "manifest",
            "unknown field `spin_version`; version 2 manifests use `spin_manifest_version`",
        )),
        Some(other) => Err(ManifestError::InvalidVersion(other.to_string())),
    }
}

fn parse_application(value: Option<Value>) -> Result<Application, ManifestError> {
    const CONTEXT: &str = "[application]";
    let value = value.ok_or_else(|| invalid("manifest", "missing field `application`"))?;
    let Value::Table(table) = &value else {
        return Err(invalid(CONTEXT, "expected a table"));
    };
    if table.contains_key("targets") {
        return Err(invalid(
            CONTEXT,
            "field `targets` is not supported by redshop",
        ));
    }
    if let Some(Value::Table(triggers)) = table.get("trigger")
        && let Some(kind) = triggers
            .keys()
            .find(|k| !matches!(k.as_str(), "http" | "redis"))
    {
        return Err(ManifestError::UnsupportedTriggerType(kind.clone()));
    }
    from_value(value).map_err(|m| invalid(CONTEXT, m))
}

fn parse_variables(value: Option<Value>) -> Result<BTreeMap<String, VariableDecl>, ManifestError> {
    let Some(value) = value else {
        return Ok(BTreeMap::new());
    };
    let Value::Table(table) = value else {
        return Err(invalid("[variables]", "expected a table"));
    };
    let mut variables = BTreeMap::new();
    for (name, decl) in table {
        ids::check_variable_name(&name).map_err(|reason| ManifestError::InvalidVariableName {
            name: name.clone(),
            reason,
        })?;
        let decl: VariableDecl =
            from_value(decl).map_err(|reason| ManifestError::InvalidVariable {
                name: name.clone(),
                reason,
            })?;
        // crates/loader/src/local.rs, `locked_variable`.
        if decl.required == decl.default.is_some() {
            return Err(ManifestError::InvalidVariable {
                name,
                reason: "must be `required` OR have a `default`".into(),
            });
        }
        variables.insert(name, decl);
    }
    Ok(variables)
}

/// The fields of one `[[trigger.http]]` (crates/http/src/config.rs,
/// `HttpTriggerConfig`, plus the generic trigger fields).
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct HttpTriggerToml {
    /// Optional trigger id.
    #[serde(default)]
    id: Option<String>,
    /// Component reference (or an unsupported inline table).
    #[serde(default)]
    component: Option<Value>,
    /// Reserved by Spin; unsupported.
    #[serde(default)]
    components: Option<Value>,
    /// Spin's static responses; unsupported.
    #[serde(default)]
    static_response: Option<Value>,
    /// The route (string or `{ private = true }`).
    route: Value,
    /// `{ type = "spin" }` / `{ type = "http" }`; WAGI is unsupported.
    #[serde(default)]
    executor: Option<Value>,
}

/// The fields of one `[[trigger.redis]]` (crates/trigger-redis, `TriggerConfig`).
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RedisTriggerToml {
    /// Optional trigger id.
    #[serde(default)]
    id: Option<String>,
    /// Component reference.
    #[serde(default)]
    component: Option<Value>,
    /// Reserved by Spin; unsupported.
    #[serde(default)]
    components: Option<Value>,
    /// Channel (a template).
    channel: String,
    /// Server address (a template).
    #[serde(default)]
    address: Option<String>,
}

fn parse_triggers(value: Option<Value>) -> Result<Triggers, ManifestError> {
    // Spin's schema has no default for `trigger`: an app must have one.
    let value = value.ok_or_else(|| invalid("manifest", "missing field `trigger`"))?;
    let Value::Table(table) = value else {
        return Err(invalid("[trigger]", "expected a table of trigger arrays"));
    };
    if let Some(kind) = table
        .keys()
        .find(|k| !matches!(k.as_str(), "http" | "redis"))
    {
        return Err(ManifestError::UnsupportedTriggerType(kind.clone()));
    }
    let mut triggers = Triggers::default();
    for (kind, entries) in table {
        let Value::Array(entries) = entries else {
            return Err(invalid(
                &format!("[trigger.{kind}]"),
                "expected an array of tables (`[[trigger.{kind}]]`)",
            ));
        };
        for (i, entry) in entries.into_iter().enumerate() {
            let label = format!("[[trigger.{kind}]] #{}", i + 1);
            let fail = |message: String| ManifestError::Trigger {
                trigger: label.clone(),
                message,
            };
            if kind == "http" {
                let t: HttpTriggerToml = from_value(entry).map_err(fail)?;
                reject_unsupported_trigger_fields(
                    t.components.is_some(),
                    t.static_response.is_some(),
                )
                .map_err(fail)?;
                let component = component_ref(t.component).map_err(fail)?;
                check_executor(t.executor).map_err(fail)?;
                let route = route(t.route, &component).map_err(fail)?;
                triggers.http.push(HttpTrigger {
                    id: non_empty(t.id),
                    component,
                    route,
                });
            } else {
                let t: RedisTriggerToml = from_value(entry).map_err(fail)?;
                reject_unsupported_trigger_fields(t.components.is_some(), false).map_err(fail)?;
                let component = component_ref(t.component).map_err(fail)?;
                triggers.redis.push(RedisTrigger {
                    id: non_empty(t.id),
                    channel: t.channel,
                    component,
                    address: t.address,
                });
            }
        }
    }
    Ok(triggers)
}

fn non_empty(id: Option<String>) -> Option<String> {
    id.filter(|s| !s.is_empty())
}

fn reject_unsupported_trigger_fields(
    components: bool,
    static_response: bool,
) -> Result<(), String> {
    if components {
        return Err("field `components` is not supported by redshop".into());
    }
    if static_response {
        return Err("field `static_response` is not supported by redshop".into());
    }
    Ok(())
}

fn component_ref(value: Option<Value>) -> Result<String, String> {
    match value {
        Some(Value::String(id)) => {
            ids::check_kebab(&id).map_err(|reason| format!("invalid component id `{id}`: {reason}"))?;
            Ok(id)
        }
        Some(Value::Table(_)) => Err("inline components (`component = { source = ... }`) are not supported by redshop; declare a `[component.<id>]` and reference it by id".into()),
        Some(_) => Err("field `component` must be a component id string".into()),
        None => Err("missing field `component`".into()),
    }
}

fn check_executor(value: Option<Value>) -> Result<(), String> {
    let Some(value) = value else {
        return Ok(());
    };
    let Value::Table(mut table) = value else {
        return Err("field `executor` must be a table like `{ type = \"spin\" }`".into());
    };
    let kind = match table.remove("type") {
        Some(Value::String(kind)) => kind,
        Some(_) => return Err("executor `type` must be a string".into()),
        None => return Err("executor: missing field `type`".into()),
    };
    match kind.as_str() {
        "spin" | "http" => match table.keys().next() {
            Some(key) => Err(format!("executor: unknown field `{key}`")),
            None => Ok(()),
        },
        "wagi" => Err("executor type `wagi` is not supported by redshop".into()),
        other => Err(format!(
            "executor: unknown variant `{other}`, expected `spin`, `http` or `wagi`"
        )),
    }
}

fn route(value: Value, component: &str) -> Result<HttpRoute, String> {
    #[derive(Deserialize)]
    #[serde(deny_unknown_fields)]
    struct Private {
        /// Must be `true`.
        private: bool,
    }
    match value {
        Value::String(route) => Ok(HttpRoute::Path(route)),
        Value::Table(_) => match from_value::<Private>(value)? {
            Private { private: true } => Ok(HttpRoute::Private),
            // crates/routes/src/lib.rs, `Router::build`.
            Private { private: false } => Err(format!(
                "route must be a string pattern or '{{ private = true }}': '{component}' has {{ private = false }}"
            )),
        },
        _ => Err("route must be a string pattern or '{ private = true }'".into()),
    }
}

fn parse_components(value: Option<Value>) -> Result<BTreeMap<String, Component>, ManifestError> {
    let Some(value) = value else {
        return Ok(BTreeMap::new());
    };
    let Value::Table(table) = value else {
        return Err(invalid("[component]", "expected a table of components"));
    };
    let mut components = BTreeMap::new();
    for (id, value) in table {
        ids::check_kebab(&id).map_err(|reason| ManifestError::InvalidComponentId {
            id: id.clone(),
            reason,
        })?;
        let component = parse_component(&id, value)?;
        components.insert(id, component);
    }
    Ok(components)
}

fn parse_component(id: &str, value: Value) -> Result<Component, ManifestError> {
    let fail = |message: String| ManifestError::Component {
        component: id.to_owned(),
        message,
    };
    let Value::Table(table) = &value else {
        return Err(fail("expected a table".into()));
    };
    for (field, hint) in UNSUPPORTED_COMPONENT_FIELDS {
        if table.contains_key(field) {
            return Err(ManifestError::UnsupportedField {
                component: id.to_owned(),
                field: field.to_owned(),
                hint: hint.to_owned(),
            });
        }
    }
    if let Some(Value::Table(source)) = table.get("source") {
        let kind = if source.contains_key("url") {
            "url"
        } else {
            "registry"
        };
        return Err(ManifestError::UnsupportedSource {
            component: id.to_owned(),
            kind,
        });
    }
    let component: Component = from_value(value).map_err(fail)?;
    for label in &component.key_value_stores {
        ids::check_store_label(label).map_err(|reason| {
            fail(format!(
                "field `key_value_stores`: invalid label {label:?}: {reason}"
            ))
        })?;
    }
    for label in &component.sqlite_databases {
        ids::check_store_label(label).map_err(|reason| {
            fail(format!(
                "field `sqlite_databases`: invalid label {label:?}: {reason}"
            ))
        })?;
    }
    for name in component.variables.keys() {
        ids::check_variable_name(name).map_err(|reason| {
            fail(format!(
                "field `variables`: invalid variable name `{name}`: {reason}"
            ))
        })?;
    }
    Ok(component)
}
