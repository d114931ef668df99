"""Two pytest sessions on one machine, each on its embedded PostgreSQL, do not break each other."""

from __future__ import annotations

import getpass
import os
import shutil
import subprocess
import sys
import tempfile
import time
import uuid
from pathlib import Path

from tests.conftest import PROJECT_ROOT, SESSION_MARK, marked_processes

SESSIONS = Path(__file__).with_name("second_session.py").relative_to(PROJECT_ROOT)


def session(test: str, temp: Path, signals: Path, mark: str) -> subprocess.Popen[str]:
    """`pytest` on one test of SESSIONS as a developer runs it: pytest's default temporary root
    (under TMPDIR, here `temp`), the embedded server (no TEST_DATABASE_URL), its own mark."""
    env = {key: value for key, value in os.environ.items() if "DATABASE_URL" not in key}
    env.update({SESSION_MARK: mark, "TMPDIR": str(temp), "SESSION_SIGNALS": str(signals)})
    return subprocess.Popen(
        [sys.executable, "-m", "pytest", "-p", "no:cacheprovider", "-q", f"{SESSIONS}::{test}"],
        env=env,
        cwd=PROJECT_ROOT,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )


def test_a_second_session_leaves_the_first_sessions_embedded_server_alone(tmp_path):
    # Their own temporary directory, outside this session's: both sessions' pytest roots and
    # embedded servers are there, as they would be in /tmp, and nothing else touches it.
    temp = Path(tempfile.mkdtemp(prefix="filings-two-sessions-"))
    signals = tmp_path / "signals"
    signals.mkdir()
    marks = [uuid.uuid4().hex, uuid.uuid4().hex]
    first = session(
        "test_the_first_session_keeps_its_server_while_another_starts", temp, signals, marks[0]
    )
    try:
        deadline = time.monotonic() + 120
        while not (signals / "ready").exists():
            assert first.poll() is None, first.communicate()[0][-3000:]
            assert time.monotonic() < deadline, "the first session never got its database"
            time.sleep(0.2)
        second = session("test_a_second_session_starts_beside_it", temp, signals, marks[1])
        second_output, _ = second.communicate(timeout=240)
        assert second.returncode == 0, second_output[-3000:]
        # The second session did make the shared pytest root private again, as pytest does.
        assert (temp / f"pytest-of-{getpass.getuser()}").stat().st_mode & 0o077 == 0
        (signals / "go").touch()
        first_output, _ = first.communicate(timeout=240)
        assert first.returncode == 0, first_output[-3000:]
        # Each stopped its server with pg_ctl (no "killing it instead") and removed its data.
        assert "Failed to stop server" not in first_output + second_output
        assert list(temp.glob("filings-embedded-pg-*")) == []
        assert [marked_processes(mark) for mark in marks] == [[], []]
    finally:
        if first.poll() is None:
            first.kill()
            first.wait()
        shutil.rmtree(temp, ignore_errors=True)
