"""The three servers the load scenarios compare, and how each is started.

`redshop` runs bench/app/spin.toml; `wasmtime serve` runs the trivial component with the
host's pooling settings; `native` is the hyper server in bench/native. `Servers` starts
them on demand and stops them at the end of a scenario's round, or keeps them up for the
whole run with `--keep-peers` (bench/README.md says which is the default and why).
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

from . import tools
from .peers import Peer, PeerError, free_port

BENCH = Path(__file__).resolve().parent.parent
MANIFEST = BENCH / "app" / "spin.toml"
# The pooling knobs `wasmtime serve` gets: the host's defaults (host/spin's host_config:
# 4 MiB of linear memory and 64 KiB of tables kept resident, decommits batched by 64,
# PAGEMAP_SCAN where the kernel has it), so that the comparison is host layer against
# host layer on the same allocator settings.
WASMTIME_POOLING = {
    "pooling-allocator": "y",
    "pooling-memory-keep-resident": "4194304",
    "pooling-table-keep-resident": "65536",
    "pooling-decommit-batch-size": "64",
    "pooling-pagemap-scan": "auto",
}
# Components the host must support; pg and redis need host capabilities an older host may
# lack, and the bench falls back to this set when the host refuses them.
CORE_COMPONENTS = ["trivial", "trivial-private", "chain", "variable"]
DB_COMPONENTS = ["pg", "redis"]
# Reason shown for the database scenarios when the host will not load those components.
HOST_LACKS_DB = "host lacks postgres/redis"
# The host's log filter during the bench: its defaults, minus the per-request access log
# (`redshop::request`), which `wasmtime serve` and the native peer do not write either and
# which would fill bench/work/logs with ~200 bytes per request. The `ready ...
# startup_ms=N` line the start-up scenario reads is kept.
REDSHOP_LOG = "info,redshop::request=off,wasmtime=warn,cranelift=warn"


def redshop_env(pg_url: str | None, redis_url: str | None, redis_key: str | None) -> dict[str, str]:
    env = dict(os.environ, RUST_LOG=REDSHOP_LOG)
    if pg_url:
        env["SPIN_VARIABLE_PG_URL"] = pg_url
    if redis_url and redis_key:
        env["SPIN_VARIABLE_REDIS_URL"] = redis_url
        env["SPIN_VARIABLE_REDIS_KEY"] = redis_key
    return env


def redshop_cmd(cache_dir: Path, components: list[str] | None) -> list[str]:
    cmd = [str(tools.host_binary()), "up", "--from", str(MANIFEST), "--listen", "127.0.0.1:0",
           "--cache-dir", str(cache_dir)]
    for component in components or []:
        cmd += ["--component-id", component]
    return cmd


def check_wasmtime_knobs(wasmtime: Path) -> None:
    """Warn if this wasmtime does not list a pooling knob by the name we pass (it would
    then refuse to start, which is reported as a peer failure with its log)."""
    listing = subprocess.run([str(wasmtime), "serve", "-O", "help"], capture_output=True, text=True, timeout=30)
    text = listing.stdout + listing.stderr
    missing = [k for k in WASMTIME_POOLING if k not in text]
    if missing:
        print(f"bench: warning: `{wasmtime} serve -O help` does not list {', '.join(missing)}", file=sys.stderr)


class Servers:
    """Starts the load peers on demand; remembers what the host accepted and who failed."""

    def __init__(self, ctx, wasmtime: Path | None):
        self.ctx = ctx
        self.wasmtime = wasmtime
        self.running: dict[str, Peer] = {}
        self.failed: set[str] = set()
        # The component selection the host accepted (None = the whole app), found on the
        # first start and reused, so later rounds do not retry a refused component.
        self.components: list[str] | None = None
        self.cache_dir = ctx.work / "cache" / "load"
        if wasmtime is not None:
            check_wasmtime_knobs(wasmtime)

    def get(self, name: str) -> Peer | None:
        """The running peer `name`, started now if need be; None if it cannot start."""
        if name in self.failed:
            return None
        if name not in self.running:
            try:
                self.running[name] = self._start(name)
            except PeerError as e:
                self._failed(name, e)
                return None
        return self.running[name]

    def stop_round(self) -> None:
        """End of a scenario's round: stop every peer, unless they are kept up."""
        if not self.ctx.keep_peers:
            self.stop_all()

    def stop_all(self) -> None:
        for peer in self.running.values():
            peer.stop()
        self.running.clear()

    def _start(self, name: str) -> Peer:
        log = self.ctx.work / "logs" / f"{name}.log"
        if name == "native":
            cmd = [str(tools.native_binary()), "--listen", "127.0.0.1:0"]
            if self.ctx.pg.url:
                cmd += ["--pg-url", self.ctx.pg.url]
            if self.ctx.redis.url:
                cmd += ["--redis-url", self.ctx.redis.url, "--redis-key", self.ctx.redis.key]
            return Peer(name, cmd, log).start_until_serving()
        if name == "wasmtime":
            if self.wasmtime is None:
                raise PeerError("wasmtime-cli is not installed")
            addr = f"127.0.0.1:{free_port()}"
            # -S cli=y: the spin-sdk component imports wasi:cli/environment, exit and terminal-*
            # and wasi:random/insecure-seed (Rust std), which wasi:http/proxy alone does not have.
            cmd = [str(self.wasmtime), "serve", "--addr", addr, "-S", "cli=y"]
            for knob, v in WASMTIME_POOLING.items():
                cmd += ["-O", f"{knob}={v}"]
            cmd.append(str(self.ctx.work / "wasm" / tools.component_wasm("trivial").name))
            return Peer(name, cmd, log).start_until_http_ok(addr)
        return self._start_redshop(log)

    def _start_redshop(self, log: Path) -> Peer:
        """redshop on the bench app; if it refuses the pg/redis components (the first
        time), again without them, and those scenarios are reported unavailable."""
        ctx = self.ctx
        peer = Peer("redshop", redshop_cmd(self.cache_dir, self.components), log, env=ctx.env)
        try:
            return peer.start_until_serving()
        except PeerError as e:
            refused = [c for c in DB_COMPONENTS if f"`{c}`" in peer.log_text()]
            if self.components is not None or not refused:
                raise
            print(f"bench: redshop refused {', '.join(refused)} ({HOST_LACKS_DB}); running without them",
                  file=sys.stderr, flush=True)
            missing = re.search(r"imports instance `([^`]+)`", str(e))
            for scenario in DB_COMPONENTS:
                if scenario not in ctx.scenarios:
                    continue
                if scenario in refused:
                    why = f"redshop refused `{scenario}`" + (f" (no {missing.group(1)})" if missing else "")
                else:
                    why = f"not tried: redshop refused `{refused[0]}` first"
                ctx.unavailable[f"{scenario}.redshop"] = f"{HOST_LACKS_DB}; {why}"
            self.components = CORE_COMPONENTS
            peer = Peer("redshop", redshop_cmd(self.cache_dir, self.components), log, env=ctx.env)
            return peer.start_until_serving()

    def _failed(self, name: str, error: PeerError) -> None:
        """A peer that did not start: its series are reported unavailable for the rest of
        the run (it is not retried), the run goes on, exit status is 1."""
        from .report import SCENARIOS

        print(f"bench: {error}", file=sys.stderr, flush=True)
        first = str(error).splitlines()[0][:200]
        self.failed.add(name)
        for scenario, (_, peers) in SCENARIOS.items():
            if scenario in self.ctx.scenarios and any(p == name for p, _ in peers):
                self.ctx.unavailable.setdefault(f"{scenario}.{name}", f"peer failed to start: {first}")
        self.ctx.failures.append(first)
