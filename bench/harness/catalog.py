"""The `catalog-100k` scenario: the product service on 100 000 products, through redshop.

A shop is browsed, not pinged: this loads the real product component against a catalog
the size of a real shop's, so that a statement which scans the catalog shows up as a
throughput collapse here long before a shopper sees it. The requests are the ones the
issue measured (the home listing, a search, a category sorted by price, a search with
facets) plus a deep page (page 50, reached by following `next_cursor` like a shopper
clicking "next"), each at c=1 (the cost of one request) and c=16 (a busy service on two
cores), once per round of `make bench`, so that each figure has a median and a spread.

The catalog is generated with `dbctl seed --count 100000` (about 20 s) into a database of
its own, dropped afterwards; `--catalog-db-url` points the scenario at an existing,
already seeded database instead (kept), to compare two builds on the same data.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import urllib.request
from dataclasses import dataclass
from pathlib import Path

from . import fixtures
from .peers import Peer, PeerError

# The size the issue set the targets for.
CATALOG_SIZE = 100_000
# (name, path): the four requests. The deep page is found at run time.
REQUESTS = [
    ("listing", "/products?limit=24"),
    ("search", "/products?q=lamp"),
    ("category", "/products?category=home&sort=price_asc"),
    ("facets", "/products?q=lamp&facets=true"),
]
DEEP = ("deep", "/products?limit=24")
# Page 50 of the home listing: 1 176 products in, where an OFFSET would have read them all.
DEEP_PAGE = 50
CONCURRENCY = (1, 16)


@dataclass(frozen=True)
class Catalog:
    """Where the catalog is, and whether this run created it (and so drops it)."""

    url: str
    name: str
    created: bool


def prepare(dbctl: Path, name: str, existing_url: str | None) -> Catalog:
    """An existing seeded database, or a new one migrated and seeded with dbctl."""
    if existing_url:
        return Catalog(existing_url, "", created=False)
    pg = fixtures.Postgres(None, name)
    created = subprocess.run(
        ["psql", "-h", fixtures.PG_HOST, "-p", str(fixtures.PG_PORT), "-U", fixtures.PG_USER,
         "-d", "postgres", "-qAtc", f'CREATE DATABASE "{name}"'],
        capture_output=True, text=True, timeout=60,
    )
    if created.returncode != 0:
        raise RuntimeError(f"cannot create {name}: {created.stderr.strip()}")
    url = f"postgres://{fixtures.PG_USER}@{fixtures.PG_HOST}:{fixtures.PG_PORT}/{name}?sslmode=disable"
    catalog = Catalog(url, name, created=True)
    try:
        for args in (["migrate"], ["seed", "--count", str(CATALOG_SIZE)]):
            done = subprocess.run([str(dbctl), *args, "--database-url", url, "--service", "product"],
                                  capture_output=True, text=True, timeout=600)
            if done.returncode != 0:
                raise RuntimeError(f"dbctl {args[0]} failed: {done.stderr.strip()[-300:]}")
    except BaseException:
        fixtures.drop_postgres(pg)
        raise
    return catalog


def drop(catalog: Catalog) -> None:
    if catalog.created:
        fixtures.drop_postgres(fixtures.Postgres(None, catalog.name))


def manifest(wasm: Path) -> str:
    """The product component on a public route, its database from `catalog_db_url`."""
    return f"""spin_manifest_version = 2
[application]
name = "catalog-100k"
[variables]
catalog_db_url = {{ required = true }}
[[trigger.http]]
route = "/..."
component = "product"
[component.product]
source = "{wasm}"
allowed_outbound_hosts = ["postgres://{fixtures.PG_HOST}:{fixtures.PG_PORT}"]
[component.product.variables]
db_url = "{{{{ catalog_db_url }}}}"
"""


def get_json(url: str) -> dict:
    with urllib.request.urlopen(url, timeout=60) as response:
        if response.status != 200:
            raise RuntimeError(f"GET {url} answered {response.status}")
        return json.loads(response.read())


def deep_path(peer: Peer) -> str:
    """The path of page DEEP_PAGE of the home listing, by following `next_cursor`."""
    path = DEEP[1]
    for _ in range(DEEP_PAGE - 1):
        cursor = get_json(peer.url(path)).get("next_cursor")
        if not cursor:
            raise RuntimeError(f"the listing has fewer than {DEEP_PAGE} pages")
        path = f"{DEEP[1]}&cursor={cursor}"
    return path


class Catalog100k:
    """The scenario as a round of `make bench`: the catalog is prepared once; each round
    starts the host fresh and measures every request at each concurrency once."""

    name = "catalog-100k"

    def __init__(self, repo: Path, target_dir: Path, host: Path, build: bool, existing_url: str | None):
        self.repo, self.target_dir, self.host = repo, target_dir, host
        self.build_first, self.existing_url = build, existing_url
        self.db: Catalog | None = None
        self.deep: str | None = None

    def estimate_s(self, plan) -> float:
        return (len(REQUESTS) + 1) * plan.point_s(list(CONCURRENCY))

    def prepare(self, ctx) -> None:
        try:
            if self.build_first:
                build(self.repo, self.target_dir)
            print("bench: catalog-100k: preparing the catalog", file=sys.stderr, flush=True)
            self.db = prepare(self.target_dir / "release" / "dbctl", f"{fixtures.run_name()}_catalog",
                              self.existing_url)
        except (RuntimeError, OSError, subprocess.TimeoutExpired) as e:
            ctx.fail(self.name, e)

    def round(self, ctx, r: int) -> None:
        if self.db is None or self.name in ctx.unavailable:
            return
        work = ctx.work / "catalog"
        work.mkdir(parents=True, exist_ok=True)
        (work / "spin.toml").write_text(manifest(product_wasm(self.target_dir)), encoding="utf-8")
        cmd = [str(self.host), "up", "--from", str(work / "spin.toml"), "--listen", "127.0.0.1:0",
               "--cache-dir", str(work / "cache")]
        env = dict(ctx.env, SPIN_VARIABLE_CATALOG_DB_URL=self.db.url)
        try:
            with Peer("catalog-100k", cmd, work / "redshop.log", env=env) as peer:
                peer.start_until_serving()
                if self.deep is None:
                    ctx.samples.add("catalog-100k.products_total", r, get_json(peer.url(REQUESTS[0][1]))["total"],
                                    "count")
                    self.deep = deep_path(peer)
                for name, path in [*REQUESTS, (DEEP[0], self.deep)]:
                    get_json(peer.url(path))  # answers 200 before it is loaded
                    for c in CONCURRENCY:
                        ctx.measure(f"catalog-100k.{name}.c{c}", peer.url(path), c, r)
        except (PeerError, RuntimeError, OSError) as e:
            ctx.fail(self.name, e)

    def close(self, ctx) -> None:
        if self.db is not None:
            drop(self.db)


def product_wasm(target_dir: Path) -> Path:
    return target_dir / "wasm32-wasip2" / "wasm" / "product.wasm"


def build(repo: Path, target_dir: Path) -> None:
    """The product component and dbctl (cheap when up to date)."""
    env = dict(os.environ, CARGO_TARGET_DIR=str(target_dir))
    for cmd in (["cargo", "build", "--target", "wasm32-wasip2", "--profile", "wasm", "-p", "product"],
                ["cargo", "build", "--release", "-p", "redshop-dbctl"]):
        if subprocess.run(cmd, cwd=repo, env=env).returncode != 0:
            raise RuntimeError(f"{' '.join(cmd)} failed")
