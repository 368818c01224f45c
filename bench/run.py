#!/usr/bin/env python3
"""Runtime benchmark of the redshop host (`make bench`, `make bench-quick`).

Runs every selected scenario once per round, for `--rounds` rounds (default 3). In a
round each scenario's peers — redshop on bench/app/spin.toml, `wasmtime serve` on the
same trivial component, the native hyper server in bench/native — are started fresh and
driven with oha one after another at each concurrency level (A B C, then B C A in the
next round), so that every figure gets one value per round and each peer's value was
measured seconds from the others'. Reports every figure as the median of the rounds and
its spread, each target as a median with its range, and writes
bench/results/<UTC date>-<commit>.{md,json}. See bench/README.md for the method and for
comparing two runs.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import platform
import shutil
import signal
import subprocess
import sys
from pathlib import Path

sys.dont_write_bytecode = True  # keep bench/harness free of __pycache__ (not git-ignored)

from harness import fixtures, report, tools  # noqa: E402  (after the line above)
from harness.catalog import Catalog100k  # noqa: E402
from harness.gateway import GatewayLatency  # noqa: E402
from harness.isolation import Isolation  # noqa: E402
from harness.load import LoadError, Oha  # noqa: E402
from harness.loadrun import LoadScenario  # noqa: E402
from harness.peers import PeerError  # noqa: E402
from harness.plan import FULL, QUICK, Context, Plan  # noqa: E402
from harness.servers import Servers, redshop_env  # noqa: E402
from harness.startup import Startup  # noqa: E402

BENCH = Path(__file__).resolve().parent
REPO = BENCH.parent
# Scratch space (git-ignored at the top level): staged wasm, caches, peer logs.
WORK = BENCH / "work"
ALL_SCENARIOS = [*report.SCENARIOS, "startup", "isolation", "catalog-100k", "gateway-latency"]
# Fewer rounds give no spread worth the name: with two, a median is just the mean.
MIN_ROUNDS = 3


def parse_args(argv: list[str]) -> argparse.Namespace:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0], formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--quick", action="store_true", help="short points (0.5 s + 2 s), fewer start-ups; same rounds")
    p.add_argument("--rounds", type=int, default=None, metavar="N",
                   help=f"rounds of every scenario (default {FULL.rounds}; at least {MIN_ROUNDS})")
    p.add_argument("--only", action="append", choices=ALL_SCENARIOS, metavar="SCENARIO",
                   help=f"run only this scenario (repeatable): {', '.join(ALL_SCENARIOS)}")
    p.add_argument("--out-dir", type=Path, default=BENCH / "results", help="where the .md and .json go")
    p.add_argument("--no-build", action="store_true", help="use the binaries already built in $CARGO_TARGET_DIR")
    p.add_argument("--no-install", action="store_true",
                   help="do not cargo-install missing tools; a missing wasmtime-cli makes its peer unavailable")
    p.add_argument("--catalog-db-url", help="catalog-100k: use this seeded product database instead of seeding one")
    # For trying the orchestration quickly; a result with these is not comparable to
    # either plan, and its metadata says so.
    p.add_argument("--duration", type=float, help=argparse.SUPPRESS)
    p.add_argument("--warmup", type=float, help=argparse.SUPPRESS)
    p.add_argument("--keep-peers", action="store_true", help=argparse.SUPPRESS)
    args = p.parse_args(argv)
    if args.rounds is not None and args.rounds < MIN_ROUNDS:
        p.error(f"--rounds must be at least {MIN_ROUNDS}: fewer give no spread to compare against")
    return args


def make_plan(args: argparse.Namespace) -> Plan:
    plan = QUICK if args.quick else FULL
    if args.rounds is not None:
        plan = Plan(args.rounds, plan.points, plan.warm_starts, plan.quick)
    if args.duration is not None or args.warmup is not None:
        plan = plan.with_durations(args.warmup, args.duration)
    return plan


def main(argv: list[str]) -> int:
    args = parse_args(argv)
    # SIGTERM (CI, `timeout`) unwinds like Ctrl-C, so every peer is stopped and the
    # database dropped on the way out.
    signal.signal(signal.SIGTERM, _interrupt)
    signal.signal(signal.SIGINT, signal.default_int_handler)  # even if started with SIGINT ignored
    plan = make_plan(args)
    scenarios = args.only or ALL_SCENARIOS
    # The commit is read before anything is built or measured: the result is named after
    # what was measured, not after what HEAD is when the run ends.
    source = source_state()
    try:
        results = run(args, plan, scenarios, source)
    except KeyboardInterrupt:
        print("bench: interrupted; peers stopped, bench data removed", file=sys.stderr)
        return 130
    except (tools.ToolError, PeerError, LoadError) as e:
        print(f"bench: {e}", file=sys.stderr)
        return 1
    if source_state()["commit"] != source["commit"]:
        print(f"bench: warning: HEAD moved during the run; the result is named after {source['commit']}, "
              "where it started", file=sys.stderr)
    json_path, md_path = report.write(results, args.out_dir, result_stem(args.out_dir, plan, source))
    print(report.render(results))
    print(f"bench: wrote {md_path} and {json_path}", file=sys.stderr)
    if source["dirty"]:
        print("bench: the working tree had uncommitted changes: this result belongs to no commit "
              "(bench/results/ keeps only results measured on the commit they name)", file=sys.stderr)
    for failure in results["failures"]:
        print(f"bench: FAILED: {failure}", file=sys.stderr)
    return 1 if results["failures"] else 0


def _interrupt(_signum: int, _frame: object) -> None:
    raise KeyboardInterrupt


def run(args: argparse.Namespace, plan: Plan, scenarios: list[str], source: dict) -> dict:
    if not args.no_build:
        tools.build_all(REPO)
    oha = Oha.detect(tools.find_oha(install=not args.no_install))
    wasmtime = tools.find_wasmtime(install=not args.no_install) if "trivial" in scenarios else None
    stage_components()

    name = fixtures.run_name()
    pg = fixtures.create_postgres(name) if "pg" in scenarios else fixtures.Postgres(None, name, "not selected")
    redis = fixtures.create_redis(name) if "redis" in scenarios else fixtures.Redis(None, name, "not selected")
    ctx = Context(oha, plan, scenarios, report.new_samples(plan.rounds), WORK, pg, redis,
                  redshop_env(pg.url, redis.url, redis.key), keep_peers=args.keep_peers)
    sizes = {n: (WORK / "wasm" / tools.component_wasm(n).name).stat().st_size for n in tools.COMPONENT_PACKAGES}
    if "trivial" in scenarios and wasmtime is None:
        ctx.unavailable["trivial.wasmtime"] = (f"wasmtime-cli {tools.WASMTIME_VERSION} not installed in "
                                               f"{tools.TOOLS_ROOT} (run without --no-install to install it)")
    for scenario, db in (("pg", pg), ("redis", redis)):
        if scenario in scenarios and db.url is None:
            for peer, _ in report.SCENARIOS[scenario][1]:
                ctx.unavailable[f"{scenario}.{peer}"] = db.reason

    servers = Servers(ctx, wasmtime)
    runners = [LoadScenario(s, servers) for s in report.SCENARIOS if s in scenarios]
    if "startup" in scenarios:
        runners.append(Startup(servers))
    if "isolation" in scenarios:
        runners.append(Isolation(REPO, tools.host_binary()))
    if "catalog-100k" in scenarios:
        runners.append(Catalog100k(REPO, tools.target_dir(), tools.host_binary(), not args.no_build,
                                   args.catalog_db_url))
    if "gateway-latency" in scenarios:
        runners.append(GatewayLatency(REPO, tools.target_dir(), tools.host_binary(), not args.no_build))
    estimate = plan.rounds * sum(r.estimate_s(plan) for r in runners)
    print(f"bench: plan: {plan.rounds} rounds, about {estimate / 60:.1f} min of measurement", file=sys.stderr, flush=True)
    try:
        for runner in runners:
            runner.prepare(ctx)
        for r in range(plan.rounds):
            for runner in runners:
                runner.round(ctx, r)
    finally:
        for runner in runners:
            runner.close(ctx)
        if pg.url:
            fixtures.drop_postgres(pg)
        if redis.url:
            fixtures.delete_redis(redis)

    report.derive(ctx.samples, plan.concurrency)
    metrics = ctx.samples.metrics()
    for n, size in sizes.items():
        metrics[f"size.{n}.bytes"] = {"value": size, "unit": "bytes", "better": "lower"}
    return {
        "schema": report.SCHEMA,
        "meta": metadata(args, plan, oha, wasmtime, source),
        "metrics": metrics,
        "unavailable": ctx.unavailable,
        "errors": ctx.errors,
        "failures": ctx.failures,
        "targets": report.targets(metrics),
    }


def stage_components() -> None:
    """Copy the built components to bench/work/wasm/, where bench/app/spin.toml points."""
    dest = WORK / "wasm"
    dest.mkdir(parents=True, exist_ok=True)
    for name in tools.COMPONENT_PACKAGES:
        src = tools.component_wasm(name)
        if not src.is_file():
            raise tools.ToolError(f"{src} is missing: build the bench components (drop --no-build)")
        shutil.copy2(src, dest / src.name)


def metadata(args: argparse.Namespace, plan: Plan, oha: Oha, wasmtime: Path | None, source: dict) -> dict:
    return {
        "date": dt.datetime.now(dt.timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ"),
        "commit": source["commit"],
        "dirty": source["dirty"],
        "built": not args.no_build,
        "quick": plan.quick,
        "rounds": plan.rounds,
        "peers": "kept up across rounds" if args.keep_peers else "started fresh each round",
        "durations_overridden": args.duration is not None or args.warmup is not None,
        "points": {str(c): {"warmup_s": p.warmup_s, "duration_s": p.duration_s} for c, p in plan.points.items()},
        "concurrency": plan.concurrency,
        "startup_runs": {"cold": 1, "warm": plan.warm_starts},
        "machine": f"{platform.system()} {platform.release()}, {os.cpu_count()} CPUs",
        "oha": tools.tool_version(oha.binary),
        "wasmtime": tools.tool_version(wasmtime) if wasmtime else "not run",
    }


def source_state() -> dict:
    """HEAD's short commit, and whether tracked or new files differ from it (results and
    the bench's scratch space aside: a run writes those itself)."""
    commit = subprocess.run(["git", "rev-parse", "--short", "HEAD"], cwd=REPO, capture_output=True, text=True)
    status = subprocess.run(["git", "status", "--porcelain", "--", ".", ":(exclude)bench/results", ":(exclude)bench/work"],
                            cwd=REPO, capture_output=True, text=True)
    return {"commit": commit.stdout.strip() if commit.returncode == 0 and commit.stdout.strip() else "nocommit",
            "dirty": bool(status.stdout.strip()) if status.returncode == 0 else True}


def result_stem(out_dir: Path, plan: Plan, source: dict) -> str:
    """`<UTC date>-<short commit>[-dirty][-quick]`; a second run that day gets the time appended."""
    now = dt.datetime.now(dt.timezone.utc)
    stem = f"{now:%Y-%m-%d}-{source['commit']}{'-dirty' if source['dirty'] else ''}{'-quick' if plan.quick else ''}"
    if (out_dir / f"{stem}.json").exists():
        stem += f"-{now:%H%M%S}"
    return stem


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
