"""The dataset extension: the run's start kept across a resume, and the spiders' questions."""

from __future__ import annotations

import json
from datetime import UTC, datetime

import pytest_twisted
from sqlalchemy import text

from filings_crawler.extensions.dataset import RUN_FILE, Dataset
from tests.crawling import on_reactor, unit_crawler
from tests.spiders.test_documents import add_company


def dataset(database_url: str, **settings: str) -> Dataset:
    extension = unit_crawler(None, DATABASE_URL=database_url, **settings).get_extension(Dataset)
    assert extension is not None
    return extension


@pytest_twisted.ensureDeferred
async def test_a_new_run_starts_at_the_databases_clock_and_notes_it_in_jobdir(
    engine, database_url, tmp_path
):
    jobdir = tmp_path / "jobs"
    opened = dataset(database_url, JOBDIR=str(jobdir))
    await on_reactor(opened.spider_opened())
    assert opened.resuming is False
    assert opened.run_started_at is not None
    with engine.connect() as conn:
        now = conn.execute(text("SELECT now()")).scalar_one()
    assert abs((now - opened.run_started_at).total_seconds()) < 5
    recorded = json.loads((jobdir / RUN_FILE).read_text())["run_started_at"]
    assert datetime.fromisoformat(recorded) == opened.run_started_at


@pytest_twisted.ensureDeferred
async def test_a_resumed_run_keeps_the_first_start(engine, database_url, tmp_path):
    jobdir = tmp_path / "jobs"
    jobdir.mkdir()
    first = datetime(2026, 11, 30, 8, 0, tzinfo=UTC)
    (jobdir / RUN_FILE).write_text(json.dumps({"run_started_at": first.isoformat()}))
    resumed = dataset(database_url, JOBDIR=str(jobdir))
    await on_reactor(resumed.spider_opened())
    assert (resumed.resuming, resumed.run_started_at) == (True, first)


@pytest_twisted.ensureDeferred
async def test_the_targets_and_what_this_run_has_not_discovered(engine, database_url):
    add_company(engine, 320193, "AAPL")
    add_company(engine, 21344, "KO", exchange="NYSE")
    add_company(engine, 1, "OTC", exchange="UNKNOWN")
    opened = dataset(database_url)
    await on_reactor(opened.spider_opened())
    targets = await on_reactor(opened.targets())
    assert [(t.cik, t.exchange, t.ticker) for t in targets] == [
        (21344, "NYSE", "KO"),
        (320193, "NASDAQ", "AAPL"),
    ]
    assert [t.cik for t in await on_reactor(opened.targets(["NYSE"]))] == [21344]
    with engine.begin() as conn:
        conn.execute(text("UPDATE companies SET submissions_checked_at = now() WHERE cik = 21344"))
    assert await on_reactor(opened.undiscovered([21344, 320193])) == [320193]
