"""The load scenarios (trivial, chain, variable, pg, redis): one round of one scenario.

The scenario's peers are started (fresh each round unless kept up), then each
concurrency level is measured on every peer in turn, in the round's rotated order:
at c=1 redshop, wasmtime, native; at c=16 the same; … and in the next round wasmtime
goes first. After its points each peer's peak RSS is read, so `rss.trivial.redshop` is
the host under the trivial load alone.
"""

from __future__ import annotations

import urllib.error
import urllib.request

from .plan import Context
from .report import SCENARIOS
from .servers import Servers
from .stats import rotate


class LoadScenario:
    def __init__(self, name: str, servers: Servers):
        self.name = name
        self.servers = servers
        self.checked: set[str] = set()

    def series(self, ctx: Context) -> list[tuple[str, str]]:
        """(peer, path) pairs still to run: not unavailable."""
        return [(peer, path) for peer, path in SCENARIOS[self.name][1]
                if f"{self.name}.{peer}" not in ctx.unavailable]

    def estimate_s(self, plan) -> float:
        return len(SCENARIOS[self.name][1]) * plan.point_s()

    def prepare(self, ctx: Context) -> None:
        pass

    def round(self, ctx: Context, r: int) -> None:
        urls: dict[str, str] = {}
        for peer_name, path in self.series(ctx):
            peer = self.servers.get(peer_name)
            if peer is None:
                continue
            key = f"{self.name}.{peer_name}"
            if key not in self.checked:
                problem = preflight(peer.url(path))
                if problem:
                    ctx.unavailable[key] = problem
                    continue
                self.checked.add(key)
            urls[peer_name] = peer.url(path)
        try:
            for c in ctx.plan.concurrency:
                for peer_name in rotate(list(urls), r):
                    ctx.measure(f"{self.name}.{peer_name}.c{c}", urls[peer_name], c, r)
            for peer_name in urls:
                rss = self.servers.running[peer_name].peak_rss_kib()
                if rss is not None:
                    ctx.samples.add(f"rss.{self.name}.{peer_name}.peak_kib", r, rss)
        finally:
            self.servers.stop_round()

    def close(self, ctx: Context) -> None:
        self.servers.stop_all()


def preflight(url: str) -> str | None:
    """One GET before loading: a peer that answers an error is reported, not measured."""
    try:
        with urllib.request.urlopen(url, timeout=10) as response:
            return None if response.status == 200 else f"GET answered {response.status}"
    except urllib.error.HTTPError as e:
        body = e.read().decode(errors="replace").strip().replace("\n", " ")[:200]
        return f"GET answered {e.code}: {body}"
    except OSError as e:
        return f"GET failed: {e}"
