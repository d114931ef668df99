"""The embedded server's system user is made safely when several jobs start at once."""

from __future__ import annotations

import os
import pwd
import subprocess
import sys
import uuid
from pathlib import Path

import pytest

from tests.conftest import PROJECT_ROOT

pytestmark = pytest.mark.skipif(
    os.name != "posix" or os.geteuid() != 0,
    reason="the server runs as a system user of its own only when started as root",
)

JOBS = 4
ROUNDS = 5  # with the library's own lookup alone, three runs of this test in four failed here

# A job: ready once imported, then waits for the start signal, so all ask at the same instant.
JOB = """
import pathlib, sys, time
from filings_crawler.db import embedded
go = pathlib.Path(sys.argv[1])
print("ready", flush=True)
while not go.exists():
    time.sleep(0.001)
embedded.ensure_server_user(sys.argv[2])
"""


def test_jobs_starting_at_once_all_find_the_server_user(tmp_path: Path):
    # A user name of the test's own, missing at first, so the real `useradd` runs as on a fresh
    # machine; four processes ask for it at the same instant, as test workers or scrapyd jobs do.
    # Without the care taken, a round here now and then had one `useradd` fail: "already exists".
    for round_ in range(ROUNDS):
        name = f"fc{uuid.uuid4().hex[:10]}"
        go = tmp_path / f"go-{round_}"
        jobs = [
            subprocess.Popen(
                [sys.executable, "-c", JOB, str(go), name],
                cwd=PROJECT_ROOT,
                stdout=subprocess.PIPE,
                stderr=subprocess.STDOUT,
                text=True,
            )
            for _ in range(JOBS)
        ]
        try:
            for job in jobs:
                assert job.stdout is not None
                assert job.stdout.readline() == "ready\n"  # imported, waiting for the signal
            go.touch()
            outputs = [job.communicate(timeout=60)[0] for job in jobs]
            assert [job.returncode for job in jobs] == [0] * JOBS, outputs
            assert pwd.getpwnam(name).pw_name == name
        finally:
            for job in jobs:
                job.kill()
                job.wait()
            subprocess.run(["userdel", name], check=False, capture_output=True)
