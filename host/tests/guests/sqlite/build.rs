//! Generates bindings to the unversioned `fermyon:spin/sqlite` (what spin-sdk 1.x and 2.x
//! components import) from the WIT inside the spin-sdk package, which is not copied into
//! the repository. `wit_bindgen::generate!` takes only a literal path, so the macro call
//! is written here, where the path is known, and `include!`d by the guest.

use std::path::{Path, PathBuf};
use std::process::Command;

fn main() {
    println!("cargo:rerun-if-changed=build.rs");
    println!("cargo:rerun-if-env-changed=REDSHOP_SPIN_SDK_WIT");
    let wit = match std::env::var_os("REDSHOP_SPIN_SDK_WIT") {
        Some(dir) => PathBuf::from(dir),
        None => spin_sdk_wit(),
    };
    let v1 = wit.join("deps").join("spin@unversioned");
    assert!(v1.is_dir(), "no spin@unversioned WIT at {}", v1.display());
    let bindings = format!(
        r#"wit_bindgen::generate!({{
    inline: "package redshop:guest-sqlite; world v1 {{ import fermyon:spin/sqlite; }}",
    path: {path:?},
    world: "redshop:guest-sqlite/v1",
    generate_all,
}});
"#,
        path = v1.display().to_string()
    );
    let out = PathBuf::from(std::env::var_os("OUT_DIR").expect("cargo sets OUT_DIR"));
    std::fs::write(out.join("v1_bindings.rs"), bindings).expect("write bindings");
}

/// The `wit/` directory of the spin-sdk package this workspace locks.
fn spin_sdk_wit() -> PathBuf {
    let cargo = std::env::var_os("CARGO").unwrap_or_else(|| "cargo".into());
    let output = Command::new(cargo)
        .args(["metadata", "--format-version", "1", "--locked"])
        .current_dir(std::env::var_os("CARGO_MANIFEST_DIR").expect("set by cargo"))
        .output()
        .expect("run cargo metadata");
    assert!(
        output.status.success(),
        "cargo metadata failed: {}",
        String::from_utf8_lossy(&output.stderr)
    );
    let meta: serde_json::Value = serde_json::from_slice(&output.stdout).expect("metadata is JSON");
    let manifest = meta["packages"]
        .as_array()
        .and_then(|ps| ps.iter().find(|p| p["name"] == "spin-sdk"))
        .and_then(|p| p["manifest_path"].as_str())
        .expect("spin-sdk is a dependency");
    Path::new(manifest)
        .parent()
        .expect("package dir")
        .join("wit")
}
