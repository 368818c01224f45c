//! SQLite for guests: `spin:sqlite/sqlite@3.0.0` (spin-sdk 5's `sqlite3`),
//! `fermyon:spin/sqlite@2.0.0` (its `sqlite`) and the unversioned v1 interface of
//! spin-sdk 1.x/2.x, driven by one fixture guest, each with a no-permission twin.
//!
//! `values`: what a guest sends and gets back; `databases`: labels, files, start-up
//! checks and deadlines.

#[path = "../common/mod.rs"]
mod common;
mod databases;
mod values;

use std::path::{Path, PathBuf};
use std::sync::OnceLock;

use common::{TestApp, post_json};
use serde_json::{Value, json};

pub(crate) const APIS: [&str; 3] = ["v3", "v2", "v1"];

/// The fixture, built once per test process (it is not one of the shared fixtures).
pub(crate) fn guest() -> PathBuf {
    static BUILT: OnceLock<PathBuf> = OnceLock::new();
    BUILT
        .get_or_init(|| common::build_wasm(&["guest-sqlite"]).join("guest_sqlite.wasm"))
        .clone()
}

pub(crate) fn manifest() -> String {
    format!(
        r#"
spin_manifest_version = 2
[application]
name = "sqlite"
[[trigger.http]]
route = "/allowed"
component = "allowed"
[[trigger.http]]
route = "/denied"
component = "denied"
[component.allowed]
source = "{guest}"
sqlite_databases = ["default", "archive", "broken"]
[component.denied]
source = "{guest}"
"#,
        guest = guest().display()
    )
}

/// `archive` is a file beside the runtime config; `broken` is a directory, which SQLite
/// cannot open; `hidden` exists but no component lists it.
pub(crate) fn runtime_config(broken: &Path) -> String {
    format!(
        r#"
[sqlite_database.archive]
type = "spin"
path = "data/archive.db"

[sqlite_database.broken]
type = "spin"
path = "{}"

[sqlite_database.hidden]
type = "spin"
"#,
        broken.display()
    )
}

pub(crate) struct Fixture {
    pub(crate) app: TestApp,
    pub(crate) broken: tempfile::TempDir,
}

pub(crate) fn start() -> Fixture {
    let broken = tempfile::tempdir().expect("tempdir");
    let rc = runtime_config(broken.path());
    let mut spec = common::AppSpec::new(env!("CARGO_BIN_EXE_redshop"), manifest());
    spec.runtime_config = Some(&rc);
    Fixture {
        app: TestApp::start(spec),
        broken,
    }
}

/// Runs `ops` on `db` through `api` as `path`'s component; one JSON result per op.
pub(crate) fn run(app: &TestApp, path: &str, api: &str, db: &str, ops: Value) -> Vec<Value> {
    let (status, out) = post_json(&app.url(path), &json!({ "api": api, "db": db, "ops": ops }));
    assert_eq!(
        status, 200,
        "a SQLite error must reach the guest, not trap: {out}"
    );
    out["results"].as_array().expect("results").clone()
}

pub(crate) fn exec(sql: &str, params: Value) -> Value {
    json!(["exec", sql, params])
}

pub(crate) fn rows(result: &Value) -> &Value {
    assert!(result.get("error").is_none(), "{result}");
    &result["rows"]
}
