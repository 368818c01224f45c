//! A throw-away PostgreSQL cluster for one test, for what the shared server cannot show
//! (TLS off, a certificate the test made, client-certificate authentication): its own
//! directory, port and settings, stopped and removed when dropped, also when the test
//! fails.
//!
//! It uses the server binaries of the installed PostgreSQL (`/usr/lib/postgresql/*/bin`,
//! else `pg_config --bindir`). `initdb` refuses to run as root, so as root every server
//! command runs as the `postgres` OS user (`runuser`) on a directory handed to it.

use std::net::TcpListener;
use std::path::{Path, PathBuf};
use std::process::Command;

/// What the test wants of its cluster.
#[derive(Debug, Default)]
pub struct ClusterSpec<'a> {
    /// Extra `postgresql.conf` lines (`ssl = on`, `ssl_cert_file = 'server.crt'`, ...).
    pub settings: Vec<String>,
    /// The whole `pg_hba.conf` besides local (Unix socket) access for the superuser.
    pub hba: &'a str,
    /// Files to put in the data directory, readable only by the server (keys, certs).
    pub files: Vec<(&'a str, String)>,
}

/// A running cluster, gone when dropped.
pub struct PgCluster {
    /// The cluster's TCP port on loopback.
    pub port: u16,
    /// Where the Unix socket is (for setup from the test, whatever `pg_hba` says of TCP).
    pub socket_dir: PathBuf,
    bin: PathBuf,
    data: PathBuf,
    as_postgres: bool,
    _dir: tempfile::TempDir,
}

impl PgCluster {
    /// Create and start a cluster; `Err` says why it cannot be done here.
    pub fn start(spec: &ClusterSpec<'_>) -> Result<PgCluster, String> {
        let bin = server_bin_dir()?;
        // SAFETY: geteuid has no preconditions and cannot fail.
        let as_postgres = unsafe { libc::geteuid() } == 0;
        let dir = tempfile::Builder::new()
            .prefix("redshop-pg-")
            .tempdir()
            .map_err(|e| format!("temporary directory: {e}"))?;
        let data = dir.path().join("data");
        let port = free_port()?;
        let cluster = PgCluster {
            port,
            socket_dir: dir.path().to_path_buf(),
            bin,
            data,
            as_postgres,
            _dir: dir,
        };
        cluster.own(cluster.socket_dir.as_path())?;
        cluster.run(
            "initdb",
            &[
                "-D",
                &cluster.data.display().to_string(),
                "-U",
                "postgres",
                "--auth=trust",
                "-E",
                "UTF8",
                "--no-sync",
                "--no-instructions",
            ],
        )?;
        for (name, content) in &spec.files {
            let path = cluster.data.join(name);
            std::fs::write(&path, content).map_err(|e| format!("{name}: {e}"))?;
            set_mode(&path, 0o600)?;
        }
        let mut conf = format!(
            "\nport = {port}\nlisten_addresses = 'localhost'\nunix_socket_directories = '{}'\nfsync = off\n",
            cluster.socket_dir.display()
        );
        for line in &spec.settings {
            conf.push_str(line);
            conf.push('\n');
        }
        append(&cluster.data.join("postgresql.conf"), &conf)?;
        std::fs::write(
            cluster.data.join("pg_hba.conf"),
            format!("local all postgres trust\n{}\n", spec.hba),
        )
        .map_err(|e| format!("pg_hba.conf: {e}"))?;
        cluster.own(&cluster.data)?;
        let log = cluster.socket_dir.join("server.log");
        if let Err(e) = cluster.run(
            "pg_ctl",
            &[
                "-D",
                &cluster.data.display().to_string(),
                "-l",
                &log.display().to_string(),
                "-w",
                "-t",
                "60",
                "start",
            ],
        ) {
            let log = std::fs::read_to_string(&log).unwrap_or_default();
            return Err(format!("{e}\nserver log:\n{log}"));
        }
        Ok(cluster)
    }

    /// Run SQL as the superuser over the Unix socket.
    pub fn execute(&self, sql: &str) -> Result<(), String> {
        let mut config = tokio_postgres::Config::new();
        config
            .host_path(&self.socket_dir)
            .port(self.port)
            .user("postgres")
            .dbname("postgres");
        let sql = sql.to_owned();
        tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .map_err(|e| e.to_string())?
            .block_on(async move {
                let (client, conn) = config
                    .connect(tokio_postgres::NoTls)
                    .await
                    .map_err(|e| format!("connect over the socket: {e}"))?;
                tokio::spawn(conn);
                client.batch_execute(&sql).await.map_err(|e| e.to_string())
            })
    }

    fn run(&self, program: &str, args: &[&str]) -> Result<(), String> {
        let exe = self.bin.join(program);
        let mut cmd = if self.as_postgres {
            let mut cmd = Command::new("runuser");
            cmd.args(["-u", "postgres", "--"]).arg(&exe);
            cmd
        } else {
            Command::new(&exe)
        };
        // The server's user may not be able to enter the test's working directory.
        let out = cmd
            .args(args)
            .current_dir(&self.socket_dir)
            .output()
            .map_err(|e| format!("{}: {e}", exe.display()))?;
        if out.status.success() {
            Ok(())
        } else {
            Err(format!(
                "{program} failed: {}{}",
                String::from_utf8_lossy(&out.stdout),
                String::from_utf8_lossy(&out.stderr)
            ))
        }
    }

    /// Hand `path` (recursively) to the `postgres` user when running as root.
    fn own(&self, path: &Path) -> Result<(), String> {
        if !self.as_postgres {
            return Ok(());
        }
        let status = Command::new("chown")
            .args(["-R", "postgres:postgres"])
            .arg(path)
            .status()
            .map_err(|e| format!("chown: {e}"))?;
        status
            .success()
            .then_some(())
            .ok_or_else(|| format!("chown {} failed (no `postgres` user?)", path.display()))
    }
}

impl Drop for PgCluster {
    fn drop(&mut self) {
        let data = self.data.display().to_string();
        if let Err(e) = self.run("pg_ctl", &["-D", &data, "-m", "immediate", "-w", "stop"]) {
            eprintln!("stopping the test cluster: {e}");
        }
    }
}

fn server_bin_dir() -> Result<PathBuf, String> {
    let mut found: Vec<PathBuf> = std::fs::read_dir("/usr/lib/postgresql")
        .into_iter()
        .flatten()
        .flatten()
        .map(|entry| entry.path().join("bin"))
        .filter(|bin| bin.join("initdb").is_file())
        .collect();
    found.sort_by_key(|bin| {
        bin.parent()
            .and_then(|v| v.file_name()?.to_str()?.parse::<u32>().ok())
            .unwrap_or(0)
    });
    if let Some(bin) = found.pop() {
        return Ok(bin);
    }
    let out = Command::new("pg_config")
        .arg("--bindir")
        .output()
        .map_err(|_| "no PostgreSQL server binaries (initdb, pg_ctl) installed".to_owned())?;
    let bin = PathBuf::from(String::from_utf8_lossy(&out.stdout).trim());
    if bin.join("initdb").is_file() {
        Ok(bin)
    } else {
        Err(format!("no initdb in {}", bin.display()))
    }
}

fn free_port() -> Result<u16, String> {
    let listener = TcpListener::bind("127.0.0.1:0").map_err(|e| format!("free port: {e}"))?;
    listener
        .local_addr()
        .map(|a| a.port())
        .map_err(|e| e.to_string())
}

fn append(path: &Path, text: &str) -> Result<(), String> {
    use std::io::Write as _;
    std::fs::OpenOptions::new()
        .append(true)
        .open(path)
        .and_then(|mut f| f.write_all(text.as_bytes()))
        .map_err(|e| format!("{}: {e}", path.display()))
}

fn set_mode(path: &Path, mode: u32) -> Result<(), String> {
    use std::os::unix::fs::PermissionsExt as _;
    std::fs::set_permissions(path, std::fs::Permissions::from_mode(mode))
        .map_err(|e| format!("{}: {e}", path.display()))
}
