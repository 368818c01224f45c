"""The `gateway-latency` scenario: what the gateway adds to a request.

The same product component, on the same demo catalog, is measured twice with oha:

- **direct**: the product component mounted on a public route (`/products?limit=24`);
- **gateway**: the production shape — the gateway on `/api/...` chaining to the private
  product component (`/api/v1/products?limit=24`), in two ways:
  - `anon`: an anonymous catalog read, answered from the gateway's Redis cache (what most
    shoppers' requests are);
  - `auth`: the same read with an access token, which the cache never serves, so every
    request is verified (EdDSA signature, one `GET` of the JWKS and one of the session),
    counted against its rate limit and forwarded by chaining. This needs Python's
    `cryptography` package to sign the token; without it the point is reported unavailable.

The added latency is the gateway's p50/p99 minus the direct p50/p99 at the same
concurrency in the same round. Rate limits are raised so the load generator is never refused.
"""

from __future__ import annotations

import base64
import json
import os
import subprocess
import sys
import time
import uuid
from pathlib import Path

from . import fixtures
from .peers import Peer, PeerError
from .stats import rotate

PATH = "/products?limit=24"
CONCURRENCY = (1, 16)
# Far above what oha can send in a run, so every request is counted and none refused.
UNLIMITED = "100000000/60"


def manifest(product: Path, gateway: Path | None) -> str:
    """The product component alone on `/...`, or behind the gateway as in spin.toml."""
    pg = f"postgres://{fixtures.PG_HOST}:{fixtures.PG_PORT}"
    redis = f"redis://{fixtures.REDIS_HOST}:{fixtures.REDIS_PORT}"
    head = """spin_manifest_version = 2
[application]
name = "gateway-latency"
[variables]
product_db_url = { required = true }
redis_prefix = { required = true }
"""
    if gateway is None:
        return head + f"""[[trigger.http]]
route = "/..."
component = "product"
[component.product]
source = "{product}"
allowed_outbound_hosts = ["{pg}"]
[component.product.variables]
db_url = "{{{{ product_db_url }}}}"
"""
    return head + f"""[[trigger.http]]
route = "/api/..."
component = "gateway"
[component.gateway]
source = "{gateway}"
allowed_outbound_hosts = ["http://product.spin.internal", "{redis}"]
[component.gateway.variables]
redis_url = "{redis}"
redis_prefix = "{{{{ redis_prefix }}}}"
rate_limit_anonymous = "{UNLIMITED}"
rate_limit_user = "{UNLIMITED}"
[[trigger.http]]
route = {{ private = true }}
component = "product"
[component.product]
source = "{product}"
allowed_outbound_hosts = ["{pg}"]
[component.product.variables]
db_url = "{{{{ product_db_url }}}}"
"""


def b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def admin_token(prefix: str) -> str | None:
    """A signed access token, its session and the JWKS written to Redis as the user
    service would; None without the `cryptography` package."""
    try:
        from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
        from cryptography.hazmat.primitives.serialization import Encoding, PublicFormat
    except ImportError:
        return None
    key = Ed25519PrivateKey.generate()
    public = key.public_key().public_bytes(Encoding.Raw, PublicFormat.Raw)
    kid = "bench"
    jwks = {"keys": [{"kty": "OKP", "crv": "Ed25519", "alg": "EdDSA", "use": "sig", "kid": kid, "x": b64(public)}]}
    user, sid, now = str(uuid.uuid4()), str(uuid.uuid4()), int(time.time())
    claims = {"iss": "redshop-user", "aud": "redshop-api", "sub": user, "role": "customer",
              "sid": sid, "sv": 1, "iat": now, "exp": now + 3600}
    signing_input = f"{b64(json.dumps({'alg': 'EdDSA', 'kid': kid, 'typ': 'JWT'}).encode())}.{b64(json.dumps(claims).encode())}"
    token = f"{signing_input}.{b64(key.sign(signing_input.encode()))}"
    session = {"user_id": user, "role": "customer", "version": 1, "user_agent": "bench",
               "created_ms": now * 1000, "last_used_ms": now * 1000}
    fixtures._redis_command("SET", f"{prefix}jwks", json.dumps(jwks), "EX", "3600")
    fixtures._redis_command("SET", f"{prefix}session:{sid}", json.dumps(session), "EX", "3600")
    return token


class GatewayLatency:
    """The scenario as a round of `make bench`: the database, token and manifests are
    prepared once; each round starts both hosts fresh (the product component alone, and
    the gateway in front of it) and measures, at each concurrency, the paths in turn."""

    name = "gateway-latency"

    def __init__(self, repo: Path, target_dir: Path, host: Path, build: bool):
        self.repo, self.target_dir, self.host, self.build_first = repo, target_dir, host, build
        self.db_name = f"{fixtures.run_name()}_gateway"
        self.prefix = f"{fixtures.run_name()}_gw:"
        self.db_url: str | None = None
        self.paths: list[tuple[str, str, str, tuple[str, ...]]] = []

    def estimate_s(self, plan) -> float:
        return 3 * plan.point_s(list(CONCURRENCY))

    def prepare(self, ctx) -> None:
        try:
            if self.build_first:
                build(self.repo, self.target_dir)
            self.db_url = prepare(self.target_dir / "release" / "dbctl", self.db_name)
        except (RuntimeError, OSError, subprocess.TimeoutExpired) as e:
            ctx.fail(self.name, e)
            return
        # (name, host, path, headers): the host is "direct" (product alone) or "gateway".
        self.paths = [("direct", "direct", PATH, ()), ("gateway.anon", "gateway", f"/api/v1{PATH}", ())]
        token = admin_token(self.prefix)
        if token:
            self.paths.append(("gateway.auth", "gateway", f"/api/v1{PATH}", (f"authorization: Bearer {token}",)))
        else:
            print("bench: gateway-latency: no `cryptography` package; the auth point is skipped", file=sys.stderr)

    def round(self, ctx, r: int) -> None:
        if self.db_url is None or self.name in ctx.unavailable:
            return
        work = ctx.work / "gateway"
        work.mkdir(parents=True, exist_ok=True)
        wasm = self.target_dir / "wasm32-wasip2" / "wasm"
        env = dict(ctx.env, SPIN_VARIABLE_PRODUCT_DB_URL=self.db_url, SPIN_VARIABLE_REDIS_PREFIX=self.prefix)
        peers: dict[str, Peer] = {}
        try:
            for host, gw in (("direct", None), ("gateway", wasm / "gateway.wasm")):
                # A directory per host: each opens the default key-value store beside its manifest.
                (work / host).mkdir(parents=True, exist_ok=True)
                (work / host / "spin.toml").write_text(manifest(wasm / "product.wasm", gw), encoding="utf-8")
                cmd = [str(self.host), "up", "--from", str(work / host / "spin.toml"), "--listen", "127.0.0.1:0",
                       "--cache-dir", str(work / "cache")]
                peers[host] = Peer(f"gateway-latency-{host}", cmd, work / f"{host}.log", env=env)
                peers[host].start_until_serving()
            for c in CONCURRENCY:
                for name, host, path, headers in rotate(self.paths, r):
                    ctx.measure(f"gateway-latency.{name}.c{c}", peers[host].url(path), c, r, headers)
        except (PeerError, RuntimeError, OSError) as e:
            ctx.fail(self.name, e)
        finally:
            for peer in peers.values():
                peer.stop()
        for c in CONCURRENCY:
            for via in ("gateway.anon", "gateway.auth"):
                for q in ("p50", "p99"):
                    ctx.samples.derive(f"gateway-latency.{via}.c{c}.added_{q}_ms", lambda x, y: x - y,
                                       [f"gateway-latency.{via}.c{c}.{q}_ms", f"gateway-latency.direct.c{c}.{q}_ms"],
                                       f"{q}_ms")

    def close(self, ctx) -> None:
        if self.db_url is not None:
            fixtures.drop_postgres(fixtures.Postgres(None, self.db_name))
        fixtures.delete_redis_prefix(self.prefix)


def build(repo: Path, target_dir: Path) -> None:
    """The product and gateway components and dbctl (cheap when up to date)."""
    env = dict(os.environ, CARGO_TARGET_DIR=str(target_dir))
    for cmd in (["cargo", "build", "--target", "wasm32-wasip2", "--profile", "wasm", "-p", "product", "-p", "gateway"],
                ["cargo", "build", "--release", "-p", "redshop-dbctl"]):
        if subprocess.run(cmd, cwd=repo, env=env).returncode != 0:
            raise RuntimeError(f"{' '.join(cmd)} failed")


def prepare(dbctl: Path, name: str) -> str:
    """A product database with the demo catalog; its address."""
    created = subprocess.run(
        ["psql", "-h", fixtures.PG_HOST, "-p", str(fixtures.PG_PORT), "-U", fixtures.PG_USER,
         "-d", "postgres", "-qAtc", f'CREATE DATABASE "{name}"'],
        capture_output=True, text=True, timeout=60)
    if created.returncode != 0:
        raise RuntimeError(f"cannot create {name}: {created.stderr.strip()}")
    url = f"postgres://{fixtures.PG_USER}@{fixtures.PG_HOST}:{fixtures.PG_PORT}/{name}?sslmode=disable"
    for args in (["migrate"], ["seed"]):
        done = subprocess.run([str(dbctl), *args, "--database-url", url, "--service", "product"],
                              capture_output=True, text=True, timeout=600)
        if done.returncode != 0:
            fixtures.drop_postgres(fixtures.Postgres(None, name))
            raise RuntimeError(f"dbctl {args[0]} failed: {done.stderr.strip()[-300:]}")
    return url
