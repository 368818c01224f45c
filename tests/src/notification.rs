//! A running notification service for one test: its own database, its own two event
//! channels on the real Redis, its own `redshop`, and one method per kind of call.
//!
//! The test manifest mounts the (otherwise private) component on `/notification/...` and
//! sends the identity headers directly, as the gateway would after verifying a token. Events
//! are published with `PUBLISH` on the test's channels, exactly as the order and user
//! services' outboxes publish them, and the effects are read back through the API and the
//! database.

use std::io::{BufRead as _, BufReader, Write as _};
use std::net::TcpStream;
use std::path::{Path, PathBuf};
use std::sync::OnceLock;
use std::time::{Duration, Instant};

use redshop_dbctl::Service;
use redshop_testkit::services::{TestDb, psql, redis_server, unique};
use redshop_testkit::{AppSpec, TestApp, build_wasm, redshop_binary};
use serde_json::{Value, json};

use crate::http::{Answer, send};
use crate::{block_on, pg_host_port};

/// Where the test manifest mounts the component.
pub const PREFIX: &str = "/notification";

/// The storefront address the test app's emails link to.
pub const SHOP_URL: &str = "http://shop.test";

/// How long a test waits for the consumer to settle before it fails (a bound, not a
/// timing assertion: a healthy run settles in well under a second per hundred events).
pub const SETTLE: Duration = Duration::from_secs(120);

/// The component, built once per test binary.
pub fn notification_wasm() -> PathBuf {
    static BUILT: OnceLock<PathBuf> = OnceLock::new();
    BUILT
        .get_or_init(|| build_wasm(&["notification"]).join("notification.wasm"))
        .clone()
}

/// The test manifest: the production component block's shape, with a public route and the
/// channels and database from the environment.
pub fn manifest(wasm: &Path) -> String {
    format!(
        r#"spin_manifest_version = 2
[application]
name = "notification-e2e"

[application.trigger.redis]
address = "{redis}"

[variables]
notification_db_url = {{ required = true }}
order_events_channel = {{ required = true }}
user_events_channel = {{ required = true }}

[[trigger.http]]
route = "{PREFIX}/..."
component = "notification"

[[trigger.redis]]
channel = "{{{{ order_events_channel }}}}"
component = "notification"

[[trigger.redis]]
channel = "{{{{ user_events_channel }}}}"
component = "notification"

[component.notification]
source = "{wasm}"
allowed_outbound_hosts = ["postgres://{pg}"]
[component.notification.variables]
db_url = "{{{{ notification_db_url }}}}"
shop_url = "{SHOP_URL}"
"#,
        redis = redis_server(),
        wasm = wasm.display(),
        pg = pg_host_port(),
    )
}

pub struct NotificationApp {
    pub app: TestApp,
    pub db: TestDb,
    pub order_channel: String,
    pub user_channel: String,
}

impl NotificationApp {
    /// A migrated database, the host running, and both channels subscribed.
    pub fn start() -> Self {
        let db = TestDb::create();
        let url = db.address(&pg_host_port());
        block_on(redshop_dbctl::migrate(&url, Service::Notification)).expect("dbctl migrate");
        let order_channel = unique("notif_orders");
        let user_channel = unique("notif_users");
        let mut spec = AppSpec::new(redshop_binary(), manifest(&notification_wasm()));
        for (name, value) in [
            ("SPIN_VARIABLE_NOTIFICATION_DB_URL", url.as_str()),
            ("SPIN_VARIABLE_ORDER_EVENTS_CHANNEL", &order_channel),
            ("SPIN_VARIABLE_USER_EVENTS_CHANNEL", &user_channel),
        ] {
            spec.env.push((name.into(), value.to_owned()));
        }
        let app = TestApp::start(spec);
        let this = Self {
            app,
            db,
            order_channel,
            user_channel,
        };
        this.wait_until_subscribed();
        this
    }

    fn wait_until_subscribed(&self) {
        let mut redis = Redis::connect();
        let deadline = Instant::now() + Duration::from_secs(20);
        loop {
            let counts = redis.numsub(&[&self.order_channel, &self.user_channel]);
            if counts.iter().all(|n| *n >= 1) {
                return;
            }
            assert!(
                Instant::now() < deadline,
                "the host never subscribed to the test channels ({counts:?}):\n{}",
                self.app.logs()
            );
            std::thread::sleep(Duration::from_millis(20));
        }
    }

    /// Publishes `event` on the channel its type belongs to; answers how many received it.
    pub fn publish(&self, event: &Value) -> i64 {
        Redis::connect().publish(self.channel_for(event), &event.to_string())
    }

    /// Publishes raw bytes on the order-event channel.
    pub fn publish_raw(&self, payload: &str) -> i64 {
        Redis::connect().publish(&self.order_channel, payload)
    }

    /// Publishes every event in one pipelined burst on one connection.
    pub fn publish_burst(&self, events: &[Value]) -> Vec<i64> {
        let messages: Vec<(&str, String)> = events
            .iter()
            .map(|e| (self.channel_for(e), e.to_string()))
            .collect();
        Redis::connect().publish_pipelined(&messages)
    }

    fn channel_for(&self, event: &Value) -> &str {
        if event["type"]
            .as_str()
            .is_some_and(|t| t.starts_with("user."))
        {
            &self.user_channel
        } else {
            &self.order_channel
        }
    }

    /// Waits (up to [`SETTLE`]) until the inbox has recorded `n` messages, then returns.
    pub fn wait_for_inbox(&self, n: i64) {
        let deadline = Instant::now() + SETTLE;
        loop {
            let got = self.count("SELECT count(*) FROM inbox");
            if got >= n {
                return;
            }
            assert!(
                Instant::now() < deadline,
                "inbox has {got} of {n} messages after {SETTLE:?}:\n{}",
                tail(&self.app.logs())
            );
            std::thread::sleep(Duration::from_millis(25));
        }
    }

    /// Waits (up to [`SETTLE`]) until the component has logged `needle` `n` times: the
    /// consumer logs one line per message, so this is how a test knows that redeliveries,
    /// which write nothing, have all been handled.
    pub fn wait_for_log_count(&self, needle: &str, n: usize) {
        let deadline = Instant::now() + SETTLE;
        loop {
            let logs = self.app.logs();
            let got = logs.matches(needle).count();
            if got >= n {
                return;
            }
            assert!(
                Instant::now() < deadline,
                "`{needle}` logged {got} of {n} times:\n{}",
                tail(&logs)
            );
            std::thread::sleep(Duration::from_millis(25));
        }
    }

    pub fn url(&self, path: &str) -> String {
        self.app.url(&format!("{PREFIX}{path}"))
    }

    /// A call as the gateway makes it for a signed-in customer.
    pub fn as_user(&self, user: &str, method: &str, path: &str) -> Answer {
        send(
            method,
            &self.url(path),
            &[("x-redshop-user", user), ("x-redshop-role", "customer")],
            None,
        )
    }

    /// A call as the gateway makes it for a signed-in admin.
    pub fn as_admin(&self, method: &str, path: &str) -> Answer {
        send(
            method,
            &self.url(path),
            &[
                ("x-redshop-user", "99999999-9999-4999-8999-999999999999"),
                ("x-redshop-role", "admin"),
            ],
            None,
        )
    }

    /// `GET /notifications?query` for `user`, which must succeed.
    pub fn list(&self, user: &str, query: &str) -> Value {
        let answer = self.as_user(user, "GET", &format!("/notifications?{query}"));
        assert_eq!(answer.status, 200, "list: {}", answer.text);
        answer.json
    }

    /// `GET /admin/mailbox?query`, which must succeed.
    pub fn mailbox(&self, query: &str) -> Vec<Value> {
        let answer = self.as_admin("GET", &format!("/admin/mailbox?{query}"));
        assert_eq!(answer.status, 200, "mailbox: {}", answer.text);
        answer.json["items"].as_array().expect("items").clone()
    }

    /// One `int8` from a single-row query on the test database.
    pub fn count(&self, sql: &str) -> i64 {
        psql(&self.db.name, sql)
            .first()
            .map(|r| r.get::<_, i64>(0))
            .expect("one row")
    }

    /// `(outcome, reason)` of every inbox row, oldest first.
    pub fn inbox(&self) -> Vec<(String, Option<String>)> {
        psql(
            &self.db.name,
            "SELECT outcome, reason FROM inbox ORDER BY seq",
        )
        .iter()
        .map(|r| (r.get(0), r.get(1)))
        .collect()
    }
}

/// The last 40 lines of a log, for failure messages.
fn tail(logs: &str) -> String {
    let lines: Vec<&str> = logs.lines().collect();
    lines[lines.len().saturating_sub(40)..].join("\n")
}

/// A distinct, valid UUID per number and kind (`a` users, `b` orders, `c` events).
pub fn id(kind: char, n: u64) -> String {
    format!("{kind}0000000-0000-4000-8000-{n:012x}")
}

/// An `order.*` event as the order service publishes it (docs/contracts.md, Events).
pub fn order_event(kind: &str, event: &str, order: &str, user: &str) -> Value {
    let mut data = json!({
        "order_id": order,
        "status": kind.trim_start_matches("order."),
        "customer": { "email": email_of(user), "name": "Ada Lovelace" },
        "lines": [
            { "product_id": id('d', 1), "name": "Moon Lamp", "sku": "ML-1", "quantity": 2,
              "unit_price_minor": 1999, "line_total_minor": 3998 },
            { "product_id": id('d', 2), "name": "Star Chart", "sku": "SC-2", "quantity": 1,
              "unit_price_minor": 500, "line_total_minor": 500 }
        ],
        "currency": "USD",
        "subtotal_minor": 4498,
        "tax_minor": 360,
        "shipping_minor": 499,
        "total_minor": 5357,
        "shipping_address": { "name": "Ada Lovelace", "line1": "12 St James's Square",
                              "city": "London", "postal_code": "SW1Y 4JH", "country": "GB" }
    });
    if kind == "order.cancelled" {
        data["reason"] = json!("changed my mind");
    }
    json!({
        "id": event,
        "type": kind,
        "version": 1,
        "occurred_at": "2026-12-02T09:30:00.000Z",
        "order_id": order,
        "user_id": user,
        "data": data,
    })
}

/// A `user.*` event as the user service publishes it.
pub fn user_event(kind: &str, event: &str, user: &str, data: Value) -> Value {
    json!({
        "id": event,
        "type": kind,
        "version": 1,
        "occurred_at": "2026-12-02T09:30:00Z",
        "order_id": null,
        "user_id": user,
        "data": data,
    })
}

/// The address a test user's emails go to.
pub fn email_of(user: &str) -> String {
    format!("u{}@example.com", &user[user.len() - 4..])
}

/// The five order event types, in lifecycle order.
pub const ORDER_TYPES: [&str; 5] = [
    "order.created",
    "order.paid",
    "order.shipped",
    "order.delivered",
    "order.cancelled",
];

/// Just enough of the Redis protocol to publish and to ask who is subscribed, on a plain
/// connection: the publishers under test use nothing more.
pub struct Redis {
    reader: BufReader<TcpStream>,
    writer: TcpStream,
}

impl Redis {
    pub fn connect() -> Self {
        let server = redis_server();
        let addr = server.trim_start_matches("redis://").trim_end_matches('/');
        let stream = TcpStream::connect(addr).expect("connect to test redis");
        stream
            .set_read_timeout(Some(Duration::from_secs(30)))
            .expect("read timeout");
        Self {
            reader: BufReader::new(stream.try_clone().expect("clone stream")),
            writer: stream,
        }
    }

    fn command(args: &[&str]) -> Vec<u8> {
        let mut out = format!("*{}\r\n", args.len()).into_bytes();
        for arg in args {
            out.extend_from_slice(format!("${}\r\n", arg.len()).as_bytes());
            out.extend_from_slice(arg.as_bytes());
            out.extend_from_slice(b"\r\n");
        }
        out
    }

    fn line(&mut self) -> String {
        let mut line = String::new();
        self.reader.read_line(&mut line).expect("read from redis");
        line.trim_end().to_owned()
    }

    fn integer(&mut self) -> i64 {
        let line = self.line();
        line.strip_prefix(':')
            .and_then(|n| n.parse().ok())
            .unwrap_or_else(|| panic!("expected an integer reply, got {line:?}"))
    }

    /// `PUBLISH channel message`: the number of subscribers that received it.
    pub fn publish(&mut self, channel: &str, message: &str) -> i64 {
        self.publish_pipelined(&[(channel, message.to_owned())])[0]
    }

    /// Every `PUBLISH` written before any reply is read.
    pub fn publish_pipelined(&mut self, messages: &[(&str, String)]) -> Vec<i64> {
        let mut batch = Vec::new();
        for (channel, message) in messages {
            batch.extend(Self::command(&["PUBLISH", channel, message]));
        }
        self.writer.write_all(&batch).expect("write to redis");
        messages.iter().map(|_| self.integer()).collect()
    }

    /// `PUBSUB NUMSUB`: subscribers per channel, in order.
    pub fn numsub(&mut self, channels: &[&str]) -> Vec<i64> {
        let mut args = vec!["PUBSUB", "NUMSUB"];
        args.extend_from_slice(channels);
        self.writer
            .write_all(&Self::command(&args))
            .expect("write to redis");
        let header = self.line();
        let n: usize = header
            .strip_prefix('*')
            .and_then(|n| n.parse().ok())
            .unwrap_or_else(|| panic!("expected an array, got {header:?}"));
        (0..n / 2)
            .map(|_| {
                self.line(); // $len
                self.line(); // the channel name
                self.integer()
            })
            .collect()
    }
}
