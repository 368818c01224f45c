//! The commands CI runs: `.ci/run` runs `make test` and `make lint`; `make test` runs every
//! crate of the workspace (`components/*` included, which the default members leave out),
//! and `make lint` runs clippy with warnings as errors and rustfmt in check mode.

use std::process::Command;

use redshop_testkit::workspace_dir;

/// What `make -n <target>` would run, one command a line.
fn make_dry_run(target: &str) -> Vec<String> {
    let out = Command::new("make")
        .args(["-n", "--no-print-directory", target])
        .current_dir(workspace_dir())
        .env("CARGO", "cargo")
        // Under `make test` these say "recursive make", which prints directory lines.
        .env_remove("MAKEFLAGS")
        .env_remove("MAKELEVEL")
        .output()
        .expect("run make");
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8_lossy(&out.stdout)
        .lines()
        .map(str::to_owned)
        .collect()
}

#[test]
fn make_test_runs_every_crate_of_the_workspace() {
    let commands = make_dry_run("test");
    let cargo_test: Vec<&String> = commands
        .iter()
        .filter(|c| c.starts_with("cargo test"))
        .collect();
    assert_eq!(
        cargo_test,
        vec!["cargo test --workspace --no-fail-fast"],
        "{commands:?}"
    );
}

#[test]
fn make_lint_runs_clippy_with_warnings_as_errors_and_rustfmt_check() {
    let commands = make_dry_run("lint");
    assert_eq!(
        commands,
        vec![
            "cargo clippy --workspace --all-targets -- -D warnings",
            "cargo fmt --all --check",
        ]
    );
}

#[test]
fn ci_runs_make_test_and_make_lint() {
    let script = std::fs::read_to_string(workspace_dir().join(".ci/run")).expect("read .ci/run");
    let runs: Vec<&str> = script
        .lines()
        .map(str::trim)
        .filter(|l| l.starts_with("make "))
        .map(|l| l.split(" ||").next().unwrap_or(l))
        .collect();
    assert_eq!(runs, vec!["make test", "make lint"], "{script}");
}

#[test]
fn rustfmt_settings_are_committed() {
    let config =
        std::fs::read_to_string(workspace_dir().join("rustfmt.toml")).expect("rustfmt.toml");
    assert!(
        config
            .lines()
            .any(|l| l.replace(' ', "") == "max_width=100"),
        "{config}"
    );
}
