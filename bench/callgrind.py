#!/usr/bin/env python3
"""Instructions per request of the redshop host, counted by valgrind's callgrind.

Wall-clock throughput on a shared 2-core machine moves with whatever else runs; the
number of instructions the host executes to serve one request does not. This script
starts the release `redshop` on the bench app under callgrind with instrumentation off,
warms each route up, then switches instrumentation on, sends a fixed number of requests
over one keep-alive connection, dumps the counters and divides by the number of
requests. Start-up and warm-up are never counted, so no second run needs subtracting.

User-space instructions only: the kernel's work (accept, read, writev, epoll, madvise)
is invisible to valgrind; `docs/performance.md` gives its share from a perf sample of
the host under load.

    python3 bench/callgrind.py                      # /, /chain and /pg, 2000 each
    python3 bench/callgrind.py --requests 500 --path /
    python3 bench/callgrind.py --keep-profiles /tmp/cg   # keep the dumps for callgrind_annotate

Needs valgrind, psql (for /pg: a throw-away database `redshop_cg_<pid>` on
127.0.0.1:5432, dropped at the end), a built host and staged bench components (one
`bench/run.py` run, or `cargo build --target wasm32-wasip2 --profile wasm -p bench-…`
and a copy into bench/work/wasm/). Standard library only.
"""

from __future__ import annotations

import argparse
import http.client
import os
import re
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
APP = REPO / "bench" / "app" / "spin.toml"
# The Makefile's default build directory.
DEFAULT_TARGET_DIR = Path.home() / ".cache" / "redshop-target"
PG_HOST, PG_PORT, PG_USER = "127.0.0.1", 5432, "postgres"
BODY = "Hello, world!"
# Under callgrind the host runs 50-100x slower; compiling the bench components on a cold
# cache takes minutes.
READY_TIMEOUT_S = 900.0
# Requests per route before counting: fills the instance pool's slots, the Postgres
# connection pool and the host's lazily built structures, as a bench warm-up does.
WARMUP_REQUESTS = 50
# valgrind cannot reserve the pool's default 1000 slots of 4 GiB address space each (it
# manages at most a few dozen GiB here), so memories are few. Freed slots are reset in
# batches; a batch must be smaller than the pool, or an allocation finds every slot
# waiting for reset, fails (building an error with a backtrace), flushes and retries, a
# cost the default pool never pays.
POOL_CONFIG = """[pooling]
total_component_instances = 400
total_memories = 12
total_tables = 400
decommit_batch_size = 8
"""
SERVING_RE = re.compile(r"Serving http://(\S+)")
TOTALS_RE = re.compile(r"^(?:summary|totals):\s+(\d+)", re.MULTILINE)
# `callgrind_annotate` lines: "  1,234 ( 0.12%)  file:function [object]".
ANNOTATE_RE = re.compile(r"^\s*([\d,]+) \(\s*[\d.]+%\)\s+(\S.*?)(?: \[(.*)\])?$")
# Where each function's own instructions go, first match wins. Self costs, so a row holds
# the work done in those functions and whatever the compiler inlined into them; the
# allocator and libc's memset/memcpy are shared by every phase and get rows of their own.
CATEGORIES = [
    ("compiled wasm (guest code, adapters, trampolines)", re.compile(r"^\?\?\?:0x")),
    ("error backtraces (unwinder)", re.compile(r"[Bb]acktrace|_Unwind|libgcc_s|_dl_find_object")),
    ("malloc/free", re.compile(r"malloc\.c|arena\.c|__rust_alloc|__rust_dealloc|__rdl_|__rust_realloc|raw_vec")),
    ("memset/memcpy (memory reset, copies)", re.compile(r"memset|memmove|memcpy")),
    ("instantiation and store teardown",
     re.compile(r"wasmtime::runtime::(vm|instance|module|store|component::(instance|component|store))|wasmtime_environ|cranelift_bforest|wasmtime_internal_fiber|wasmtime::runtime::fiber")),
    ("component-model calls (lift/lower, resources)", re.compile(r"wasmtime::runtime::")),
    ("WASI and wasi-http host functions", re.compile(r"wasmtime_wasi")),
    ("Postgres client and pool", re.compile(r"tokio_postgres|postgres_|deadpool")),
    ("hyper (parse, dispatch, encode) and http", re.compile(r"hyper|httparse|\bhttp::|http_body")),
    ("tokio (tasks, I/O driver, timers)", re.compile(r"tokio|mio::")),
    ("redshop host", re.compile(r"redshop")),
]


def breakdown(dump: Path, requests: int) -> list[tuple[str, float]]:
    """Self instructions per request of `dump`, grouped by CATEGORIES."""
    text = subprocess.run(["callgrind_annotate", "--threshold=100", str(dump)], check=True,
                          capture_output=True, text=True).stdout
    body = text.split("file:function", 1)[-1]
    totals: dict[str, int] = {}
    for line in body.splitlines():
        m = ANNOTATE_RE.match(line)
        if not m:
            continue
        cost, function, obj = int(m.group(1).replace(",", "")), m.group(2), m.group(3) or ""
        name = next((label for label, pattern in CATEGORIES
                     if pattern.search(function) or pattern.search(obj)), "other")
        totals[name] = totals.get(name, 0) + cost
    order = [label for label, _ in CATEGORIES] + ["other"]
    return [(label, totals[label] / requests) for label in order if label in totals]


def psql(sql: str, database: str = "postgres") -> None:
    subprocess.run(
        ["psql", "-h", PG_HOST, "-p", str(PG_PORT), "-U", PG_USER, "-d", database,
         "-v", "ON_ERROR_STOP=1", "-qAtc", sql],
        check=True, capture_output=True, text=True, timeout=60,
    )


def create_db(name: str) -> str:
    psql(f'CREATE DATABASE "{name}"')
    psql("CREATE TABLE bench_item (id integer PRIMARY KEY, body text NOT NULL);"
         f"INSERT INTO bench_item VALUES (1, '{BODY}');", database=name)
    return f"postgres://{PG_USER}@{PG_HOST}:{PG_PORT}/{name}"


def drop_db(name: str) -> None:
    psql(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def get_many(addr: str, path: str, n: int) -> None:
    """`n` sequential GETs on one keep-alive connection; every answer must be 200."""
    host, port = addr.rsplit(":", 1)
    conn = http.client.HTTPConnection(host, int(port), timeout=600)
    try:
        for _ in range(n):
            conn.request("GET", path)
            response = conn.getresponse()
            body = response.read()
            if response.status != 200:
                raise RuntimeError(f"GET {path}: {response.status} {body[:200]!r}")
    finally:
        conn.close()


def callgrind_control(pid: int, *args: str) -> None:
    subprocess.run(["callgrind_control", *args, str(pid)], check=True,
                   capture_output=True, text=True, timeout=600)


def newest_dump(out_dir: Path, before: set[Path]) -> Path:
    deadline = time.monotonic() + 600
    while time.monotonic() < deadline:
        new = sorted(set(out_dir.glob("callgrind.out.*")) - before, key=os.path.getmtime)
        if new:
            # callgrind writes the file, then the next command may run; wait until the
            # totals line is there.
            text = new[-1].read_text(errors="replace")
            if TOTALS_RE.search(text):
                return new[-1]
        time.sleep(0.2)
    raise RuntimeError("callgrind produced no dump")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--host-binary", type=Path,
                        default=Path(os.environ.get("CARGO_TARGET_DIR") or DEFAULT_TARGET_DIR) / "release" / "redshop")
    parser.add_argument("--requests", type=int, default=2000)
    parser.add_argument("--path", action="append", help="route to measure (repeatable); default /, /chain, /pg")
    parser.add_argument("--cache-dir", type=Path, default=REPO / "bench" / "work" / "cache" / "callgrind")
    parser.add_argument("--breakdown", action="store_true", help="also print where the instructions go")
    parser.add_argument("--keep-profiles", type=Path, help="directory for the callgrind dumps")
    args = parser.parse_args()
    paths = args.path or ["/", "/chain", "/pg"]
    for tool in ("valgrind", "callgrind_control"):
        if shutil.which(tool) is None:
            print(f"callgrind: {tool} not found (apt-get install valgrind)", file=sys.stderr)
            return 2

    out_dir = args.keep_profiles or Path(tempfile.mkdtemp(prefix="redshop-cg-"))
    out_dir.mkdir(parents=True, exist_ok=True)
    db = f"redshop_cg_{os.getpid()}"
    env = dict(os.environ, RUST_LOG="info,redshop::request=off,wasmtime=warn,cranelift=warn")
    if "/pg" in paths:
        env["SPIN_VARIABLE_PG_URL"] = create_db(db)
    host_config = out_dir / "redshop.toml"
    host_config.write_text(POOL_CONFIG)
    cmd = ["valgrind", "--tool=callgrind", "--instr-atstart=no",
           f"--callgrind-out-file={out_dir}/callgrind.out.%p.run",
           str(args.host_binary), "up", "--from", str(APP), "--listen", "127.0.0.1:0",
           "--cache-dir", str(args.cache_dir), "--host-config", str(host_config)]
    for component in ("trivial", "trivial-private", "chain", "pg"):
        cmd += ["--component-id", component]
    log = (out_dir / "host.log").open("w")
    proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=log, text=True, env=env)
    try:
        addr = None
        started = time.monotonic()
        assert proc.stdout is not None
        lines: list[str] = []
        reader = threading.Thread(target=lambda: lines.extend(proc.stdout), daemon=True)
        reader.start()
        while addr is None:
            if time.monotonic() - started > READY_TIMEOUT_S or proc.poll() is not None:
                raise RuntimeError(f"host did not start; see {out_dir}/host.log")
            for line in list(lines):
                if m := SERVING_RE.search(line):
                    addr = m.group(1).rstrip("/")
            time.sleep(0.2)
        print(f"callgrind: host up at {addr} after {time.monotonic() - started:.0f} s", file=sys.stderr)
        results = {}
        for path in paths:
            get_many(addr, path, WARMUP_REQUESTS)
            callgrind_control(proc.pid, "--zero")
            callgrind_control(proc.pid, "--instr=on")
            get_many(addr, path, args.requests)
            before = set(out_dir.glob("callgrind.out.*"))
            callgrind_control(proc.pid, "--dump=" + path)
            callgrind_control(proc.pid, "--instr=off")
            dump = newest_dump(out_dir, before)
            total = int(TOTALS_RE.search(dump.read_text(errors="replace")).group(1))
            results[path] = (total, dump)
            print(f"callgrind: {path}: {total / args.requests:,.0f} instructions/request "
                  f"({total:,} over {args.requests}; {dump})", file=sys.stderr)
        print("| route | instructions/request |")
        print("| --- | ---: |")
        for path, (total, _) in results.items():
            print(f"| `{path}` | {total / args.requests:,.0f} |")
        if args.breakdown:
            for path, (total, dump) in results.items():
                print(f"\n`{path}`, self instructions per request by where they run:\n")
                print("| part | instructions | share |")
                print("| --- | ---: | ---: |")
                for label, cost in breakdown(dump, args.requests):
                    print(f"| {label} | {cost:,.0f} | {cost * args.requests / total:.0%} |")
        return 0
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=120)
        except subprocess.TimeoutExpired:
            proc.kill()
        log.close()
        if "/pg" in paths:
            drop_db(db)
        if args.keep_profiles is None:
            shutil.rmtree(out_dir, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
