//! The whole shop for one test: the chosen components built from source and run by the
//! real `redshop` on the structure of the production `spin.toml`, behind the gateway on
//! `/api/v1`.
//!
//! Every [`Shop`] gets its own PostgreSQL database per service (created, migrated and
//! seeded with the same `dbctl` functions an operator runs), its own Redis key prefix, its
//! own event channel names and a fresh signing key, so shops in parallel tests never see
//! each other; all of it is removed when the `Shop` is dropped.
//!
//! ```no_run
//! use redshop_e2e::shop::Shop;
//! // The whole app, demo catalog loaded:
//! let shop = Shop::start();
//! // A subset (services still being written stay out; the gateway answers 503 for them):
//! let shop = Shop::builder().components(&["gateway", "product", "user"]).start();
//! let listing = shop.get("/products?limit=2");
//! assert_eq!(listing.status, 200);
//! let admin = shop.admin_token();
//! let stock = shop.send("GET", "/products/some-id/stock", Some(&admin), None);
//! ```
//!
//! Building the manifest: `spin.toml` is read, the components not chosen and their
//! triggers are dropped, the gateway's `allowed_outbound_hosts` keeps only the chosen
//! services (redshop refuses to start a component that chains to a missing one, as Spin
//! does), `source`s point at the built `.wasm` (or a replacement, e.g. a fixture that hangs),
//! and a service's Postgres address can go through a cuttable [`Relay`]. Variables are set
//! the way an operator would, through `SPIN_VARIABLE_*`.
//!
//! Tokens: [`Shop::mint`] signs an access token with the shop's key and writes its session
//! record to Redis exactly as the user service does (docs/contracts.md), so gateway tests
//! need no account. Without the user component, the shop also puts the JWKS in Redis
//! where the gateway looks first.
//!
//! Standalone: `cargo run -p redshop-e2e --bin shop-up -- [components…]` starts a shop on
//! a free port, prints `SHOP_URL=http://127.0.0.1:<port>` on stdout, and runs until it gets
//! SIGTERM or SIGINT (then removes its databases and keys). The storefront's browser tests
//! start it that way; `storefront` among the components serves `frontend/dist` too.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::time::Duration;

use redshop_dbctl::{SeedOptions, Service};
use redshop_testkit::services::{Relay, TestDb, TestKeys, redis_server, unique};
use redshop_testkit::{AppSpec, Runtime, TestApp, build_wasm, redshop_binary, workspace_dir};
use redshop_token::{AccessClaims, Jwks, Role, SessionRecord, SigningKeys};
use serde_json::Value;
use uuid::Uuid;

use crate::{block_on, pg_host_port};

/// Every component of the app, in `spin.toml` order.
pub const ALL: [&str; 6] = [
    "gateway",
    "storefront",
    "product",
    "user",
    "order",
    "notification",
];
/// The components with a database of their own.
pub const SERVICES: [&str; 4] = ["product", "user", "order", "notification"];
/// The public API's prefix.
pub const API: &str = "/api/v1";

/// What to start.
#[derive(Debug, Clone)]
pub struct ShopBuilder {
    components: Vec<String>,
    demo: bool,
    replaced: BTreeMap<String, PathBuf>,
    variables: Vec<(String, String)>,
    relayed: Vec<String>,
    redis_relayed: bool,
    host_config: Option<String>,
    spin: Option<PathBuf>,
    dotenv: bool,
}

/// A running shop.
pub struct Shop {
    pub app: TestApp,
    pub keys: TestKeys,
    /// The `jwt_signing_keys` value this shop's user service signs with.
    pub signing_keys: String,
    pub order_events_channel: String,
    pub user_events_channel: String,
    dbs: Vec<(String, TestDb)>,
    relays: Vec<(String, Relay)>,
    redis_relay: Option<Relay>,
}

/// A token [`Shop::mint`]ed for a user who needs no account.
#[derive(Debug, Clone)]
pub struct Minted {
    pub token: String,
    pub user_id: String,
    pub session_id: String,
}

/// An answer with its headers.
#[derive(Debug, Clone)]
pub struct Reply {
    pub status: u16,
    pub headers: Vec<(String, String)>,
    pub text: String,
    /// The body as JSON; `Null` when empty or not JSON.
    pub json: Value,
}

impl Reply {
    /// The first value of header `name` (any case).
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(k, _)| k.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }
}

impl Default for ShopBuilder {
    fn default() -> Self {
        Self {
            components: ["gateway", "product", "user", "order", "notification"]
                .map(String::from)
                .to_vec(),
            demo: true,
            replaced: BTreeMap::new(),
            variables: Vec::new(),
            relayed: Vec::new(),
            redis_relayed: false,
            host_config: None,
            spin: None,
            dotenv: false,
        }
    }
}

impl ShopBuilder {
    /// Only these components (the gateway is always added).
    pub fn components(mut self, ids: &[&str]) -> Self {
        self.components = ids.iter().map(|s| (*s).to_owned()).collect();
        if !self.components.iter().any(|c| c == "gateway") {
            self.components.insert(0, "gateway".into());
        }
        self
    }

    /// Migrated databases without the demo catalog.
    pub fn empty(mut self) -> Self {
        self.demo = false;
        self
    }

    /// Runs `wasm` in place of component `id` (kept in the manifest, not built).
    pub fn replace(mut self, id: &str, wasm: PathBuf) -> Self {
        self.replaced.insert(id.to_owned(), wasm);
        self
    }

    /// Sets application variable `name` (as `SPIN_VARIABLE_<NAME>`).
    pub fn variable(mut self, name: &str, value: &str) -> Self {
        self.variables.push((name.to_owned(), value.to_owned()));
        self
    }

    /// Service `id` reaches PostgreSQL through a relay a test can cut ([`Shop::relay`]).
    pub fn relay_database(mut self, id: &str) -> Self {
        self.relayed.push(id.to_owned());
        self
    }

    /// The components reach Redis through a relay a test can cut ([`Shop::redis_relay`]);
    /// the Redis trigger and the test's own connections go to Redis directly.
    pub fn relay_redis(mut self) -> Self {
        self.redis_relayed = true;
        self
    }

    /// Runs the host with this `redshop.toml` instead of the repository's.
    pub fn host_config(mut self, toml: &str) -> Self {
        self.host_config = Some(toml.to_owned());
        self
    }

    /// Runs the shop on real Spin (this `spin` binary, see `redshop_testkit::spin_binary`)
    /// instead of redshop: same manifest, runtime config, variables and databases.
    pub fn on_spin(mut self, spin: PathBuf) -> Self {
        self.spin = Some(spin);
        self
    }

    /// The signing key comes the way `make up` provides it: `scripts/keys.sh` writes it to
    /// `.env` in the app directory, and no `SPIN_VARIABLE_JWT_SIGNING_KEYS` is set.
    pub fn signing_key_from_env_file(mut self) -> Self {
        self.dotenv = true;
        self
    }

    pub fn start(self) -> Shop {
        Shop::launch(self)
    }
}

impl Shop {
    pub fn builder() -> ShopBuilder {
        ShopBuilder::default()
    }

    /// The gateway and every service, with the demo catalog.
    pub fn start() -> Shop {
        Self::builder().start()
    }

    fn launch(b: ShopBuilder) -> Shop {
        let to_build: Vec<&str> = b
            .components
            .iter()
            .filter(|c| !b.replaced.contains_key(*c))
            .map(String::as_str)
            .collect();
        let built = build_wasm(&to_build);
        let keys = TestKeys::new();
        let dotenv = b.dotenv.then(env_file_from_keys_script);
        let signing_keys = match &dotenv {
            Some(text) => text
                .lines()
                .find_map(|l| l.strip_prefix("SPIN_VARIABLE_JWT_SIGNING_KEYS="))
                .expect("keys.sh wrote the signing key")
                .to_owned(),
            None => new_signing_key(),
        };
        let order_events_channel = unique("redshop_test_order_events");
        let user_events_channel = unique("redshop_test_user_events");
        let mut env = vec![
            ("REDIS_PREFIX".to_owned(), format!("{}:", keys.prefix)),
            (
                "ORDER_EVENTS_CHANNEL".to_owned(),
                order_events_channel.clone(),
            ),
            (
                "USER_EVENTS_CHANNEL".to_owned(),
                user_events_channel.clone(),
            ),
        ];
        let redis_relay = b.redis_relayed.then(|| {
            Relay::start(
                redis_server()
                    .trim_start_matches("redis://")
                    .trim_end_matches('/'),
            )
        });
        let components_redis = match &redis_relay {
            Some(relay) => format!("redis://{}", relay.addr()),
            None => redis_server().trim_end_matches('/').to_owned(),
        };
        env.push(("REDIS_URL".to_owned(), components_redis.clone()));
        let mut dbs = Vec::new();
        let mut relays = Vec::new();
        for service in SERVICES
            .iter()
            .filter(|s| b.components.iter().any(|c| c == *s))
        {
            let db = TestDb::create();
            let host = if b.relayed.iter().any(|r| r == service) {
                let relay = Relay::start(&pg_host_port());
                let addr = relay.addr();
                relays.push(((*service).to_owned(), relay));
                addr
            } else {
                pg_host_port()
            };
            prepare(&db, service, b.demo);
            env.push((
                format!("{}_DB_URL", service.to_uppercase()),
                plain(db.address(&host)),
            ));
            dbs.push(((*service).to_owned(), db));
        }
        if dotenv.is_none() {
            env.push(("JWT_SIGNING_KEYS".to_owned(), signing_keys.clone()));
        }
        env.extend(b.variables.iter().cloned());
        let manifest = manifest(&b, &built, &relays, &components_redis);
        let mut spec = match &b.spin {
            Some(spin) => {
                let mut spec = AppSpec::new(spin.clone(), manifest);
                spec.runtime = Runtime::Spin;
                spec
            }
            None => AppSpec::new(redshop_binary(), manifest),
        };
        let runtime_config = std::fs::read_to_string(workspace_dir().join("runtime-config.toml"))
            .expect("read runtime-config.toml");
        spec.runtime_config = Some(&runtime_config);
        if let Some(text) = dotenv {
            spec.files.push((".env".to_owned(), text));
        }
        // `files` mounts stay relative and inside the app directory, as Spin requires: the
        // built web shop is copied there.
        if b.components.iter().any(|c| c == "storefront") {
            spec.copies.push((
                workspace_dir().join("frontend/dist"),
                "frontend/dist".to_owned(),
            ));
        }
        spec.env = env
            .into_iter()
            .map(|(k, v)| (format!("SPIN_VARIABLE_{}", k.to_uppercase()), v))
            .collect();
        let host_config = b
            .host_config
            .clone()
            .or_else(|| std::fs::read_to_string(workspace_dir().join("redshop.toml")).ok());
        spec.host_config = host_config.as_deref();
        let app = TestApp::start(spec);
        let shop = Shop {
            app,
            keys,
            signing_keys,
            order_events_channel,
            user_events_channel,
            dbs,
            relays,
            redis_relay,
        };
        if !b.components.iter().any(|c| c == "user") || b.replaced.contains_key("user") {
            shop.put_jwks();
        }
        shop.wait_until_subscribed(&b);
        shop
    }

    /// Waits until the event consumers among the components have subscribed to their
    /// channels, so an event published by the first request has a receiver.
    fn wait_until_subscribed(&self, b: &ShopBuilder) {
        let has = |service: &str| {
            b.components.iter().any(|c| c == service) && !b.replaced.contains_key(service)
        };
        let mut channels = Vec::new();
        if has("notification") {
            channels.extend([&self.order_events_channel, &self.user_events_channel]);
        }
        if has("order") {
            channels.push(&self.user_events_channel);
        }
        if channels.is_empty() {
            return;
        }
        let deadline = std::time::Instant::now() + Duration::from_secs(60);
        loop {
            let mut cmd = redis::cmd("PUBSUB");
            cmd.arg("NUMSUB");
            for c in &channels {
                cmd.arg(c.as_str());
            }
            let counts: Vec<(String, i64)> = cmd.query(&mut self.keys.conn()).expect("NUMSUB");
            if counts.iter().all(|(_, n)| *n >= 1) {
                return;
            }
            assert!(
                std::time::Instant::now() < deadline,
                "the event consumers never subscribed ({counts:?}):\n{}",
                self.app.logs()
            );
            std::thread::sleep(Duration::from_millis(50));
        }
    }

    /// The app's base URL (`http://127.0.0.1:<port>`).
    pub fn base(&self) -> &str {
        &self.app.base
    }

    /// The full URL of a public API path (`/products` → `…/api/v1/products`).
    pub fn api(&self, path: &str) -> String {
        self.app.url(&format!("{API}{path}"))
    }

    /// `GET` an API path anonymously.
    pub fn get(&self, path: &str) -> Reply {
        self.call("GET", &self.api(path), &[], None)
    }

    /// An API call with an optional bearer token and JSON body.
    pub fn send(
        &self,
        method: &str,
        path: &str,
        token: Option<&str>,
        body: Option<&Value>,
    ) -> Reply {
        let auth = token.map(|t| format!("Bearer {t}"));
        let mut headers: Vec<(&str, &str)> = Vec::new();
        if let Some(a) = &auth {
            headers.push(("authorization", a));
        }
        let body = body.map(Value::to_string);
        if body.is_some() {
            headers.push(("content-type", "application/json"));
        }
        self.call(method, &self.api(path), &headers, body.as_deref())
    }

    /// Any request to any URL, with exactly these headers.
    pub fn call(
        &self,
        method: &str,
        url: &str,
        headers: &[(&str, &str)],
        body: Option<&str>,
    ) -> Reply {
        let mut req = ureq::request(method, url).timeout(Duration::from_secs(60));
        for (k, v) in headers {
            req = req.set(k, v);
        }
        let result = match body {
            Some(b) => req.send_string(b),
            None => req.call(),
        };
        let resp = match result {
            Ok(r) | Err(ureq::Error::Status(_, r)) => r,
            Err(e) => panic!("{method} {url}: {e}"),
        };
        let status = resp.status();
        let headers = resp
            .headers_names()
            .into_iter()
            .flat_map(|name| {
                resp.all(&name)
                    .into_iter()
                    .map(|v| (name.clone(), v.to_owned()))
                    .collect::<Vec<_>>()
            })
            .collect();
        let text = resp.into_string().unwrap_or_default();
        let json = serde_json::from_str(&text).unwrap_or(Value::Null);
        Reply {
            status,
            headers,
            text,
            json,
        }
    }

    /// A token for a new user with `role`, its session written to Redis as the user service
    /// writes it.
    pub fn mint(&self, role: Role) -> Minted {
        let (user, session) = (Uuid::new_v4(), Uuid::new_v4());
        let claims = AccessClaims::new(user, role, session, 1, now_secs());
        self.write_session(&claims);
        Minted {
            token: self.sign(&claims),
            user_id: user.to_string(),
            session_id: session.to_string(),
        }
    }

    pub fn admin_token(&self) -> String {
        self.mint(Role::Admin).token
    }

    pub fn customer_token(&self) -> String {
        self.mint(Role::Customer).token
    }

    /// Signs any claims with the shop's key (for expired or wrong-audience tokens).
    pub fn sign(&self, claims: &AccessClaims) -> String {
        SigningKeys::parse(&self.signing_keys)
            .and_then(|k| k.sign(claims))
            .expect("sign test token")
    }

    /// Writes the session record that admits `claims`.
    pub fn write_session(&self, claims: &AccessClaims) {
        let record = SessionRecord {
            user_id: claims.sub,
            role: claims.role,
            version: claims.sv,
            user_agent: "shop-test".into(),
            created_ms: now_secs() * 1000,
            last_used_ms: now_secs() * 1000,
        };
        let key = redshop_token::session_key(&self.prefix(), claims.sid);
        let json = serde_json::to_string(&record).expect("session JSON");
        let _: () = redis::cmd("SET")
            .arg(key)
            .arg(json)
            .arg("EX")
            .arg(3600)
            .query(&mut self.keys.conn())
            .expect("write session");
    }

    /// Ends a session the way the user service revokes one: its key is deleted.
    pub fn revoke(&self, session_id: &str) {
        let key = format!("{}session:{session_id}", self.prefix());
        let _: () = redis::cmd("DEL")
            .arg(key)
            .query(&mut self.keys.conn())
            .expect("del");
    }

    /// The app's `redis_prefix`.
    pub fn prefix(&self) -> String {
        format!("{}:", self.keys.prefix)
    }

    /// The relay in front of `service`'s database (see [`ShopBuilder::relay_database`]).
    pub fn relay(&self, service: &str) -> &Relay {
        self.relays
            .iter()
            .find(|(s, _)| s == service)
            .map(|(_, r)| r)
            .unwrap_or_else(|| panic!("{service} has no relay"))
    }

    /// The relay between the components and Redis (see [`ShopBuilder::relay_redis`]).
    pub fn redis_relay(&self) -> &Relay {
        self.redis_relay
            .as_ref()
            .expect("started with relay_redis()")
    }

    /// `service`'s test database.
    pub fn db(&self, service: &str) -> &TestDb {
        self.dbs
            .iter()
            .find(|(s, _)| s == service)
            .map(|(_, d)| d)
            .unwrap_or_else(|| panic!("{service} has no database"))
    }

    /// Bumps `{p}catalog:version` as the order service does after a reservation.
    pub fn bump_catalog_version(&self) {
        let _: i64 = redis::cmd("INCR")
            .arg(format!("{}catalog:version", self.prefix()))
            .query(&mut self.keys.conn())
            .expect("incr");
    }

    fn put_jwks(&self) {
        let jwks: Jwks = SigningKeys::parse(&self.signing_keys).expect("keys").jwks();
        let _: () = redis::cmd("SET")
            .arg(format!("{}jwks", self.prefix()))
            .arg(serde_json::to_string(&jwks).expect("jwks JSON"))
            .arg("EX")
            .arg(3600)
            .query(&mut self.keys.conn())
            .expect("write jwks");
    }
}

/// Creates the service's tables (and demo data) with dbctl; a service dbctl does not know
/// yet gets an empty database.
fn prepare(db: &TestDb, service: &str, demo: bool) {
    let Ok(svc) = service.parse::<Service>() else {
        return;
    };
    let url = plain(db.address(&pg_host_port()));
    block_on(redshop_dbctl::migrate(&url, svc)).expect("dbctl migrate");
    if demo {
        block_on(redshop_dbctl::seed(&url, svc, &SeedOptions::default())).expect("dbctl seed");
    }
}

/// A database address that asks for a plain connection (loopback PostgreSQL offers a
/// self-signed certificate), whether or not the testkit already added the option.
fn plain(address: String) -> String {
    if address.contains("sslmode=") {
        address
    } else if address.contains('?') {
        format!("{address}&sslmode=disable")
    } else {
        format!("{address}?sslmode=disable")
    }
}

/// What `scripts/keys.sh` (run by `make keys`) writes into a new `.env`.
fn env_file_from_keys_script() -> String {
    let dir = tempfile::tempdir().expect("tempdir");
    let file = dir.path().join(".env");
    let status = std::process::Command::new("bash")
        .arg(workspace_dir().join("scripts/keys.sh"))
        .arg(&file)
        .env_remove("SPIN_VARIABLE_JWT_SIGNING_KEYS")
        .status()
        .expect("run scripts/keys.sh");
    assert!(status.success(), "scripts/keys.sh failed");
    std::fs::read_to_string(&file).expect("read the .env keys.sh wrote")
}

/// A fresh `jwt_signing_keys` value: one key of 32 random bytes.
pub fn new_signing_key() -> String {
    let mut seed = Vec::with_capacity(32);
    seed.extend_from_slice(Uuid::new_v4().as_bytes());
    seed.extend_from_slice(Uuid::new_v4().as_bytes());
    use base64::Engine as _;
    let seed = base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(seed);
    format!("{}:{seed}", unique("k"))
}

pub fn now_secs() -> u64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_secs())
        .unwrap_or(0)
}

/// The production manifest cut down to the chosen components, pointed at the test's
/// servers and built files.
fn manifest(
    b: &ShopBuilder,
    built: &Path,
    relays: &[(String, Relay)],
    components_redis: &str,
) -> String {
    let text = std::fs::read_to_string(workspace_dir().join("spin.toml")).expect("read spin.toml");
    let mut doc: toml::Table = text.parse().expect("spin.toml is TOML");
    // An event consumer (`order-consumer`) runs its service's `.wasm` and comes with it,
    // unless that service is replaced by a fixture, which serves HTTP only.
    let chosen = |id: &str| {
        let service = service_of(id);
        b.components.iter().any(|c| c == service)
            && (service == id || !b.replaced.contains_key(service))
    };
    let pg = pg_host_port();
    let redis_addr = redis_server();
    let redis_host = redis_addr.trim_end_matches('/').to_owned();
    if let Some(toml::Value::Table(components)) = doc.get_mut("component") {
        components.retain(|id, _| chosen(id));
        for (id, component) in components.iter_mut() {
            let Some(c) = component.as_table_mut() else {
                continue;
            };
            let wasm = b.replaced.get(id).cloned().unwrap_or_else(|| {
                built.join(format!("{}.wasm", service_of(id).replace('-', "_")))
            });
            c.insert("source".into(), wasm.display().to_string().into());
            c.remove("build");
            let relay = relays.iter().find(|(s, _)| s == id).map(|(_, r)| r.addr());
            if let Some(toml::Value::Array(hosts)) = c.get_mut("allowed_outbound_hosts") {
                hosts.retain(
                    |h| match h.as_str().and_then(|h| h.strip_prefix("http://")) {
                        Some(internal) => chosen(internal.trim_end_matches(".spin.internal")),
                        None => true,
                    },
                );
                for h in hosts.iter_mut() {
                    let s = h.as_str().unwrap_or_default();
                    if s == "postgres://127.0.0.1:5432" {
                        *h = format!("postgres://{}", relay.clone().unwrap_or_else(|| pg.clone()))
                            .into();
                    } else if s == "redis://127.0.0.1:6379" {
                        *h = components_redis.into();
                    }
                }
            }
        }
    }
    if let Some(toml::Value::Table(triggers)) = doc.get_mut("trigger") {
        for (_, list) in triggers.iter_mut() {
            if let toml::Value::Array(items) = list {
                items.retain(|t| {
                    t.get("component")
                        .and_then(toml::Value::as_str)
                        .is_some_and(chosen)
                });
            }
        }
        triggers.retain(|_, list| list.as_array().is_some_and(|a| !a.is_empty()));
    }
    if let Some(redis) = doc
        .get_mut("application")
        .and_then(|a| a.get_mut("trigger"))
        .and_then(|t| t.get_mut("redis"))
        .and_then(toml::Value::as_table_mut)
    {
        redis.insert("address".into(), redis_host.clone().into());
    }
    toml::to_string(&doc).expect("manifest TOML")
}

/// The service a component belongs to: `order` for `order` and for its event consumer
/// `order-consumer` (spin.toml, "The event consumers").
pub fn service_of(id: &str) -> &str {
    id.strip_suffix("-consumer").unwrap_or(id)
}
