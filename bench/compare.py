#!/usr/bin/env python3
"""Compare two benchmark results: `python3 bench/compare.py A.json B.json`.

Prints, for every metric both files have, A's and B's median with its spread over the
rounds (lowest–highest), the ratio of the medians B/A, and a verdict: `better` or `worse`
when B's median lies outside A's spread and A's median outside B's, in the direction the
metric prefers (higher req/s; lower latency, RSS and size); otherwise `within noise`.
A result from before rounds (one sample per figure) has a spread of that one value, so
against it any move of the other side's whole spread counts: the table marks such rows
`(1 sample)`. Metrics only one side has are listed after. Exit status is 0 whatever the
numbers: this is for reading, not for gating.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

sys.dont_write_bytecode = True  # keep bench/harness free of __pycache__ (not git-ignored)

from harness.stats import spread, verdict  # noqa: E402  (after the line above)


def load(path: Path) -> dict:
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, json.JSONDecodeError) as e:
        sys.exit(f"compare: cannot read {path}: {e}")
    if "metrics" not in data:
        sys.exit(f"compare: {path} is not a bench result (no `metrics`)")
    return data


def normalise(metrics: dict) -> dict:
    """Metrics as schema 2 has them. Schema 1 kept catalog-100k's spread in sibling
    metrics (`….rps_min`, `….rps_max`): fold them into the `.rps` entry and drop them."""
    out = {k: dict(v) for k, v in metrics.items()}
    for key in list(out):
        if not key.endswith(".rps_min"):
            continue
        base = key[: -len("_min")]
        high = f"{base}_max"
        if base in out and high in out and "min" not in out[base]:
            out[base].update(min=out[key]["value"], max=out[high]["value"], n=3)
            del out[key], out[high]
    return out


def _fmt(x: float) -> str:
    return f"{x:,.0f}" if abs(x) >= 1000 else f"{x:.4g}"


def cell(entry: dict) -> str:
    """`median [min–max] unit`, or `value unit` for a single sample."""
    med, lo, hi = spread(entry)
    unit = entry.get("unit", "")
    if entry.get("n", 1) <= 1 and "min" not in entry:
        return f"{_fmt(med)} {unit}".rstrip()
    return f"{_fmt(med)} [{_fmt(lo)}–{_fmt(hi)}] {unit}".rstrip()


def single(entry: dict) -> bool:
    return entry.get("n", 1) <= 1


def rows(a: dict, b: dict) -> list[tuple[str, str, str, str, str]]:
    out = []
    for key in sorted(set(a) & set(b)):
        ea, eb = a[key], b[key]
        ratio = f"{eb['value'] / ea['value']:.3f}" if ea["value"] else "–"
        said = verdict(ea, eb, ea.get("better", "lower"))
        if said != "within noise" and (single(ea) or single(eb)):
            said += " (1 sample)"
        out.append((key, cell(ea), cell(eb), ratio, said))
    return out


def describe(data: dict) -> str:
    meta = data.get("meta", {})
    rounds = meta.get("rounds")
    how = f"{rounds} rounds" if rounds else "1 sample per figure"
    return f"{meta.get('date', '?')} {meta.get('commit', '?')}{' (quick)' if meta.get('quick') else ''}, {how}"


def main(argv: list[str]) -> int:
    p = argparse.ArgumentParser(description="Per-metric medians, spreads and verdicts between two bench results.")
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
    ma, mb = normalise(a["metrics"]), normalise(b["metrics"])
    table = [("metric", "A median [spread]", "B median [spread]", "B/A", "verdict"), *rows(ma, mb)]
    widths = [max(len(r[i]) for r in table) for i in range(5)]
    for r in table:
        print("  ".join(c.ljust(w) if i in (0, 4) else c.rjust(w) for i, (c, w) in enumerate(zip(r, widths))).rstrip())
    said = [r[4].split(" (")[0] for r in table[1:]]
    print(f"\n{said.count('better')} better, {said.count('worse')} worse, {said.count('within noise')} within noise")
    # Listed by group (`trivial.native`, `startup`), not metric by metric.
    only_a = sorted({".".join(k.split(".")[:2]) for k in set(ma) - set(mb)})
    only_b = sorted({".".join(k.split(".")[:2]) for k in set(mb) - set(ma)})
    if only_a:
        print(f"\nonly in A: {', '.join(only_a)}")
    if only_b:
        print(f"\nonly in B: {', '.join(only_b)}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
