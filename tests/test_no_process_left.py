"""The suite ends everything it starts: servers, mirrors and crawls do not outlive it."""

from __future__ import annotations

import os
import subprocess
import sys
import uuid
from pathlib import Path

import pytest

from tests.conftest import PROJECT_ROOT, SESSION_MARK, marked_processes

# Not marked e2e: CI runs it once (it runs a session of its own, on the same database server).
pytestmark = pytest.mark.slow  # the restart test in a session of its own: half a minute


def inner_session(
    mark: str, basetemp: Path, *args: str, timeout: int
) -> subprocess.CompletedProcess[str]:
    """A pytest session of its own on `args`, its processes marked with `mark`."""
    return subprocess.run(
        [
            sys.executable,
            "-m",
            "pytest",
            "-p",
            "no:cacheprovider",
            "-q",
            f"--basetemp={basetemp}",
            *args,
        ],
        env={**os.environ, SESSION_MARK: mark},
        cwd=PROJECT_ROOT,
        capture_output=True,
        text=True,
        timeout=timeout,
        check=False,
    )


def test_a_session_with_the_postgresql_restart_leaves_no_process(tmp_path):
    # The restart test once left its PostgreSQL running, adopted by init, after every `make
    # test`. Run it in a session of its own, with a mark of its own, and look afterwards.
    mark = uuid.uuid4().hex
    result = inner_session(
        mark,
        tmp_path / "inner",
        "tests/faults/test_outages.py::test_postgresql_restarted_mid_crawl_loses_nothing",
        timeout=280,
    )
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-3000:]
    assert "left" not in result.stderr, result.stderr[-3000:]
    assert marked_processes(mark) == []


def test_a_process_left_by_a_pytest_xdist_worker_fails_the_run(tmp_path):
    # A worker's own exit status is not the run's: what a worker leaves must still fail the run
    # (once it was only printed, and the run passed), and the process must be ended.
    mark = uuid.uuid4().hex
    result = inner_session(
        mark, tmp_path / "inner", "-n", "2", "tests/leaving_session.py", timeout=120
    )
    assert result.returncode == pytest.ExitCode.TESTS_FAILED, result.stdout[-3000:]
    assert "2 passed" in result.stdout
    assert "left 1 process(es) running" in result.stderr, result.stderr[-3000:]
    assert "sleep 120 (worker gw" in result.stderr
    assert marked_processes(mark) == []
