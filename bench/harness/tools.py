"""Build the benchmark's binaries and find (or install) the tools it drives.

The bench is run from `make`, from CI and by hand, on machines where nothing may be
installed yet, so it installs what it needs itself: oha with `cargo install oha --locked`
and `wasmtime serve` from crates.io at exactly the host's wasmtime version, into a
bench-local root so that it never shadows another wasmtime on the PATH.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

# wasmtime-cli at the version the host links (Cargo.lock: wasmtime 48.0.8), so that the
# `wasmtime serve` peer differs from redshop in the host layer only, not in codegen.
WASMTIME_VERSION = "48.0.8"
# A root of its own: the install takes ~20 minutes on 2 cores, so it is kept across runs
# (outside the clone) and never mixed with the ~/.cargo/bin a developer manages.
TOOLS_ROOT = Path.home() / ".cache" / "redshop-bench-tools"
# Where `make` keeps build artefacts (the Makefile exports the same default).
DEFAULT_TARGET_DIR = Path.home() / ".cache" / "redshop-target"
# The guest target and the workspace profile for components (small, LTO, panic=abort).
WASM_TARGET = "wasm32-wasip2"
WASM_PROFILE = "wasm"
# Bench components: scenario name -> Cargo package. The wasm file is the package name
# with `-` as `_`, as cargo names cdylib outputs.
COMPONENT_PACKAGES = {
    "trivial": "bench-trivial",
    "chain": "bench-chain",
    "variable": "bench-variable",
    "pg": "bench-pg",
    "redis": "bench-redis",
}
HOST_PACKAGE = "redshop"
NATIVE_PACKAGE = "redshop-bench-native"


class ToolError(RuntimeError):
    """A build or install step failed; the message says which and how to retry."""


def target_dir() -> Path:
    """The cargo target directory: $CARGO_TARGET_DIR, else the Makefile's default."""
    return Path(os.environ.get("CARGO_TARGET_DIR") or DEFAULT_TARGET_DIR)


def host_binary() -> Path:
    return target_dir() / "release" / HOST_PACKAGE


def native_binary() -> Path:
    return target_dir() / "release" / NATIVE_PACKAGE


def component_wasm(name: str) -> Path:
    package = COMPONENT_PACKAGES[name]
    return target_dir() / WASM_TARGET / WASM_PROFILE / f"{package.replace('-', '_')}.wasm"


def _run(cmd: list[str], cwd: Path, what: str) -> None:
    print(f"bench: {what}: {' '.join(cmd)}", file=sys.stderr, flush=True)
    env = dict(os.environ, CARGO_TARGET_DIR=str(target_dir()))
    if subprocess.run(cmd, cwd=cwd, env=env).returncode != 0:
        raise ToolError(f"{what} failed (command: {' '.join(cmd)})")


def build_all(repo: Path) -> None:
    """Build the host, the native peer and the bench components (cheap when up to date)."""
    _ensure_wasm_target()
    _run(["cargo", "build", "--release", "-p", HOST_PACKAGE, "-p", NATIVE_PACKAGE], repo, "building host and native peer")
    packages = [arg for pkg in COMPONENT_PACKAGES.values() for arg in ("-p", pkg)]
    _run(["cargo", "build", "--target", WASM_TARGET, "--profile", WASM_PROFILE, *packages], repo, "building bench components")


def _ensure_wasm_target() -> None:
    if shutil.which("rustup") is None:
        return  # a toolchain without rustup: cargo's own error will say what is missing
    installed = subprocess.run(["rustup", "target", "list", "--installed"], capture_output=True, text=True).stdout
    if WASM_TARGET not in installed.split():
        subprocess.run(["rustup", "target", "add", WASM_TARGET], check=False)


def find_oha(install: bool) -> Path:
    """oha on PATH or in ~/.cargo/bin; installed with cargo when missing and allowed."""
    found = shutil.which("oha") or _existing(Path.home() / ".cargo" / "bin" / "oha")
    if found:
        return Path(found)
    if not install:
        raise ToolError("oha is not installed; run `cargo install oha --locked` (or drop --no-install)")
    _run(["cargo", "install", "oha", "--locked"], Path.cwd(), "installing oha")
    found = shutil.which("oha") or _existing(Path.home() / ".cargo" / "bin" / "oha")
    if not found:
        raise ToolError("`cargo install oha --locked` succeeded but no oha binary was found in ~/.cargo/bin")
    return Path(found)


def find_wasmtime(install: bool) -> Path | None:
    """wasmtime-cli WASMTIME_VERSION in TOOLS_ROOT; installed when missing and allowed.

    Returns None (peer reported unavailable) when it is missing and installing is off.
    """
    binary = TOOLS_ROOT / "bin" / "wasmtime"
    if wasmtime_version(binary) == WASMTIME_VERSION:
        return binary
    if not install:
        return None
    print(
        f"bench: wasmtime-cli {WASMTIME_VERSION} is not in {TOOLS_ROOT}; installing it once "
        "(about 20 minutes on 2 cores, kept for later runs)",
        file=sys.stderr,
        flush=True,
    )
    cmd = ["cargo", "install", "wasmtime-cli", "--version", WASMTIME_VERSION, "--locked", "--root", str(TOOLS_ROOT)]
    _run(cmd, Path.cwd(), "installing wasmtime-cli")
    if wasmtime_version(binary) != WASMTIME_VERSION:
        raise ToolError(f"installed wasmtime-cli but {binary} does not report version {WASMTIME_VERSION}")
    return binary


def wasmtime_version(binary: Path) -> str | None:
    """The version `wasmtime --version` reports, or None if it does not run."""
    if not binary.is_file():
        return None
    try:
        out = subprocess.run([str(binary), "--version"], capture_output=True, text=True, timeout=30).stdout
    except (OSError, subprocess.TimeoutExpired):
        return None
    match = re.search(r"wasmtime(?:-cli)? (\d+\.\d+\.\d+)", out)
    return match.group(1) if match else None


def tool_version(binary: Path) -> str:
    """First line of `<binary> --version`, for the report's metadata."""
    try:
        out = subprocess.run([str(binary), "--version"], capture_output=True, text=True, timeout=30).stdout
    except (OSError, subprocess.TimeoutExpired):
        return "unknown"
    return out.strip().splitlines()[0] if out.strip() else "unknown"


def _existing(path: Path) -> str | None:
    return str(path) if path.is_file() and os.access(path, os.X_OK) else None
