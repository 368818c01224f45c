"""Unit tests of bench/compare.py: verdicts from spreads, old single-sample results.

Run from bench/: `python3 -m unittest discover -s harness -t .`.
"""

from __future__ import annotations

import io
import json
import sys
import tempfile
import unittest
from contextlib import redirect_stdout
from pathlib import Path

sys.dont_write_bytecode = True

import compare  # noqa: E402  (bench/compare.py: the test runs with bench/ as top level)


def metric(median, lo=None, hi=None, better="higher", unit="req/s"):
    out = {"value": median, "unit": unit, "better": better}
    if lo is not None:
        out.update(min=lo, max=hi, n=3, rounds=[lo, median, hi])
    return out


class RowsTest(unittest.TestCase):
    def verdicts(self, a: dict, b: dict) -> dict:
        return {key: said for key, _, _, _, said in compare.rows(a, b)}

    def test_verdicts_follow_the_spreads_and_the_direction(self):
        a = {"rps": metric(100, 95, 105), "p50": metric(1.0, 0.9, 1.1, "lower", "ms"),
             "p99": metric(3.0, 2.0, 4.0, "lower", "ms")}
        b = {"rps": metric(120, 110, 130), "p50": metric(1.5, 1.3, 1.6, "lower", "ms"),
             "p99": metric(2.6, 2.2, 3.5, "lower", "ms")}
        self.assertEqual(self.verdicts(a, b), {"rps": "better", "p50": "worse", "p99": "within noise"})

    def test_single_sample_rows_are_marked(self):
        a = {"rps": metric(100)}
        b = {"rps": metric(120, 110, 130)}
        self.assertEqual(self.verdicts(a, b), {"rps": "better (1 sample)"})

    def test_cells_show_median_and_spread(self):
        (_, a_cell, b_cell, ratio, _), = compare.rows({"rps": metric(100)}, {"rps": metric(120, 110, 130)})
        self.assertEqual((a_cell, b_cell, ratio), ("100 req/s", "120 [110–130] req/s", "1.200"))


class NormaliseTest(unittest.TestCase):
    def test_schema_1_catalog_spreads_fold_into_the_rps_entry(self):
        old = {"catalog-100k.search.c16.rps": metric(190), "catalog-100k.search.c16.rps_min": metric(180),
               "catalog-100k.search.c16.rps_max": metric(200)}
        m = compare.normalise(old)
        self.assertEqual(list(m), ["catalog-100k.search.c16.rps"])
        self.assertEqual((m["catalog-100k.search.c16.rps"]["min"], m["catalog-100k.search.c16.rps"]["max"]), (180, 200))
        self.assertNotIn("min", old["catalog-100k.search.c16.rps"])  # the input is left alone


class MainTest(unittest.TestCase):
    def test_an_old_result_and_a_new_one_compare(self):
        with tempfile.TemporaryDirectory() as d:
            a, b = Path(d) / "a.json", Path(d) / "b.json"
            a.write_text(json.dumps({"schema": 1, "meta": {"commit": "aaaaaaa"},
                                     "metrics": {"trivial.redshop.c16.rps": metric(8500), "rss.redshop.peak_kib":
                                                 metric(66000, better="lower", unit="KiB")}}))
            b.write_text(json.dumps({"schema": 2, "meta": {"commit": "bbbbbbb", "rounds": 3},
                                     "metrics": {"trivial.redshop.c16.rps": metric(9000, 8000, 9500)}}))
            out = io.StringIO()
            with redirect_stdout(out):
                self.assertEqual(compare.main([str(a), str(b)]), 0)
        text = out.getvalue()
        self.assertIn("warning: schema 1 vs 2", text)
        self.assertIn("1 sample per figure", text)
        self.assertRegex(text, r"trivial\.redshop\.c16\.rps\s+8,500 req/s\s+9,000 \[8,000–9,500\] req/s\s+1\.059\s+within noise")
        self.assertIn("0 better, 0 worse, 1 within noise", text)
        self.assertIn("only in A: rss.redshop", text)


if __name__ == "__main__":
    unittest.main()
