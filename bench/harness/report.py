"""Turn per-round measurements into the result files: flat metrics in JSON, tables in Markdown.

The JSON keeps every number as a flat `metrics` entry (`trivial.redshop.c16.rps`) with
its median (`value`), `min`, `max`, the count `n` and the per-round values (`rounds`), its
unit and whether higher is better, so that `bench/compare.py` can line up any two runs
without knowing the scenarios. Figures computed from others (ratios, a chaining hop, the
gateway's added latency) are computed per round and summarised the same way
(harness/stats.py says why). The Markdown is rendered from the JSON alone, and states
each target with the measured median, its range over the rounds and met or missed.
"""

from __future__ import annotations

import json
import math
from pathlib import Path

from .stats import Samples, ratio

# Bump when metric names or meanings change, so compare.py can warn across versions.
# 2: rounds; every metric carries min/max/n/rounds; peak RSS per scenario
# (`rss.<scenario>.<peer>.peak_kib`); catalog spreads in min/max instead of `rps_min`/`rps_max`.
SCHEMA = 2
# Load scenarios: name -> (what it measures, [(peer, path)]). Order is report order.
SCENARIOS = {
    "trivial": ("fixed 13-byte body: per-request floor", [("redshop", "/"), ("wasmtime", "/"), ("native", "/")]),
    "chain": ("one service-chaining hop to a private component", [("redshop", "/chain")]),
    "variable": ("one Spin variable lookup", [("redshop", "/variable")]),
    "pg": ("one one-row Postgres SELECT", [("redshop", "/pg"), ("native", "/pg")]),
    "redis": ("one Redis GET", [("redshop", "/redis"), ("native", "/redis")]),
}
# Units, and which way is better, by a metric name's last part (or an explicit unit key).
UNITS = {
    "rps": ("req/s", "higher"),
    "p50_ms": ("ms", "lower"),
    "p99_ms": ("ms", "lower"),
    "max_ms": ("ms", "lower"),
    "errors": ("count", "lower"),
    "count": ("count", "lower"),
    "rps_ratio": ("ratio", "higher"),
    "p50_ratio": ("ratio", "lower"),
    "peak_kib": ("KiB", "lower"),
    "bytes": ("bytes", "lower"),
}


def new_samples(rounds: int) -> Samples:
    return Samples(rounds, UNITS)


def derive(samples: Samples, concurrency: list[int]) -> None:
    """Figures computed from others, round by round: the targets' ratios and differences,
    and the cost of one chaining hop (chain − trivial on redshop, same round)."""
    def diff(x: float, y: float) -> float:
        return x - y

    for c in concurrency:
        t = f"trivial.%s.c{c}"
        for other in ("native", "wasmtime"):
            samples.derive(f"trivial.redshop_vs_{other}.c{c}.rps_ratio", ratio,
                           [t % "redshop" + ".rps", t % other + ".rps"])
        samples.derive(f"trivial.overhead_vs_native.c{c}.p50_ms", diff,
                       [t % "redshop" + ".p50_ms", t % "native" + ".p50_ms"])
        samples.derive(f"chain.hop.c{c}.p50_ms", diff, [f"chain.redshop.c{c}.p50_ms", t % "redshop" + ".p50_ms"])
        samples.derive(f"chain.hop.c{c}.rps_ratio", ratio, [f"chain.redshop.c{c}.rps", t % "redshop" + ".rps"])
        samples.derive(f"pg.redshop_vs_native.c{c}.p50_ratio", ratio,
                       [f"pg.redshop.c{c}.p50_ms", f"pg.native.c{c}.p50_ms"])


# The runtime targets (issue 21): (name, metric, op, goal, unit shown, divisor to that unit).
TARGETS = [
    ("trivial req/s at c=16: redshop / native hyper", "trivial.redshop_vs_native.c16.rps_ratio", ">=", 0.30, "x", 1),
    ("trivial req/s at c=16: redshop / `wasmtime serve` (same pooling)", "trivial.redshop_vs_wasmtime.c16.rps_ratio",
     ">=", 1.5, "x", 1),
    ("trivial p50 at c=1: redshop − native", "trivial.overhead_vs_native.c1.p50_ms", "<=", 0.08, " ms", 1),
    ("one chaining hop at c=1: chain p50 − trivial p50", "chain.hop.c1.p50_ms", "<=", 0.10, " ms", 1),
    ("Postgres one-row query p50 at c=1: redshop / native", "pg.redshop_vs_native.c1.p50_ratio", "<=", 1.3, "x", 1),
    ("start-up, warm cache: spawn → serving (median of the round)", "startup.warm_ms", "<=", 50.0, " ms", 1),
    ("peak RSS of redshop under the trivial load", "rss.trivial.redshop.peak_kib", "<=", 48.0, " MiB", 1024),
]


def targets(metrics: dict) -> list[dict]:
    """The runtime targets, then the other scenarios' goals, each with the measured
    median and range (None when not measured) and met/missed on the median."""
    rows = [("runtime", *t) for t in TARGETS]
    rows.append(("scenario", "isolation: a fresh request while 2×workers requests loop (max)",
                 "isolation.redshop.max_ms", "<", 100.0, " ms", 1))
    rows += [("scenario", *t) for t in _catalog_targets(metrics)]
    out = []
    for group, name, key, op, goal, unit, scale in rows:
        entry = metrics.get(key)
        row = {"group": group, "name": name, "metric": key, "goal": f"{op} {goal:g}{unit}", "unit": unit,
               "measured": None, "min": None, "max": None, "met": None, "rounds_met": None, "rounds": 0}
        if entry is not None:
            scaled = [v / scale for v in entry.get("rounds", [entry["value"]]) if v is not None]
            row.update(measured=entry["value"] / scale, min=entry.get("min", entry["value"]) / scale,
                       max=entry.get("max", entry["value"]) / scale, met=_compare(entry["value"] / scale, op, goal),
                       rounds_met=sum(_compare(v, op, goal) for v in scaled), rounds=len(scaled))
        out.append(row)
    return out


def _compare(measured: float, op: str, goal: float) -> bool:
    return {">=": measured >= goal, "<=": measured <= goal, "<": measured < goal}[op]


def write(results: dict, out_dir: Path, stem: str) -> tuple[Path, Path]:
    """Write `<stem>.json` and `<stem>.md`; return their paths."""
    out_dir.mkdir(parents=True, exist_ok=True)
    json_path, md_path = out_dir / f"{stem}.json", out_dir / f"{stem}.md"
    json_path.write_text(json.dumps(results, indent=1, sort_keys=False) + "\n", encoding="utf-8")
    md_path.write_text(render(results), encoding="utf-8")
    return json_path, md_path


def _fmt(x: float | int | None, digits: int = 2) -> str:
    if x is None or (isinstance(x, float) and math.isnan(x)):
        return "–"
    if isinstance(x, float) and abs(x) >= 1000:
        return f"{x:,.0f}"
    if isinstance(x, int):
        return f"{x:,}"
    return f"{x:.{digits}f}"


def fig(m: dict, key: str, digits: int = 2, scale: float = 1) -> str:
    """A figure as `median (min–max)`; just the median when every round agrees or one ran."""
    entry = m.get(key)
    if entry is None:
        return "–"
    med, lo, hi = (entry["value"] / scale, entry.get("min", entry["value"]) / scale,
                   entry.get("max", entry["value"]) / scale)
    if entry.get("n", 1) <= 1 or lo == hi:
        return _fmt(med, digits)
    return f"{_fmt(med, digits)} ({_fmt(lo, digits)}–{_fmt(hi, digits)})"


def total(m: dict, key: str) -> str:
    """A count summed over the rounds (errors)."""
    entry = m.get(key)
    if entry is None:
        return "–"
    return str(int(sum(v for v in entry.get("rounds", [entry["value"]]) if v is not None)))


def render(results: dict) -> str:
    """The Markdown report."""
    from . import sections  # the per-scenario tables

    meta = results["meta"]
    rounds = meta.get("rounds", 1)
    lines = [
        f"# redshop runtime benchmark — {meta['date']} ({meta['commit']}{', quick' if meta['quick'] else ''})",
        "",
        f"{meta['machine']}. {rounds} rounds; in each round every scenario's peers are started fresh and "
        f"measured point by point, taking turns (A B C, then B C A, …). Each point: "
        f"{sections.durations(meta)} with {meta['oha']}. wasmtime peer: {meta['wasmtime']}.",
        "",
        "Every figure is the median of the rounds with the lowest–highest in brackets; a ratio or "
        "difference is computed within each round first, then reduced the same way.",
    ]
    if meta.get("dirty"):
        lines += ["", f"**Measured on a working tree with uncommitted changes** (base {meta['commit']}): "
                  "not a result of that commit."]
    lines += ["", "## Targets", "", "| Target | Goal | Median | Range over rounds | Met |", "| --- | --- | ---: | --- | --- |"]
    groups = {"runtime": [], "scenario": []}
    for t in results["targets"]:
        groups[t.get("group", "runtime")].append(t)
    for t in groups["runtime"]:
        lines.append(_target_row(t))
    if any(t["measured"] is not None for t in groups["scenario"]):
        lines += ["", "Other scenarios' goals:", "", "| Goal of | Goal | Median | Range over rounds | Met |",
                  "| --- | --- | ---: | --- | --- |"]
        lines += [_target_row(t) for t in groups["scenario"] if t["measured"] is not None]
    lines += sections.load(results)
    lines += sections.chain(results)
    lines += sections.catalog(results)
    lines += sections.gateway(results)
    lines += sections.startup(results)
    lines += sections.isolation(results)
    lines += sections.rss(results)
    lines += sections.sizes(results)
    lines += sections.not_available(results, SCENARIOS)
    return "\n".join(lines) + "\n"


def _target_row(t: dict) -> str:
    if t["measured"] is None:
        return f"| {t['name']} | {t['goal']} | not measured | | – |"
    unit = t["unit"]
    spread = f"{_fmt(t['min'])}–{_fmt(t['max'])}{unit}" if t["min"] != t["max"] else ""
    met = "met" if t["met"] else "**missed**"
    if t["rounds_met"] is not None and 0 < t["rounds_met"] < t["rounds"]:
        met += f"; met in {t['rounds_met']} of {t['rounds']} rounds"
    return f"| {t['name']} | {t['goal']} | {_fmt(t['measured'])}{unit} | {spread} | {met} |"


# catalog-100k: the requests, and its targets at c=16 (bench/harness/catalog.py).
CATALOG_REQUESTS = {
    "listing": ("`GET /products?limit=24` (home listing)", 1000.0),
    "category": ("`GET /products?category=home&sort=price_asc`", 1000.0),
    "search": ("`GET /products?q=lamp`", 500.0),
    "facets": ("`GET /products?q=lamp&facets=true`", 200.0),
    "deep": ("home listing, page 50 by cursor", None),
}


def _catalog_targets(metrics: dict) -> list[tuple]:
    rows = [(f"catalog-100k {name} req/s at c=16", f"catalog-100k.{name}.c16.rps", ">=", goal, " req/s", 1)
            for name, (_, goal) in CATALOG_REQUESTS.items() if goal is not None]
    p99 = [k for k in (f"catalog-100k.{name}.c16.p99_ms" for name in CATALOG_REQUESTS) if k in metrics]
    worst = max(p99, key=lambda k: metrics[k]["value"], default="catalog-100k.worst.c16.p99_ms")
    return [*rows, ("catalog-100k p99 at c=16, worst request", worst, "<=", 50.0, " ms", 1)]
