"""The `startup` scenario: spawn → `Serving http://…` of redshop on the bench app.

Each round starts the host once on an empty `--cache-dir` (cold: every component is
compiled) and then `warm_starts` times on the cache that start filled (warm: loaded from
the cache). The round's warm figure is the median of its warm starts, so one slow start
(the machine busy for a moment) does not decide it; the spread across rounds shows the rest.
The host's own `startup_ms` log field is recorded beside the outside measurement.
"""

from __future__ import annotations

import re
import shutil
import statistics
import sys
import time

from .peers import Peer, PeerError
from .plan import Context
from .servers import Servers, redshop_cmd


class Startup:
    name = "startup"

    def __init__(self, servers: Servers):
        # Only for the component selection the host accepted in the load scenarios.
        self.servers = servers

    def estimate_s(self, plan) -> float:
        return 5 + plan.warm_starts  # a cold start compiles six components: a few seconds on 2 cores

    def prepare(self, ctx: Context) -> None:
        shutil.rmtree(ctx.work / "cache" / "startup", ignore_errors=True)
        # One start of the load peer finds which components the host accepts.
        if self.servers.get("redshop") is None:
            ctx.unavailable["startup"] = "redshop failed to start (see above)"
        self.servers.stop_all()

    def round(self, ctx: Context, r: int) -> None:
        if "startup" in ctx.unavailable:
            return
        # Peers kept up (--keep-peers) hold the bench app's key-value store, which every
        # host on the same manifest opens: they are restarted after the start-ups.
        self.servers.stop_all()
        cache = ctx.work / "cache" / "startup" / f"round-{r + 1}"
        print(f"bench: [round {r + 1}/{ctx.plan.rounds}] startup (1 cold, {ctx.plan.warm_starts} warm)",
              flush=True, file=sys.stderr)
        try:
            cold = self.one_start(ctx, cache)
            warm = [self.one_start(ctx, cache) for _ in range(ctx.plan.warm_starts)]
        except PeerError as e:
            ctx.fail("startup", e)
            return
        finally:
            shutil.rmtree(cache, ignore_errors=True)
        ctx.samples.add("startup.cold_ms", r, cold[0] * 1000, "p50_ms")
        ctx.samples.add("startup.warm_ms", r, statistics.median(s for s, _ in warm) * 1000, "p50_ms")
        if cold[1] is not None:
            ctx.samples.add("startup.cold_host_ms", r, cold[1], "p50_ms")
        host = [h for _, h in warm if h is not None]
        if host:
            ctx.samples.add("startup.warm_host_ms", r, statistics.median(host), "p50_ms")

    def one_start(self, ctx: Context, cache) -> tuple[float, int | None]:
        """One start-up: seconds to `Serving`, and the host's `startup_ms` from its log."""
        cmd = redshop_cmd(cache, self.servers.components)
        with Peer("redshop-startup", cmd, ctx.work / "logs" / "redshop-startup.log", env=ctx.env) as peer:
            peer.start_until_serving()
            deadline = time.monotonic() + 1.0
            # The `ready` log line is written just before `Serving`; let it land.
            while (match := re.search(r"startup_ms=(\d+)", peer.log_text())) is None and time.monotonic() < deadline:
                time.sleep(0.02)
            return peer.ready_s or 0.0, int(match.group(1)) if match else None

    def close(self, ctx: Context) -> None:
        shutil.rmtree(ctx.work / "cache" / "startup", ignore_errors=True)
