//! The harness for guest-program tests: builds the fixture guests from source once per
//! test binary, writes a manifest into a temporary app directory, runs the real `redshop`
//! binary on a free port, and talks to it over HTTP.

#![allow(dead_code, reason = "each test binary uses a different part of the harness")]

use std::io::{BufRead as _, BufReader, Read as _};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::{Arc, Mutex, OnceLock};
use std::time::{Duration, Instant};

/// The cargo profile fixture guests are built with (small and fast to compile).
pub mod services;

/// Send a JSON body with POST.
pub fn post_json(url: &str, body: &serde_json::Value) -> (u16, serde_json::Value) {
    let (status, text) = send_body(ureq::post(url).set("content-type", "application/json"), &body.to_string());
    let json = serde_json::from_str(&text).unwrap_or_else(|e| panic!("not JSON ({e}): {text:?}"));
    (status, json)
}

fn send_body(req: ureq::Request, body: &str) -> (u16, String) {
    match req.timeout(Duration::from_secs(60)).send_string(body) {
        Ok(resp) => (resp.status(), resp.into_string().unwrap_or_default()),
        Err(ureq::Error::Status(code, resp)) => (code, resp.into_string().unwrap_or_default()),
        Err(e) => panic!("request failed: {e}"),
    }
}

const GUEST_PROFILE: &str = "wasm";

/// Path of a fixture guest's `.wasm`, building all fixtures on first use.
pub fn guest(name: &str) -> PathBuf {
    static BUILT: OnceLock<PathBuf> = OnceLock::new();
    let dir = BUILT.get_or_init(|| {
        let workspace = Path::new(env!("CARGO_MANIFEST_DIR")).parent().expect("workspace").to_path_buf();
        let status = Command::new(std::env::var("CARGO").unwrap_or_else(|_| "cargo".into()))
            .current_dir(&workspace)
            .args(["build", "--quiet", "--target", "wasm32-wasip2", "--profile", GUEST_PROFILE])
            .args(["-p", "guest-probe", "-p", "guest-pg", "-p", "guest-kv-redis", "-p", "guest-subscriber"])
            .env("CARGO_TARGET_DIR", target_dir())
            .status()
            .expect("run cargo to build the fixture guests");
        assert!(status.success(), "building fixture guests failed");
        target_dir().join("wasm32-wasip2").join(GUEST_PROFILE)
    });
    dir.join(format!("{}.wasm", name.replace('-', "_")))
}

/// The target directory this test binary was built into.
pub fn target_dir() -> PathBuf {
    if let Some(dir) = std::env::var_os("CARGO_TARGET_DIR") {
        return PathBuf::from(dir);
    }
    // <target>/<profile>/deps/<test-binary>
    let exe = std::env::current_exe().expect("current exe");
    exe.ancestors().nth(3).expect("target dir").to_path_buf()
}

/// A running `redshop up`.
pub struct TestApp {
    pub dir: tempfile::TempDir,
    pub base: String,
    pub admin: Option<String>,
    child: Child,
    logs: Arc<Mutex<String>>,
}

/// What to start.
pub struct AppSpec<'a> {
    pub manifest: &'a str,
    pub runtime_config: Option<&'a str>,
    pub host_config: Option<&'a str>,
    pub args: Vec<String>,
    pub env: Vec<(String, String)>,
}

impl<'a> AppSpec<'a> {
    pub fn new(manifest: &'a str) -> Self {
        Self { manifest, runtime_config: None, host_config: None, args: Vec::new(), env: Vec::new() }
    }
}

/// `{{probe}}` in a manifest becomes the probe guest's path.
pub fn manifest(template: &str) -> String {
    let mut text = template.to_owned();
    for name in ["probe", "pg", "kv-redis", "subscriber"] {
        text = text.replace(&format!("{{{{{name}}}}}"), &guest(&format!("guest-{name}")).display().to_string());
    }
    text
}

impl TestApp {
    /// Start and wait until it serves; panics with the host's output if it does not.
    pub fn start(spec: AppSpec<'_>) -> TestApp {
        match Self::try_start(spec) {
            Ok(app) => app,
            Err(output) => panic!("redshop did not start:\n{output}"),
        }
    }

    /// Start, or return everything the host printed if it exits first.
    pub fn try_start(spec: AppSpec<'_>) -> Result<TestApp, String> {
        let dir = tempfile::tempdir().expect("tempdir");
        std::fs::write(dir.path().join("spin.toml"), manifest(spec.manifest)).expect("write manifest");
        let mut cmd = Command::new(env!("CARGO_BIN_EXE_redshop"));
        cmd.current_dir(dir.path())
            .args(["up", "--from", "spin.toml", "--listen", "127.0.0.1:0", "--admin-listen", "127.0.0.1:0"])
            .args(&spec.args)
            .env("RUST_LOG", "info")
            .env_remove("RUST_BACKTRACE")
            .stdout(Stdio::piped())
            .stderr(Stdio::piped());
        if !spec.args.iter().any(|a| a == "--cache-dir") {
            cmd.arg("--cache-dir").arg(target_dir().join("redshop-test-cache"));
        }
        if let Some(rc) = spec.runtime_config {
            std::fs::write(dir.path().join("runtime-config.toml"), rc).expect("write runtime config");
            cmd.args(["--runtime-config-file", "runtime-config.toml"]);
        }
        if let Some(hc) = spec.host_config {
            std::fs::write(dir.path().join("redshop.toml"), hc).expect("write host config");
        }
        for (k, v) in &spec.env {
            cmd.env(k, v);
        }
        let mut child = cmd.spawn().expect("spawn redshop");
        let logs = Arc::new(Mutex::new(String::new()));
        let stderr = child.stderr.take().expect("stderr");
        let sink = logs.clone();
        std::thread::spawn(move || {
            let mut reader = BufReader::new(stderr);
            let mut line = String::new();
            while reader.read_line(&mut line).map(|n| n > 0).unwrap_or(false) {
                sink.lock().expect("log lock").push_str(&line);
                line.clear();
            }
        });
        let mut stdout = BufReader::new(child.stdout.take().expect("stdout"));
        let mut line = String::new();
        let deadline = Instant::now() + Duration::from_secs(120);
        loop {
            line.clear();
            let n = stdout.read_line(&mut line).unwrap_or(0);
            if n == 0 || Instant::now() > deadline {
                let _ = child.wait();
                std::thread::sleep(Duration::from_millis(100));
                let mut out = logs.lock().expect("log lock").clone();
                let _ = stdout.read_to_string(&mut out);
                return Err(out);
            }
            if let Some(addr) = line.trim().strip_prefix("Serving ") {
                let base = addr.to_owned();
                // Drain the rest of stdout so the host never blocks on a full pipe.
                std::thread::spawn(move || {
                    let mut sink = String::new();
                    let _ = stdout.read_to_string(&mut sink);
                });
                let admin = wait_for_admin(&logs);
                return Ok(TestApp { dir, base, admin, child, logs });
            }
        }
    }

    pub fn url(&self, path: &str) -> String {
        format!("{}{}", self.base, path)
    }

    /// GET `path`; returns status and body whatever the status.
    pub fn get(&self, path: &str) -> (u16, String) {
        send(ureq::get(&self.url(path)))
    }

    /// GET `path` and parse the body as JSON.
    pub fn get_json(&self, path: &str) -> (u16, serde_json::Value) {
        let (status, body) = self.get(path);
        let json = serde_json::from_str(&body).unwrap_or_else(|e| panic!("not JSON ({e}): {body:?}"));
        (status, json)
    }

    pub fn logs(&self) -> String {
        self.logs.lock().expect("log lock").clone()
    }

    pub fn pid(&self) -> u32 {
        self.child.id()
    }

    /// Send SIGTERM and wait for the exit code.
    pub fn terminate(mut self) -> (Option<i32>, String) {
        signal(self.child.id(), libc::SIGTERM);
        let status = self.child.wait().expect("wait");
        std::thread::sleep(Duration::from_millis(100));
        (status.code(), self.logs())
    }
}

impl Drop for TestApp {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn wait_for_admin(logs: &Mutex<String>) -> Option<String> {
    let deadline = Instant::now() + Duration::from_secs(5);
    while Instant::now() < deadline {
        let text = logs.lock().expect("log lock").clone();
        if let Some(pos) = text.find("admin endpoints") {
            let line = text[..pos].rsplit('\n').next().unwrap_or_default().to_owned() + &text[pos..];
            if let Some(addr) = line.split("addr=").nth(1).and_then(|s| s.split_whitespace().next()) {
                return Some(format!("http://{addr}"));
            }
        }
        std::thread::sleep(Duration::from_millis(20));
    }
    None
}

pub fn send(req: ureq::Request) -> (u16, String) {
    match req.timeout(Duration::from_secs(60)).call() {
        Ok(resp) => (resp.status(), resp.into_string().unwrap_or_default()),
        Err(ureq::Error::Status(code, resp)) => (code, resp.into_string().unwrap_or_default()),
        Err(e) => panic!("request failed: {e}"),
    }
}

pub fn signal(pid: u32, sig: i32) {
    #[allow(unsafe_code, reason = "sending a signal to our own child process")]
    // SAFETY: kill(2) with a pid we spawned; no memory is shared.
    unsafe {
        libc::kill(pid as i32, sig);
    }
}

/// A one-route HTTP server on loopback that answers every request with `body`, for
/// outbound tests. Returns its port.
pub fn upstream(body: &'static str) -> u16 {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").expect("bind upstream");
    let port = listener.local_addr().expect("addr").port();
    std::thread::spawn(move || {
        for stream in listener.incoming().flatten() {
            std::thread::spawn(move || {
                use std::io::Write as _;
                let mut stream = stream;
                let mut reader = BufReader::new(stream.try_clone().expect("clone"));
                let mut line = String::new();
                while reader.read_line(&mut line).map(|n| n > 2).unwrap_or(false) {
                    line.clear();
                }
                let _ = write!(stream, "HTTP/1.1 200 OK\r\ncontent-length: {}\r\nconnection: close\r\n\r\n{body}", body.len());
            });
        }
    });
    port
}

/// The value of the first header `name` in a probe echo.
pub fn header<'a>(echo: &'a serde_json::Value, name: &str) -> Option<&'a str> {
    header_values(echo, name).into_iter().next()
}

/// Every value of header `name` in a probe echo.
pub fn header_values<'a>(echo: &'a serde_json::Value, name: &str) -> Vec<&'a str> {
    echo["headers"]
        .as_array()
        .map(|hs| {
            hs.iter()
                .filter(|h| h[0].as_str() == Some(name))
                .filter_map(|h| h[1].as_str())
                .collect()
        })
        .unwrap_or_default()
}
