//! `redshop`'s command line. `up` takes the flags `spin up` takes, with the same names,
//! so scripts and muscle memory carry over; the additions are about operating the host.

use std::net::SocketAddr;
use std::path::PathBuf;

use clap::{Parser, Subcommand, ValueEnum};

/// A Spin-compatible runtime for Red Shopping.
#[derive(Debug, Parser)]
#[command(name = "redshop", version, about, long_about = None)]
pub struct Cli {
    /// What to do.
    #[command(subcommand)]
    pub command: Command,
}

/// Subcommands.
#[derive(Debug, Subcommand)]
pub enum Command {
    /// Run a Spin application: its HTTP triggers on one listener, as `spin up` does.
    Up(UpArgs),
}

/// Log line format.
#[derive(Debug, Clone, Copy, ValueEnum, PartialEq, Eq)]
pub enum LogFormat {
    /// Human-readable lines.
    Text,
    /// One JSON object per line, for log shippers.
    Json,
}

/// Flags of `redshop up`.
#[derive(Debug, clap::Args)]
pub struct UpArgs {
    /// The application manifest.
    #[arg(short = 'f', long = "from", default_value = "spin.toml")]
    pub from: PathBuf,

    /// Spin's runtime configuration: key-value stores, variable providers,
    /// `max_instance_memory`. Only keys real Spin accepts are allowed.
    #[arg(long = "runtime-config-file")]
    pub runtime_config_file: Option<PathBuf>,

    /// The host's own settings (deadlines, pool sizes, cache). Defaults to `redshop.toml`
    /// beside the manifest when it exists.
    #[arg(long = "host-config")]
    pub host_config: Option<PathBuf>,

    /// Address of the app's HTTP listener.
    #[arg(long, default_value = "127.0.0.1:3000")]
    pub listen: SocketAddr,

    /// Set an environment variable for every component (repeatable), as `spin up -e`.
    #[arg(short = 'e', long = "env", value_parser = parse_env, value_name = "KEY=VALUE")]
    pub env: Vec<(String, String)>,

    /// Run only this component (repeatable), as Spin's selective deployment.
    #[arg(long = "component-id", value_name = "ID")]
    pub component_id: Vec<String>,

    /// Address of the operator listener (`/metrics`, `/healthz`, `/readyz`); off if unset.
    #[arg(long = "admin-listen")]
    pub admin_listen: Option<SocketAddr>,

    /// Where compiled components are cached (default from redshop.toml).
    #[arg(long = "cache-dir")]
    pub cache_dir: Option<PathBuf>,

    /// Compile every component afresh and cache nothing.
    #[arg(long = "no-cache")]
    pub no_cache: bool,

    /// Log format.
    #[arg(long = "log-format", value_enum, default_value = "text")]
    pub log_format: LogFormat,
}

fn parse_env(s: &str) -> Result<(String, String), String> {
    match s.split_once('=') {
        Some((k, v)) if !k.is_empty() => Ok((k.to_owned(), v.to_owned())),
        _ => Err(format!("expected KEY=VALUE, got `{s}`")),
    }
}

impl UpArgs {
    /// The load options these flags describe.
    pub fn load_options(&self) -> crate::app::LoadOptions {
        crate::app::LoadOptions {
            manifest: self.from.clone(),
            runtime_config: self.runtime_config_file.clone(),
            host_config: self.host_config.clone(),
            env: self.env.clone(),
            component_ids: self.component_id.clone(),
            cache_dir: self.cache_dir.clone(),
            no_cache: self.no_cache,
        }
    }
}
