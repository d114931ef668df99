"""Two SEC crawls at once on one database: the second waits for the budget or leaves, never both."""

from __future__ import annotations

import json
import subprocess
import sys
import time
import urllib.request

import pytest
from sqlalchemy import text

from edgar_mirror import run_mirror_process
from tests.conftest import EDGAR_SAMPLE, job_environment, run_scrapy
from tests.spiders.test_documents import add_company

# what SEC sees of the budget: nothing here depends on the database path
pytestmark = [pytest.mark.e2e, pytest.mark.one_database_path]


def mirror_stats(mirror_url: str) -> dict:
    with urllib.request.urlopen(f"{mirror_url}/_mirror/stats", timeout=10) as response:
        return json.load(response)


def test_a_second_crawl_leaves_or_waits_and_the_limit_holds(engine, database_url, tmp_path):
    add_company(engine, 320193, "AAPL")
    add_company(engine, 9999001, "CTST")
    with run_mirror_process(
        EDGAR_SAMPLE, latency=0.2, enforce_rate=10, block_seconds=600
    ) as mirror:
        env = job_environment(database_url, mirror, tmp_path)
        first = subprocess.Popen(
            [sys.executable, "-m", "scrapy", "crawl", "backfill", "-a", "cik=320193,9999001"],
            env=env,
            cwd=tmp_path,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
            text=True,
        )
        try:
            deadline = time.monotonic() + 30
            while time.monotonic() < deadline and mirror_stats(mirror)["requests"] < 5:
                time.sleep(0.1)
            # A second crawl now: it sends nothing, and says who holds the budget.
            sent = mirror_stats(mirror)["requests"]
            refused = run_scrapy(["crawl", "documents"], env, tmp_path)
            assert refused.returncode == 3, refused.stderr
            assert (
                "SEC's request budget is in use on this database by backfill run #1"
                in refused.stderr
            )
            assert "SEC_LOCK_WAIT" in refused.stderr
            # A third one waits for it, then runs.
            waiting = subprocess.Popen(
                [sys.executable, "-m", "scrapy", "crawl", "documents", "-s", "SEC_LOCK_WAIT=120"],
                env=env,
                cwd=tmp_path,
                stdout=subprocess.DEVNULL,
                stderr=subprocess.PIPE,
                text=True,
            )
            _, first_errors = first.communicate(timeout=120)
            _, waiting_errors = waiting.communicate(timeout=120)
        finally:
            first.kill()
            first.wait()
        assert first.returncode == 0, first_errors[-2000:]
        assert waiting.returncode == 0, waiting_errors[-2000:]
        stats = mirror_stats(mirror)
    assert sent <= stats["requests"]
    # Together they never went over SEC's limit: the mirror, enforcing it like SEC, refused nothing.
    assert stats["max_in_any_window"] <= 10
    assert stats["rate_violations"] == 0
    with engine.connect() as conn:
        runs = conn.execute(
            text(
                "SELECT run_type, status, started_at, completed_at FROM execution_runs ORDER BY id"
            )
        ).all()
    assert [(r.run_type, r.status) for r in runs] == [
        ("backfill", "succeeded"),
        ("documents", "succeeded"),
    ]
    # The documents crawl began only once the backfill had finished.
    assert runs[1].started_at >= runs[0].completed_at


def test_listings_ref_needs_no_sec_budget(engine, database_url, mirror_url, tmp_path):
    from filings_crawler.config import DatabaseTarget
    from filings_crawler.db.engine import get_engine
    from filings_crawler.db.sec_lock import hold_sec_budget, release_sec_budget

    # This test process holds SEC's budget; NASDAQ Trader's files can still be read.
    hold_sec_budget(get_engine(DatabaseTarget(database_url, "DATABASE_URL", tmp_path)))
    try:
        env = job_environment(database_url, mirror_url, tmp_path)
        listings = run_scrapy(["crawl", "listings_ref"], env, tmp_path)
        tickers = run_scrapy(["crawl", "tickers"], env, tmp_path)
    finally:
        release_sec_budget()
    assert listings.returncode == 0, listings.stderr[-2000:]
    assert tickers.returncode == 3
