//! SQLite databases for guests: `fermyon:spin/sqlite@2.0.0`, the unversioned
//! `fermyon:spin/sqlite` that spin-sdk 1.x and 2.x emit, and `spin:sqlite/sqlite@3.0.0`
//! that spin-sdk 5 emits, all served by one implementation, as in Spin.
//!
//! A component opens only the labels in its `sqlite_databases` (anything else is
//! `access-denied`); every label a component lists must be defined, or start-up fails.
//! Databases come from `runtime-config.toml`:
//!
//! ```toml
//! [sqlite_database.orders]
//! type = "spin"
//! path = "data/orders.db"   # relative to the runtime-config file; absent = in memory
//! ```
//!
//! The label `default` exists even when not configured: `sqlite_db.db` in the app's state
//! directory (Spin's file name, so the file moves between the two runtimes), created on
//! first use; with `state_dir = ""` it is in memory. The file is plain SQLite through
//! `rusqlite` with SQLite compiled in; see [`conn`] for the connection settings.

mod conn;
mod host;

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use anyhow::bail;
use redshop_spin::runtime_config::{
    DEFAULT_SQLITE_DATABASE_FILE, DEFAULT_SQLITE_DATABASE_LABEL, RuntimeConfig, SqliteDatabase,
};
use wasmtime::component::{HasSelf, Linker};

pub use conn::{BUSY_TIMEOUT, MAX_RESULT_BYTES, SqliteConnection};

use crate::runtime::InstanceState;

/// Connections one instance may hold open at once. Spin allows 256; each connection to a
/// file holds up to three descriptors (database, `-wal`, `-shm`), so 256 per request would
/// let a few concurrent requests exhaust the process's descriptors. A request needs one.
pub const MAX_CONNECTIONS_PER_INSTANCE: usize = 16;

/// Where a database lives.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Location {
    /// A file, created (with its directory) on first use.
    File(PathBuf),
    /// In memory: a fresh, empty database for each connection, as in Spin.
    Memory,
}

/// One configured database.
#[derive(Debug)]
pub struct Database {
    /// Its label.
    pub label: String,
    /// Its file, or memory.
    pub location: Location,
    /// Whether `ATTACH` may name other files.
    pub allow_attach_file: bool,
}

/// Every configured label and its database.
#[derive(Default)]
pub struct SqliteDatabases {
    by_label: HashMap<String, Arc<Database>>,
}

impl SqliteDatabases {
    /// Databases from the runtime config, plus `default` if it is not configured.
    pub fn from_config(
        config: &RuntimeConfig,
        runtime_config_dir: &Path,
        state_dir: Option<&Path>,
    ) -> anyhow::Result<Self> {
        let mut by_label = HashMap::new();
        for (label, db) in &config.sqlite_databases {
            let (location, allow_attach_file) = match db {
                SqliteDatabase::Spin(spin) => (
                    match &spin.path {
                        Some(path) => Location::File(runtime_config_dir.join(path)),
                        None => Location::Memory,
                    },
                    spin.allow_attach_file,
                ),
                SqliteDatabase::Libsql { .. } => bail!(
                    "sqlite_database `{label}`: type `libsql` is not supported by redshop (use \"spin\")"
                ),
            };
            by_label.insert(
                label.clone(),
                Arc::new(Database {
                    label: label.clone(),
                    location,
                    allow_attach_file,
                }),
            );
        }
        by_label
            .entry(DEFAULT_SQLITE_DATABASE_LABEL.to_owned())
            .or_insert_with(|| {
                Arc::new(Database {
                    label: DEFAULT_SQLITE_DATABASE_LABEL.to_owned(),
                    location: match state_dir {
                        Some(dir) => Location::File(dir.join(DEFAULT_SQLITE_DATABASE_FILE)),
                        None => Location::Memory,
                    },
                    allow_attach_file: false,
                })
            });
        Ok(Self { by_label })
    }

    /// The database of `label`, if configured.
    pub fn get(&self, label: &str) -> Option<&Arc<Database>> {
        self.by_label.get(label)
    }

    /// Start-up check: every label `component` lists must exist.
    pub fn check_labels(&self, component: &str, labels: &[String]) -> anyhow::Result<()> {
        for label in labels {
            if !self.by_label.contains_key(label) {
                bail!(
                    "component `{component}`: field `sqlite_databases`: unknown label \"{label}\" (define [sqlite_database.{label}] in the runtime config)"
                );
            }
        }
        Ok(())
    }
}

/// Add the three versions of the SQLite interface to the linker.
pub fn add_to_linker(linker: &mut Linker<InstanceState>) -> wasmtime::Result<()> {
    crate::bindings::sqlite_v1::add_to_linker::<_, HasSelf<InstanceState>>(linker, |s| s)?;
    crate::bindings::sqlite_v2::add_to_linker::<_, HasSelf<InstanceState>>(linker, |s| s)?;
    crate::bindings::sqlite_v3::add_to_linker::<_, HasSelf<InstanceState>>(linker, |s| s)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn databases(toml: &str, state_dir: Option<&Path>) -> anyhow::Result<SqliteDatabases> {
        let config = RuntimeConfig::parse(toml)?;
        SqliteDatabases::from_config(&config, Path::new("/etc/app"), state_dir)
    }

    #[test]
    fn default_is_a_file_in_the_state_directory() -> anyhow::Result<()> {
        let dbs = databases("", Some(Path::new("/srv/app/.spin")))?;
        let default = dbs.get("default").expect("default exists");
        assert_eq!(
            default.location,
            Location::File("/srv/app/.spin/sqlite_db.db".into())
        );
        assert!(!default.allow_attach_file);
        Ok(())
    }

    #[test]
    fn default_is_in_memory_without_a_state_directory() -> anyhow::Result<()> {
        let dbs = databases("", None)?;
        assert_eq!(
            dbs.get("default").expect("default").location,
            Location::Memory
        );
        Ok(())
    }

    #[test]
    fn relative_paths_are_relative_to_the_runtime_config() -> anyhow::Result<()> {
        let dbs = databases(
            "[sqlite_database.default]\ntype = \"spin\"\npath = \"data/app.db\"\n[sqlite_database.abs]\ntype = \"spin\"\npath = \"/var/abs.db\"\nallow_attach_file = true\n[sqlite_database.mem]\ntype = \"spin\"",
            Some(Path::new("/srv/app/.spin")),
        )?;
        let location = |l: &str| dbs.get(l).expect("label").location.clone();
        assert_eq!(
            location("default"),
            Location::File("/etc/app/data/app.db".into())
        );
        assert_eq!(location("abs"), Location::File("/var/abs.db".into()));
        assert_eq!(location("mem"), Location::Memory);
        assert!(dbs.get("abs").expect("abs").allow_attach_file);
        Ok(())
    }

    #[test]
    fn unknown_labels_and_libsql_stop_start_up() -> anyhow::Result<()> {
        let dbs = databases("", None)?;
        let err = dbs
            .check_labels("orders", &["default".into(), "archive".into()])
            .expect_err("archive is not defined");
        assert_eq!(
            err.to_string(),
            "component `orders`: field `sqlite_databases`: unknown label \"archive\" (define [sqlite_database.archive] in the runtime config)"
        );
        let err = databases(
            "[sqlite_database.remote]\ntype = \"libsql\"\nurl = \"https://db.example\"\ntoken = \"t\"",
            None,
        )
        .err()
        .expect("libsql is refused");
        assert!(
            err.to_string().contains("`libsql` is not supported"),
            "{err}"
        );
        Ok(())
    }
}
