//! Checking a built component against its WIT world in `wit/`.
//!
//! The worlds are the project's statement of least privilege: a component that imports an
//! interface its world leaves out fails the check. Spin's and WASI's packages are read from
//! the spin-sdk crate that the components build with (found with `cargo metadata`), never
//! from a copy in the repository.

use std::path::{Path, PathBuf};
use std::process::Command;

use crate::build::workspace_dir;
use wit_parser::{IndexMap, Resolve, WorldId, WorldItem, WorldKey};

/// The `wit/` directory of the spin-sdk package in the workspace's lock file.
pub fn spin_sdk_wit() -> PathBuf {
    if let Some(dir) = std::env::var_os("REDSHOP_SPIN_SDK_WIT") {
        return PathBuf::from(dir);
    }
    let output = Command::new(std::env::var("CARGO").unwrap_or_else(|_| "cargo".into()))
        .current_dir(workspace_dir())
        .args(["metadata", "--format-version", "1", "--locked"])
        .output()
        .expect("run cargo metadata");
    assert!(
        output.status.success(),
        "cargo metadata: {}",
        String::from_utf8_lossy(&output.stderr)
    );
    let meta: serde_json::Value = serde_json::from_slice(&output.stdout).expect("metadata is JSON");
    let sdk = meta["packages"]
        .as_array()
        .and_then(|ps| ps.iter().find(|p| p["name"] == "spin-sdk"))
        .expect("spin-sdk is in the workspace");
    let manifest = sdk["manifest_path"].as_str().expect("manifest_path");
    Path::new(manifest)
        .parent()
        .expect("package dir")
        .join("wit")
}

/// What a world, or a built component, imports and exports.
#[derive(Debug, Default)]
pub struct WorldNames {
    /// Imported interface names, versioned (`wasi:io/streams@0.2.6`).
    pub imports: Vec<String>,
    /// Exported interface names.
    pub exports: Vec<String>,
}

/// What `world` in the package at `dir` lets a component import and export.
pub fn world(dir: &Path, world: &str) -> WorldNames {
    let mut resolve = Resolve::default();
    resolve
        .push_dir(spin_sdk_wit())
        .expect("spin-sdk WIT parses");
    let (pkg, _) = resolve.push_dir(dir).expect("project WIT parses");
    let world = resolve
        .select_world(&[pkg], Some(world))
        .expect("world exists");
    names(&resolve, world)
}

/// What the built component at `wasm` imports and exports.
pub fn component(wasm: &Path) -> WorldNames {
    let bytes = std::fs::read(wasm).expect("read component");
    match wit_component::decode(&bytes).expect("decode component") {
        wit_component::DecodedWasm::Component(resolve, world) => names(&resolve, world),
        wit_component::DecodedWasm::WitPackage(..) => {
            panic!("{} is a WIT package, not a component", wasm.display())
        }
    }
}

/// An interface name without its patch version (`wasi:http/types@0.2`): WASI 0.2.x releases
/// are semver-compatible, and hosts link any 0.2.x name to the newest they implement.
pub fn semver_compatible(name: &str) -> String {
    match name.split_once('@') {
        Some((interface, version)) => {
            let major_minor: Vec<&str> = version.split('.').take(2).collect();
            format!("{interface}@{}", major_minor.join("."))
        }
        None => name.to_owned(),
    }
}

fn names(resolve: &Resolve, world: WorldId) -> WorldNames {
    let list = |items: &IndexMap<WorldKey, WorldItem>| -> Vec<String> {
        items
            .iter()
            .filter_map(|(key, item)| match (key, item) {
                (WorldKey::Interface(id), WorldItem::Interface { .. }) => resolve.id_of(*id),
                (WorldKey::Name(name), _) => Some(name.clone()),
                _ => None,
            })
            .collect()
    };
    let w = &resolve.worlds[world];
    WorldNames {
        imports: list(&w.imports),
        exports: list(&w.exports),
    }
}

/// Imports of `wasm` that `world` (in the package at `dir`) does not allow.
pub fn violations(wasm: &Path, dir: &Path, world_name: &str) -> Vec<String> {
    let allowed = world(dir, world_name).imports;
    component(wasm)
        .imports
        .into_iter()
        .filter(|i| !allowed.contains(i))
        .collect()
}
