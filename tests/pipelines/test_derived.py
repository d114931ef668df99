"""The derived-output pipelines (facts, sections): read from the item in hand as it is stored."""

from __future__ import annotations

import pytest_twisted
from sqlalchemy import text

from filings_crawler.db.filings import upsert_filings
from filings_crawler.items import FilingDocuments
from filings_crawler.sec.plans import FilingFiles, plan_from_files
from filings_crawler.sec.urls import SEC
from tests.crawling import crawl, project_settings
from tests.pipelines.test_database import YieldingSpider
from tests.records import APPLE_10Q, filing
from tests.sample_files import sample_bytes

PRIMARY = "www.sec.gov/Archives/edgar/data/320193/000032019325000057/aapl-20250329.htm"
FILES = FilingFiles(320193, APPLE_10Q.accession_number, APPLE_10Q.primary_document, True)


def apples_10q(engine) -> None:
    with engine.begin() as conn:
        conn.execute(
            text("INSERT INTO companies (cik, name, exchange) VALUES (320193, 'Apple', 'NASDAQ')")
        )
        upsert_filings(conn, [filing(320193)])  # its primary document queued


def documents(*, fetch_path: str | None = "xbrl_zip") -> FilingDocuments:
    plan = plan_from_files(FILES, sample_bytes(PRIMARY), None, image_bases=[f"{SEC.www}/"])
    return FilingDocuments(APPLE_10Q, fetch_path, 1, in_hand=plan.in_hand, to_fetch=[])


@pytest_twisted.ensureDeferred
async def test_facts_and_sections_come_from_the_bytes_just_stored(
    engine, database_url, mirror_url, tmp_path
):
    apples_10q(engine)
    settings = project_settings(database_url, mirror_url, tmp_path)
    crawler = await crawl(settings, YieldingSpider, records=[documents()])
    stats = crawler.stats
    assert stats is not None
    with engine.connect() as conn:
        facts = conn.execute(text("SELECT count(*) FROM facts")).scalar_one()
        found = conn.execute(
            text("SELECT count(*) FROM sections WHERE status = 'found'")
        ).scalar_one()
        source = conn.execute(text("SELECT facts_source FROM filings")).scalar_one()
    assert facts > 500
    assert found > 5
    assert source == "NASDAQ/aapl/2025/aapl-20250329_10q_0000320193-25-000057.html"
    assert (stats.get_value("facts/filings_read"), stats.get_value("sections/filings_read")) == (
        1,
        1,
    )
    assert stats.get_value("facts/rows_recorded") == facts
    # Not one file read back from the store: the item carried what was stored.
    assert (stats.get_value("facts/store_reads"), stats.get_value("sections/store_reads")) == (
        0,
        0,
    )


@pytest_twisted.ensureDeferred
async def test_a_retry_of_single_files_leaves_the_outputs_as_they_are(
    engine, database_url, mirror_url, tmp_path
):
    apples_10q(engine)
    settings = project_settings(database_url, mirror_url, tmp_path)
    crawler = await crawl(settings, YieldingSpider, records=[documents(fetch_path=None)])
    assert crawler.stats is not None
    assert crawler.stats.get_value("facts/filings_read") is None
    with engine.connect() as conn:
        assert conn.execute(text("SELECT count(*) FROM facts")).scalar_one() == 0
