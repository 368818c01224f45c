"""Rounds, medians and spreads: the statistics every figure of the bench goes through.

A full run measures every point once per round, in R rounds (at least 3). Each figure is
then reported as the median of its per-round values and their spread, the lowest and
highest value seen. A figure computed from two others (a ratio, a difference) is computed
round by round first — both inputs were measured seconds apart under the same load on the
machine, so a slow drift (a build starting next door) cancels — and only then reduced to
median and spread. Reducing first (median of A / median of B) would mix rounds measured
minutes apart and hide how much the ratio itself moved.

Two results differ only when each one's median lies outside the other's spread
(`verdict`): with three rounds on a shared machine, anything less is within noise.
A result with one sample per figure (the format before rounds) has a spread of that one
value.
"""

from __future__ import annotations

import math
import statistics
from typing import Callable, Iterable

# The values a metric's summary carries besides its unit and direction.
SUMMARY_FIELDS = ("value", "min", "max", "n", "rounds")


def summary(rounds: list[float | None]) -> dict | None:
    """Median (as `value`), min, max and count of the measured rounds; `rounds` keeps
    every round's value in order (None where that round has none). None when no round
    measured anything."""
    present = [v for v in rounds if v is not None and not _is_nan(v)]
    if not present:
        return None
    return {"value": statistics.median(present), "min": min(present), "max": max(present),
            "n": len(present), "rounds": list(rounds)}


def spread(entry: dict) -> tuple[float, float, float]:
    """(median, min, max) of a metric entry; an entry without a spread (one sample, or a
    result written before rounds existed) spreads over its single value."""
    v = entry["value"]
    return v, entry.get("min", v), entry.get("max", v)


def verdict(a: dict, b: dict, better: str) -> str:
    """`better`/`worse` when B's median is outside A's spread and A's median outside
    B's, in the direction `better` ("higher" or "lower") prefers; else `within noise`."""
    am, alo, ahi = spread(a)
    bm, blo, bhi = spread(b)
    if bm > ahi and am < blo:
        moved = "up"
    elif bm < alo and am > bhi:
        moved = "down"
    else:
        return "within noise"
    return "better" if (moved == "up") == (better == "higher") else "worse"


def rotate(items: list, round_index: int) -> list:
    """The order peers are measured in round `round_index` (0-based): A B C, then B C A,
    then C A B, so that no peer always follows the same one or always goes first."""
    if not items:
        return []
    k = round_index % len(items)
    return items[k:] + items[:k]


class Samples:
    """Every metric's value per round, filled in as points complete.

    `add` records a value for one round; `derive` computes a metric round by round from
    others; `metrics` reduces all of them to summaries for the JSON.
    """

    def __init__(self, rounds: int, units: dict[str, tuple[str, str]]):
        self.rounds = rounds
        self.units = units
        self.values: dict[str, list[float | None]] = {}
        self.unit_keys: dict[str, str] = {}

    def add(self, key: str, round_index: int, value: float | int, unit_key: str | None = None) -> None:
        series = self.values.setdefault(key, [None] * self.rounds)
        series[round_index] = value
        self.unit_keys[key] = unit_key or key.rsplit(".", 1)[-1]

    def get(self, key: str, round_index: int) -> float | None:
        series = self.values.get(key)
        return None if series is None else series[round_index]

    def derive(self, key: str, fn: Callable[..., float | None], inputs: Iterable[str],
               unit_key: str | None = None) -> None:
        """`key` in each round where every input was measured: fn(*inputs of that round)."""
        inputs = list(inputs)
        for r in range(self.rounds):
            args = [self.get(k, r) for k in inputs]
            if any(a is None for a in args):
                continue
            out = fn(*args)
            if out is not None:
                self.add(key, r, out, unit_key)

    def metrics(self) -> dict:
        """key -> {value (median), min, max, n, rounds, unit, better}."""
        out = {}
        for key, series in self.values.items():
            s = summary(series)
            if s is None:
                continue
            unit, better = self.units.get(self.unit_keys[key], ("", "lower"))
            out[key] = {**s, "unit": unit, "better": better}
        return out


def ratio(x: float, y: float) -> float | None:
    return x / y if y else None


def _is_nan(v: float) -> bool:
    return isinstance(v, float) and math.isnan(v)
