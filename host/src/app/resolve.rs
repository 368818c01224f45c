//! Start-up resolution that needs no engine: which components run, Spin's selective
//! deployment rule, Redis subscriptions, and the variable providers.

use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::path::Path;

use anyhow::{Context as _, bail};
use redshop_spin::manifest::Manifest;
use redshop_spin::runtime_config::{RuntimeConfig, VariablesProvider};
use redshop_spin::template::Template;

use crate::variables::EnvProvider;

/// One Redis subscription: a channel on a server, and the components its messages go to.
#[derive(Debug, Clone)]
pub struct RedisSubscription {
    /// The server, templates rendered (may hold a password: never log it as is).
    pub address: String,
    /// The channel, templates rendered.
    pub channel: String,
    /// Components invoked for each message.
    pub components: Vec<String>,
}

/// `[[trigger.redis]]` entries of running components, grouped by address and channel.
pub(super) fn redis_subscriptions(
    manifest: &Manifest,
    selected: &BTreeSet<String>,
    values: &HashMap<String, String>,
) -> anyhow::Result<Vec<RedisSubscription>> {
    let mut grouped: BTreeMap<(String, String), Vec<String>> = BTreeMap::new();
    for trigger in manifest
        .triggers
        .redis
        .iter()
        .filter(|t| selected.contains(&t.component))
    {
        let address = Template::parse(manifest.redis_address(trigger))
            .and_then(|t| t.render(|name| values.get(name).cloned()))
            .with_context(|| {
                format!(
                    "redis trigger for component `{}`: address",
                    trigger.component
                )
            })?;
        // Spin renders the channel like the address: `channel = "{{ events_channel }}"`.
        let channel = Template::parse(&trigger.channel)
            .and_then(|t| t.render(|name| values.get(name).cloned()))
            .with_context(|| {
                format!(
                    "redis trigger for component `{}`: channel",
                    trigger.component
                )
            })?;
        grouped
            .entry((address, channel))
            .or_default()
            .push(trigger.component.clone());
    }
    Ok(grouped
        .into_iter()
        .map(|((address, channel), components)| RedisSubscription {
            address,
            channel,
            components,
        })
        .collect())
}

/// The components to run: all, or those named by `--component-id` (each must exist).
pub(super) fn select_components(
    manifest: &Manifest,
    ids: &[String],
) -> anyhow::Result<BTreeSet<String>> {
    if ids.is_empty() {
        return Ok(manifest.components.keys().cloned().collect());
    }
    for id in ids {
        if !manifest.components.contains_key(id) {
            bail!("--component-id `{id}`: no such component in the manifest");
        }
    }
    Ok(ids.iter().cloned().collect())
}

/// Spin's selective-deployment rule: a running component may not chain to one that is
/// not running here, and may not use wildcard chaining at all.
pub(super) fn check_chaining_targets(
    manifest: &Manifest,
    selected: &BTreeSet<String>,
) -> anyhow::Result<()> {
    if selected.len() == manifest.components.len() {
        return Ok(());
    }
    for id in selected {
        for entry in &manifest.components[id].allowed_outbound_hosts {
            // Spin reads each entry as a URL; templated and wildcard-scheme entries are skipped.
            let Some(host) = entry
                .strip_prefix("http://")
                .map(|rest| rest.split(['/', ':']).next().unwrap_or(rest))
            else {
                continue;
            };
            let Some(target) = redshop_spin::outbound::service_chaining_target(host) else {
                continue;
            };
            if target == "*" {
                bail!(
                    "selected component `{id}` cannot use wildcard service chaining: allowed_outbound_hosts = [\"{entry}\"]"
                );
            }
            if !selected.contains(target) {
                bail!(
                    "selected component `{id}` cannot use service chaining to unselected component `{target}`: allowed_outbound_hosts = [\"{entry}\"]"
                );
            }
        }
    }
    Ok(())
}

/// Spin's provider order: each `[[variables_provider]]` in file order, then the default
/// env provider (`SPIN_VARIABLE_*`, and `.env` in the working directory, as Spin reads it).
pub(super) fn variables_providers(
    runtime_config: &RuntimeConfig,
    base: &Path,
) -> anyhow::Result<Vec<EnvProvider>> {
    let mut providers = Vec::new();
    for provider in &runtime_config.variables_providers {
        match provider {
            VariablesProvider::Env(env) => {
                let dotenv = env.dotenv_path.as_ref().map(|p| base.join(p));
                providers.push(EnvProvider::new(env.prefix.as_deref(), dotenv.as_deref())?);
            }
            other => bail!(
                "runtime config: variables_provider {other:?} is not supported by redshop (use type = \"env\")"
            ),
        }
    }
    providers.push(EnvProvider::new(None, Some(Path::new(".env")))?);
    Ok(providers)
}
