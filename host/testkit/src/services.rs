//! Real PostgreSQL and Redis for guest-program tests: a fresh database per test (dropped
//! afterwards), a unique Redis key prefix per test (deleted afterwards), and a TCP relay
//! that a test can cut and restore to simulate a server going away.

use std::net::{TcpListener, TcpStream};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

/// Connection options of every test database address: the loopback server offers TLS with
/// a self-signed certificate, and the tests, like the shipped defaults, connect plainly.
pub const PG_OPTIONS: &str = "sslmode=disable";

/// Where the test servers are; override with `REDSHOP_TEST_PG` / `REDSHOP_TEST_REDIS`.
pub fn pg_server() -> String {
    std::env::var("REDSHOP_TEST_PG").unwrap_or_else(|_| "postgres://postgres@127.0.0.1:5432".into())
}

pub fn redis_server() -> String {
    std::env::var("REDSHOP_TEST_REDIS").unwrap_or_else(|_| "redis://127.0.0.1:6379".into())
}

/// A unique name for this test's database or keys.
pub fn unique(prefix: &str) -> String {
    let nanos = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_nanos())
        .unwrap_or(0);
    format!(
        "{prefix}_{}_{:x}",
        std::process::id(),
        nanos & 0xffff_ffff_ffff
    )
}

fn block_on<F: Future>(f: F) -> F::Output {
    tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .expect("runtime")
        .block_on(f)
}

/// Run SQL on `database` as the superuser (for setup and for checking from outside).
pub fn psql(database: &str, sql: &str) -> Vec<tokio_postgres::Row> {
    let url = format!("{}/{database}?{PG_OPTIONS}", pg_server());
    block_on(async move {
        let (client, conn) = tokio_postgres::connect(&url, tokio_postgres::NoTls)
            .await
            .expect("connect to test postgres");
        tokio::spawn(conn);
        client.simple_query(sql).await.expect("setup sql");
        if sql.trim_start().to_ascii_lowercase().starts_with("select") {
            client.query(sql, &[]).await.expect("query")
        } else {
            Vec::new()
        }
    })
}

/// A database that exists for one test.
pub struct TestDb {
    pub name: String,
}

impl TestDb {
    pub fn create() -> TestDb {
        let name = unique("redshop_test");
        psql("postgres", &format!("CREATE DATABASE {name}"));
        TestDb { name }
    }

    /// The address a guest uses, through `host:port` (the server itself or a relay), with
    /// the same `sslmode=disable` as the shipped loopback defaults.
    pub fn address(&self, host_port: &str) -> String {
        format!("postgres://postgres@{host_port}/{}?{PG_OPTIONS}", self.name)
    }
}

impl Drop for TestDb {
    fn drop(&mut self) {
        psql(
            "postgres",
            &format!("DROP DATABASE IF EXISTS {} WITH (FORCE)", self.name),
        );
    }
}

/// Keys under one prefix, deleted when the test ends.
pub struct TestKeys {
    pub prefix: String,
}

impl TestKeys {
    #[expect(
        clippy::new_without_default,
        reason = "a default would share one prefix between tests"
    )]
    pub fn new() -> TestKeys {
        TestKeys {
            prefix: unique("redshop_test"),
        }
    }

    pub fn conn(&self) -> redis::Connection {
        redis::Client::open(redis_server())
            .expect("redis url")
            .get_connection()
            .expect("connect to test redis")
    }
}

impl Drop for TestKeys {
    fn drop(&mut self) {
        let mut c = self.conn();
        let keys: Vec<String> = redis::cmd("KEYS")
            .arg(format!("{}*", self.prefix))
            .query(&mut c)
            .unwrap_or_default();
        if !keys.is_empty() {
            let _: redis::RedisResult<()> = redis::cmd("DEL").arg(keys).query(&mut c);
        }
    }
}

/// A TCP relay to `target` on a fixed local port. `cut` closes the listener and every
/// relayed connection (the server "goes away"); `restore` listens again on the same port.
pub struct Relay {
    pub port: u16,
    target: String,
    running: Arc<AtomicBool>,
    streams: Arc<Mutex<Vec<TcpStream>>>,
}

impl Relay {
    pub fn start(target: &str) -> Relay {
        let probe = TcpListener::bind("127.0.0.1:0").expect("bind");
        let port = probe.local_addr().expect("addr").port();
        drop(probe);
        let relay = Relay {
            port,
            target: target.to_owned(),
            running: Arc::new(AtomicBool::new(false)),
            streams: Arc::default(),
        };
        relay.restore();
        relay
    }

    pub fn addr(&self) -> String {
        format!("127.0.0.1:{}", self.port)
    }

    pub fn restore(&self) {
        let listener = TcpListener::bind(("127.0.0.1", self.port)).expect("rebind relay port");
        listener.set_nonblocking(true).expect("nonblocking");
        self.running.store(true, Ordering::SeqCst);
        let (running, streams, target) = (
            self.running.clone(),
            self.streams.clone(),
            self.target.clone(),
        );
        std::thread::spawn(move || {
            while running.load(Ordering::SeqCst) {
                match listener.accept() {
                    Ok((client, _)) => {
                        let _ = client.set_nonblocking(false);
                        let Ok(server) = TcpStream::connect(&target) else {
                            continue;
                        };
                        for s in [&client, &server] {
                            if let Ok(clone) = s.try_clone() {
                                streams.lock().expect("lock").push(clone);
                            }
                        }
                        pipe(
                            client.try_clone().expect("clone"),
                            server.try_clone().expect("clone"),
                        );
                        pipe(server, client);
                    }
                    Err(_) => std::thread::sleep(Duration::from_millis(5)),
                }
            }
        });
    }

    pub fn cut(&self) {
        self.running.store(false, Ordering::SeqCst);
        for s in self.streams.lock().expect("lock").drain(..) {
            let _ = s.shutdown(std::net::Shutdown::Both);
        }
        std::thread::sleep(Duration::from_millis(50));
    }
}

impl Drop for Relay {
    fn drop(&mut self) {
        self.cut();
    }
}

fn pipe(mut from: TcpStream, mut to: TcpStream) {
    std::thread::spawn(move || {
        let _ = std::io::copy(&mut from, &mut to);
        let _ = to.shutdown(std::net::Shutdown::Both);
    });
}

/// Where the test MQTT broker listens (`host:port`); override with `REDSHOP_TEST_MQTT`.
pub fn mqtt_server() -> String {
    std::env::var("REDSHOP_TEST_MQTT").unwrap_or_else(|_| "127.0.0.1:1883".into())
}

/// A Mosquitto of one test's own, on a free local port, that lets in only one user (the
/// shared broker accepts anyone, so it cannot show that credentials reach the server).
/// Stopped when dropped.
pub struct PasswordBroker {
    pub port: u16,
    child: std::process::Child,
    _dir: tempfile::TempDir,
}

impl PasswordBroker {
    /// Start it; panics with the broker's output if it does not come up.
    pub fn start(username: &str, password: &str) -> PasswordBroker {
        let dir = tempfile::tempdir().expect("tempdir");
        let passwd = dir.path().join("passwd");
        let status = std::process::Command::new(mosquitto_tool("mosquitto_passwd"))
            .arg("-c")
            .arg("-b")
            .arg(&passwd)
            .args([username, password])
            .status()
            .expect("run mosquitto_passwd (scripts/services.sh installs mosquitto)");
        assert!(status.success(), "mosquitto_passwd failed");
        let port = TcpListener::bind("127.0.0.1:0")
            .and_then(|l| l.local_addr())
            .expect("free port")
            .port();
        // As root, Mosquitto would switch to its own user, which cannot read a private
        // temporary directory: tell it to stay.
        // SAFETY: geteuid(2) has no preconditions and touches no memory.
        let stay = if unsafe { libc::geteuid() } == 0 {
            "user root\n"
        } else {
            ""
        };
        let conf = dir.path().join("mosquitto.conf");
        std::fs::write(
            &conf,
            format!(
                "{stay}listener {port} 127.0.0.1\nallow_anonymous false\npassword_file {}\npersistence false\n",
                passwd.display()
            ),
        )
        .expect("write mosquitto.conf");
        let mut child = std::process::Command::new(mosquitto_tool("mosquitto"))
            .arg("-c")
            .arg(&conf)
            .stdout(std::process::Stdio::null())
            .stderr(std::process::Stdio::piped())
            .spawn()
            .expect("start mosquitto (scripts/services.sh installs it)");
        for _ in 0..250 {
            if TcpStream::connect(("127.0.0.1", port)).is_ok() {
                return PasswordBroker {
                    port,
                    child,
                    _dir: dir,
                };
            }
            if let Ok(Some(status)) = child.try_wait() {
                let mut err = String::new();
                if let Some(mut stderr) = child.stderr.take() {
                    let _ = std::io::Read::read_to_string(&mut stderr, &mut err);
                }
                panic!("mosquitto exited ({status}): {err}");
            }
            std::thread::sleep(Duration::from_millis(20));
        }
        let _ = child.kill();
        panic!("mosquitto did not listen on 127.0.0.1:{port}");
    }
}

impl Drop for PasswordBroker {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// A Mosquitto program: on `PATH`, or in /usr/sbin where Debian puts the broker.
fn mosquitto_tool(name: &str) -> std::path::PathBuf {
    let sbin = std::path::Path::new("/usr/sbin").join(name);
    if sbin.is_file() {
        return sbin;
    }
    name.into()
}
