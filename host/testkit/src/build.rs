//! Building guests and finding build output.

use std::path::{Path, PathBuf};
use std::process::Command;

/// The cargo profile guests are built with (small and fast to compile).
pub const GUEST_PROFILE: &str = "wasm";

/// The workspace root.
pub fn workspace_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .ancestors()
        .nth(2)
        .expect("workspace root")
        .to_path_buf()
}

/// The target directory tests are built into.
pub fn target_dir() -> PathBuf {
    if let Some(dir) = std::env::var_os("CARGO_TARGET_DIR") {
        return PathBuf::from(dir);
    }
    // <target>/<profile>/deps/<test-binary>
    let exe = std::env::current_exe().expect("current exe");
    exe.ancestors().nth(3).expect("target dir").to_path_buf()
}

/// Build `packages` for `wasm32-wasip2` and return the directory holding their `.wasm`.
pub fn build_wasm(packages: &[&str]) -> PathBuf {
    let mut cmd = Command::new(std::env::var("CARGO").unwrap_or_else(|_| "cargo".into()));
    cmd.current_dir(workspace_dir())
        .args([
            "build",
            "--quiet",
            "--target",
            "wasm32-wasip2",
            "--profile",
            GUEST_PROFILE,
        ])
        .env("CARGO_TARGET_DIR", target_dir());
    for p in packages {
        cmd.args(["-p", p]);
    }
    let status = cmd.status().expect("run cargo to build guests");
    assert!(
        status.success(),
        "building {packages:?} for wasm32-wasip2 failed"
    );
    target_dir().join("wasm32-wasip2").join(GUEST_PROFILE)
}

/// Build `packages` of the guest workspace at `dir` — one with its own lock file, outside
/// the root workspace, such as the guests built with older spin-sdk releases — for
/// `target`, with that workspace's committed `Cargo.lock`. Output goes to a directory of
/// its own under the target directory (`guests-<workspace dir name>`), so these builds
/// neither wait on nor invalidate the root workspace's. Returns the directory holding the
/// `.wasm` files.
pub fn build_guest_workspace(dir: &Path, target: &str, packages: &[&str]) -> PathBuf {
    let name = dir
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    let out = target_dir().join(format!("guests-{name}"));
    let mut cmd = Command::new(std::env::var("CARGO").unwrap_or_else(|_| "cargo".into()));
    cmd.current_dir(dir)
        .args([
            "build",
            "--quiet",
            "--locked",
            "--target",
            target,
            "--profile",
            GUEST_PROFILE,
        ])
        .env("CARGO_TARGET_DIR", &out);
    for p in packages {
        cmd.args(["-p", p]);
    }
    let status = cmd.status().expect("run cargo to build guests");
    assert!(
        status.success(),
        "building {packages:?} in {} for {target} failed",
        dir.display()
    );
    out.join(target).join(GUEST_PROFILE)
}

/// The `redshop` binary, built (debug profile, once per test process) for tests outside the
/// host's own package, which cannot use `CARGO_BIN_EXE_redshop`.
pub fn redshop_binary() -> PathBuf {
    static BUILT: std::sync::OnceLock<PathBuf> = std::sync::OnceLock::new();
    BUILT
        .get_or_init(|| {
            let status = Command::new(std::env::var("CARGO").unwrap_or_else(|_| "cargo".into()))
                .current_dir(workspace_dir())
                .args(["build", "--quiet", "-p", "redshop", "--bin", "redshop"])
                .env("CARGO_TARGET_DIR", target_dir())
                .status()
                .expect("run cargo to build redshop");
            assert!(status.success(), "building redshop failed");
            target_dir().join("debug").join("redshop")
        })
        .clone()
}
