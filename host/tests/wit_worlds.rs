//! Every built guest imports only what its WIT world allows. The worlds are the project's
//! statement of least privilege; this test is what makes them binding.

mod common;

use std::path::Path;

use wasmtime::component::Component;
use wasmtime::{Config, Engine};
use wit_parser::{Resolve, WorldItem, WorldKey};

/// The interfaces `world` (in the package at `dir`) lets a component import.
fn world_imports(dir: &Path, world: &str) -> Vec<String> {
    let mut resolve = Resolve::default();
    resolve.push_dir(Path::new(env!("REDSHOP_SPIN_SDK_WIT"))).expect("spin-sdk WIT parses");
    let (pkg, _) = resolve.push_dir(dir).expect("project WIT parses");
    let world = resolve.select_world(&[pkg], Some(world)).expect("world exists");
    resolve.worlds[world]
        .imports
        .iter()
        .filter_map(|(key, item)| match (key, item) {
            (WorldKey::Interface(id), WorldItem::Interface { .. }) => resolve.id_of(*id),
            (WorldKey::Name(name), _) => Some(name.clone()),
            _ => None,
        })
        .collect()
}

/// The interfaces a built component imports.
fn component_imports(wasm: &Path) -> Vec<String> {
    let engine = Engine::new(&Config::new()).expect("engine");
    let component = Component::from_file(&engine, wasm).expect("component compiles");
    component.component_type().imports(&engine).map(|(name, _)| name.to_owned()).collect()
}

/// Imports of `wasm` that `world` does not allow.
fn violations(wasm: &Path, dir: &Path, world: &str) -> Vec<String> {
    let allowed = world_imports(dir, world);
    component_imports(wasm).into_iter().filter(|i| !allowed.contains(i)).collect()
}

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
    for (guest, world) in [("guest-pg", "pg"), ("guest-kv-redis", "kv-redis"), ("guest-subscriber", "subscriber")] {
        let extra = violations(&common::guest(guest), &fixture_wit(), world);
        assert!(extra.is_empty(), "{guest} imports outside its world: {extra:?}");
    }
}

#[test]
fn a_narrower_world_is_violated() {
    // The check can fail: the probe reads variables, which `no-variables` leaves out.
    let wasm = common::guest("guest-probe");
    let extra = violations(&wasm, &fixture_wit(), "no-variables");
    assert_eq!(extra, vec!["fermyon:spin/variables@2.0.0".to_owned()]);
}
