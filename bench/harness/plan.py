"""How long and how hard the bench measures, and what every scenario runner shares.

A run is R rounds (default 3). In each round every selected scenario runs once, its
peers started fresh and measured point by point in turn (harness/stats.py `rotate`), so
the same point of two peers is measured seconds apart, and each figure gets one value per
round: its median and spread come from those (harness/stats.py).
"""

from __future__ import annotations

import sys
from dataclasses import dataclass, field
from pathlib import Path

from . import fixtures
from .load import LoadError, Oha
from .stats import Samples


@dataclass(frozen=True)
class PointPlan:
    """One load point: a discarded warm-up run, then the measured run (seconds)."""

    warmup_s: float
    duration_s: float


@dataclass(frozen=True)
class Plan:
    """Rounds, the load points by concurrency, and start-ups per round."""

    rounds: int
    points: dict[int, PointPlan]
    warm_starts: int
    quick: bool = False

    @property
    def concurrency(self) -> list[int]:
        return list(self.points)

    def point_s(self, concurrencies: list[int] | None = None) -> float:
        """Seconds of load for one series at these concurrencies (default: all)."""
        cs = self.concurrency if concurrencies is None else concurrencies
        return sum(self.points[c].warmup_s + self.points[c].duration_s for c in cs if c in self.points)

    def with_durations(self, warmup_s: float | None, duration_s: float | None) -> "Plan":
        """The same plan with every point's warm-up and/or duration replaced."""
        points = {c: PointPlan(p.warmup_s if warmup_s is None else warmup_s,
                               p.duration_s if duration_s is None else duration_s)
                  for c, p in self.points.items()}
        return Plan(self.rounds, points, self.warm_starts, self.quick)


# Full run. 10 s per point is enough for a stable p99 at thousands of req/s, and 2 s of
# warm-up fills the instance and connection pools of a peer started fresh this round.
# c=1 is latency without queueing, 16 a busy service on 2 cores, 128 overload; overload
# is only there to show nothing collapses, so it gets 1 s + 5 s. One round of the nine
# load series is 9 × (12 + 12 + 6) s = 4.5 min; with catalog-100k (10 points × 12 s),
# gateway-latency (6 × 12 s), start-ups and isolation a round is about 8 min, and three
# rounds about 25 min (bench/README.md has the sum).
FULL = Plan(rounds=3, points={1: PointPlan(2, 10), 16: PointPlan(2, 10), 128: PointPlan(1, 5)}, warm_starts=3)
# Quick run: the same rounds and points at 0.5 s + 2 s: about 6 minutes.
QUICK = Plan(rounds=3, points={1: PointPlan(0.5, 2), 16: PointPlan(0.5, 2), 128: PointPlan(0.5, 2)},
             warm_starts=2, quick=True)


@dataclass
class Context:
    """What every scenario runner needs; samples and the dicts fill in as points complete."""

    oha: Oha
    plan: Plan
    scenarios: list[str]
    samples: Samples
    work: Path
    pg: fixtures.Postgres
    redis: fixtures.Redis
    env: dict[str, str]
    # Keep peers up across rounds instead of starting them fresh (measured once; see README).
    keep_peers: bool = False
    unavailable: dict = field(default_factory=dict)
    errors: dict = field(default_factory=dict)
    failures: list[str] = field(default_factory=list)

    def measure(self, key: str, url: str, c: int, r: int, headers: tuple[str, ...] = ()) -> bool:
        """One point in round r: warm-up, measured run, its figures recorded under `key`.
        A failed point is recorded in `errors` (first failure per point) and the run goes on."""
        p = self.plan.points[c]
        print(f"bench: [round {r + 1}/{self.plan.rounds}] {key} ({p.warmup_s:g}+{p.duration_s:g} s)",
              file=sys.stderr, flush=True)
        try:
            point = self.oha.measure(url, c, p.warmup_s, p.duration_s, headers)
        except LoadError as e:
            # One line: the message goes into a Markdown table cell.
            self.errors.setdefault(key, f"round {r + 1}: {' '.join(str(e).split())[:300]}")
            return False
        for name, v in point.as_dict().items():
            if name != "ok":
                self.samples.add(f"{key}.{name}", r, v)
        return True

    def fail(self, scenario: str, error: BaseException) -> None:
        """A scenario that cannot go on: reported unavailable, exit status 1."""
        first = str(error).splitlines()[0][:200] if str(error) else type(error).__name__
        print(f"bench: {scenario}: {error}", file=sys.stderr, flush=True)
        self.unavailable.setdefault(scenario, first)
        self.failures.append(f"{scenario} scenario: {first}")
