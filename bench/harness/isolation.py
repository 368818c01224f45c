"""The `isolation` scenario: does a normal route still answer promptly while guests spin?

Starts redshop on an app of two components built from the host's probe fixture: `busy`,
whose `?op=loop` never returns, and `hello`, which echoes. It sends as many busy-looping
requests as twice the host's worker threads (tokio starts one per CPU the process may run
on, so the count is read, not assumed), waits on the admin endpoint's in-flight gauge
until every loop is running, and then times GETs of `hello`, each on a fresh connection.
The same GETs with no loops running give the idle baseline. Goal: under 100 ms.

Run on its own: `python3 bench/harness/isolation.py --binary PATH --probe PATH`.
"""

from __future__ import annotations

import argparse
import http.client
import json
import os
import re
import statistics
import subprocess
import sys
import threading
import time
from pathlib import Path

sys.dont_write_bytecode = True
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from harness.peers import Peer, PeerError, free_port  # noqa: E402

# Fresh-connection GETs timed per phase: enough for a median and a max that mean
# something, few enough that the loops (bounded only by the long deadline) outlast them.
SAMPLES = 30
# Pause between samples, so each one lands somewhere else in the loops' time slices.
GAP_S = 0.05
# The loops must outlive the measurement: a deadline far beyond it.
HOST_CONFIG = "[limits]\nrequest_timeout_ms = 120000\ndrain_timeout_ms = 100\n"
GOAL_MS = 100.0


def workers() -> int:
    """Worker threads tokio starts by default: the CPUs this process may run on."""
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:
        return os.cpu_count() or 1


def manifest(probe: Path) -> str:
    return f"""spin_manifest_version = 2
[application]
name = "isolation"
[[trigger.http]]
route = "/loop"
component = "busy"
[[trigger.http]]
route = "/hello"
component = "hello"
[component.busy]
source = "{probe}"
[component.hello]
source = "{probe}"
"""


def get(addr: str, path: str, timeout: float) -> tuple[int, float]:
    """One GET on a new connection: (status, milliseconds)."""
    host, port = addr.rsplit(":", 1)
    started = time.perf_counter()
    conn = http.client.HTTPConnection(host, int(port), timeout=timeout)
    try:
        conn.request("GET", path)
        response = conn.getresponse()
        response.read()
        return response.status, (time.perf_counter() - started) * 1000
    finally:
        conn.close()


def in_flight(admin: str, component: str) -> int:
    host, port = admin.rsplit(":", 1)
    conn = http.client.HTTPConnection(host, int(port), timeout=5)
    try:
        conn.request("GET", "/metrics")
        text = conn.getresponse().read().decode()
    finally:
        conn.close()
    match = re.search(rf'redshop_http_requests_in_flight{{component="{component}"}} (\d+)', text)
    return int(match.group(1)) if match else 0


def sample(addr: str) -> list[float]:
    out = []
    for _ in range(SAMPLES):
        status, ms = get(addr, "/hello", timeout=30)
        if status != 200:
            raise RuntimeError(f"/hello answered {status}")
        out.append(ms)
        time.sleep(GAP_S)
    return out


def measure(binary: Path, probe: Path, work: Path) -> dict:
    """Run the scenario; returns the numbers (milliseconds) and the loop count."""
    work.mkdir(parents=True, exist_ok=True)
    (work / "spin.toml").write_text(manifest(probe), encoding="utf-8")
    (work / "redshop.toml").write_text(HOST_CONFIG, encoding="utf-8")
    admin = f"127.0.0.1:{free_port()}"
    cmd = [str(binary), "up", "--from", str(work / "spin.toml"), "--listen", "127.0.0.1:0",
           "--admin-listen", admin, "--cache-dir", str(work / "cache")]
    env = dict(os.environ, RUST_LOG="warn")
    loops = 2 * workers()
    with Peer("isolation", cmd, work / "redshop.log", env=env) as peer:
        peer.start_until_serving()
        assert peer.addr is not None
        get(peer.addr, "/hello", timeout=30)  # warm: first instance, connection set-up
        idle = sample(peer.addr)
        for _ in range(loops):
            threading.Thread(target=_loop, args=(peer.addr,), daemon=True).start()
        deadline = time.monotonic() + 30
        while in_flight(admin, "busy") < loops:
            if time.monotonic() > deadline:
                raise RuntimeError(f"only {in_flight(admin, 'busy')} of {loops} loops started")
            time.sleep(0.02)
        busy = sample(peer.addr)
        still = in_flight(admin, "busy")
        if still < loops:
            raise RuntimeError(f"loops ended during the measurement ({still} of {loops} left)")
        peer.proc.kill()  # the loops would hold a graceful stop until their deadline
    return {
        "workers": workers(),
        "loops": loops,
        "idle_p50_ms": statistics.median(idle),
        "p50_ms": statistics.median(busy),
        "p90_ms": statistics.quantiles(busy, n=10)[-1],
        "max_ms": max(busy),
    }


class Isolation:
    """The scenario as a round of `make bench`: the probe fixture is built once, then each
    round starts the host fresh and takes both phases."""

    name = "isolation"

    def __init__(self, repo: Path, host: Path):
        self.repo, self.host, self.probe = repo, host, None

    def estimate_s(self, plan) -> float:
        return 2 * SAMPLES * GAP_S + 5

    def prepare(self, ctx) -> None:
        from harness import tools

        build = ["cargo", "build", "--target", tools.WASM_TARGET, "--profile", tools.WASM_PROFILE, "-p", "guest-probe"]
        env = dict(os.environ, CARGO_TARGET_DIR=str(tools.target_dir()))
        if subprocess.run(build, cwd=self.repo, env=env).returncode:
            ctx.unavailable["isolation"] = "building guest-probe failed"
            return
        self.probe = tools.target_dir() / tools.WASM_TARGET / tools.WASM_PROFILE / "guest_probe.wasm"

    def round(self, ctx, r: int) -> None:
        if self.probe is None or "isolation" in ctx.unavailable:
            return
        print(f"bench: [round {r + 1}/{ctx.plan.rounds}] isolation (2×workers busy loops)", file=sys.stderr, flush=True)
        try:
            result = measure(self.host, self.probe, ctx.work / "isolation")
        except (PeerError, RuntimeError, OSError) as e:
            ctx.fail("isolation", e)
            return
        for name in ("idle_p50_ms", "p50_ms", "p90_ms", "max_ms"):
            ctx.samples.add(f"isolation.redshop.{name}", r, result[name], "max_ms" if name == "max_ms" else "p50_ms")
        ctx.samples.add("isolation.redshop.loops", r, result["loops"], "count")

    def close(self, ctx) -> None:
        pass


def _loop(addr: str) -> None:
    try:
        get(addr, "/loop?op=loop", timeout=300)
    except OSError:
        pass  # the server is killed under it at the end


def main() -> int:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--binary", type=Path, required=True, help="the redshop binary")
    p.add_argument("--probe", type=Path, required=True, help="guest_probe.wasm")
    p.add_argument("--work", type=Path, default=Path(__file__).resolve().parent.parent / "work" / "isolation")
    args = p.parse_args()
    result = measure(args.binary, args.probe, args.work)
    result["goal_ms"] = GOAL_MS
    print(json.dumps(result, indent=2))
    return 0 if result["max_ms"] < GOAL_MS else 1


if __name__ == "__main__":
    sys.exit(main())
