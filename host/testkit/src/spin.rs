//! Real Spin, when the environment names one.
//!
//! `REDSHOP_TEST_SPIN` names a `spin` binary (`.ci/run` sets it to `../shared/tools/spin`
//! when that exists). Tests that run an app on Spin as well as on redshop call
//! [`spin_binary`]; without the variable they print how to enable them and run on redshop
//! only, so a machine without Spin still passes everything else.

use std::path::PathBuf;

/// The variable naming the `spin` binary.
pub const SPIN_VARIABLE: &str = "REDSHOP_TEST_SPIN";

/// The `spin` binary to test against, or `None` (after saying so on stderr, naming `test`)
/// when `REDSHOP_TEST_SPIN` is unset or empty. A value that names no file is a mistake in
/// the test setup and fails loudly rather than skipping.
pub fn spin_binary(test: &str) -> Option<PathBuf> {
    match std::env::var_os(SPIN_VARIABLE).filter(|v| !v.is_empty()) {
        Some(path) => {
            // A relative path is taken from the workspace root, where `make test` runs, not
            // from the package directory cargo runs a test binary in.
            let path = crate::workspace_dir().join(path);
            assert!(
                path.is_file(),
                "{SPIN_VARIABLE}={} names no file",
                path.display()
            );
            Some(path)
        }
        None => {
            eprintln!(
                "{test}: skipped on real Spin: set {SPIN_VARIABLE} to a `spin` binary \
                 (e.g. {SPIN_VARIABLE}=../shared/tools/spin) to run it there too"
            );
            None
        }
    }
}
