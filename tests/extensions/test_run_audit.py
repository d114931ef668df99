"""Every crawl leaves an execution_runs row: running while it works, then its outcome and stats."""

from __future__ import annotations

import signal
import subprocess
import sys
import time

import pytest
from sqlalchemy import text

from edgar_mirror import run_mirror_process
from filings_crawler.extensions.run_audit import run_status
from tests.conftest import EDGAR_SAMPLE, job_environment, run_scrapy


@pytest.mark.parametrize(
    ("reason", "status"),
    [
        ("finished", "succeeded"),
        ("shutdown", "cancelled"),
        ("format_error", "failed"),
        ("closespider_errorcount", "failed"),
    ],
)
def test_close_reasons_map_to_statuses(reason, status):
    assert run_status(reason) == status


@pytest.mark.e2e
def test_a_finished_crawl_is_recorded_with_its_arguments_and_stats(
    engine, database_url, mirror_url, tmp_path
):
    env = job_environment(database_url, mirror_url, tmp_path)
    # scrapyd's own argument: the one `-a` the tickers crawl takes (it has none of its own).
    result = run_scrapy(["crawl", "tickers", "-a", "_job=audit-test"], env, tmp_path)
    assert result.returncode == 0, result.stderr
    with engine.connect() as conn:
        run = conn.execute(text("SELECT * FROM execution_runs")).one()
    assert (run.run_type, run.status) == ("tickers", "succeeded")
    assert run.completed_at >= run.started_at
    assert run.duration_seconds == pytest.approx(
        (run.completed_at - run.started_at).total_seconds(), abs=0.01
    )
    assert run.metadata["arguments"] == {}
    assert run.metadata["scrapyd_job"] == "audit-test"
    assert run.metadata["close_reason"] == "finished"
    assert run.metadata["stats"]["downloader/response_status_count/200"] == 2
    assert run.metadata["stats"]["item_scraped_count"] > 9000 - 1000
    assert run.pid > 0
    assert run.hostname
    # The job's own log file, in LOG_FORMAT.
    [log_file] = (tmp_path / "logs").glob("tickers-*.log")
    assert '"message": "Spider opened"' in log_file.read_text()


@pytest.mark.e2e
def test_an_interrupted_crawl_is_running_while_it_works_then_cancelled(
    engine, database_url, tmp_path
):
    # A slow mirror keeps the crawl busy long enough to look at it and to interrupt it.
    with run_mirror_process(EDGAR_SAMPLE, latency=3.0) as slow_mirror:
        env = job_environment(database_url, slow_mirror, tmp_path)
        process = subprocess.Popen(
            [sys.executable, "-m", "scrapy", "crawl", "tickers"],
            env=env,
            cwd=tmp_path,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
            text=True,
        )
        try:
            deadline = time.monotonic() + 30
            status = None
            while time.monotonic() < deadline and status is None:
                time.sleep(0.2)
                with engine.connect() as conn:
                    status = conn.execute(text("SELECT status FROM execution_runs")).scalar()
            assert status == "running"
            process.send_signal(signal.SIGINT)
            _, stderr = process.communicate(timeout=60)
        finally:
            process.kill()
            process.wait()
    with engine.connect() as conn:
        run = conn.execute(text("SELECT status, metadata FROM execution_runs")).one()
    assert (run.status, run.metadata["close_reason"]) == ("cancelled", "shutdown"), stderr[-2000:]
