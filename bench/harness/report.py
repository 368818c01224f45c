"""Turn measurements into the result files: flat metrics in JSON, tables in Markdown.

The JSON keeps every number as a flat `metrics` entry (`trivial.redshop.c16.rps`, with
its unit and whether higher is better) so that `bench/compare.py` can line up any two
runs without knowing the scenarios. The Markdown is rendered from the JSON alone, and
states each target from the issue next to the measured ratio.
"""

from __future__ import annotations

import json
import math
from pathlib import Path

# Bump when metric names or meanings change, so compare.py can warn across versions.
SCHEMA = 1
# Load scenarios: name -> (what it measures, [(peer, path)]). Order is report order.
SCENARIOS = {
    "trivial": ("fixed 13-byte body: per-request floor", [("redshop", "/"), ("wasmtime", "/"), ("native", "/")]),
    "chain": ("one service-chaining hop to a private component", [("redshop", "/chain")]),
    "variable": ("one Spin variable lookup", [("redshop", "/variable")]),
    "pg": ("one one-row Postgres SELECT", [("redshop", "/pg"), ("native", "/pg")]),
    "redis": ("one Redis GET", [("redshop", "/redis"), ("native", "/redis")]),
}
# Units, and which way is better, for compare.py.
UNITS = {
    "rps": ("req/s", "higher"),
    "p50_ms": ("ms", "lower"),
    "p99_ms": ("ms", "lower"),
    "max_ms": ("ms", "lower"),
    "errors": ("count", "lower"),
    "rps_ratio": ("ratio", "higher"),
    "peak_kib": ("KiB", "lower"),
    "bytes": ("bytes", "lower"),
}


def metric(metrics: dict, key: str, value: float | int, unit_key: str | None = None) -> None:
    """Record one number under `key`; its unit comes from the key's last part."""
    unit, better = UNITS.get(unit_key or key.rsplit(".", 1)[-1], ("", "lower"))
    metrics[key] = {"value": value, "unit": unit, "better": better}


def value(metrics: dict, key: str) -> float | None:
    entry = metrics.get(key)
    return None if entry is None else entry["value"]


def derive(metrics: dict, concurrency: list[int]) -> None:
    """Numbers computed from others: the cost of one chaining hop at each concurrency."""
    for c in concurrency:
        chain, trivial = value(metrics, f"chain.redshop.c{c}.p50_ms"), value(metrics, f"trivial.redshop.c{c}.p50_ms")
        if chain is not None and trivial is not None:
            metric(metrics, f"chain.hop.c{c}.p50_ms", chain - trivial)
        chain_rps, trivial_rps = value(metrics, f"chain.redshop.c{c}.rps"), value(metrics, f"trivial.redshop.c{c}.rps")
        if chain_rps and trivial_rps:
            metric(metrics, f"chain.hop.c{c}.rps_ratio", chain_rps / trivial_rps)


def targets(metrics: dict) -> list[dict]:
    """The issue's targets, each with the measured value (None when not measured)."""

    def ratio(a: str, b: str) -> float | None:
        x, y = value(metrics, a), value(metrics, b)
        return x / y if x is not None and y else None

    rows = [
        ("trivial req/s at c=16: redshop / wasmtime serve", ">=", 1.0,
         ratio("trivial.redshop.c16.rps", "trivial.wasmtime.c16.rps"), "x"),
        ("trivial req/s at c=16: redshop / native hyper", ">=", 0.5,
         ratio("trivial.redshop.c16.rps", "trivial.native.c16.rps"), "x"),
        ("Postgres p50 at c=1: redshop / native", "<=", 1.3,
         ratio("pg.redshop.c1.p50_ms", "pg.native.c1.p50_ms"), "x"),
        ("start-up with a warm compilation cache (median)", "<", 1000.0,
         value(metrics, "startup.warm_ms"), "ms"),
        ("isolation: a fresh request while 2×workers requests loop (max)", "<", 100.0,
         value(metrics, "isolation.redshop.max_ms"), "ms"),
        *_catalog_targets(metrics),
    ]
    out = []
    for name, op, goal, measured, unit in rows:
        met = None if measured is None else _compare(measured, op, goal)
        out.append({"name": name, "goal": f"{op} {goal:g}{unit if unit in ('ms', ' req/s') else 'x'}",
                    "measured": measured, "unit": unit, "met": met})
    return out


def _compare(measured: float, op: str, goal: float) -> bool:
    return {">=": measured >= goal, "<=": measured <= goal, "<": measured < goal}[op]


def write(results: dict, out_dir: Path, stem: str) -> tuple[Path, Path]:
    """Write `<stem>.json` and `<stem>.md`; return their paths."""
    out_dir.mkdir(parents=True, exist_ok=True)
    json_path, md_path = out_dir / f"{stem}.json", out_dir / f"{stem}.md"
    json_path.write_text(json.dumps(results, indent=2, sort_keys=False) + "\n", encoding="utf-8")
    md_path.write_text(render(results), encoding="utf-8")
    return json_path, md_path


def _fmt(x: float | None, digits: int = 2) -> str:
    if x is None or (isinstance(x, float) and math.isnan(x)):
        return "–"
    if isinstance(x, float) and abs(x) >= 1000:
        return f"{x:,.0f}"
    return f"{x:.{digits}f}" if isinstance(x, float) else str(x)


def render(results: dict) -> str:
    """The Markdown report."""
    meta, m = results["meta"], results["metrics"]
    unavailable, errors = results.get("unavailable", {}), results.get("errors", {})
    lines = [
        f"# redshop runtime benchmark — {meta['date']} ({meta['commit']}{', quick' if meta['quick'] else ''})",
        "",
        f"{meta['machine']}. Each point: {meta['warmup_s']:g} s warm-up (discarded), then "
        f"{meta['duration_s']:g} s measured with {meta['oha']}. wasmtime peer: {meta['wasmtime']}.",
        "",
        "## Targets",
        "",
        "| Target | Goal | Measured | Met |",
        "| --- | --- | --- | --- |",
    ]
    for t in results["targets"]:
        measured = "not measured" if t["measured"] is None else f"{_fmt(t['measured'])}{t['unit'] if t['unit'] in ('ms', ' req/s') else 'x'}"
        met = {True: "yes", False: "**no**", None: "–"}[t["met"]]
        lines.append(f"| {t['name']} | {t['goal']} | {measured} | {met} |")

    lines += ["", "## Load", "", "| Scenario | Peer | c | req/s | p50 ms | p99 ms | max ms | errors |",
              "| --- | --- | ---: | ---: | ---: | ---: | ---: | ---: |"]
    for scenario, (_, peers) in SCENARIOS.items():
        for peer, _path in peers:
            key = f"{scenario}.{peer}"
            if key in unavailable:
                lines.append(f"| {scenario} | {peer} | | not available: {unavailable[key]} | | | | |")
                continue
            for c in meta["concurrency"]:
                k = f"{key}.c{c}"
                if k in errors:
                    lines.append(f"| {scenario} | {peer} | {c} | failed: {errors[k]} | | | | |")
                elif value(m, f"{k}.rps") is not None:
                    lines.append(
                        f"| {scenario} | {peer} | {c} | {_fmt(value(m, f'{k}.rps'), 0)} | {_fmt(value(m, f'{k}.p50_ms'))} "
                        f"| {_fmt(value(m, f'{k}.p99_ms'))} | {_fmt(value(m, f'{k}.max_ms'))} | {value(m, f'{k}.errors')} |"
                    )

    lines += _catalog_section(m, unavailable)
    lines += _gateway_section(m, unavailable)

    hop = [c for c in meta["concurrency"] if f"chain.hop.c{c}.p50_ms" in m]
    if hop:
        lines += ["", "## Service chaining", "", "One hop = `/chain` (trivial behind one `*.spin.internal` call) "
                  "against `/` on redshop.", "", "| c | extra p50 ms per hop | chain / trivial req/s |",
                  "| ---: | ---: | ---: |"]
        for c in hop:
            lines.append(f"| {c} | {_fmt(value(m, f'chain.hop.c{c}.p50_ms'))} | {_fmt(value(m, f'chain.hop.c{c}.rps_ratio'))}x |")

    if any(k.startswith("startup.") for k in m) or "startup" in unavailable:
        lines += ["", "## Start-up", ""]
        if "startup" in unavailable:
            lines.append(f"not available: {unavailable['startup']}")
        else:
            lines += ["Spawn to `Serving http://…` on stdout (median of runs); the host's own `startup_ms` "
                      "(load, compile or cache hit, pre-instantiate) beside it.", "",
                      "| Cache | runs | spawn→Serving ms | host startup_ms |", "| --- | ---: | ---: | ---: |"]
            for kind in ("cold", "warm"):
                if f"startup.{kind}_ms" in m:
                    runs = meta.get("startup_runs", {}).get(kind, "")
                    lines.append(f"| {kind} | {runs} | {_fmt(value(m, f'startup.{kind}_ms'), 0)} "
                                 f"| {_fmt(value(m, f'startup.{kind}_host_ms'), 0)} |")

    rss = sorted(k for k in m if k.startswith("rss."))
    if rss:
        lines += ["", "## Peak RSS under load", "", "VmHWM of each server process after all its load points.", "",
                  "| Peer | peak RSS MiB |", "| --- | ---: |"]
        for k in rss:
            lines.append(f"| {k.split('.')[1]} | {value(m, k) / 1024:.1f} |")

    sizes = sorted(k for k in m if k.startswith("size."))
    if sizes:
        lines += ["", "## Component sizes", "", "| Component | bytes |", "| --- | ---: |"]
        for k in sizes:
            lines.append(f"| {k.split('.')[1]} | {value(m, k):,} |")

    other = {k: v for k, v in unavailable.items() if k.split(".")[0] not in SCENARIOS and k != "startup"}
    if other:
        lines += ["", "## Not available", ""] + [f"- {k}: {v}" for k, v in other.items()]
    return "\n".join(lines) + "\n"


# catalog-100k: the requests, and its targets at c=16 (bench/harness/catalog.py).
CATALOG_REQUESTS = {
    "listing": ("`GET /products?limit=24` (home listing)", 1000.0),
    "category": ("`GET /products?category=home&sort=price_asc`", 1000.0),
    "search": ("`GET /products?q=lamp`", 500.0),
    "facets": ("`GET /products?q=lamp&facets=true`", 200.0),
    "deep": ("home listing, page 50 by cursor", None),
}


def _catalog_targets(metrics: dict) -> list[tuple]:
    rows = [(f"catalog-100k {name} req/s at c=16", ">=", goal, value(metrics, f"catalog-100k.{name}.c16.rps"), " req/s")
            for name, (_, goal) in CATALOG_REQUESTS.items() if goal is not None]
    p99 = [value(metrics, f"catalog-100k.{name}.c16.p99_ms") for name in CATALOG_REQUESTS]
    worst = max((p for p in p99 if p is not None), default=None)
    return [*rows, ("catalog-100k p99 at c=16, worst request", "<=", 50.0, worst, "ms")]


def _catalog_section(m: dict, unavailable: dict) -> list[str]:
    if "catalog-100k" in unavailable:
        return ["", "## Catalog at 100 000 products", "", f"not available: {unavailable['catalog-100k']}"]
    keys = [k for k in CATALOG_REQUESTS if f"catalog-100k.{k}.c1.rps" in m]
    if not keys:
        return []
    lines = ["", "## Catalog at 100 000 products", "",
             "The product component through redshop on `dbctl seed --count 100000` "
             f"({_fmt(value(m, 'catalog-100k.products_total'), 0)} listed). Median of the runs; "
             "the spread is the lowest and highest req/s.", "",
             "| Request | c | req/s (median) | spread req/s | p50 ms | p99 ms | max ms | errors |",
             "| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: |"]
    for k in keys:
        for c in (1, 16):
            p = f"catalog-100k.{k}.c{c}"
            if value(m, f"{p}.rps") is None:
                continue
            lines.append(f"| {CATALOG_REQUESTS[k][0]} | {c} | {_fmt(value(m, f'{p}.rps'), 0)} "
                         f"| {_fmt(value(m, f'{p}.rps_min'), 0)}–{_fmt(value(m, f'{p}.rps_max'), 0)} "
                         f"| {_fmt(value(m, f'{p}.p50_ms'))} | {_fmt(value(m, f'{p}.p99_ms'))} "
                         f"| {_fmt(value(m, f'{p}.max_ms'))} | {value(m, f'{p}.errors')} |")
    return lines


# gateway-latency: the paths measured (bench/harness/gateway.py) and what each one means.
GATEWAY_PATHS = {
    "direct": "product component alone",
    "gateway.anon": "through the gateway, anonymous (catalog cache)",
    "gateway.auth": "through the gateway, signed in (token, session, rate limit, chaining)",
}


def _gateway_section(m: dict, unavailable: dict) -> list[str]:
    if "gateway-latency" in unavailable:
        return ["", "## Gateway latency", "", f"not available: {unavailable['gateway-latency']}"]
    rows = []
    for path, label in GATEWAY_PATHS.items():
        for c in (1, 16):
            p = f"gateway-latency.{path}.c{c}"
            if value(m, f"{p}.rps") is None:
                continue
            added = (f"{_fmt(value(m, f'{p}.added_p50_ms'))} / {_fmt(value(m, f'{p}.added_p99_ms'))}"
                     if path != "direct" else "")
            rows.append(f"| {label} | {c} | {_fmt(value(m, f'{p}.rps'), 0)} | {_fmt(value(m, f'{p}.p50_ms'))} "
                        f"| {_fmt(value(m, f'{p}.p99_ms'))} | {added} | {value(m, f'{p}.errors')} |")
    if not rows:
        return []
    return ["", "## Gateway latency", "",
            "`GET /products?limit=24`; added = this path's p50 / p99 minus the direct path's at the "
            "same concurrency.", "",
            "| Path | c | req/s | p50 ms | p99 ms | added p50 / p99 ms | errors |",
            "| --- | ---: | ---: | ---: | ---: | ---: | ---: |", *rows]
