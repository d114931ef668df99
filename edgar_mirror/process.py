"""Run the EDGAR mirror as a child process, so a crawler under test does not share its GIL."""

from __future__ import annotations

import contextlib
import json
import os
import re
import selectors
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import asdict
from pathlib import Path
from typing import IO, Any

from edgar_mirror.faults import FaultPlan

_URL = re.compile(r" at (http://127\.0\.0\.1:\d+)\s*$")
# The folder holding the edgar_mirror package, for the child's import path.
_SOURCE_ROOT = Path(__file__).resolve().parents[1]


class MirrorStartError(RuntimeError):
    """The mirror process exited or stayed silent instead of announcing its URL."""


@contextmanager
def run_mirror_process(
    root: Path,
    *,
    port: int = 0,
    latency: float = 0.0,
    arrival_delay: float = 0.0,
    enforce_rate: float | None = None,
    block_seconds: float = 600.0,
    faults: dict[str, Any] | None = None,
    startup_timeout: float = 15.0,
    stop_timeout: float = 10.0,
    niceness: int = 0,
) -> Iterator[str]:
    """Start `python -m edgar_mirror` and yield its base URL `http://127.0.0.1:N`.

    `latency` is in seconds like `EdgarMirror`'s; `enforce_rate` and `block_seconds` make it
    block like SEC (see SecPolicy); `faults` holds FaultPlan fields (`{"seed": 7, "error_rate":
    0.05, "overrides": {...}}`), checked here before the child starts. `arrival_delay` (seconds)
    delays each request's arrival by a random share of it. A negative `niceness` runs the mirror
    ahead of the crawl for the CPU (root only; otherwise it runs as it can), so that on a busy
    machine its answers and time stamps are SEC's, not a starved process's. On exit the child
    gets SIGTERM, then SIGKILL if it has not stopped within `stop_timeout`.
    """
    command = [
        sys.executable,
        "-m",
        "edgar_mirror",
        "--root",
        str(root),
        "--port",
        str(port),
        "--latency-ms",
        repr(latency * 1000),
        "--block-seconds",
        repr(block_seconds),
    ]
    if arrival_delay:
        command += ["--arrival-delay-ms", repr(arrival_delay * 1000)]
    if enforce_rate is not None:
        command += ["--enforce-rate", repr(enforce_rate)]
    if faults is not None:
        command += fault_options(FaultPlan.from_dict(faults))
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(_SOURCE_ROOT), env.get("PYTHONPATH")]))
    # A file, not a pipe, for stderr: nobody reads it while serving, and a full pipe would
    # block the child on its first logged traceback.
    with (
        tempfile.TemporaryFile() as stderr,
        subprocess.Popen(
            command,
            stdin=subprocess.DEVNULL,
            stdout=subprocess.PIPE,
            stderr=stderr,
            env=env,
            preexec_fn=(lambda: _renice(niceness)) if niceness else None,  # noqa: PLW1509
        ) as child,
    ):
        try:
            assert child.stdout is not None
            yield _read_url(child, child.stdout, stderr, startup_timeout)
        finally:
            _stop(child, stop_timeout)


def fault_options(plan: FaultPlan) -> list[str]:
    """The CLI options that rebuild `plan` in the child."""
    options = [
        "--seed",
        str(plan.seed),
        "--error-rate",
        repr(plan.error_rate),
        "--reset-rate",
        repr(plan.reset_rate),
        "--truncate-rate",
        repr(plan.truncate_rate),
        "--slow-rate",
        repr(plan.slow_rate),
        "--slow-seconds",
        repr(plan.slow_seconds),
        "--error-statuses",
        ",".join(map(str, plan.error_statuses)),
        "--fault-hosts",
        ",".join(sorted(plan.hosts)),
        "--gzip-bomb-bytes",
        str(plan.gzip_bomb_bytes),
    ]
    for path, kind in plan.overrides.items():
        options += ["--fault-override", f"{path}={kind}"]
    for rule in plan.aimed:
        options += ["--fault-aimed", json.dumps(asdict(rule))]
    return options


def _renice(niceness: int) -> None:
    """In the child, before it runs: its CPU priority (lowering the value needs root)."""
    with contextlib.suppress(OSError):
        os.setpriority(os.PRIO_PROCESS, 0, niceness)


def _read_url(
    child: subprocess.Popen[bytes], stdout: IO[bytes], stderr: IO[bytes], timeout: float
) -> str:
    deadline = time.monotonic() + timeout
    received = b""
    with selectors.DefaultSelector() as selector:
        selector.register(stdout, selectors.EVENT_READ)
        while b"\n" not in received:
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                raise MirrorStartError(_failure("did not announce its URL in time", child, stderr))
            if not selector.select(remaining):
                continue
            chunk = os.read(stdout.fileno(), 4096)
            if not chunk:
                child.wait(timeout=5)
                raise MirrorStartError(_failure("exited before serving", child, stderr))
            received += chunk
    line = received.split(b"\n", 1)[0].decode(errors="replace")
    match = _URL.search(line)
    if match is None:
        raise MirrorStartError(_failure(f"printed an unexpected line {line!r}", child, stderr))
    return match.group(1)


def _failure(what: str, child: subprocess.Popen[bytes], stderr: IO[bytes]) -> str:
    stderr.seek(0)
    text = stderr.read().decode(errors="replace").strip()
    status = f"exit code {child.returncode}" if child.returncode is not None else "still running"
    return f"EDGAR mirror process {what} ({status}); stderr: {text or '(empty)'}"


def _stop(child: subprocess.Popen[bytes], timeout: float) -> None:
    if child.poll() is not None:
        return
    child.terminate()
    try:
        child.wait(timeout=timeout)
    except subprocess.TimeoutExpired:
        child.kill()
        child.wait()


def mirror_base_urls(mirror_url: str) -> dict[str, str]:
    """The three base-URL variables that point a job at the mirror serving on `mirror_url`."""
    return {
        "SEC_WWW_BASE_URL": f"{mirror_url}/www.sec.gov",
        "SEC_DATA_BASE_URL": f"{mirror_url}/data.sec.gov",
        "NASDAQ_TRADER_BASE_URL": f"{mirror_url}/www.nasdaqtrader.com",
    }
