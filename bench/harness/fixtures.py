"""The bench's own data: a throw-away Postgres database and a Redis key prefix.

Each run creates `redshop_bench_<pid>` with one one-row table and sets one key under
`redshop_bench_<pid>:`, and removes both at the end, so runs never see each other's data
or a developer's. Postgres is set up through `psql` (the standard library speaks no
Postgres protocol); Redis through a few lines of RESP over a socket, so no redis-cli is
needed. If either is unreachable, its scenarios are reported unavailable, with the reason.
"""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
from dataclasses import dataclass

# The services the machine runs (see the issue): trust auth, user postgres.
PG_HOST, PG_PORT, PG_USER = "127.0.0.1", 5432, "postgres"
REDIS_HOST, REDIS_PORT = "127.0.0.1", 6379
# The body both the database row and the Redis value hold: the trivial body, so every
# scenario answers the same 13 bytes and only the work behind them differs.
BODY = "Hello, world!"
# Seconds a setup step may take before the service counts as unreachable.
CONNECT_TIMEOUT_S = 5


@dataclass
class Postgres:
    """A created database, or why there is none."""

    url: str | None
    name: str
    reason: str | None = None


@dataclass
class Redis:
    """A set key, or why there is none."""

    url: str | None
    key: str
    reason: str | None = None


def run_name() -> str:
    """Unique per run: the database name and the Redis key prefix."""
    return f"redshop_bench_{os.getpid()}"


def _psql(sql: str, database: str = "postgres") -> subprocess.CompletedProcess:
    cmd = ["psql", "-h", PG_HOST, "-p", str(PG_PORT), "-U", PG_USER, "-d", database, "-v", "ON_ERROR_STOP=1", "-qAtc", sql]
    env = dict(os.environ, PGCONNECT_TIMEOUT=str(CONNECT_TIMEOUT_S))
    return subprocess.run(cmd, capture_output=True, text=True, env=env, timeout=60)


def create_postgres(name: str) -> Postgres:
    """Create database `name` with table bench_item holding the one row (1, BODY)."""
    if shutil.which("psql") is None:
        return Postgres(None, name, "psql not found (needed to create the bench database)")
    try:
        created = _psql(f'CREATE DATABASE "{name}"')
        if created.returncode != 0:
            return Postgres(None, name, f"postgres at {PG_HOST}:{PG_PORT} unreachable: {created.stderr.strip()}")
        table = _psql(
            "CREATE TABLE bench_item (id integer PRIMARY KEY, body text NOT NULL);"
            f"INSERT INTO bench_item VALUES (1, '{BODY}');",
            database=name,
        )
    except subprocess.TimeoutExpired:
        return Postgres(None, name, f"postgres at {PG_HOST}:{PG_PORT} did not answer")
    if table.returncode != 0:
        drop_postgres(Postgres(None, name))
        return Postgres(None, name, f"cannot create the bench table: {table.stderr.strip()}")
    # A plain connection, as the shipped defaults: the loopback certificate does not verify.
    return Postgres(f"postgres://{PG_USER}@{PG_HOST}:{PG_PORT}/{name}?sslmode=disable", name)


def drop_postgres(pg: Postgres) -> None:
    """Drop the database, closing whatever connections a peer left (PostgreSQL 13+)."""
    if shutil.which("psql") is None:
        return
    try:
        _psql(f'DROP DATABASE IF EXISTS "{pg.name}" WITH (FORCE)')
    except subprocess.TimeoutExpired:
        pass


def _resp(*args: str) -> bytes:
    parts = [f"*{len(args)}\r\n".encode()]
    for arg in args:
        data = arg.encode()
        parts.append(f"${len(data)}\r\n".encode() + data + b"\r\n")
    return b"".join(parts)


def _redis_command(*args: str) -> bytes:
    """Send one command, return the first reply line (enough for SET and DEL)."""
    with socket.create_connection((REDIS_HOST, REDIS_PORT), timeout=CONNECT_TIMEOUT_S) as conn:
        conn.sendall(_resp(*args))
        reply = b""
        while not reply.endswith(b"\r\n"):
            chunk = conn.recv(4096)
            if not chunk:
                break
            reply += chunk
        return reply.strip()


def create_redis(prefix: str) -> Redis:
    """SET `<prefix>:hello` to BODY."""
    key = f"{prefix}:hello"
    try:
        reply = _redis_command("SET", key, BODY)
    except OSError as e:
        return Redis(None, key, f"redis at {REDIS_HOST}:{REDIS_PORT} unreachable: {e}")
    if reply != b"+OK":
        return Redis(None, key, f"redis SET failed: {reply.decode(errors='replace')}")
    return Redis(f"redis://{REDIS_HOST}:{REDIS_PORT}", key)


def delete_redis(redis: Redis) -> None:
    try:
        _redis_command("DEL", redis.key)
    except OSError:
        pass


# Deletes every key matching ARGV[1] server-side, so the reply is one line (the count).
_DELETE_MATCHING = "local n = 0 for _, k in ipairs(redis.call('KEYS', ARGV[1])) do n = n + redis.call('DEL', k) end return n"


def delete_redis_prefix(prefix: str) -> None:
    """Remove every key under `prefix` (a scenario's JWKS, sessions, caches, counters)."""
    try:
        _redis_command("EVAL", _DELETE_MATCHING, "0", f"{prefix}*")
    except OSError:
        pass
