//! A running `redshop up` — or real Spin's `spin up` — for one test.
//!
//! The same [`AppSpec`] runs on either runtime ([`Runtime`]), so a test written once checks
//! both. Spin gets what a developer's `spin up` would: the manifest, the runtime config, the
//! environment; never `redshop.toml`, the admin listener or the compile cache flag, which
//! are redshop's own. Each Spin run has its own state and log directories inside the app's
//! temporary directory, never `.spin/` in the checkout, and runs in a process group of its
//! own: `spin up` starts one child process per trigger type, and a test that ends must not
//! leave them serving.

use std::io::{BufRead as _, BufReader, Read as _};
use std::os::unix::process::CommandExt as _;
use std::path::PathBuf;
use std::process::{Child, Command, Stdio};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use crate::build::target_dir;

/// Which runtime an [`AppSpec`] runs on.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Runtime {
    /// `redshop up` (the binary in [`AppSpec::binary`]).
    #[default]
    Redshop,
    /// Real Spin's `spin up` (the binary in [`AppSpec::binary`], see [`crate::spin_binary`]).
    Spin,
}

/// A running `redshop up` or `spin up`.
pub struct TestApp {
    pub dir: tempfile::TempDir,
    pub base: String,
    /// redshop's admin listener (none on Spin, which has none).
    pub admin: Option<String>,
    pub runtime: Runtime,
    child: Child,
    logs: Arc<Mutex<String>>,
}

/// What to start.
pub struct AppSpec<'a> {
    /// The `redshop` binary, or the `spin` binary for [`Runtime::Spin`].
    pub binary: PathBuf,
    pub runtime: Runtime,
    /// `spin.toml`, as written to the app directory.
    pub manifest: String,
    pub runtime_config: Option<&'a str>,
    pub host_config: Option<&'a str>,
    pub args: Vec<String>,
    /// Files written into the app directory (the runtime's working directory) before it
    /// starts, as `(name, contents)`: a `.env`, say.
    pub files: Vec<(String, String)>,
    /// Directories copied into the app directory before it starts, as `(from, to)` with
    /// `to` relative: a `files` mount must lie inside the application directory (Spin
    /// refuses one outside it, and so does redshop).
    pub copies: Vec<(PathBuf, String)>,
    /// The host's environment, on top of `INHERITED_ENV` and `RUST_LOG=info`: nothing else
    /// from the environment of the test reaches it (a stray `SPIN_VARIABLE_*` must not
    /// change a result).
    pub env: Vec<(String, String)>,
}

/// The only variables the host under test inherits: what a process needs to find programs,
/// a home and a temporary directory. Everything else is set explicitly through
/// [`AppSpec::env`].
pub const INHERITED_ENV: [&str; 3] = ["PATH", "HOME", "TMPDIR"];

impl AppSpec<'_> {
    /// Run `binary` on `manifest`.
    pub fn new(binary: impl Into<PathBuf>, manifest: impl Into<String>) -> Self {
        Self {
            binary: binary.into(),
            runtime: Runtime::Redshop,
            manifest: manifest.into(),
            runtime_config: None,
            host_config: None,
            args: Vec::new(),
            files: Vec::new(),
            copies: Vec::new(),
            env: Vec::new(),
        }
    }
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
        std::fs::write(dir.path().join("spin.toml"), &spec.manifest).expect("write manifest");
        for (name, contents) in &spec.files {
            std::fs::write(dir.path().join(name), contents).expect("write app file");
        }
        for (from, to) in &spec.copies {
            copy_dir(from, &dir.path().join(to));
        }
        let mut cmd = Command::new(&spec.binary);
        cmd.current_dir(dir.path());
        match spec.runtime {
            Runtime::Redshop => {
                cmd.args([
                    "up",
                    "--from",
                    "spin.toml",
                    "--listen",
                    "127.0.0.1:0",
                    "--admin-listen",
                    "127.0.0.1:0",
                ]);
                if !spec.args.iter().any(|a| a == "--cache-dir") {
                    cmd.arg("--cache-dir")
                        .arg(target_dir().join("redshop-test-cache"));
                }
            }
            Runtime::Spin => {
                cmd.args(["up", "--from", "spin.toml", "--listen", "127.0.0.1:0"])
                    .arg("--state-dir")
                    .arg(dir.path().join("spin-state"))
                    .arg("--log-dir")
                    .arg(dir.path().join("spin-logs"))
                    .process_group(0);
            }
        }
        cmd.args(&spec.args)
            .env_clear()
            .envs(
                INHERITED_ENV
                    .iter()
                    .filter_map(|k| Some((k, std::env::var_os(k)?))),
            )
            .env("RUST_LOG", "info")
            .stdout(Stdio::piped())
            .stderr(Stdio::piped());
        if let Some(rc) = spec.runtime_config {
            std::fs::write(dir.path().join("runtime-config.toml"), rc)
                .expect("write runtime config");
            cmd.args(["--runtime-config-file", "runtime-config.toml"]);
        }
        if let Some(hc) = spec
            .host_config
            .filter(|_| spec.runtime == Runtime::Redshop)
        {
            std::fs::write(dir.path().join("redshop.toml"), hc).expect("write host config");
        }
        for (k, v) in &spec.env {
            cmd.env(k, v);
        }
        #[expect(
            clippy::zombie_processes,
            reason = "the child moves into TestApp, whose Drop kills and waits for it"
        )]
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
                let base = addr.trim().to_owned();
                // Drain the rest of stdout so the host never blocks on a full pipe.
                std::thread::spawn(move || {
                    let mut sink = String::new();
                    let _ = stdout.read_to_string(&mut sink);
                });
                let admin = match spec.runtime {
                    Runtime::Redshop => wait_for_admin(&logs),
                    Runtime::Spin => None,
                };
                return Ok(TestApp {
                    dir,
                    base,
                    admin,
                    runtime: spec.runtime,
                    child,
                    logs,
                });
            }
        }
    }

    pub fn url(&self, path: &str) -> String {
        format!("{}{}", self.base, path)
    }

    /// GET `path`; returns status and body whatever the status.
    pub fn get(&self, path: &str) -> (u16, String) {
        crate::http::send(ureq::get(&self.url(path)))
    }

    /// GET `path` and parse the body as JSON.
    pub fn get_json(&self, path: &str) -> (u16, serde_json::Value) {
        let (status, body) = self.get(path);
        let json =
            serde_json::from_str(&body).unwrap_or_else(|e| panic!("not JSON ({e}): {body:?}"));
        (status, json)
    }

    /// Wait (up to 10 s) until the host's log contains `needle`; the log arrives through
    /// a pipe and a reader thread, so it trails the responses a little.
    pub fn wait_for_log(&self, needle: &str) -> bool {
        let deadline = Instant::now() + Duration::from_secs(10);
        while Instant::now() < deadline {
            if self.logs().contains(needle) {
                return true;
            }
            std::thread::sleep(Duration::from_millis(20));
        }
        false
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
        if self.runtime == Runtime::Spin {
            // `spin up` and the trigger processes it started share its process group.
            signal_group(self.child.id(), libc::SIGKILL);
        }
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn wait_for_admin(logs: &Mutex<String>) -> Option<String> {
    let deadline = Instant::now() + Duration::from_secs(5);
    while Instant::now() < deadline {
        let text = logs.lock().expect("log lock").clone();
        if let Some(pos) = text.find("admin endpoints") {
            let line = text[..pos]
                .rsplit('\n')
                .next()
                .unwrap_or_default()
                .to_owned()
                + &text[pos..];
            let line = line.lines().next().unwrap_or_default();
            // `addr=127.0.0.1:9` in text logs, `"addr":"127.0.0.1:9"` in JSON ones.
            let addr = line
                .split("addr=")
                .nth(1)
                .and_then(|s| s.split_whitespace().next())
                .or_else(|| {
                    line.split("\"addr\":\"")
                        .nth(1)
                        .and_then(|s| s.split('"').next())
                });
            if let Some(addr) = addr {
                return Some(format!("http://{addr}"));
            }
        }
        std::thread::sleep(Duration::from_millis(20));
    }
    None
}

/// Send `sig` to `pid`.
pub fn signal(pid: u32, sig: i32) {
    // SAFETY: kill(2) with a pid we spawned; no memory is shared.
    unsafe {
        libc::kill(pid as i32, sig);
    }
}

/// Send `sig` to every process of the group `pgid` leads.
pub fn signal_group(pgid: u32, sig: i32) {
    // SAFETY: kill(2) on a process group we created; no memory is shared.
    unsafe {
        libc::kill(-(pgid as i32), sig);
    }
}

/// Copies the directory tree `from` to `to`.
fn copy_dir(from: &std::path::Path, to: &std::path::Path) {
    std::fs::create_dir_all(to).expect("create copy target");
    for entry in std::fs::read_dir(from).expect("read copy source") {
        let entry = entry.expect("dir entry");
        let target = to.join(entry.file_name());
        if entry.path().is_dir() {
            copy_dir(&entry.path(), &target);
        } else {
            std::fs::copy(entry.path(), &target).expect("copy file");
        }
    }
}
