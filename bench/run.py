#!/usr/bin/env python3
"""Runtime benchmark of the redshop host (`make bench`, `make bench-quick`).

Starts each peer on loopback, one at a time so they never compete for the two cores —
redshop on bench/app/spin.toml, `wasmtime serve` on the same trivial component, and the
native hyper server in bench/native — drives each with oha at several concurrency
levels, measures host start-up with a cold and a warm compilation cache, and writes
bench/results/<UTC date>-<commit>.{md,json}. See bench/README.md for what each scenario
measures and how to compare two runs.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import platform
import re
import shutil
import signal
import statistics
import subprocess
import sys
import time
import urllib.error
import urllib.request
from dataclasses import dataclass
from pathlib import Path

sys.dont_write_bytecode = True  # keep bench/harness free of __pycache__ (not git-ignored)

from harness import fixtures, report, tools  # noqa: E402  (after the line above)
from harness.load import LoadError, Oha  # noqa: E402
from harness.peers import Peer, PeerError, free_port  # noqa: E402
from harness import isolation  # noqa: E402
from harness import catalog  # noqa: E402
from harness import gateway as gateway_bench  # noqa: E402

BENCH = Path(__file__).resolve().parent
REPO = BENCH.parent
# Scratch space (git-ignored at the top level): staged wasm, caches, peer logs.
WORK = BENCH / "work"
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
# Components the host must support today; pg and redis need host capabilities that land
# later, and the bench falls back to this set when the host refuses them.
CORE_COMPONENTS = ["trivial", "trivial-private", "chain", "variable"]
DB_COMPONENTS = ["pg", "redis"]
# Reason shown for the database scenarios when the host will not load those components.
HOST_LACKS_DB = "host lacks postgres/redis"
# The host's log filter during the bench: its defaults, minus the per-request access log
# (`redshop::request`), which `wasmtime serve` and the native peer do not write either and
# which would fill bench/work/logs with ~200 bytes per request. The `ready ...
# startup_ms=N` line the start-up scenario reads is kept.
REDSHOP_LOG = "info,redshop::request=off,wasmtime=warn,cranelift=warn"
ALL_SCENARIOS = [*report.SCENARIOS, "startup", "isolation", "catalog-100k", "gateway-latency"]


@dataclass(frozen=True)
class Plan:
    """How long and how hard to measure."""

    duration_s: float
    warmup_s: float
    concurrency: tuple[int, ...]
    cold_runs: int
    warm_runs: int


# Full run: 10 s per point is enough for a stable p99 at thousands of req/s; 2 s warm-up
# fills the instance pool and connection pools. 1, 16 and 128 are: latency without
# queueing, a busy service on 2 cores, and overload. 9 load series (trivial ×3 peers,
# chain, variable, pg ×2, redis ×2) × 3 points × 12 s = 5.4 min, plus start-up runs
# (3 cold ≈ 15 s, 6 warm ≈ 6 s) and peer start/stop: well under the 20-minute limit.
FULL = Plan(duration_s=10, warmup_s=2, concurrency=(1, 16, 128), cold_runs=3, warm_runs=5)
# Quick run: the same 27 points at 3 s + 1 s = 1.8 min of load at most (less when the
# database scenarios are unavailable), one cold and three warm start-ups: under 3 min.
QUICK = Plan(duration_s=3, warmup_s=1, concurrency=(1, 16, 128), cold_runs=1, warm_runs=3)


def parse_args(argv: list[str]) -> argparse.Namespace:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0], formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--quick", action="store_true", help="short points (3 s + 1 s warm-up), fewer start-ups")
    p.add_argument("--only", action="append", choices=ALL_SCENARIOS, metavar="SCENARIO",
                   help=f"run only this scenario (repeatable): {', '.join(ALL_SCENARIOS)}")
    p.add_argument("--out-dir", type=Path, default=BENCH / "results", help="where the .md and .json go")
    p.add_argument("--no-build", action="store_true", help="use the binaries already built in $CARGO_TARGET_DIR")
    p.add_argument("--no-install", action="store_true",
                   help="do not cargo-install missing tools; a missing wasmtime-cli makes its peer unavailable")
    p.add_argument("--catalog-db-url", help="catalog-100k: use this seeded product database instead of seeding one")
    return p.parse_args(argv)


def main(argv: list[str]) -> int:
    args = parse_args(argv)
    # SIGTERM (CI, `timeout`) unwinds like Ctrl-C, so every peer is stopped and the
    # database dropped on the way out.
    signal.signal(signal.SIGTERM, _interrupt)
    signal.signal(signal.SIGINT, signal.default_int_handler)  # even if started with SIGINT ignored
    plan = QUICK if args.quick else FULL
    scenarios = args.only or ALL_SCENARIOS
    try:
        results = run(args, plan, scenarios)
    except KeyboardInterrupt:
        print("bench: interrupted; peers stopped, bench data removed", file=sys.stderr)
        return 130
    except (tools.ToolError, PeerError, LoadError) as e:
        print(f"bench: {e}", file=sys.stderr)
        return 1
    json_path, md_path = report.write(results, args.out_dir, result_stem(args.out_dir, args.quick))
    print(report.render(results))
    print(f"bench: wrote {md_path} and {json_path}", file=sys.stderr)
    for failure in results["failures"]:
        print(f"bench: FAILED: {failure}", file=sys.stderr)
    return 1 if results["failures"] else 0


def _interrupt(_signum: int, _frame: object) -> None:
    raise KeyboardInterrupt


def run(args: argparse.Namespace, plan: Plan, scenarios: list[str]) -> dict:
    if not args.no_build:
        tools.build_all(REPO)
    oha = Oha.detect(tools.find_oha(install=not args.no_install))
    wasmtime = tools.find_wasmtime(install=not args.no_install) if "trivial" in scenarios else None
    stage_components()

    metrics: dict = {}
    unavailable: dict = {}
    errors: dict = {}
    failures: list[str] = []
    for name in tools.COMPONENT_PACKAGES:
        report.metric(metrics, f"size.{name}.bytes", (WORK / "wasm" / tools.component_wasm(name).name).stat().st_size)
    if "trivial" in scenarios and wasmtime is None:
        unavailable["trivial.wasmtime"] = (f"wasmtime-cli {tools.WASMTIME_VERSION} not installed in "
                                           f"{tools.TOOLS_ROOT} (run without --no-install to install it)")
    print(f"bench: plan: about {estimate_s(plan, scenarios) / 60:.1f} min of measurement", file=sys.stderr, flush=True)

    name = fixtures.run_name()
    pg = fixtures.create_postgres(name) if {"pg"} & set(scenarios) else fixtures.Postgres(None, name, "not selected")
    redis = fixtures.create_redis(name) if {"redis"} & set(scenarios) else fixtures.Redis(None, name, "not selected")
    try:
        for scenario, db in (("pg", pg), ("redis", redis)):
            if scenario in scenarios and db.url is None:
                for peer, _ in report.SCENARIOS[scenario][1]:
                    unavailable[f"{scenario}.{peer}"] = db.reason
        ctx = Context(oha, plan, scenarios, metrics, unavailable, errors, failures, pg, redis)
        load_native(ctx)
        if wasmtime is not None:
            load_wasmtime(ctx, wasmtime)
        components = load_redshop(ctx)
        if "startup" in ctx.scenarios:
            measure_startup(ctx, components)
        if "isolation" in ctx.scenarios:
            measure_isolation(ctx)
        if "catalog-100k" in ctx.scenarios:
            measure_catalog(ctx, build=not args.no_build, existing_url=args.catalog_db_url)
        if "gateway-latency" in ctx.scenarios:
            measure_gateway(ctx, build=not args.no_build)
    finally:
        if pg.url:
            fixtures.drop_postgres(pg)
        if redis.url:
            fixtures.delete_redis(redis)

    report.derive(metrics, list(plan.concurrency))
    return {
        "schema": report.SCHEMA,
        "meta": metadata(plan, oha, wasmtime),
        "metrics": metrics,
        "unavailable": unavailable,
        "errors": errors,
        "failures": failures,
        "targets": report.targets(metrics),
    }


@dataclass
class Context:
    """What every scenario runner needs; the dicts are filled in as points complete."""

    oha: Oha
    plan: Plan
    scenarios: list[str]
    metrics: dict
    unavailable: dict
    errors: dict
    failures: list[str]
    pg: fixtures.Postgres
    redis: fixtures.Redis

    def series(self, peer_name: str) -> list[tuple[str, str]]:
        """(scenario, path) pairs to run on this peer: selected and not unavailable."""
        return [
            (scenario, path)
            for scenario, (_, peers) in report.SCENARIOS.items()
            for peer, path in peers
            if peer == peer_name and scenario in self.scenarios and f"{scenario}.{peer}" not in self.unavailable
        ]

    def peer_failed(self, peer_name: str, error: PeerError) -> None:
        """A peer that did not start: its series are reported, the run goes on, exit is 1."""
        print(f"bench: {error}", file=sys.stderr, flush=True)
        first = str(error).splitlines()[0][:200]
        for scenario, _ in self.series(peer_name):
            self.unavailable[f"{scenario}.{peer_name}"] = f"peer failed to start: {first}"
        self.failures.append(first)


def stage_components() -> None:
    """Copy the built components to bench/work/wasm/, where bench/app/spin.toml points."""
    dest = WORK / "wasm"
    dest.mkdir(parents=True, exist_ok=True)
    for name in tools.COMPONENT_PACKAGES:
        src = tools.component_wasm(name)
        if not src.is_file():
            raise tools.ToolError(f"{src} is missing: build the bench components (drop --no-build)")
        shutil.copy2(src, dest / src.name)


def estimate_s(plan: Plan, scenarios: list[str]) -> float:
    series = sum(len(peers) for s, (_, peers) in report.SCENARIOS.items() if s in scenarios)
    per_point = plan.duration_s + plan.warmup_s
    startup = (plan.cold_runs * 5 + plan.warm_runs + 5) if "startup" in scenarios else 0
    return series * len(plan.concurrency) * per_point + startup


def load_series(ctx: Context, peer: Peer, peer_name: str) -> None:
    """Every selected scenario on one running peer; then its peak RSS."""
    for scenario, path in ctx.series(peer_name):
        problem = preflight(peer.url(path))
        if problem:
            ctx.unavailable[f"{scenario}.{peer_name}"] = problem
            continue
        for c in ctx.plan.concurrency:
            key = f"{scenario}.{peer_name}.c{c}"
            print(f"bench: {key} ({ctx.plan.warmup_s:g}+{ctx.plan.duration_s:g} s)", file=sys.stderr, flush=True)
            try:
                point = ctx.oha.measure(peer.url(path), c, ctx.plan.warmup_s, ctx.plan.duration_s)
            except LoadError as e:
                ctx.errors[key] = str(e)[:300]
                continue
            for field_name, v in point.as_dict().items():
                if field_name != "ok":
                    report.metric(ctx.metrics, f"{key}.{field_name}", v)
    rss = peer.peak_rss_kib()
    if rss is not None:
        report.metric(ctx.metrics, f"rss.{peer_name}.peak_kib", rss)


def preflight(url: str) -> str | None:
    """One GET before loading: a peer that answers an error is reported, not measured."""
    try:
        with urllib.request.urlopen(url, timeout=10) as response:
            return None if response.status == 200 else f"GET answered {response.status}"
    except urllib.error.HTTPError as e:
        body = e.read().decode(errors="replace").strip().replace("\n", " ")[:200]
        return f"GET answered {e.code}: {body}"
    except OSError as e:
        return f"GET failed: {e}"


def load_native(ctx: Context) -> None:
    if not ctx.series("native"):
        return
    cmd = [str(tools.native_binary()), "--listen", "127.0.0.1:0"]
    if ctx.pg.url:
        cmd += ["--pg-url", ctx.pg.url]
    if ctx.redis.url:
        cmd += ["--redis-url", ctx.redis.url, "--redis-key", ctx.redis.key]
    with Peer("native", cmd, WORK / "logs" / "native.log") as peer:
        try:
            peer.start_until_serving()
        except PeerError as e:
            ctx.peer_failed("native", e)
            return
        load_series(ctx, peer, "native")


def load_wasmtime(ctx: Context, wasmtime: Path) -> None:
    if not ctx.series("wasmtime"):
        return
    check_wasmtime_knobs(wasmtime)
    addr = f"127.0.0.1:{free_port()}"
    # -S cli=y: the spin-sdk component imports wasi:cli/environment, exit and terminal-*
    # and wasi:random/insecure-seed (Rust std), which wasi:http/proxy alone does not have.
    cmd = [str(wasmtime), "serve", "--addr", addr, "-S", "cli=y"]
    for knob, v in WASMTIME_POOLING.items():
        cmd += ["-O", f"{knob}={v}"]
    cmd.append(str(WORK / "wasm" / tools.component_wasm("trivial").name))
    with Peer("wasmtime", cmd, WORK / "logs" / "wasmtime.log") as peer:
        try:
            peer.start_until_http_ok(addr)
        except PeerError as e:
            ctx.peer_failed("wasmtime", e)
            return
        load_series(ctx, peer, "wasmtime")


def check_wasmtime_knobs(wasmtime: Path) -> None:
    """Warn if this wasmtime does not list a pooling knob by the name we pass (it would
    then refuse to start, which is reported as a peer failure with its log)."""
    listing = subprocess.run([str(wasmtime), "serve", "-O", "help"], capture_output=True, text=True, timeout=30)
    text = listing.stdout + listing.stderr
    missing = [k for k in WASMTIME_POOLING if k not in text]
    if missing:
        print(f"bench: warning: `{wasmtime} serve -O help` does not list {', '.join(missing)}", file=sys.stderr)


def redshop_env(ctx: Context) -> dict[str, str]:
    env = dict(os.environ, RUST_LOG=REDSHOP_LOG)
    if ctx.pg.url:
        env["SPIN_VARIABLE_PG_URL"] = ctx.pg.url
    if ctx.redis.url:
        env["SPIN_VARIABLE_REDIS_URL"] = ctx.redis.url
        env["SPIN_VARIABLE_REDIS_KEY"] = ctx.redis.key
    return env


def redshop_cmd(cache: list[str], components: list[str] | None) -> list[str]:
    cmd = [str(tools.host_binary()), "up", "--from", str(MANIFEST), "--listen", "127.0.0.1:0", *cache]
    for component in components or []:
        cmd += ["--component-id", component]
    return cmd


def start_redshop(ctx: Context, name: str, cache: list[str], components: list[str] | None) -> tuple[Peer, list[str] | None]:
    """Start redshop; if it refuses the pg/redis components, start it without them.

    Returns the running peer and the component selection that worked (None = all).
    """
    peer = Peer(name, redshop_cmd(cache, components), WORK / "logs" / f"{name}.log", env=redshop_env(ctx))
    try:
        return peer.start_until_serving(), components
    except PeerError as e:
        refused = [c for c in DB_COMPONENTS if f"`{c}`" in peer.log_text()]
        if components is not None or not refused:
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
        peer = Peer(name, redshop_cmd(cache, CORE_COMPONENTS), WORK / "logs" / f"{name}.log", env=redshop_env(ctx))
        return peer.start_until_serving(), CORE_COMPONENTS


def load_redshop(ctx: Context) -> list[str] | None:
    """Load scenarios on redshop; returns the component selection it accepted."""
    if not ctx.series("redshop") and "startup" not in ctx.scenarios:
        return None
    cache = ["--cache-dir", str(WORK / "cache" / "load")]
    try:
        peer, components = start_redshop(ctx, "redshop", cache, None)
    except PeerError as e:
        ctx.peer_failed("redshop", e)
        if "startup" in ctx.scenarios:
            ctx.unavailable["startup"] = "redshop failed to start (see above)"
            ctx.scenarios = [s for s in ctx.scenarios if s != "startup"]
        return None
    with peer:
        load_series(ctx, peer, "redshop")
    return components


def measure_startup(ctx: Context, components: list[str] | None) -> None:
    """Spawn → `Serving` with a fresh cache dir (cold) and a populated one (warm)."""
    root = WORK / "cache" / "startup"
    shutil.rmtree(root, ignore_errors=True)
    runs: dict[str, list[tuple[float, int | None]]] = {"cold": [], "warm": []}
    try:
        for i in range(ctx.plan.cold_runs):
            runs["cold"].append(one_start(ctx, ["--cache-dir", str(root / f"cold-{i}")], components))
        warm = ["--cache-dir", str(root / "warm")]
        one_start(ctx, warm, components)  # fills the cache
        for _ in range(ctx.plan.warm_runs):
            runs["warm"].append(one_start(ctx, warm, components))
    except PeerError as e:
        ctx.unavailable["startup"] = str(e).splitlines()[0][:200]
        ctx.failures.append(f"start-up scenario: {ctx.unavailable['startup']}")
        return
    finally:
        shutil.rmtree(root, ignore_errors=True)
    for kind, samples in runs.items():
        report.metric(ctx.metrics, f"startup.{kind}_ms", statistics.median(s for s, _ in samples) * 1000, "p50_ms")
        host = [h for _, h in samples if h is not None]
        if host:
            report.metric(ctx.metrics, f"startup.{kind}_host_ms", statistics.median(host), "p50_ms")


def measure_isolation(ctx: Context) -> None:
    """A normal route on a fresh connection while 2×workers requests busy-loop
    (bench/harness/isolation.py); the loops come from the host's probe fixture."""
    build = ["cargo", "build", "--target", tools.WASM_TARGET, "--profile", tools.WASM_PROFILE, "-p", "guest-probe"]
    if subprocess.run(build, cwd=REPO, env=dict(os.environ, CARGO_TARGET_DIR=str(tools.target_dir()))).returncode:
        ctx.unavailable["isolation"] = "building guest-probe failed"
        return
    probe = tools.target_dir() / tools.WASM_TARGET / tools.WASM_PROFILE / "guest_probe.wasm"
    print("bench: isolation (2×workers busy loops)", file=sys.stderr, flush=True)
    try:
        result = isolation.measure(tools.host_binary(), probe, WORK / "isolation")
    except (PeerError, RuntimeError, OSError) as e:
        ctx.unavailable["isolation"] = str(e).splitlines()[0][:200]
        ctx.failures.append(f"isolation scenario: {ctx.unavailable['isolation']}")
        return
    for name in ("idle_p50_ms", "p50_ms", "p90_ms", "max_ms"):
        report.metric(ctx.metrics, f"isolation.redshop.{name}", result[name], "max_ms" if name == "max_ms" else "p50_ms")
    report.metric(ctx.metrics, "isolation.redshop.loops", result["loops"], "count")


def measure_catalog(ctx: Context, build: bool, existing_url: str | None) -> None:
    """The product service on 100 000 products (bench/harness/catalog.py)."""
    try:
        if build:
            catalog.build(REPO, tools.target_dir())
        print("bench: catalog-100k: preparing the catalog", file=sys.stderr, flush=True)
        db = catalog.prepare(tools.target_dir() / "release" / "dbctl", f"{fixtures.run_name()}_catalog", existing_url)
        try:
            result = catalog.measure(ctx.oha, tools.host_binary(), catalog.product_wasm(tools.target_dir()), db,
                                     WORK / "catalog", ctx.plan.warmup_s, ctx.plan.duration_s, redshop_env(ctx))
        finally:
            catalog.drop(db)
    except (PeerError, RuntimeError, OSError, subprocess.TimeoutExpired) as e:
        ctx.unavailable["catalog-100k"] = str(e).splitlines()[0][:200]
        ctx.failures.append(f"catalog-100k scenario: {ctx.unavailable['catalog-100k']}")
        return
    for name, v in result.items():
        unit = "rps" if ".rps" in name else None
        report.metric(ctx.metrics, f"catalog-100k.{name}", v, unit)


def measure_gateway(ctx: Context, build: bool) -> None:
    """The gateway's added latency against the product service called directly
    (bench/harness/gateway.py)."""
    name = f"{fixtures.run_name()}_gateway"
    try:
        if build:
            gateway_bench.build(REPO, tools.target_dir())
        wasm = tools.target_dir() / "wasm32-wasip2" / "wasm"
        url = gateway_bench.prepare(tools.target_dir() / "release" / "dbctl", name)
        try:
            result = gateway_bench.measure(ctx.oha, tools.host_binary(), wasm / "product.wasm", wasm / "gateway.wasm",
                                           url, WORK / "gateway", ctx.plan.warmup_s, ctx.plan.duration_s,
                                           redshop_env(ctx))
        finally:
            fixtures.drop_postgres(fixtures.Postgres(None, name))
    except (PeerError, RuntimeError, OSError, subprocess.TimeoutExpired) as e:
        ctx.unavailable["gateway-latency"] = str(e).splitlines()[0][:200]
        ctx.failures.append(f"gateway-latency scenario: {ctx.unavailable['gateway-latency']}")
        return
    for key, v in result.items():
        report.metric(ctx.metrics, f"gateway-latency.{key}", v, "rps" if key.endswith(".rps") else None)


def one_start(ctx: Context, cache: list[str], components: list[str] | None) -> tuple[float, int | None]:
    """One start-up: seconds to `Serving`, and the host's `startup_ms` from its log."""
    peer, _ = start_redshop(ctx, "redshop-startup", cache, components)
    with peer:
        time.sleep(0.2)  # the `ready` log line is written just before `Serving`; let it land
        match = re.search(r"startup_ms=(\d+)", peer.log_text())
        return peer.ready_s or 0.0, int(match.group(1)) if match else None


def metadata(plan: Plan, oha: Oha, wasmtime: Path | None) -> dict:
    return {
        "date": dt.datetime.now(dt.timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ"),
        "commit": short_commit(),
        "quick": plan is QUICK,
        "duration_s": plan.duration_s,
        "warmup_s": plan.warmup_s,
        "concurrency": list(plan.concurrency),
        "startup_runs": {"cold": plan.cold_runs, "warm": plan.warm_runs},
        "machine": f"{platform.system()} {platform.release()}, {os.cpu_count()} CPUs",
        "oha": tools.tool_version(oha.binary),
        "wasmtime": tools.tool_version(wasmtime) if wasmtime else "not run",
    }


def short_commit() -> str:
    done = subprocess.run(["git", "rev-parse", "--short", "HEAD"], cwd=REPO, capture_output=True, text=True)
    return done.stdout.strip() if done.returncode == 0 and done.stdout.strip() else "nocommit"


def result_stem(out_dir: Path, quick: bool) -> str:
    """`<UTC date>-<short commit>[-quick]`; a second run that day gets the time appended."""
    now = dt.datetime.now(dt.timezone.utc)
    stem = f"{now:%Y-%m-%d}-{short_commit()}{'-quick' if quick else ''}"
    if (out_dir / f"{stem}.json").exists():
        stem += f"-{now:%H%M%S}"
    return stem


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
