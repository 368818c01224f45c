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
concurrency. Rate limits are raised so the load generator is never refused.
"""

from __future__ import annotations

import base64
import json
import subprocess
import sys
import time
import uuid
from pathlib import Path

from . import fixtures
from .load import LoadError, Oha, parse
from .peers import Peer

PATH = "/products?limit=24"
CONCURRENCY = (1, 16)
# Far above what oha can send in a run, so every request is counted and none refused.
UNLIMITED = "100000000/60"


def manifest(product: Path, gateway: Path | None) -> str:
    """The product component alone on `/...`, or behind the gateway as in spin.toml."""
    pg = f"postgres://{fixtures.PG_HOST}:{fixtures.PG_PORT}"
    redis = f"redis://{fixtures.REDIS_HOST}:{fixtures.REDIS_PORT}"
    head = f"""spin_manifest_version = 2
[application]
name = "gateway-latency"
[variables]
product_db_url = {{ required = true }}
redis_prefix = {{ required = true }}
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


def load(oha: Oha, url: str, c: int, warmup_s: float, duration_s: float, headers: list[str]):
    """oha with extra headers (the shared Oha.command takes none)."""
    def once(seconds: float) -> dict:
        cmd = [str(oha.binary), "--no-tui", *oha.json_flags, "-z", f"{seconds:g}s", "-c", str(c)]
        if oha.wait_flag:
            cmd.append(oha.wait_flag)
        for h in headers:
            cmd += ["-H", h]
        done = subprocess.run([*cmd, url], capture_output=True, text=True, timeout=seconds + 60)
        if done.returncode != 0:
            raise LoadError(f"oha failed: {done.stderr.strip()[-300:]}")
        return json.loads(done.stdout)
    if warmup_s > 0:
        once(warmup_s)
    return parse(once(duration_s))


def measure(oha: Oha, host: Path, product: Path, gateway: Path, db_url: str, work: Path,
            warmup_s: float, duration_s: float, env: dict[str, str]) -> dict[str, float]:
    work.mkdir(parents=True, exist_ok=True)
    prefix = f"{fixtures.run_name()}_gw:"
    out: dict[str, float] = {}
    runs = [("direct", None, PATH, []), ("gateway.anon", gateway, f"/api/v1{PATH}", [])]
    token = admin_token(prefix)
    if token:
        runs.append(("gateway.auth", gateway, f"/api/v1{PATH}", [f"authorization: Bearer {token}"]))
    else:
        print("bench: gateway-latency: no `cryptography` package; the auth point is skipped", file=sys.stderr)
    try:
        for name, gw, path, headers in runs:
            (work / f"{name}.toml").write_text(manifest(product, gw), encoding="utf-8")
            cmd = [str(host), "up", "--from", str(work / f"{name}.toml"), "--listen", "127.0.0.1:0",
                   "--cache-dir", str(work / "cache")]
            run_env = dict(env, SPIN_VARIABLE_PRODUCT_DB_URL=db_url, SPIN_VARIABLE_REDIS_PREFIX=prefix)
            with Peer(f"gateway-latency-{name}", cmd, work / f"{name}.log", env=run_env) as peer:
                peer.start_until_serving()
                for c in CONCURRENCY:
                    print(f"bench: gateway-latency {name} c={c}", file=sys.stderr, flush=True)
                    point = load(oha, peer.url(path), c, warmup_s, duration_s, headers)
                    out[f"{name}.c{c}.rps"] = point.rps
                    out[f"{name}.c{c}.p50_ms"] = point.p50_ms
                    out[f"{name}.c{c}.p99_ms"] = point.p99_ms
                    out[f"{name}.c{c}.errors"] = point.errors
    finally:
        for key in (f"{prefix}jwks",):
            try:
                fixtures._redis_command("DEL", key)
            except OSError:
                pass
    for c in CONCURRENCY:
        for via in ("gateway.anon", "gateway.auth"):
            if f"{via}.c{c}.p50_ms" in out:
                for q in ("p50", "p99"):
                    out[f"{via}.c{c}.added_{q}_ms"] = out[f"{via}.c{c}.{q}_ms"] - out[f"direct.c{c}.{q}_ms"]
    return out


def build(repo: Path, target_dir: Path) -> None:
    """The product and gateway components and dbctl (cheap when up to date)."""
    import os
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
