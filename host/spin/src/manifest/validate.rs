//! Cross-references checked once the manifest is typed.
//!
//! Spin performs these while loading and starting an app (loader, expressions
//! resolver, HTTP and Redis triggers); redshop performs them at parse time so
//! a bad manifest never gets as far as compiling components.

use std::collections::BTreeMap;

use super::{Manifest, ManifestError, VariableDecl};
use crate::outbound::AllowedHosts;
use crate::routes::WELL_KNOWN_PREFIX;
use crate::template::Template;

/// Spin's name for the host requirement of a component that chains
/// (`spin_locked_app::locked::SERVICE_CHAINING_KEY`).
const SERVICE_CHAINING_REQUIREMENT: &str = "local_service_chaining";

/// Runs every check; returns the warnings Spin would print.
pub(super) fn validate(m: &Manifest) -> Result<Vec<String>, ManifestError> {
    let mut warnings = Vec::new();
    check_base(m, &mut warnings)?;
    check_triggers(m)?;
    for (id, component) in &m.components {
        let context = format!("component `{id}`");
        for (name, value) in &component.variables {
            check_template(&context, &format!("variables.{name}"), value, &m.variables)?;
        }
        check_allowed_hosts(id, &component.allowed_outbound_hosts, &m.variables)?;
    }
    let router = m.router()?;
    for dup in router.duplicates() {
        warnings.push(format!(
            "duplicate route, will never be used: {}: {} (duplicate of {})",
            dup.replaced_id, dup.route, dup.effective_id
        ));
    }
    if router.contains_reserved_route() {
        warnings.push(format!(
            "Routes under {WELL_KNOWN_PREFIX} are handled by the Spin runtime and will never be reached"
        ));
    }
    Ok(warnings)
}

/// crates/trigger-http/src/lib.rs, `validate_app`.
fn check_base(m: &Manifest, warnings: &mut Vec<String>) -> Result<(), ManifestError> {
    let Some(base) = m
        .application
        .trigger
        .http
        .as_ref()
        .and_then(|h| h.base.as_deref())
    else {
        return Ok(());
    };
    if base == "/" {
        warnings.push(
            "This application has the deprecated trigger 'base' set to the default value '/'. This may be an error in the future!".into(),
        );
        Ok(())
    } else {
        Err(ManifestError::Invalid {
            context: "[application.trigger.http]".into(),
            message: "This application is using the deprecated trigger 'base' field. The base must be prepended to each [[trigger.http]]'s 'route'.".into(),
        })
    }
}

fn check_triggers(m: &Manifest) -> Result<(), ManifestError> {
    let known = |trigger: String, component: &str| {
        if m.components.contains_key(component) {
            Ok(())
        } else {
            Err(ManifestError::UnknownComponent {
                trigger,
                component: component.to_owned(),
            })
        }
    };
    for (i, t) in m.triggers.http.iter().enumerate() {
        known(format!("[[trigger.http]] #{}", i + 1), &t.component)?;
    }
    let default_address = m.application.trigger.redis.as_ref().map(|r| &r.address);
    if let Some(address) = default_address {
        check_template(
            "[application.trigger.redis]",
            "address",
            address,
            &m.variables,
        )?;
    }
    for (i, t) in m.triggers.redis.iter().enumerate() {
        let label = format!("[[trigger.redis]] #{}", i + 1);
        known(label.clone(), &t.component)?;
        // Only the HTTP trigger supports service chaining (crates/locked-app/src/locked.rs,
        // `ensure_needs_only`): Spin refuses to start the Redis trigger otherwise.
        if AllowedHosts::requires_service_chaining(
            &m.components[&t.component].allowed_outbound_hosts,
        ) {
            return Err(ManifestError::UnmetHostRequirements {
                trigger_type: "redis".into(),
                requirements: SERVICE_CHAINING_REQUIREMENT.into(),
            });
        }
        check_template(&label, "channel", &t.channel, &m.variables)?;
        match &t.address {
            Some(address) => check_template(&label, "address", address, &m.variables).map(drop)?,
            None if default_address.is_none() => {
                return Err(ManifestError::Trigger {
                    trigger: label,
                    message:
                        "no `address`, and no default in `[application.trigger.redis] address`"
                            .into(),
                });
            }
            None => {}
        }
    }
    Ok(())
}

/// Parses a template and checks every reference is a declared variable.
fn check_template(
    context: &str,
    field: &str,
    text: &str,
    variables: &BTreeMap<String, VariableDecl>,
) -> Result<Template, ManifestError> {
    let template = Template::parse(text).map_err(|source| ManifestError::Template {
        context: context.to_owned(),
        field: field.to_owned(),
        source,
    })?;
    if let Some(undeclared) = template.variables().find(|v| !variables.contains_key(*v)) {
        return Err(ManifestError::UndeclaredVariable {
            context: context.to_owned(),
            field: field.to_owned(),
            variable: undeclared.to_owned(),
        });
    }
    Ok(template)
}

/// crates/outbound-networking-config, `AllowedHostsConfig::validate`: literal
/// entries must parse; templated ones must parse when rendered with defaults
/// (skipped if a variable has no default).
fn check_allowed_hosts(
    component: &str,
    entries: &[String],
    variables: &BTreeMap<String, VariableDecl>,
) -> Result<(), ManifestError> {
    let fail = |source| ManifestError::AllowedHosts {
        component: component.to_owned(),
        source,
    };
    if let [only] = entries
        && only == "insecure:allow-all"
    {
        return AllowedHosts::parse(entries).map(drop).map_err(fail);
    }
    let context = format!("component `{component}`");
    for entry in entries {
        let template = check_template(&context, "allowed_outbound_hosts", entry, variables)?;
        if template.is_literal() {
            AllowedHosts::check_entry(entry).map_err(fail)?;
        } else if let Ok(rendered) =
            template.render(|v| variables.get(v).and_then(|d| d.default.clone()))
        {
            AllowedHosts::check_entry(&rendered).map_err(|mut e| {
                e.reason = format!(
                    "using default variable value(s) with template {:?} results in invalid config: {}",
                    template.to_string(),
                    e.reason
                );
                fail(e)
            })?;
        }
    }
    Ok(())
}
