//! The host under test runs with a cleared, explicit environment: a `SPIN_VARIABLE_*` in
//! the environment of the test process (a developer's shell, a CI job) must not change what
//! the app sees, while the test's own `AppSpec::env` still does.
//!
//! This binary holds one test, because it changes its own process environment.

mod common;

use common::{INHERITED_ENV, TestApp};

const MANIFEST: &str = r#"
spin_manifest_version = 2
[application]
name = "env"
[variables]
greeting = { default = "from-the-manifest" }
[[trigger.http]]
route = "/..."
component = "probe"
[component.probe]
source = "{{probe}}"
[component.probe.variables]
greeting = "{{ greeting }}"
"#;

/// The names in `/proc/<pid>/environ`.
fn environment_of(pid: u32) -> Vec<String> {
    let raw = std::fs::read(format!("/proc/{pid}/environ")).expect("read environ");
    raw.split(|b| *b == 0)
        .filter(|kv| !kv.is_empty())
        .map(|kv| {
            let kv = String::from_utf8_lossy(kv);
            kv.split_once('=')
                .map_or(kv.to_string(), |(k, _)| k.to_owned())
        })
        .collect()
}

#[test]
fn the_test_environment_does_not_leak_into_the_host() {
    #[expect(
        unsafe_code,
        reason = "set_var before any thread of this test binary reads the environment"
    )]
    // SAFETY: this binary runs only this test, and sets the variable before it starts
    // any thread of its own.
    unsafe {
        std::env::set_var("SPIN_VARIABLE_GREETING", "leaked-from-the-shell");
        std::env::set_var("REDSHOP_STRAY_SETTING", "1");
    }
    let app = TestApp::start(common::spec(MANIFEST));
    let (_, out) = app.get_json("/x?op=var&name=greeting");
    assert_eq!(out["value"], "from-the-manifest", "{out}");
    let mut names = environment_of(app.pid());
    names.sort();
    let mut expected: Vec<String> = INHERITED_ENV
        .iter()
        .filter(|k| std::env::var_os(k).is_some())
        .map(|k| (*k).to_owned())
        .chain(["RUST_LOG".to_owned()])
        .collect();
    expected.sort();
    assert_eq!(names, expected);

    // What a test sets explicitly does reach the host.
    let mut spec = common::spec(MANIFEST);
    spec.env
        .push(("SPIN_VARIABLE_GREETING".into(), "set-by-the-test".into()));
    let app = TestApp::start(spec);
    let (_, out) = app.get_json("/x?op=var&name=greeting");
    assert_eq!(out["value"], "set-by-the-test", "{out}");
}
