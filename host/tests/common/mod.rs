//! Host-test glue over `redshop-testkit`: the host's own fixture guests, and manifests
//! that name them as `{{probe}}`, `{{pg}}`, `{{kv-redis}}`, `{{subscriber}}`, `{{mqtt}}`
//! and `{{tcp}}`.

#![allow(
    dead_code,
    reason = "each test binary uses a different part of the harness"
)]

use std::path::PathBuf;
use std::sync::OnceLock;

pub use redshop_testkit::*;

/// The fixture guests under host/tests/guests.
const FIXTURES: [&str; 6] = ["probe", "pg", "kv-redis", "subscriber", "mqtt", "tcp"];

/// Path of a fixture guest's `.wasm`, building all fixtures on first use.
pub fn guest(name: &str) -> PathBuf {
    static BUILT: OnceLock<PathBuf> = OnceLock::new();
    let dir = BUILT.get_or_init(|| {
        let packages: Vec<String> = FIXTURES.iter().map(|f| format!("guest-{f}")).collect();
        build_wasm(&packages.iter().map(String::as_str).collect::<Vec<_>>())
    });
    dir.join(format!("{}.wasm", name.replace('-', "_")))
}

/// `{{probe}}` (and the other fixture names) in a manifest become their paths.
pub fn manifest(template: &str) -> String {
    let mut text = template.to_owned();
    for name in FIXTURES {
        text = text.replace(
            &format!("{{{{{name}}}}}"),
            &guest(&format!("guest-{name}")).display().to_string(),
        );
    }
    text
}

/// The `redshop` under test: this package's, or the one `REDSHOP_TEST_BINARY` names (where
/// several checkouts share one target directory, the `redshop` cargo puts there is
/// whichever checkout built last).
pub fn binary() -> PathBuf {
    std::env::var_os("REDSHOP_TEST_BINARY")
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from(env!("CARGO_BIN_EXE_redshop")))
}

/// A spec running the `redshop` under test on `template` with fixtures substituted.
pub fn spec(template: &str) -> AppSpec<'static> {
    AppSpec::new(binary(), manifest(template))
}
