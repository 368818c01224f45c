"""The report's tables, one function per section (harness/report.py puts them in order).

Each takes the whole result (meta, metrics, unavailable, errors) and returns Markdown
lines, empty when its scenario did not run. Figures are `median (min–max)` over rounds.
"""

from __future__ import annotations

from .report import CATALOG_REQUESTS, SCENARIOS, fig, total

# gateway-latency: the paths measured (bench/harness/gateway.py) and what each one means.
GATEWAY_PATHS = {
    "direct": "product component alone",
    "gateway.anon": "through the gateway, anonymous (catalog cache)",
    "gateway.auth": "through the gateway, signed in (token, session, rate limit, chaining)",
}


def durations(meta: dict) -> str:
    """How long each point warmed up and was measured, grouped by concurrency."""
    points = meta.get("points")
    if not points:  # a result from before per-concurrency durations
        return f"{meta['warmup_s']:g} s warm-up (discarded), then {meta['duration_s']:g} s measured"
    groups: dict[tuple[float, float], list[str]] = {}
    for c, p in points.items():
        groups.setdefault((p["warmup_s"], p["duration_s"]), []).append(str(c))
    return "; ".join(f"c={', '.join(cs)}: {w:g} s warm-up (discarded) + {d:g} s measured"
                     for (w, d), cs in groups.items())


def load(results: dict) -> list[str]:
    meta, m = results["meta"], results["metrics"]
    unavailable, errors = results.get("unavailable", {}), results.get("errors", {})
    lines = ["", "## Load", "", "| Scenario | Peer | c | req/s | p50 ms | p99 ms | max ms | errors (all rounds) |",
             "| --- | --- | ---: | ---: | ---: | ---: | ---: | ---: |"]
    for scenario, (_, peers) in SCENARIOS.items():
        for peer, _path in peers:
            key = f"{scenario}.{peer}"
            if key in unavailable:
                lines.append(f"| {scenario} | {peer} | | not available: {unavailable[key]} | | | | |")
                continue
            for c in meta["concurrency"]:
                k = f"{key}.c{c}"
                if f"{k}.rps" in m:
                    lines.append(f"| {scenario} | {peer} | {c} | {fig(m, f'{k}.rps', 0)} | {fig(m, f'{k}.p50_ms')} "
                                 f"| {fig(m, f'{k}.p99_ms')} | {fig(m, f'{k}.max_ms')} | {total(m, f'{k}.errors')} |")
                if k in errors:
                    lines.append(f"| {scenario} | {peer} | {c} | failed: {errors[k]} | | | | |")
    return lines


def chain(results: dict) -> list[str]:
    meta, m = results["meta"], results["metrics"]
    hop = [c for c in meta["concurrency"] if f"chain.hop.c{c}.p50_ms" in m]
    if not hop:
        return []
    lines = ["", "## Service chaining", "", "One hop = `/chain` (trivial behind one `*.spin.internal` call) "
             "minus `/` on redshop, in the same round.", "", "| c | extra p50 ms per hop | chain / trivial req/s |",
             "| ---: | ---: | ---: |"]
    for c in hop:
        lines.append(f"| {c} | {fig(m, f'chain.hop.c{c}.p50_ms')} | {fig(m, f'chain.hop.c{c}.rps_ratio')}x |")
    return lines


def catalog(results: dict) -> list[str]:
    m, unavailable = results["metrics"], results.get("unavailable", {})
    if "catalog-100k" in unavailable:
        return ["", "## Catalog at 100 000 products", "", f"not available: {unavailable['catalog-100k']}"]
    keys = [k for k in CATALOG_REQUESTS if f"catalog-100k.{k}.c1.rps" in m]
    if not keys:
        return []
    lines = ["", "## Catalog at 100 000 products", "",
             "The product component through redshop on `dbctl seed --count 100000` "
             f"({fig(m, 'catalog-100k.products_total', 0)} listed), each request measured once a round.", "",
             "| Request | c | req/s | p50 ms | p99 ms | max ms | errors (all rounds) |",
             "| --- | ---: | ---: | ---: | ---: | ---: | ---: |"]
    for k in keys:
        for c in (1, 16):
            p = f"catalog-100k.{k}.c{c}"
            if f"{p}.rps" in m:
                lines.append(f"| {CATALOG_REQUESTS[k][0]} | {c} | {fig(m, f'{p}.rps', 0)} | {fig(m, f'{p}.p50_ms')} "
                             f"| {fig(m, f'{p}.p99_ms')} | {fig(m, f'{p}.max_ms')} | {total(m, f'{p}.errors')} |")
    return lines


def gateway(results: dict) -> list[str]:
    m, unavailable = results["metrics"], results.get("unavailable", {})
    if "gateway-latency" in unavailable:
        return ["", "## Gateway latency", "", f"not available: {unavailable['gateway-latency']}"]
    rows = []
    for path, label in GATEWAY_PATHS.items():
        for c in (1, 16):
            p = f"gateway-latency.{path}.c{c}"
            if f"{p}.rps" not in m:
                continue
            added = (f"{fig(m, f'{p}.added_p50_ms')} / {fig(m, f'{p}.added_p99_ms')}" if path != "direct" else "")
            rows.append(f"| {label} | {c} | {fig(m, f'{p}.rps', 0)} | {fig(m, f'{p}.p50_ms')} "
                        f"| {fig(m, f'{p}.p99_ms')} | {added} | {total(m, f'{p}.errors')} |")
    if not rows:
        return []
    return ["", "## Gateway latency", "",
            "`GET /products?limit=24`; added = this path's p50 / p99 minus the direct path's at the "
            "same concurrency, in the same round.", "",
            "| Path | c | req/s | p50 ms | p99 ms | added p50 / p99 ms | errors (all rounds) |",
            "| --- | ---: | ---: | ---: | ---: | ---: | ---: |", *rows]


def startup(results: dict) -> list[str]:
    meta, m, unavailable = results["meta"], results["metrics"], results.get("unavailable", {})
    if not any(k.startswith("startup.") for k in m) and "startup" not in unavailable:
        return []
    lines = ["", "## Start-up", ""]
    if "startup" in unavailable:
        return lines + [f"not available: {unavailable['startup']}"]
    lines += ["Spawn to `Serving http://…` on stdout, the bench app's six components; the host's own "
              "`startup_ms` (load, compile or cache hit, pre-instantiate) beside it. Each round: one start "
              "with an empty `--cache-dir` (cold), then starts on the cache it filled (warm; the round's "
              "value is their median).", "",
              "| Cache | starts per round | spawn→Serving ms | host startup_ms |", "| --- | ---: | ---: | ---: |"]
    for kind in ("cold", "warm"):
        if f"startup.{kind}_ms" in m:
            runs = meta.get("startup_runs", {}).get(kind, "")
            lines.append(f"| {kind} | {runs} | {fig(m, f'startup.{kind}_ms', 1)} | {fig(m, f'startup.{kind}_host_ms', 1)} |")
    return lines


def isolation(results: dict) -> list[str]:
    m, unavailable = results["metrics"], results.get("unavailable", {})
    if "isolation" in unavailable:
        return ["", "## Isolation", "", f"not available: {unavailable['isolation']}"]
    if "isolation.redshop.max_ms" not in m:
        return []
    return ["", "## Isolation", "",
            f"GETs of a normal route, each on a fresh connection, while {fig(m, 'isolation.redshop.loops', 0)} "
            "requests busy-loop in guests; idle = the same GETs with no loop running.", "",
            "| idle p50 ms | p50 ms | p90 ms | max ms |", "| ---: | ---: | ---: | ---: |",
            f"| {fig(m, 'isolation.redshop.idle_p50_ms')} | {fig(m, 'isolation.redshop.p50_ms')} "
            f"| {fig(m, 'isolation.redshop.p90_ms')} | {fig(m, 'isolation.redshop.max_ms')} |"]


def rss(results: dict) -> list[str]:
    m = results["metrics"]
    keys = sorted(k for k in m if k.startswith("rss."))
    if not keys:
        return []
    lines = ["", "## Peak RSS under load", "", "VmHWM of each server process after its points of the scenario "
             "(a fresh process each round).", "", "| Scenario | Peer | peak RSS MiB |", "| --- | --- | ---: |"]
    for k in keys:
        parts = k.split(".")
        scenario, peer = (parts[1], parts[2]) if len(parts) == 4 else ("all", parts[1])
        lines.append(f"| {scenario} | {peer} | {fig(m, k, 1, scale=1024)} |")
    return lines


def sizes(results: dict) -> list[str]:
    m = results["metrics"]
    keys = sorted(k for k in m if k.startswith("size."))
    if not keys:
        return []
    return ["", "## Component sizes", "", "| Component | bytes |", "| --- | ---: |",
            *[f"| {k.split('.')[1]} | {int(m[k]['value']):,} |" for k in keys]]


def not_available(results: dict, scenarios: dict) -> list[str]:
    shown = {"startup", "isolation", "catalog-100k", "gateway-latency"}
    other = {k: v for k, v in results.get("unavailable", {}).items()
             if k.split(".")[0] not in scenarios and k not in shown}
    if not other:
        return []
    return ["", "## Not available", ""] + [f"- {k}: {v}" for k, v in other.items()]
