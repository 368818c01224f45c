//! Every built guest imports only what its WIT world allows. The worlds are the project's
//! statement of least privilege; this test is what makes them binding.

mod common;

use std::path::Path;

use common::wit::violations;

fn fixture_wit() -> std::path::PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/guests/wit")
}

#[test]
fn probe_fixture_imports_only_what_its_world_allows() {
    let wasm = common::guest("guest-probe");
    let extra = violations(&wasm, &fixture_wit(), "probe");
    assert!(extra.is_empty(), "imports outside the world: {extra:?}");
}

#[test]
fn capability_fixtures_import_only_what_their_worlds_allow() {
    for (guest, world) in [
        ("guest-pg", "pg"),
        ("guest-kv-redis", "kv-redis"),
        ("guest-subscriber", "subscriber"),
        ("guest-mqtt", "mqtt"),
        ("guest-tcp", "tcp"),
    ] {
        let extra = violations(&common::guest(guest), &fixture_wit(), world);
        assert!(
            extra.is_empty(),
            "{guest} imports outside its world: {extra:?}"
        );
    }
}

#[test]
fn a_narrower_world_is_violated() {
    // The check can fail: the probe reads variables, which `no-variables` leaves out.
    let wasm = common::guest("guest-probe");
    let extra = violations(&wasm, &fixture_wit(), "no-variables");
    assert_eq!(extra, vec!["fermyon:spin/variables@2.0.0".to_owned()]);
}
