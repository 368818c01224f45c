//! A running order service for one test: the order component mounted publicly at `/order`
//! (as the gateway would reach it, identity headers sent directly), the product component
//! both chained to and mounted at `/product` for setting up the catalog, each with its own
//! fresh database, a Redis key prefix and event channels of the test's own, and — unless the
//! test runs the real user component — a stand-in customer directory for the user service's
//! internal lookup, so a test can check out as a hundred different customers.

use std::io::{BufRead as _, BufReader, Write as _};
use std::net::{TcpListener, TcpStream};
use std::path::PathBuf;
use std::sync::OnceLock;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Duration;

use redshop_dbctl::Service;
use redshop_testkit::services::{Relay, TestDb, TestKeys, psql, redis_server};
use redshop_testkit::{AppSpec, TestApp, build_wasm, redshop_binary};
use serde_json::{Value, json};

use crate::{block_on, pg_host_port};

/// Where the test manifest mounts the order component.
pub const PREFIX: &str = "/order";
/// Where it mounts the product component (for catalog setup).
pub const PRODUCT_PREFIX: &str = "/product";

/// The order and product components, built once per test binary.
pub fn wasm() -> (PathBuf, PathBuf) {
    static BUILT: OnceLock<PathBuf> = OnceLock::new();
    let dir = BUILT
        .get_or_init(|| build_wasm(&["order", "product"]))
        .clone();
    (dir.join("order.wasm"), dir.join("product.wasm"))
}

/// How to start the app.
#[derive(Debug, Clone)]
pub struct Options {
    /// The mock payment provider's mode: `approve`, `decline` or `slow`.
    pub payment_mode: &'static str,
    /// Reach Redis through a relay the test can cut (the order component's only).
    pub redis_relay: bool,
    /// Subscribe the order component to the test's user-event channel.
    pub user_events: bool,
    /// `[postgres] max_connections` of the host (its budget over both databases): the
    /// server is shared with other tests.
    pub max_pg_connections: u32,
}

impl Default for Options {
    fn default() -> Self {
        Self {
            payment_mode: "approve",
            redis_relay: false,
            user_events: false,
            max_pg_connections: 32,
        }
    }
}

pub struct OrderApp {
    pub app: TestApp,
    pub orders_db: TestDb,
    pub products_db: TestDb,
    pub keys: TestKeys,
    /// The order-event channel of this test.
    pub order_channel: String,
    /// The user-event channel of this test.
    pub user_channel: String,
    pub relay: Option<Relay>,
    _directory: Directory,
}

/// An answer with the headers the order service sets.
#[derive(Debug, Clone)]
pub struct Answer {
    pub status: u16,
    pub json: Value,
    pub replayed: bool,
}

/// A customer as the gateway would identify them.
#[derive(Debug, Clone)]
pub struct Shopper {
    pub user: Option<String>,
    pub cart: Option<String>,
    pub admin: bool,
}

static IDS: AtomicU64 = AtomicU64::new(1);

/// A fresh UUID-shaped id, unique within the test process (version nibble 4).
pub fn new_id() -> String {
    let n = IDS.fetch_add(1, Ordering::SeqCst);
    let pid = u64::from(std::process::id()) & 0xffff;
    format!("{pid:08x}-{:04x}-4000-8000-{n:012x}", n >> 48)
}

impl Shopper {
    pub fn user() -> Self {
        Self {
            user: Some(new_id()),
            cart: None,
            admin: false,
        }
    }

    pub fn guest() -> Self {
        Self {
            user: None,
            cart: Some(new_id()),
            admin: false,
        }
    }

    pub fn admin() -> Self {
        Self {
            user: Some(new_id()),
            cart: None,
            admin: true,
        }
    }

    fn headers(&self) -> Vec<(&'static str, String)> {
        let mut h = Vec::new();
        if let Some(u) = &self.user {
            h.push(("x-redshop-user", u.clone()));
            h.push((
                "x-redshop-role",
                if self.admin { "admin" } else { "customer" }.to_owned(),
            ));
        }
        if let Some(c) = &self.cart {
            h.push(("x-redshop-cart", c.clone()));
        }
        h
    }
}

/// The email and name the stand-in directory gives a user id.
pub fn email_of(user: &str) -> String {
    format!("shopper-{user}@example.test")
}

impl OrderApp {
    pub fn start(options: Options) -> Self {
        let orders_db = TestDb::create();
        let products_db = TestDb::create();
        let pg = pg_host_port();
        block_on(redshop_dbctl::migrate(
            &with_tls_off(&orders_db.address(&pg)),
            Service::Order,
        ))
        .expect("migrate orders");
        block_on(redshop_dbctl::migrate(
            &with_tls_off(&products_db.address(&pg)),
            Service::Product,
        ))
        .expect("migrate products");
        let keys = TestKeys::new();
        let order_channel = format!("{}.order-events", keys.prefix);
        let user_channel = format!("{}.user-events", keys.prefix);
        let relay = options
            .redis_relay
            .then(|| Relay::start(redis_server().trim_start_matches("redis://")));
        let redis_hostport = relay.as_ref().map_or_else(
            || redis_server().trim_start_matches("redis://").to_owned(),
            Relay::addr,
        );
        let directory = Directory::start();
        let (order_wasm, product_wasm) = wasm();
        let manifest = manifest(
            &order_wasm,
            &product_wasm,
            &redis_hostport,
            directory.port,
            &options,
            &user_channel,
        );
        let host_config = format!(
            "[postgres]\nmax_connections = {}\n\n[limits]\nmax_concurrent_requests = 256\n",
            options.max_pg_connections
        );
        let mut spec = AppSpec::new(redshop_binary(), manifest);
        spec.host_config = Some(&host_config);
        for (k, v) in [
            ("ORDER_DB_URL", with_tls_off(&orders_db.address(&pg))),
            ("PRODUCT_DB_URL", with_tls_off(&products_db.address(&pg))),
            ("REDIS_URL", format!("redis://{redis_hostport}")),
            ("REDIS_PREFIX", keys.prefix.clone()),
            ("ORDER_EVENTS_CHANNEL", order_channel.clone()),
            ("PAYMENT_MODE", options.payment_mode.to_owned()),
            (
                "USER_SERVICE_URL",
                format!("http://127.0.0.1:{}", directory.port),
            ),
        ] {
            spec.env.push((format!("SPIN_VARIABLE_{k}"), v));
        }
        let app = TestApp::start(spec);
        Self {
            app,
            orders_db,
            products_db,
            keys,
            order_channel,
            user_channel,
            relay,
            _directory: directory,
        }
    }

    /// A call to the order service as `who`.
    pub fn call(&self, who: &Shopper, method: &str, path: &str, body: Option<&Value>) -> Answer {
        self.call_with(who, method, path, body, &[])
    }

    pub fn call_with(
        &self,
        who: &Shopper,
        method: &str,
        path: &str,
        body: Option<&Value>,
        extra: &[(&str, &str)],
    ) -> Answer {
        let mut req = ureq::request(method, &self.app.url(&format!("{PREFIX}{path}")))
            .timeout(Duration::from_secs(90));
        for (k, v) in who.headers() {
            req = req.set(k, &v);
        }
        for (k, v) in extra {
            req = req.set(k, v);
        }
        let result = match body {
            Some(b) => req
                .set("content-type", "application/json")
                .send_string(&b.to_string()),
            None => req.call(),
        };
        let resp = match result {
            Ok(r) | Err(ureq::Error::Status(_, r)) => r,
            Err(e) => panic!("{method} {path}: {e}"),
        };
        let status = resp.status();
        let replayed = resp.header("idempotent-replayed") == Some("true");
        let text = resp.into_string().unwrap_or_default();
        let json = if text.is_empty() {
            Value::Null
        } else {
            serde_json::from_str(&text).unwrap_or_else(|e| panic!("not JSON ({e}): {text:?}"))
        };
        Answer {
            status,
            json,
            replayed,
        }
    }

    /// Adds a product to `who`'s cart, which must succeed.
    pub fn add_to_cart(&self, who: &Shopper, product: &str, quantity: i64) -> Value {
        let a = self.call(
            who,
            "POST",
            "/cart/items",
            Some(&json!({ "product_id": product, "quantity": quantity })),
        );
        assert_eq!(a.status, 200, "add to cart: {}", a.json);
        a.json
    }

    /// `POST /checkout` with `key` and a new address.
    pub fn checkout(&self, who: &Shopper, key: &str) -> Answer {
        self.call_with(
            who,
            "POST",
            "/checkout",
            Some(&address_body()),
            &[("idempotency-key", key)],
        )
    }

    /// A product call with the admin marker (catalog setup and stock checks).
    pub fn product_admin(&self, method: &str, path: &str, body: Option<&Value>) -> (u16, Value) {
        let a = crate::http::send(
            method,
            &self.app.url(&format!("{PRODUCT_PREFIX}{path}")),
            &[("x-redshop-role", "admin")],
            body.map(Value::to_string).as_deref(),
        );
        (a.status, a.json)
    }

    /// A product in a fresh category with `stock` units at `price_minor` (USD); its id.
    pub fn create_product(&self, slug: &str, stock: i64, price_minor: i64) -> String {
        let category = format!("cat-{slug}");
        let (status, body) = self.product_admin(
            "POST",
            "/categories",
            Some(&json!({ "slug": category, "name": category })),
        );
        assert_eq!(status, 201, "create category: {body}");
        let (status, body) = self.product_admin(
            "POST",
            "/products",
            Some(&json!({
                "slug": slug, "sku": slug.to_uppercase(), "name": format!("The {slug}"),
                "category": category, "brand": "Testbrand",
                "price": { "amount_minor": price_minor, "currency": "USD" },
                "initial_stock": stock,
            })),
        );
        assert_eq!(status, 201, "create product: {body}");
        body["id"].as_str().expect("id").to_owned()
    }

    /// `(on_hand, reserved)` of a product, from the product database.
    pub fn stock(&self, product: &str) -> (i64, i64) {
        let rows = psql(
            &self.products_db.name,
            &format!(
                "SELECT on_hand::int8, reserved::int8 FROM stock WHERE product_id = '{product}'"
            ),
        );
        let row = rows.first().expect("stock row");
        (row.get(0), row.get(1))
    }

    /// One `int8` from the order database.
    pub fn orders_i64(&self, sql: &str) -> i64 {
        psql(&self.orders_db.name, sql)
            .first()
            .map(|r| r.get::<_, i64>(0))
            .expect("one row")
    }

    /// One `int8` from the product database.
    pub fn products_i64(&self, sql: &str) -> i64 {
        psql(&self.products_db.name, sql)
            .first()
            .map(|r| r.get::<_, i64>(0))
            .expect("one row")
    }

    /// Subscribes to the test's order-event channel.
    pub fn subscribe(&self) -> Subscriber {
        Subscriber::new(&self.order_channel)
    }
}

/// A subscriber to one channel, from outside the app: a plain RESP connection (`SUBSCRIBE`,
/// then `message` pushes), so the test counts exactly what Redis delivered.
pub struct Subscriber {
    reader: BufReader<TcpStream>,
}

impl Subscriber {
    fn new(channel: &str) -> Self {
        let addr = redis_server().trim_start_matches("redis://").to_owned();
        let mut stream = TcpStream::connect(&addr).expect("connect to test redis");
        write!(
            stream,
            "*2\r\n$9\r\nSUBSCRIBE\r\n${}\r\n{channel}\r\n",
            channel.len()
        )
        .expect("subscribe");
        let mut reader = BufReader::new(stream);
        // The confirmation: ["subscribe", channel, 1].
        let confirmation = read_frame(&mut reader).expect("subscription confirmed");
        assert_eq!(confirmation.first().map(String::as_str), Some("subscribe"));
        reader
            .get_ref()
            .set_read_timeout(Some(Duration::from_millis(500)))
            .expect("read timeout");
        Self { reader }
    }

    /// Every message that arrives until none has for 500 ms.
    pub fn drain(&mut self) -> Vec<Value> {
        let mut out = Vec::new();
        while let Some(frame) = read_frame(&mut self.reader) {
            if frame.first().map(String::as_str) == Some("message") {
                let payload = frame.get(2).expect("payload");
                out.push(serde_json::from_str(payload).expect("event JSON"));
            }
        }
        out
    }
}

/// `PUBLISH channel payload` from outside the app; the number of receivers.
pub fn publish(channel: &str, payload: &str) -> i64 {
    let addr = redis_server().trim_start_matches("redis://").to_owned();
    let mut stream = TcpStream::connect(&addr).expect("connect to test redis");
    write!(
        stream,
        "*3\r\n$7\r\nPUBLISH\r\n${}\r\n{channel}\r\n${}\r\n{payload}\r\n",
        channel.len(),
        payload.len()
    )
    .expect("publish");
    let mut line = String::new();
    BufReader::new(stream)
        .read_line(&mut line)
        .expect("PUBLISH answer");
    line.trim_end()
        .strip_prefix(':')
        .and_then(|n| n.parse().ok())
        .unwrap_or_else(|| panic!("PUBLISH answered {line:?}"))
}

/// One RESP array of bulk strings or integers; `None` on a timeout or a closed connection.
fn read_frame(reader: &mut BufReader<TcpStream>) -> Option<Vec<String>> {
    let mut line = String::new();
    reader.read_line(&mut line).ok().filter(|n| *n > 0)?;
    let count: usize = line.trim_end().strip_prefix('*')?.parse().ok()?;
    let mut items = Vec::with_capacity(count);
    for _ in 0..count {
        line.clear();
        reader.read_line(&mut line).ok()?;
        let head = line.trim_end().to_owned();
        if let Some(n) = head.strip_prefix(':') {
            items.push(n.to_owned());
        } else {
            let len: usize = head.strip_prefix('$')?.parse().ok()?;
            let mut buf = vec![0u8; len + 2];
            std::io::Read::read_exact(reader, &mut buf).ok()?;
            buf.truncate(len);
            items.push(String::from_utf8(buf).ok()?);
        }
    }
    Some(items)
}

/// The `POST /checkout` body the tests send: a new address.
pub fn address_body() -> Value {
    json!({ "address": {
        "recipient": "Ada Lovelace", "line1": "12 Analytical Row", "city": "London",
        "postal_code": "N1 7AA", "country": "GB"
    }})
}

/// Loopback PostgreSQL offers a self-signed certificate: every address asks for no TLS.
fn with_tls_off(url: &str) -> String {
    if url.contains("sslmode=") {
        url.to_owned()
    } else {
        format!("{url}?sslmode=disable")
    }
}

fn manifest(
    order: &std::path::Path,
    product: &std::path::Path,
    redis: &str,
    directory_port: u16,
    options: &Options,
    user_channel: &str,
) -> String {
    let pg = pg_host_port();
    let user_trigger = if options.user_events {
        format!(
            "[application.trigger.redis]\naddress = \"{}\"\n\n",
            redis_server()
        )
    } else {
        String::new()
    };
    // As in spin.toml: the user-event consumer is the same `.wasm` as a component of its
    // own without chaining grants (Spin's Redis trigger refuses a component that chains).
    let user_sub = if options.user_events {
        format!(
            "[[trigger.redis]]\nchannel = \"{user_channel}\"\ncomponent = \"order-consumer\"\n\n\
             [component.order-consumer]\nsource = \"{order}\"\n\
             allowed_outbound_hosts = [\"postgres://{pg}\"]\n\
             [component.order-consumer.variables]\ndb_url = \"{{{{ order_db_url }}}}\"\n",
            order = order.display()
        )
    } else {
        String::new()
    };
    format!(
        r#"spin_manifest_version = 2
[application]
name = "order-e2e"
{user_trigger}
[variables]
order_db_url = {{ required = true }}
product_db_url = {{ required = true }}
redis_url = {{ required = true }}
redis_prefix = {{ required = true }}
order_events_channel = {{ required = true }}
payment_mode = {{ required = true }}
user_service_url = {{ required = true }}

[[trigger.http]]
route = "{PREFIX}/..."
component = "order"

[[trigger.http]]
route = "{PRODUCT_PREFIX}/..."
component = "product"

{user_sub}
[component.order]
source = "{order}"
allowed_outbound_hosts = ["postgres://{pg}", "redis://{redis}", "http://product.spin.internal", "http://127.0.0.1:{directory_port}"]
[component.order.variables]
db_url = "{{{{ order_db_url }}}}"
redis_url = "{{{{ redis_url }}}}"
redis_prefix = "{{{{ redis_prefix }}}}"
events_channel = "{{{{ order_events_channel }}}}"
payment_mode = "{{{{ payment_mode }}}}"
user_service_url = "{{{{ user_service_url }}}}"

[component.product]
source = "{product}"
allowed_outbound_hosts = ["postgres://{pg}"]
[component.product.variables]
db_url = "{{{{ product_db_url }}}}"
"#,
        order = order.display(),
        product = product.display(),
    )
}

/// A stand-in for the user service's internal lookup (`GET /internal/users/{id}`): every
/// user id is a customer with a derived email and name and one saved address, `a1`. It
/// lets a test check out as many customers as it likes without registering each one; the
/// flow tests use the real user component.
struct Directory {
    port: u16,
}

impl Directory {
    fn start() -> Self {
        let listener = TcpListener::bind("127.0.0.1:0").expect("bind directory");
        let port = listener.local_addr().expect("addr").port();
        std::thread::spawn(move || {
            for stream in listener.incoming().flatten() {
                std::thread::spawn(move || {
                    let mut reader = BufReader::new(stream);
                    let mut request_line = String::new();
                    if reader.read_line(&mut request_line).is_err() {
                        return;
                    }
                    let mut line = String::new();
                    while reader.read_line(&mut line).map(|n| n > 2).unwrap_or(false) {
                        line.clear();
                    }
                    let path = request_line.split_whitespace().nth(1).unwrap_or("");
                    let (status, body) = match path.strip_prefix("/internal/users/") {
                        Some(id) if id.len() == 36 => (
                            "200 OK",
                            json!({
                                "id": id, "email": email_of(id),
                                "display_name": format!("Shopper {}", &id[..8]),
                                "addresses": [{
                                    "id": "a1", "label": "home", "recipient": "Saved Recipient",
                                    "line1": "1 Saved Street", "line2": null, "city": "Paris",
                                    "region": null, "postal_code": "75001", "country": "FR",
                                    "phone": null, "is_default": true
                                }]
                            }),
                        ),
                        _ => (
                            "404 Not Found",
                            json!({ "error": "not_found", "message": "no such user" }),
                        ),
                    };
                    let body = body.to_string();
                    let mut stream = reader.into_inner();
                    let _ = write!(
                        stream,
                        "HTTP/1.1 {status}\r\ncontent-type: application/json\r\ncontent-length: {}\r\nconnection: close\r\n\r\n{body}",
                        body.len()
                    );
                });
            }
        });
        Self { port }
    }
}
