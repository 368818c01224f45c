//! Start-up: what is refused before the first request, selective deployment, and the
//! compilation cache.

mod common;

use common::TestApp;

const TWO: &str = r#"
spin_manifest_version = 2
[application]
name = "select"
[[trigger.http]]
route = "/front/..."
component = "front"
[[trigger.http]]
route = "/back/..."
component = "back"
[[trigger.http]]
route = "/alone/..."
component = "alone"
[component.front]
source = "{{probe}}"
allowed_outbound_hosts = ["http://back.spin.internal"]
[component.back]
source = "{{probe}}"
[component.alone]
source = "{{probe}}"
"#;

#[test]
fn component_id_runs_only_the_selected_components() {
    let mut spec = common::spec(TWO);
    spec.args = vec!["--component-id".into(), "alone".into()];
    let app = TestApp::start(spec);
    assert_eq!(app.get_json("/alone/x").0, 200);
    assert_eq!(app.get("/back/x").0, 404);
    assert_eq!(app.get("/front/x").0, 404);
}

#[test]
fn selecting_a_caller_without_its_callee_is_a_start_up_error() {
    let mut spec = common::spec(TWO);
    spec.args = vec!["--component-id".into(), "front".into()];
    let output = TestApp::try_start(spec).err().expect("must not start");
    assert!(
        output.contains("`front` cannot use service chaining to unselected component `back`"),
        "{output}"
    );

    let mut spec = common::spec(TWO);
    spec.args = vec![
        "--component-id".into(),
        "front".into(),
        "--component-id".into(),
        "back".into(),
    ];
    let app = TestApp::start(spec);
    let (_, out) = app.get_json("/front/x?op=fetch&url=http%3A%2F%2Fback.spin.internal%2F");
    assert_eq!(out["status"], 200, "{out}");
}

#[test]
fn unknown_component_id_is_refused() {
    let mut spec = common::spec(TWO);
    spec.args = vec!["--component-id".into(), "ghost".into()];
    let output = TestApp::try_start(spec).err().expect("must not start");
    assert!(output.contains("ghost"), "{output}");
}

#[test]
fn unsupported_manifest_field_is_refused_naming_field_and_component() {
    let manifest = TWO.replace(
        "[component.alone]\n",
        "[component.alone]\nai_models = [\"llama2-chat\"]\n",
    );
    let output = TestApp::try_start(common::spec(&manifest))
        .err()
        .expect("must not start");
    assert!(
        output.contains("ai_models") && output.contains("alone"),
        "{output}"
    );
}

#[test]
fn runtime_config_key_spin_would_reject_is_refused() {
    let mut spec = common::spec(TWO);
    spec.runtime_config = Some("request_timeout_ms = 5\n");
    let output = TestApp::try_start(spec).err().expect("must not start");
    assert!(output.contains("request_timeout_ms"), "{output}");
}

#[test]
fn second_start_uses_the_compilation_cache() {
    let cache = tempfile::tempdir().expect("tempdir");
    let run = || {
        let mut spec = common::spec(TWO);
        spec.args = vec!["--cache-dir".into(), cache.path().display().to_string()];
        let app = TestApp::start(spec);
        let (code, logs) = app.terminate();
        assert_eq!(code, Some(0));
        logs
    };
    let first = run();
    // Three components share one file: compiled once, then loaded from the cache.
    assert!(
        first.contains("components=3 compiled=1 cached=0"),
        "{first}"
    );
    let second = run();
    assert!(
        second.contains("components=3 compiled=0 cached=1"),
        "{second}"
    );
}

#[test]
fn a_files_mount_outside_the_application_directory_is_refused_as_spin_refuses_it() {
    let outside = tempfile::tempdir().expect("tempdir");
    std::fs::write(outside.path().join("index.html"), "<p>hi</p>").expect("write");
    let manifest = TWO.replace(
        "[component.alone]\n",
        &format!(
            "[component.alone]\nfiles = [{{ source = \"{}\", destination = \"/\" }}]\n",
            outside.path().display()
        ),
    );
    let output = TestApp::try_start(common::spec(&manifest))
        .err()
        .expect("must not start");
    // Spin 4.0.2's words (crates/loader/src/local.rs, `copy_glob`).
    let words = format!(
        "{}/**/* cannot be mapped because it is outside the application directory. \
         Files must be within the application directory.",
        outside.path().display()
    );
    assert!(output.contains(&words), "{output}");
    assert!(output.contains("alone"), "{output}");
    // A pattern that reaches outside is refused too, not skipped.
    let pattern = TWO.replace(
        "[component.alone]\n",
        &format!(
            "[component.alone]\nfiles = [\"{}/*.html\"]\n",
            outside.path().display()
        ),
    );
    let output = TestApp::try_start(common::spec(&pattern))
        .err()
        .expect("must not start");
    assert!(
        output.contains("outside the application directory"),
        "{output}"
    );

    // Inside the application directory, the same files are served.
    let mut spec = common::spec(&TWO.replace(
        "[component.alone]\n",
        "[component.alone]\nfiles = [{ source = \"site\", destination = \"/\" }]\n",
    ));
    spec.copies
        .push((outside.path().to_owned(), "site".to_owned()));
    let app = TestApp::start(spec);
    let (status, out) = app.get_json("/alone/x?op=file&path=/index.html");
    assert_eq!(status, 200);
    assert_eq!(out["content"], "<p>hi</p>");
}
