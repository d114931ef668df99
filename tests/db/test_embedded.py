"""The embedded server's system user is made safely when several jobs start at once."""

from __future__ import annotations

import multiprocessing
import os
import pwd
import subprocess
import uuid
from multiprocessing.queues import Queue
from multiprocessing.synchronize import Barrier

import pytest

from filings_crawler.db import embedded

pytestmark = [
    pytest.mark.skipif(
        os.name != "posix" or os.geteuid() != 0,
        reason="the server runs as a system user of its own only when started as root",
    ),
    pytest.mark.slow,  # twenty processes started afresh
]

JOBS = 4
ROUNDS = 5  # the library alone failed about one round in five here


def start_job(starting: Barrier, outcomes: Queue[str], name: str) -> None:
    starting.wait()
    try:
        embedded.ensure_server_user(name)
        outcomes.put("ok")
    except Exception as error:  # reported by the test
        outcomes.put(f"{error!r}: {getattr(error, 'stderr', '')}")


def test_jobs_starting_at_once_all_find_the_server_user():
    # A user name of the test's own, missing at first, so the real `useradd` runs as on a fresh
    # machine; four processes ask for it at the same instant, as test workers or scrapyd jobs do.
    # Without the care taken, a round here now and then had one `useradd` fail: "already exists".
    context = multiprocessing.get_context("spawn")
    for _ in range(ROUNDS):
        name = f"fc{uuid.uuid4().hex[:10]}"
        starting, outcomes = context.Barrier(JOBS), context.Queue()
        jobs = [
            context.Process(target=start_job, args=(starting, outcomes, name)) for _ in range(JOBS)
        ]
        try:
            for job in jobs:
                job.start()
            results = [outcomes.get(timeout=60) for _ in jobs]
            for job in jobs:
                job.join()
            assert results == ["ok"] * JOBS
            assert pwd.getpwnam(name).pw_name == name
        finally:
            subprocess.run(["userdel", name], check=False, capture_output=True)
