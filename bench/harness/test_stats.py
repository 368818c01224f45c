"""Unit tests of the bench's statistics, derived figures, targets and report.

Run from bench/: `python3 -m unittest discover -s harness -t .` (standard library only,
no servers, under a second).
"""

from __future__ import annotations

import sys
import unittest

sys.dont_write_bytecode = True

from harness import report  # noqa: E402
from harness.stats import Samples, rotate, summary, verdict  # noqa: E402


def entry(median: float, lo: float | None = None, hi: float | None = None, n: int = 3) -> dict:
    out = {"value": median, "n": n}
    if lo is not None:
        out.update(min=lo, max=hi)
    return out


class SummaryTest(unittest.TestCase):
    def test_median_min_max_of_the_rounds(self):
        s = summary([3.0, 1.0, 2.0])
        self.assertEqual((s["value"], s["min"], s["max"], s["n"]), (2.0, 1.0, 3.0, 3))
        self.assertEqual(s["rounds"], [3.0, 1.0, 2.0])

    def test_a_missing_round_is_kept_in_place_and_left_out_of_the_figures(self):
        s = summary([10.0, None, 30.0])
        self.assertEqual((s["value"], s["min"], s["max"], s["n"]), (20.0, 10.0, 30.0, 2))
        self.assertEqual(s["rounds"], [10.0, None, 30.0])

    def test_nothing_measured_is_no_summary(self):
        self.assertIsNone(summary([None, None, None]))
        self.assertIsNone(summary([float("nan")]))


class VerdictTest(unittest.TestCase):
    def test_higher_is_better_and_both_medians_outside_the_other_spread(self):
        self.assertEqual(verdict(entry(100, 95, 105), entry(120, 110, 130), "higher"), "better")
        self.assertEqual(verdict(entry(120, 110, 130), entry(100, 95, 105), "higher"), "worse")

    def test_lower_is_better(self):
        self.assertEqual(verdict(entry(1.0, 0.9, 1.1), entry(0.5, 0.4, 0.6), "lower"), "better")
        self.assertEqual(verdict(entry(0.5, 0.4, 0.6), entry(1.0, 0.9, 1.1), "lower"), "worse")

    def test_overlapping_medians_are_within_noise(self):
        # B's median is above A's spread, but A's median lies inside B's wide spread.
        self.assertEqual(verdict(entry(100, 95, 105), entry(110, 90, 130), "higher"), "within noise")
        # Both medians inside each other's spread.
        self.assertEqual(verdict(entry(100, 90, 110), entry(105, 95, 115), "higher"), "within noise")

    def test_a_large_move_inside_a_wide_spread_is_noise_where_a_fixed_threshold_was_not(self):
        # +20 % on the median, but round values spread ±30 %: the old 5 % rule said better.
        self.assertEqual(verdict(entry(100, 70, 130), entry(120, 84, 156), "higher"), "within noise")

    def test_a_small_move_outside_tight_spreads_counts(self):
        # +3 %, below the old 5 % rule, but every round of B beat every round of A.
        self.assertEqual(verdict(entry(100, 99.5, 100.5), entry(103, 102.5, 103.5), "higher"), "better")

    def test_single_samples_spread_over_their_one_value(self):
        self.assertEqual(verdict({"value": 100}, {"value": 101}, "higher"), "better")
        self.assertEqual(verdict({"value": 100}, {"value": 100}, "higher"), "within noise")
        # An old single sample inside the new result's spread is within noise.
        self.assertEqual(verdict({"value": 100}, entry(110, 95, 120), "higher"), "within noise")


class RotateTest(unittest.TestCase):
    def test_each_peer_goes_first_once_in_three_rounds(self):
        peers = ["redshop", "wasmtime", "native"]
        self.assertEqual([rotate(peers, r)[0] for r in range(3)], peers)
        self.assertEqual(rotate(peers, 1), ["wasmtime", "native", "redshop"])
        self.assertEqual(rotate(peers, 3), peers)
        self.assertEqual(rotate([], 2), [])


class DeriveTest(unittest.TestCase):
    def samples(self) -> Samples:
        s = report.new_samples(3)
        for r, (redshop, native, wasmtime) in enumerate([(10, 40, 8), (12, 40, 6), (9, 30, 9)]):
            s.add("trivial.redshop.c16.rps", r, redshop * 1000.0)
            s.add("trivial.native.c16.rps", r, native * 1000.0)
            s.add("trivial.wasmtime.c16.rps", r, wasmtime * 1000.0)
        for r, (chain, trivial) in enumerate([(0.50, 0.30), (0.45, 0.32), (0.60, 0.31)]):
            s.add("chain.redshop.c1.p50_ms", r, chain)
            s.add("trivial.redshop.c1.p50_ms", r, trivial)
        return s

    def test_ratios_are_taken_per_round_then_reduced(self):
        s = self.samples()
        report.derive(s, [1, 16])
        m = s.metrics()
        r = m["trivial.redshop_vs_native.c16.rps_ratio"]
        self.assertEqual(r["rounds"], [0.25, 0.3, 0.3])
        self.assertEqual((r["value"], r["min"], r["max"]), (0.3, 0.25, 0.3))
        # The ratio of the medians would be 10 000 / 40 000 = 0.25: not what is reported.
        self.assertEqual(r["better"], "higher")
        w = m["trivial.redshop_vs_wasmtime.c16.rps_ratio"]
        self.assertEqual([round(v, 3) for v in w["rounds"]], [1.25, 2.0, 1.0])

    def test_the_hop_is_chain_minus_trivial_in_the_same_round(self):
        s = self.samples()
        report.derive(s, [1, 16])
        hop = s.metrics()["chain.hop.c1.p50_ms"]
        self.assertEqual([round(v, 2) for v in hop["rounds"]], [0.2, 0.13, 0.29])
        self.assertAlmostEqual(hop["value"], 0.2)
        self.assertEqual(hop["better"], "lower")

    def test_a_round_missing_one_input_has_no_derived_value(self):
        s = report.new_samples(3)
        s.add("pg.redshop.c1.p50_ms", 0, 0.6)
        s.add("pg.native.c1.p50_ms", 0, 0.3)
        s.add("pg.redshop.c1.p50_ms", 1, 0.5)
        report.derive(s, [1])
        r = s.metrics()["pg.redshop_vs_native.c1.p50_ratio"]
        self.assertEqual(r["rounds"], [2.0, None, None])
        self.assertEqual(r["better"], "lower")


class TargetsTest(unittest.TestCase):
    def test_met_on_the_median_with_the_rounds_that_met(self):
        s = report.new_samples(3)
        for r, v in enumerate([0.35, 0.28, 0.31]):
            s.add("trivial.redshop_vs_native.c16.rps_ratio", r, v)
        for r, kib in enumerate([40 * 1024, 50 * 1024, 45 * 1024]):
            s.add("rss.trivial.redshop.peak_kib", r, kib)
        by_name = {t["metric"]: t for t in report.targets(s.metrics())}
        native = by_name["trivial.redshop_vs_native.c16.rps_ratio"]
        self.assertEqual((native["measured"], native["min"], native["max"]), (0.31, 0.28, 0.35))
        self.assertTrue(native["met"])
        self.assertEqual((native["rounds_met"], native["rounds"]), (2, 3))
        rss = by_name["rss.trivial.redshop.peak_kib"]
        self.assertEqual((rss["measured"], rss["unit"]), (45.0, " MiB"))
        self.assertTrue(rss["met"])
        self.assertIsNone(by_name["startup.warm_ms"]["measured"])

    def test_every_runtime_target_of_the_issue_is_reported(self):
        goals = {t["metric"]: t["goal"] for t in report.targets({}) if t["group"] == "runtime"}
        self.assertEqual(goals, {
            "trivial.redshop_vs_native.c16.rps_ratio": ">= 0.3x",
            "trivial.redshop_vs_wasmtime.c16.rps_ratio": ">= 1.5x",
            "trivial.overhead_vs_native.c1.p50_ms": "<= 0.08 ms",
            "chain.hop.c1.p50_ms": "<= 0.1 ms",
            "pg.redshop_vs_native.c1.p50_ratio": "<= 1.3x",
            "startup.warm_ms": "<= 50 ms",
            "rss.trivial.redshop.peak_kib": "<= 48 MiB",
        })


class RenderTest(unittest.TestCase):
    def test_every_figure_shows_median_and_range(self):
        s = report.new_samples(3)
        for r, (rps, p50) in enumerate([(8000.0, 1.9), (9000.0, 1.7), (8500.0, 1.8)]):
            s.add("trivial.redshop.c16.rps", r, rps)
            s.add("trivial.redshop.c16.p50_ms", r, p50)
            s.add("trivial.redshop.c16.errors", r, 1)
        m = s.metrics()
        results = {"meta": {"date": "d", "commit": "abc1234", "quick": False, "rounds": 3, "machine": "m",
                            "oha": "oha", "wasmtime": "not run", "concurrency": [16],
                            "points": {"16": {"warmup_s": 2, "duration_s": 10}}},
                   "metrics": m, "targets": report.targets(m), "unavailable": {}, "errors": {}}
        text = report.render(results)
        self.assertIn("| trivial | redshop | 16 | 8,500 (8,000–9,000) | 1.80 (1.70–1.90) |", text)
        self.assertIn("| 3 |", text)  # errors summed over the rounds
        self.assertIn("c=16: 2 s warm-up (discarded) + 10 s measured", text)


if __name__ == "__main__":
    unittest.main()
