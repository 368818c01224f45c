"""Drive oha against one URL and reduce its JSON to the numbers the report needs.

Each measurement point is a warm-up run whose numbers are thrown away (it fills the
host's instance pool, the kernel's socket buffers and the CPU caches) followed by the
measured run at the same concurrency, both for a fixed duration. The output flag
differs between oha versions (`--output-format json` in newer ones, `-j` in older), so
it is read from `oha --help` once.
"""

from __future__ import annotations

import json
import subprocess
from dataclasses import asdict, dataclass
from pathlib import Path

# Extra seconds a measured oha run may take past its duration (connection set-up,
# waiting for in-flight requests at the deadline) before it counts as hung.
OHA_GRACE_S = 30


class LoadError(RuntimeError):
    """oha failed or produced no usable measurement."""


@dataclass
class Point:
    """One measurement: successful requests per second and latency in milliseconds."""

    rps: float
    p50_ms: float
    p99_ms: float
    max_ms: float
    ok: int
    errors: int

    def as_dict(self) -> dict:
        return asdict(self)


@dataclass(frozen=True)
class Oha:
    """The oha binary and the flags its version understands."""

    binary: Path
    json_flags: tuple[str, ...]
    wait_flag: str | None

    @staticmethod
    def detect(binary: Path) -> "Oha":
        help_text = subprocess.run([str(binary), "--help"], capture_output=True, text=True, timeout=30).stdout
        if "--output-format" in help_text:
            json_flags: tuple[str, ...] = ("--output-format", "json")
        elif "--json" in help_text or " -j" in help_text:
            json_flags = ("-j",)
        else:
            raise LoadError(f"{binary} --help shows neither --output-format nor -j: cannot read its results")
        # Without it, requests still in flight at the deadline are cut off and counted
        # as errors, which would make every high-concurrency point look lossy.
        wait = "--wait-ongoing-requests-after-deadline"
        return Oha(binary, json_flags, wait if wait in help_text else None)

    def command(self, url: str, concurrency: int, seconds: float, headers: tuple[str, ...] = ()) -> list[str]:
        cmd = [str(self.binary), "--no-tui", *self.json_flags, "-z", f"{seconds:g}s", "-c", str(concurrency)]
        if self.wait_flag:
            cmd.append(self.wait_flag)
        for h in headers:
            cmd += ["-H", h]
        return [*cmd, url]

    def run(self, url: str, concurrency: int, seconds: float, headers: tuple[str, ...] = ()) -> dict:
        cmd = self.command(url, concurrency, seconds, headers)
        try:
            done = subprocess.run(cmd, capture_output=True, text=True, timeout=seconds + OHA_GRACE_S)
        except subprocess.TimeoutExpired as e:
            raise LoadError(f"oha did not finish within {seconds + OHA_GRACE_S:.0f} s: {' '.join(cmd)}") from e
        if done.returncode != 0:
            raise LoadError(f"oha failed ({done.returncode}): {done.stderr.strip()[-500:]}")
        try:
            return json.loads(done.stdout)
        except json.JSONDecodeError as e:
            raise LoadError(f"oha printed no JSON: {done.stdout[:300]!r}") from e

    def measure(self, url: str, concurrency: int, warmup_s: float, duration_s: float,
                headers: tuple[str, ...] = ()) -> Point:
        """Warm up (results discarded), then measure; `headers` as `name: value`."""
        if warmup_s > 0:
            self.run(url, concurrency, warmup_s, headers)
        return parse(self.run(url, concurrency, duration_s, headers))


def parse(report: dict) -> Point:
    """oha's JSON -> Point. Only 2xx responses count as served; latencies are seconds."""
    summary = report.get("summary") or {}
    codes = report.get("statusCodeDistribution") or {}
    ok = sum(int(n) for code, n in codes.items() if str(code).startswith("2"))
    non_2xx = sum(int(n) for code, n in codes.items() if not str(code).startswith("2"))
    transport_errors = sum(int(n) for n in (report.get("errorDistribution") or {}).values())
    elapsed = float(summary.get("total") or 0.0)
    if ok == 0 or elapsed <= 0:
        detail = report.get("errorDistribution") or codes or "no responses"
        raise LoadError(f"no successful responses: {detail}")
    percentiles = report.get("latencyPercentiles") or {}
    return Point(
        rps=ok / elapsed,
        p50_ms=_ms(percentiles.get("p50")),
        p99_ms=_ms(percentiles.get("p99")),
        max_ms=_ms(summary.get("slowest")),
        ok=ok,
        errors=non_2xx + transport_errors,
    )


def _ms(seconds: float | None) -> float:
    return float(seconds) * 1000.0 if seconds is not None else float("nan")
