"""Start the servers under test on loopback, know when they are ready, stop them.

Every peer is a direct child (never a shell or `cargo run`), so its pid is the server's
own and /proc/<pid>/status gives its peak RSS. Children ask the kernel to SIGTERM them
if the bench dies (PR_SET_PDEATHSIG), and `Peer` is a context manager, so a peer never
outlives the run: not on an exception, not on Ctrl-C, not on SIGKILL of the bench.
"""

from __future__ import annotations

import ctypes
import http.client
import queue
import re
import signal
import socket
import subprocess
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path

# Ready means a `Serving http://ADDR` line on stdout (redshop and the native peer print it).
SERVING_RE = re.compile(r"Serving http://(\S+)")
# How long a peer may take to come up. Generous: a cold redshop start compiles every
# component with Cranelift on a 2-core machine that may be busy with other builds.
READY_TIMEOUT_S = 120.0
# How long a peer gets to stop after SIGTERM before SIGKILL (the host drains in-flight
# requests first; nothing is in flight when the bench stops it).
STOP_TIMEOUT_S = 10.0
# Poll interval while waiting for `wasmtime serve`, which prints no ready line on stdout.
POLL_INTERVAL_S = 0.05
# Linux prctl option: deliver a signal to this process when its parent dies.
PR_SET_PDEATHSIG = 1


class PeerError(RuntimeError):
    """A peer did not start; carries the tail of its log."""


def _die_with_parent() -> None:
    """preexec_fn: have the kernel SIGTERM the child if the bench itself dies."""
    try:
        ctypes.CDLL(None, use_errno=True).prctl(PR_SET_PDEATHSIG, signal.SIGTERM)
    except (OSError, AttributeError):
        pass  # not Linux: Peer.__exit__ still stops it on every orderly exit


def free_port() -> int:
    """A port free right now on 127.0.0.1, for peers that cannot listen on port 0."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@dataclass
class Peer:
    """One server process: its name, command, log file and, once ready, its address."""

    name: str
    cmd: list[str]
    log_path: Path
    env: dict[str, str] | None = None
    # Set by start(): seconds from spawn to ready, and the address it serves on.
    ready_s: float | None = None
    addr: str | None = None
    proc: subprocess.Popen | None = field(default=None, repr=False)
    _lines: queue.Queue = field(default_factory=queue.Queue, repr=False)

    def __enter__(self) -> "Peer":
        return self

    def __exit__(self, *exc) -> None:
        self.stop()

    # -- starting -------------------------------------------------------------------

    def spawn(self) -> float:
        """Start the process; stdout is read line by line, stderr goes to the log."""
        self.log_path.parent.mkdir(parents=True, exist_ok=True)
        log = self.log_path.open("w", encoding="utf-8")
        log.write(f"$ {' '.join(self.cmd)}\n")
        log.flush()
        started = time.monotonic()
        if not Path(self.cmd[0]).is_file():
            log.close()
            raise PeerError(f"{self.name}: {self.cmd[0]} does not exist (not built?)")
        self.proc = subprocess.Popen(
            self.cmd,
            stdin=subprocess.DEVNULL,
            stdout=subprocess.PIPE,
            stderr=log,
            env=self.env,
            text=True,
            bufsize=1,
            preexec_fn=_die_with_parent,
            start_new_session=True,  # Ctrl-C reaches the bench, which stops peers in order
        )
        log.close()  # the child holds its own descriptor
        threading.Thread(target=self._pump_stdout, daemon=True).start()
        return started

    def _pump_stdout(self) -> None:
        assert self.proc is not None and self.proc.stdout is not None
        with self.log_path.open("a", encoding="utf-8") as log:
            for line in self.proc.stdout:
                log.write(line)
                log.flush()
                self._lines.put((time.monotonic(), line))
        self._lines.put((time.monotonic(), None))

    def start_until_serving(self) -> "Peer":
        """Spawn and wait for the `Serving http://ADDR` line; time from spawn to it."""
        try:
            return self._await_serving(self.spawn())
        except BaseException:
            self.stop()  # also on Ctrl-C while waiting
            raise

    def _await_serving(self, started: float) -> "Peer":
        deadline = started + READY_TIMEOUT_S
        while True:
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                self.stop()
                raise PeerError(self._failure(f"no `Serving http://` line within {READY_TIMEOUT_S:.0f} s"))
            try:
                at, line = self._lines.get(timeout=min(remaining, 1.0))
            except queue.Empty:
                continue
            if line is None:
                self.stop()
                raise PeerError(self._failure("exited before it was ready"))
            match = SERVING_RE.search(line)
            if match:
                self.addr = match.group(1).rstrip("/")
                self.ready_s = at - started
                return self

    def start_until_http_ok(self, addr: str, path: str = "/") -> "Peer":
        """Spawn and poll `GET path` on addr until it answers 200 (for `wasmtime serve`)."""
        try:
            return self._await_http_ok(self.spawn(), addr, path)
        except BaseException:
            self.stop()
            raise

    def _await_http_ok(self, started: float, addr: str, path: str) -> "Peer":
        deadline = started + READY_TIMEOUT_S
        host, port = addr.rsplit(":", 1)
        while time.monotonic() < deadline:
            if self.proc is not None and self.proc.poll() is not None:
                raise PeerError(self._failure("exited before it was ready"))
            try:
                conn = http.client.HTTPConnection(host, int(port), timeout=2)
                conn.request("GET", path)
                status = conn.getresponse().status
                conn.close()
                if status == 200:
                    self.addr = addr
                    self.ready_s = time.monotonic() - started
                    return self
            except OSError:
                pass
            time.sleep(POLL_INTERVAL_S)
        self.stop()
        raise PeerError(self._failure(f"GET {path} did not answer 200 within {READY_TIMEOUT_S:.0f} s"))

    # -- while running ----------------------------------------------------------------

    def url(self, path: str) -> str:
        return f"http://{self.addr}{path}"

    def peak_rss_kib(self) -> int | None:
        """VmHWM (peak resident set) of the server process, in KiB."""
        if self.proc is None:
            return None
        try:
            status = Path(f"/proc/{self.proc.pid}/status").read_text()
        except OSError:
            return None
        match = re.search(r"^VmHWM:\s+(\d+)\s+kB", status, re.MULTILINE)
        return int(match.group(1)) if match else None

    def log_text(self) -> str:
        try:
            return self.log_path.read_text(encoding="utf-8", errors="replace")
        except OSError:
            return ""

    # -- stopping ---------------------------------------------------------------------

    def stop(self) -> None:
        """SIGTERM, then SIGKILL after STOP_TIMEOUT_S. Safe to call more than once."""
        proc = self.proc
        if proc is None or proc.poll() is not None:
            return
        proc.send_signal(signal.SIGTERM)
        try:
            proc.wait(timeout=STOP_TIMEOUT_S)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()

    def _failure(self, what: str) -> str:
        tail = "\n".join(self.log_text().splitlines()[-15:])
        return f"{self.name} {what}; log {self.log_path}:\n{tail}"
