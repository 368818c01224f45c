//! A running user service for one test: its own database (migrated with `dbctl`), its own
//! Redis key prefix and event channel, its own signing keys, and the real `redshop` serving
//! the component on a public route, `/user/...`. Calls carry the identity headers the gateway
//! would set after checking the access token; [`UserApp::gateway_accepts`] applies the
//! gateway's rule (a valid token whose session exists at the token's version) from outside.

use std::path::PathBuf;
use std::sync::OnceLock;
use std::time::Duration;

use redshop_dbctl::Service;
use redshop_testkit::services::{TestDb, TestKeys, psql, redis_server, unique};
use redshop_testkit::{AppSpec, TestApp, build_wasm, redshop_binary};
use redshop_token::{AccessClaims, SessionRecord, SigningKeys, session_key};
use serde_json::{Value, json};

use crate::{block_on, pg_host_port};

/// Where the test manifest mounts the user component.
pub const PREFIX: &str = "/user";
/// A good password for test accounts.
pub const PASSWORD: &str = "violet tram at noon";
/// base64url of three fixed 32-byte seeds (test keys only).
pub const SEED_A: &str = "AQEBAQEBAQEBAQEBAQEBAQEBAQEBAQEBAQEBAQEBAQE";
pub const SEED_B: &str = "AgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgI";
/// The client address the tests send as the gateway would.
pub const CLIENT_ADDR: &str = "203.0.113.7";

/// The user component, built once per test binary.
pub fn user_wasm() -> PathBuf {
    static BUILT: OnceLock<PathBuf> = OnceLock::new();
    BUILT
        .get_or_init(|| build_wasm(&["user"]).join("user.wasm"))
        .clone()
}

/// How to start the app.
#[derive(Debug, Clone)]
pub struct Options {
    /// The `jwt_signing_keys` value.
    pub signing_keys: String,
    /// The sign-in throttling window, when shorter than the default 15 minutes.
    pub throttle_window_secs: Option<u64>,
}

impl Default for Options {
    fn default() -> Self {
        Options {
            signing_keys: format!("k1:{SEED_A}"),
            throttle_window_secs: None,
        }
    }
}

/// The test manifest: the user component on a public route, configured like spin.toml's
/// `[component.user]`.
pub fn manifest(wasm: &std::path::Path, options: &Options) -> String {
    let redis = redis_server();
    let redis_host = redis.trim_end_matches('/');
    let throttle = options
        .throttle_window_secs
        .map(|s| format!("login_throttle_window_secs = \"{s}\"\n"))
        .unwrap_or_default();
    format!(
        r#"spin_manifest_version = 2
[application]
name = "user-e2e"

[variables]
user_db_url = {{ required = true }}
redis_url = {{ default = "{redis}" }}
redis_prefix = {{ required = true }}
user_events_channel = {{ required = true }}
jwt_signing_keys = {{ required = true, secret = true }}

[[trigger.http]]
route = "{PREFIX}/..."
component = "user"

[component.user]
source = "{wasm}"
allowed_outbound_hosts = ["postgres://{pg}", "{redis_host}"]
[component.user.variables]
db_url = "{{{{ user_db_url }}}}"
redis_url = "{{{{ redis_url }}}}"
redis_prefix = "{{{{ redis_prefix }}}}"
events_channel = "{{{{ user_events_channel }}}}"
signing_keys = "{{{{ jwt_signing_keys }}}}"
{throttle}"#,
        wasm = wasm.display(),
        pg = pg_host_port(),
    )
}

/// An answer with its headers.
#[derive(Debug, Clone)]
pub struct Resp {
    pub status: u16,
    pub json: Value,
    pub text: String,
    pub headers: Vec<(String, String)>,
}

impl Resp {
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(k, _)| k.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }

    /// The `redshop_refresh` value this answer sets (empty when it clears the cookie).
    pub fn refresh_cookie(&self) -> Option<String> {
        let set = self.header("set-cookie")?;
        let first = set.split(';').next()?;
        first.strip_prefix("redshop_refresh=").map(str::to_owned)
    }

    /// The error code of a JSON error body.
    pub fn code(&self) -> &str {
        self.json["error"].as_str().unwrap_or("")
    }
}

/// A signed-in session as the client holds it.
#[derive(Debug, Clone)]
pub struct Session {
    pub token: String,
    pub cookie: String,
    pub user: String,
    pub sid: String,
}

pub struct UserApp {
    pub app: TestApp,
    pub db: TestDb,
    pub keys: TestKeys,
    pub channel: String,
    pub options: Options,
}

impl UserApp {
    pub fn start() -> Self {
        Self::start_with(Options::default())
    }

    pub fn start_with(options: Options) -> Self {
        let db = TestDb::create();
        block_on(redshop_dbctl::migrate(
            &db.address(&pg_host_port()),
            Service::User,
        ))
        .expect("dbctl migrate");
        let keys = TestKeys::new();
        let channel = unique("redshop_user_events");
        let app = Self::host(&db, &keys, &channel, &options);
        Self {
            app,
            db,
            keys,
            channel,
            options,
        }
    }

    fn host(db: &TestDb, keys: &TestKeys, channel: &str, options: &Options) -> TestApp {
        let mut spec = AppSpec::new(redshop_binary(), manifest(&user_wasm(), options));
        spec.env.extend([
            (
                "SPIN_VARIABLE_USER_DB_URL".to_owned(),
                db.address(&pg_host_port()),
            ),
            (
                "SPIN_VARIABLE_REDIS_PREFIX".to_owned(),
                format!("{}:", keys.prefix),
            ),
            (
                "SPIN_VARIABLE_USER_EVENTS_CHANNEL".to_owned(),
                channel.to_owned(),
            ),
            (
                "SPIN_VARIABLE_JWT_SIGNING_KEYS".to_owned(),
                options.signing_keys.clone(),
            ),
        ]);
        TestApp::start(spec)
    }

    /// Another `redshop` on the same database, Redis prefix and channel, with other
    /// signing keys: a redeploy during a key rotation.
    pub fn redeploy(&self, signing_keys: &str) -> TestApp {
        let options = Options {
            signing_keys: signing_keys.to_owned(),
            ..self.options.clone()
        };
        Self::host(&self.db, &self.keys, &self.channel, &options)
    }

    pub fn prefix(&self) -> String {
        format!("{}:", self.keys.prefix)
    }

    /// Any call, with any headers (the client address is always sent, as the gateway does).
    pub fn call(
        &self,
        method: &str,
        path: &str,
        headers: &[(&str, &str)],
        body: Option<&str>,
    ) -> Resp {
        call_at(&self.app, method, path, headers, body)
    }

    pub fn post(&self, path: &str, body: &Value) -> Resp {
        self.call("POST", path, &[], Some(&body.to_string()))
    }

    /// A call as the gateway makes it for `session`'s user.
    pub fn as_user(
        &self,
        session: &Session,
        method: &str,
        path: &str,
        body: Option<&Value>,
    ) -> Resp {
        let headers = [
            ("x-redshop-user", session.user.as_str()),
            ("x-redshop-role", "customer"),
            ("x-redshop-session", session.sid.as_str()),
        ];
        self.call(
            method,
            path,
            &headers,
            body.map(Value::to_string).as_deref(),
        )
    }

    pub fn register(&self, email: &str) -> Value {
        let r = self.post(
            "/auth/register",
            &json!({ "email": email, "password": PASSWORD, "display_name": "Ada" }),
        );
        assert_eq!(r.status, 201, "register {email}: {}", r.text);
        r.json
    }

    pub fn try_login(&self, email: &str, password: &str) -> Resp {
        self.call(
            "POST",
            "/auth/login",
            &[("user-agent", "e2e-browser/1.0")],
            Some(&json!({ "email": email, "password": password }).to_string()),
        )
    }

    pub fn login(&self, email: &str) -> Session {
        self.login_with(email, PASSWORD)
    }

    pub fn login_with(&self, email: &str, password: &str) -> Session {
        let r = self.try_login(email, password);
        assert_eq!(r.status, 200, "login {email}: {}", r.text);
        self.session_from(&r)
    }

    /// The session an answer with a token and a cookie establishes.
    pub fn session_from(&self, r: &Resp) -> Session {
        let token = r.json["access_token"]
            .as_str()
            .expect("access_token")
            .to_owned();
        let claims = self
            .verify(&token)
            .expect("the token verifies with the app's keys");
        Session {
            token,
            cookie: r.refresh_cookie().expect("a refresh cookie"),
            user: claims.sub.to_string(),
            sid: claims.sid.to_string(),
        }
    }

    /// `POST /auth/refresh` with `cookie` as the refresh cookie.
    pub fn refresh(&self, cookie: &str) -> Resp {
        let header = format!("redshop_refresh={cookie}");
        self.call(
            "POST",
            "/auth/refresh",
            &[("cookie", &header), ("x-requested-with", "redshop")],
            None,
        )
    }

    /// Verifies an access token with the app's keys, now.
    pub fn verify(&self, token: &str) -> Result<AccessClaims, redshop_token::VerifyError> {
        SigningKeys::parse(&self.options.signing_keys)
            .expect("keys")
            .verifier()
            .verify(token, now_secs())
    }

    /// The session record the gateway would read.
    pub fn session_record(&self, sid: &str) -> Option<SessionRecord> {
        let sid = uuid::Uuid::parse_str(sid).expect("sid");
        let raw: Option<String> = redis::cmd("GET")
            .arg(session_key(&self.prefix(), sid))
            .query(&mut self.keys.conn())
            .expect("redis GET");
        raw.map(|s| serde_json::from_str(&s).expect("session JSON"))
    }

    /// The gateway's rule: a valid token whose session exists, for the same user, at the
    /// token's version.
    pub fn gateway_accepts(&self, token: &str) -> bool {
        let Ok(claims) = self.verify(token) else {
            return false;
        };
        self.session_record(&claims.sid.to_string())
            .is_some_and(|r| r.admits(&claims))
    }

    /// Rows of a query on the test database.
    pub fn sql(&self, sql: &str) -> Vec<tokio_postgres::Row> {
        psql(&self.db.name, sql)
    }
}

/// A call to any app serving the user component at [`PREFIX`].
pub fn call_at(
    app: &TestApp,
    method: &str,
    path: &str,
    headers: &[(&str, &str)],
    body: Option<&str>,
) -> Resp {
    let mut req = ureq::request(method, &app.url(&format!("{PREFIX}{path}")))
        .timeout(Duration::from_secs(60));
    if !headers
        .iter()
        .any(|(k, _)| k.eq_ignore_ascii_case("x-redshop-client-addr"))
    {
        req = req.set("x-redshop-client-addr", CLIENT_ADDR);
    }
    let mut typed = false;
    for (k, v) in headers {
        typed |= k.eq_ignore_ascii_case("content-type");
        req = req.set(k, v);
    }
    let result = match body {
        Some(b) if typed => req.send_string(b),
        Some(b) => req.set("content-type", "application/json").send_string(b),
        None => req.call(),
    };
    let resp = match result {
        Ok(resp) | Err(ureq::Error::Status(_, resp)) => resp,
        Err(e) => panic!("{method} {path}: {e}"),
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
    let json = if text.is_empty() {
        Value::Null
    } else {
        serde_json::from_str(&text)
            .unwrap_or_else(|e| panic!("{method} {path}: not JSON ({e}): {text:?}"))
    };
    Resp {
        status,
        json,
        text,
        headers,
    }
}

pub fn now_secs() -> u64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_secs())
}
