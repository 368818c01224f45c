//! The application as the host runs it: `spin.toml`, `runtime-config.toml`, `redshop.toml`
//! and the environment, parsed once at start-up into compiled, pre-instantiated
//! components, a router, and resolved per-component settings.
//!
//! Everything that can be checked before the first request is checked here, with an error
//! that names the component and the field: unknown fields, missing required variables,
//! malformed allow-lists, chaining to a component this process does not run. Nothing on
//! the request path re-reads or re-resolves configuration.

use std::collections::{HashMap, HashSet};
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, Instant};

use anyhow::Context as _;
use redshop_spin::host_config::HostConfig;
use redshop_spin::manifest::{HttpRoute, Manifest};
use redshop_spin::outbound::AllowedHosts;
use redshop_spin::routes::Router;
use redshop_spin::runtime_config::RuntimeConfig;
use redshop_spin::template::Template;
use wasmtime::Engine;
use wasmtime::component::Linker;
use wasmtime_wasi_http::p2::bindings::ProxyPre;

use crate::bindings::redis_trigger::RedisTriggerPre;
use crate::engine::{CompileCache, build_engine, start_epoch_ticker};
use crate::key_value::KvBackends;
use crate::metrics::{ComponentMetrics, Metrics};
use crate::outbound_redis::RedisClients;
use crate::postgres::{PgPools, PgTls};
use crate::runtime::InstanceState;
use crate::services::Services;
use crate::sockets::SocketPolicy;
use crate::sqlite::SqliteDatabases;
use crate::variables::resolve_application;
use redshop_spin::host_config_services::RedisTriggerConfig;

pub mod capacity;
mod resolve;

pub use resolve::RedisSubscription;
use resolve::{
    check_chaining_targets, redis_subscriptions, select_components, variables_providers,
};

/// A component cap when neither `runtime-config.toml` nor `redshop.toml` sets one. Spin's
/// default is the wasm32 maximum (4 GiB), which lets one bad request take the machine;
/// 256 MiB is ten times what the shop's services use under load.
pub const DEFAULT_MAX_INSTANCE_MEMORY: u64 = 256 * 1024 * 1024;

/// How to load the app: what `redshop up`'s flags say.
#[derive(Debug, Clone, Default)]
pub struct LoadOptions {
    /// `spin.toml`.
    pub manifest: PathBuf,
    /// `runtime-config.toml`, if any.
    pub runtime_config: Option<PathBuf>,
    /// `redshop.toml`; defaults to the one beside the manifest, if present.
    pub host_config: Option<PathBuf>,
    /// `--env KEY=VALUE`: environment variables for every component.
    pub env: Vec<(String, String)>,
    /// `--component-id`: run only these (empty = all).
    pub component_ids: Vec<String>,
    /// Where compiled code is cached (overrides `redshop.toml`); `None` = config default.
    pub cache_dir: Option<PathBuf>,
    /// Turn the compilation cache off.
    pub no_cache: bool,
}

/// Limits that apply to every request.
#[derive(Debug, Clone)]
pub struct Limits {
    /// Per-request deadline; past it the client gets a 504.
    pub request_timeout: Duration,
    /// Cap on each instance's linear memory, in bytes.
    pub max_instance_memory: usize,
    /// Largest request body accepted; larger gets a 413.
    pub max_request_body_bytes: u64,
    /// How long shutdown waits for in-flight requests.
    pub drain_timeout: Duration,
    /// Requests from outside handled at once; more wait up to `queue_timeout`, then 503.
    pub max_concurrent_requests: usize,
    /// Requests waiting for a slot at most; one more is refused at once.
    pub max_queued_requests: usize,
    /// How long a request past `max_concurrent_requests` waits for a slot.
    pub queue_timeout: Duration,
}

/// One component, ready to serve.
pub struct ComponentRuntime {
    /// The component id from the manifest.
    pub id: Arc<str>,
    /// Compiled and linked, waiting only for a store; `None` if it serves no HTTP.
    pub pre: Option<ProxyPre<InstanceState>>,
    /// The same for the Redis trigger's export; `None` if it handles no messages.
    pub redis_pre: Option<RedisTriggerPre<InstanceState>>,
    /// The key-value labels it may open.
    pub key_value_stores: HashSet<String>,
    /// The SQLite database labels it may open.
    pub sqlite_databases: HashSet<String>,
    /// Its `allowed_outbound_hosts`, templates rendered.
    pub outbound: AllowedHosts,
    /// Its `[component.x.variables]`, rendered.
    pub variables: HashMap<String, String>,
    /// Its environment: `environment` plus `--env`.
    pub env: Vec<(String, String)>,
    /// Its `files`, staged read-only, mounted at `/`.
    pub files_dir: Option<PathBuf>,
    /// Its counters.
    pub metrics: ComponentMetrics,
    /// What its `allowed_outbound_hosts` grants `wasi:sockets`.
    pub sockets: Arc<SocketPolicy>,
}

/// The running application.
pub struct App {
    /// `[application] name`.
    pub name: String,
    /// `[application] version`, if set.
    pub version: Option<String>,
    /// The engine every component was compiled for.
    pub engine: Engine,
    /// Running components by id.
    pub components: HashMap<String, Arc<ComponentRuntime>>,
    /// Public routes of running components.
    pub router: Router,
    /// Request limits.
    pub limits: Limits,
    /// App-wide counters.
    pub metrics: Metrics,
    /// Connections to Postgres, Redis and key-value backends.
    pub services: Arc<Services>,
    /// Redis subscriptions to start: `(address, channel, component ids)`.
    pub redis_subscriptions: Vec<RedisSubscription>,
    /// `[redis_trigger]` settings.
    pub redis_trigger: RedisTriggerConfig,
    /// How long start-up took, and how many components came from the cache.
    pub startup: StartupReport,
    request_counter: AtomicU64,
    boot_id: u32,
}

/// What start-up did, for the log and the benchmark.
#[derive(Debug, Clone, Default)]
pub struct StartupReport {
    /// Wall time from reading the manifest to ready.
    pub elapsed: Duration,
    /// Distinct component files loaded from the compilation cache.
    pub cached: usize,
    /// Distinct component files compiled now.
    pub compiled: usize,
}

impl App {
    /// Load and check everything; compile and pre-instantiate the components.
    pub fn load(opts: &LoadOptions) -> anyhow::Result<Arc<App>> {
        let start = Instant::now();
        let manifest = Manifest::from_file(&opts.manifest)
            .with_context(|| format!("loading {}", opts.manifest.display()))?;
        let base = opts
            .manifest
            .parent()
            .map(Path::to_path_buf)
            .unwrap_or_default();
        let runtime_config = match &opts.runtime_config {
            Some(path) => RuntimeConfig::from_file(path)
                .with_context(|| format!("loading {}", path.display()))?,
            None => RuntimeConfig::default(),
        };
        let host_config_path = opts.host_config.clone().or_else(|| {
            let beside = base.join("redshop.toml");
            beside.is_file().then_some(beside)
        });
        let host_config = match &host_config_path {
            Some(path) => HostConfig::from_file(path)
                .with_context(|| format!("loading {}", path.display()))?,
            None => HostConfig::default(),
        };

        let selected = select_components(&manifest, &opts.component_ids)?;
        check_chaining_targets(&manifest, &selected)?;

        let providers = variables_providers(&runtime_config, &base)?;
        let app_values = resolve_application(&manifest.variables, &providers)?;

        let max_instance_memory = runtime_config
            .max_instance_memory
            .unwrap_or(DEFAULT_MAX_INSTANCE_MEMORY);
        let engine = build_engine(&host_config.pooling, max_instance_memory)?;
        start_epoch_ticker(&engine);
        let mut linker = Linker::<InstanceState>::new(&engine);
        wasmtime_wasi::p2::add_to_linker_async(&mut linker)?;
        crate::sockets::add_to_linker(&mut linker)?;
        wasmtime_wasi_http::p2::add_only_http_to_linker_async(&mut linker)?;
        crate::variables::add_to_linker(&mut linker)?;
        crate::postgres::add_to_linker(&mut linker)?;
        crate::outbound_redis::add_to_linker(&mut linker)?;
        crate::key_value::add_to_linker(&mut linker)?;
        crate::sqlite::add_to_linker(&mut linker)?;
        crate::mqtt::add_to_linker(&mut linker)?;

        let runtime_config_dir = opts
            .runtime_config
            .as_deref()
            .and_then(Path::parent)
            .map(Path::to_path_buf)
            .unwrap_or_else(|| base.clone());
        let state_dir = runtime_config.resolved_state_dir(&base);
        let kv =
            KvBackends::from_config(&runtime_config, &runtime_config_dir, state_dir.as_deref())?;
        let sqlite = SqliteDatabases::from_config(
            &runtime_config,
            &runtime_config_dir,
            state_dir.as_deref(),
        )?;
        let pg_tls = PgTls::from_runtime_config(&runtime_config.client_tls, &runtime_config_dir)?;
        let http_components: HashSet<&str> = manifest
            .triggers
            .http
            .iter()
            .filter(|t| selected.contains(&t.component))
            .map(|t| t.component.as_str())
            .collect();
        let redis_subscriptions = redis_subscriptions(&manifest, &selected, &app_values)?;
        let redis_components: HashSet<&str> = redis_subscriptions
            .iter()
            .flat_map(|s| s.components.iter().map(String::as_str))
            .collect();

        let cache_dir = if opts.no_cache {
            None
        } else {
            Some(
                opts.cache_dir
                    .clone()
                    .unwrap_or_else(|| base.join(&host_config.cache.dir)),
            )
        };
        let cache = CompileCache::new(cache_dir);
        let files_root = state_dir
            .clone()
            .unwrap_or_else(|| base.join(".spin"))
            .join("redshop");
        let mut report = StartupReport::default();
        let mut components = HashMap::new();
        // Several ids may share one source file; each file is loaded once.
        let mut loaded: HashMap<PathBuf, wasmtime::component::Component> = HashMap::new();
        for id in &selected {
            let spec = &manifest.components[id];
            let source = base.join(&spec.source);
            let component = match loaded.get(&source) {
                Some(component) => component.clone(),
                None => {
                    let wasm = std::fs::read(&source).with_context(|| {
                        format!("component `{id}`: cannot read source {}", source.display())
                    })?;
                    let (component, cached) = cache.load(&engine, &wasm).with_context(|| {
                        format!("component `{id}`: cannot compile {}", source.display())
                    })?;
                    if cached {
                        report.cached += 1
                    } else {
                        report.compiled += 1
                    }
                    loaded.insert(source.clone(), component.clone());
                    component
                }
            };
            let instance_pre = linker
                .instantiate_pre(&component)
                .map_err(anyhow::Error::from)
                .with_context(|| {
                    format!("component `{id}`: imports something redshop does not provide")
                })?;
            let pre = if http_components.contains(id.as_str()) {
                Some(
                    ProxyPre::new(instance_pre.clone())
                        .map_err(anyhow::Error::from)
                        .with_context(|| {
                            format!("component `{id}`: does not export wasi:http/incoming-handler")
                        })?,
                )
            } else {
                None
            };
            let redis_pre = if redis_components.contains(id.as_str()) {
                Some(
                    RedisTriggerPre::new(instance_pre)
                        .map_err(anyhow::Error::from)
                        .with_context(|| {
                            format!("component `{id}`: does not export fermyon:spin/inbound-redis")
                        })?,
                )
            } else {
                None
            };
            kv.check_labels(id, &spec.key_value_stores)?;
            sqlite.check_labels(id, &spec.sqlite_databases)?;

            let lookup = |name: &str| app_values.get(name).cloned();
            let mut variables = HashMap::new();
            for (key, template) in &spec.variables {
                let value = Template::parse(template)
                    .and_then(|t| t.render(lookup))
                    .with_context(|| format!("component `{id}`: variable `{key}`"))?;
                variables.insert(key.clone(), value);
            }
            let hosts = spec
                .allowed_outbound_hosts
                .iter()
                .map(|h| Template::parse(h).and_then(|t| t.render(lookup)))
                .collect::<Result<Vec<_>, _>>()
                .with_context(|| format!("component `{id}`: field `allowed_outbound_hosts`"))?;
            let outbound = AllowedHosts::parse(&hosts)
                .with_context(|| format!("component `{id}`: field `allowed_outbound_hosts`"))?;
            let mut env: Vec<(String, String)> = spec
                .environment
                .iter()
                .map(|(k, v)| (k.clone(), v.clone()))
                .collect();
            env.extend(opts.env.iter().cloned());
            let files_dir = crate::app_files::stage(id, spec, &base, &files_root)?;
            let component_id: Arc<str> = id.as_str().into();
            let sockets = SocketPolicy::new(&component_id, &outbound);

            components.insert(
                id.clone(),
                Arc::new(ComponentRuntime {
                    id: component_id,
                    pre,
                    redis_pre,
                    key_value_stores: spec.key_value_stores.iter().cloned().collect(),
                    sqlite_databases: spec.sqlite_databases.iter().cloned().collect(),
                    outbound,
                    variables,
                    env,
                    files_dir,
                    metrics: ComponentMetrics::default(),
                    sockets,
                }),
            );
        }

        let routes = manifest
            .triggers
            .http
            .iter()
            .filter_map(|t| match &t.route {
                HttpRoute::Path(route) if selected.contains(&t.component) => {
                    Some((route.clone(), t.component.clone()))
                }
                _ => None,
            });
        let router = Router::build(routes).context("building the HTTP router")?;

        let limits = &host_config.limits;
        // Admission: as many outside requests as the pool can serve whole longest chains
        // for, next to the Redis trigger's messages (`capacity`).
        let public: HashSet<String> = manifest
            .triggers
            .http
            .iter()
            .filter(|t| matches!(t.route, HttpRoute::Path(_)))
            .map(|t| t.component.clone())
            .collect();
        let nodes: Vec<capacity::Node<'_>> = components
            .values()
            .map(|c| capacity::Node {
                id: &c.id[..],
                outbound: &c.outbound,
                public: public.contains(&*c.id),
                http: c.pre.is_some(),
            })
            .collect();
        let configured = usize::try_from(limits.max_concurrent_requests).unwrap_or(usize::MAX);
        let capacity = capacity::plan(
            configured,
            usize::try_from(host_config.pooling.total_component_instances).unwrap_or(0),
            capacity::longest_chain(&nodes),
            redis_subscriptions.len() * crate::trigger::redis::MAX_IN_FLIGHT,
        )
        .map_err(anyhow::Error::msg)?;
        drop(nodes);
        if capacity.admitted < configured {
            tracing::warn!(
                configured = limits.max_concurrent_requests,
                admitted = capacity.admitted,
                longest_chain = capacity.longest_chain,
                "[limits] max_concurrent_requests lowered to what [pooling] can serve"
            );
        }
        // The database addresses the components are configured with: the Postgres budget
        // is split among them from the start (`postgres` module).
        let databases: std::collections::BTreeSet<&str> = components
            .values()
            .flat_map(|c| c.variables.values())
            .filter(|v| v.starts_with("postgres://") || v.starts_with("postgresql://"))
            .map(String::as_str)
            .collect();
        let expected_databases = databases.len();
        report.elapsed = start.elapsed();
        Ok(Arc::new(App {
            name: manifest.application.name.clone(),
            version: manifest.application.version.clone(),
            engine,
            components,
            router,
            limits: Limits {
                request_timeout: Duration::from_millis(limits.request_timeout_ms),
                max_instance_memory: usize::try_from(max_instance_memory).unwrap_or(usize::MAX),
                max_request_body_bytes: limits.max_request_body_bytes,
                drain_timeout: Duration::from_millis(limits.drain_timeout_ms),
                max_concurrent_requests: capacity.admitted,
                max_queued_requests: usize::try_from(limits.max_queued_requests)
                    .unwrap_or(usize::MAX),
                queue_timeout: Duration::from_millis(limits.queue_timeout_ms),
            },
            metrics: Metrics::default(),
            services: Arc::new(Services {
                pg: PgPools::new(
                    host_config.postgres.clone(),
                    pg_tls,
                    expected_databases,
                    Duration::from_millis(limits.request_timeout_ms),
                ),
                redis: RedisClients::new(host_config.redis.clone()),
                kv,
                sqlite,
            }),
            redis_subscriptions,
            redis_trigger: host_config.redis_trigger.clone(),
            startup: report,
            request_counter: AtomicU64::new(0),
            boot_id: boot_id(),
        }))
    }

    /// A fresh id for log lines about one request.
    pub fn next_request_id(&self) -> Arc<str> {
        let n = self.request_counter.fetch_add(1, Ordering::Relaxed);
        format!("{:08x}{:08x}", self.boot_id, n).into()
    }
}

fn boot_id() -> u32 {
    let nanos = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.subsec_nanos() ^ (d.as_secs() as u32))
        .unwrap_or_default();
    nanos ^ std::process::id().rotate_left(16)
}
