#!/usr/bin/env python3
"""Compare two benchmark results: `python3 bench/compare.py A.json B.json`.

Prints, for every metric both files have, A's value, B's value and the ratio B/A, marked
`better` or `worse` when it moves by more than NOISE in the direction the metric prefers
(higher req/s, lower latency, RSS and size). Metrics only one side has are listed
after. Exit status is 0 whatever the numbers: this is for reading, not for gating.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

# Moves smaller than this fraction are within run-to-run noise on a shared 2-core machine.
NOISE = 0.05


def load(path: Path) -> dict:
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, json.JSONDecodeError) as e:
        sys.exit(f"compare: cannot read {path}: {e}")
    if "metrics" not in data:
        sys.exit(f"compare: {path} is not a bench result (no `metrics`)")
    return data


def verdict(ratio: float, better: str) -> str:
    if abs(ratio - 1) <= NOISE:
        return ""
    improved = ratio > 1 if better == "higher" else ratio < 1
    return "better" if improved else "worse"


def rows(a: dict, b: dict) -> list[tuple[str, str, str, str, str]]:
    out = []
    for key in sorted(set(a) & set(b)):
        va, vb = a[key]["value"], b[key]["value"]
        unit = a[key].get("unit", "")
        if va:
            ratio = vb / va
            out.append((key, f"{va:.4g} {unit}", f"{vb:.4g} {unit}", f"{ratio:.3f}", verdict(ratio, a[key]["better"])))
        else:
            out.append((key, f"{va:.4g} {unit}", f"{vb:.4g} {unit}", "–", ""))
    return out


def describe(data: dict) -> str:
    meta = data.get("meta", {})
    return f"{meta.get('date', '?')} {meta.get('commit', '?')}{' (quick)' if meta.get('quick') else ''}"


def main(argv: list[str]) -> int:
    p = argparse.ArgumentParser(description="Print per-metric ratios B/A between two bench results.")
    p.add_argument("a", type=Path, help="baseline result (.json)")
    p.add_argument("b", type=Path, help="result to compare with the baseline (.json)")
    args = p.parse_args(argv)
    a, b = load(args.a), load(args.b)
    print(f"A: {args.a.name}  {describe(a)}")
    print(f"B: {args.b.name}  {describe(b)}")
    if a.get("schema") != b.get("schema"):
        print(f"warning: schema {a.get('schema')} vs {b.get('schema')}: metric meanings may differ")
    if a.get("meta", {}).get("quick") != b.get("meta", {}).get("quick"):
        print("warning: one run is --quick and the other is not: latencies are less comparable")
    table = [("metric", "A", "B", "B/A", ""), *rows(a["metrics"], b["metrics"])]
    widths = [max(len(r[i]) for r in table) for i in range(5)]
    for r in table:
        print("  ".join(cell.ljust(w) if i in (0, 4) else cell.rjust(w) for i, (cell, w) in enumerate(zip(r, widths))).rstrip())
    # Listed by group (`trivial.native`, `startup`), not metric by metric.
    only_a = sorted({".".join(k.split(".")[:2]) for k in set(a["metrics"]) - set(b["metrics"])})
    only_b = sorted({".".join(k.split(".")[:2]) for k in set(b["metrics"]) - set(a["metrics"])})
    if only_a:
        print(f"\nonly in A: {', '.join(only_a)}")
    if only_b:
        print(f"\nonly in B: {', '.join(only_b)}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
