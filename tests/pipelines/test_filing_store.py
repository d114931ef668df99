"""The filing store pipeline: files in hand stored, the HTML's image links pointed at the copies."""

from __future__ import annotations

import hashlib
from pathlib import Path

import pytest
import pytest_twisted

from filings_crawler.items import FilingDocuments
from filings_crawler.pipelines.filing_store import FilingStorePipeline
from filings_crawler.sec.plans import FilingFiles, plan_from_files
from filings_crawler.sec.urls import SEC
from tests.crawling import on_reactor, unit_crawler
from tests.pipelines.test_downloads import PLACE

FILES = FilingFiles(320193, "0000320193-25-000057", "aapl-20250329.htm", True)
HTML = (
    b'<html><body><p>Revenue</p><img src="aapl-20250329_g1.jpg" alt="chart">'
    b"<img SRC='aapl-20250329_g1.jpg'></body></html>"
)


@pytest.fixture
def pipeline(tmp_path: Path) -> FilingStorePipeline:
    return FilingStorePipeline.from_crawler(unit_crawler(STORAGE_ROOT=str(tmp_path / "filings")))


def documents(html: bytes) -> FilingDocuments:
    plan = plan_from_files(FILES, html, None, image_bases=[f"{SEC.www}/"])
    return FilingDocuments(PLACE, plan.fetch_path, 2, in_hand=plan.in_hand, to_fetch=[])


@pytest_twisted.ensureDeferred
async def test_the_document_is_stored_with_its_images_pointing_at_the_stored_copies(
    pipeline, tmp_path
):
    item = await on_reactor(pipeline.process_item(documents(HTML)))
    [outcome] = item.outcomes
    stored = (tmp_path / "filings" / outcome.storage_path).read_bytes()
    image = "0000320193-25-000057_aapl-20250329_g1.jpg"
    # Only the src values differ from SEC's bytes, each in its own quotes.
    assert stored == HTML.replace(b"aapl-20250329_g1.jpg", image.encode())
    assert outcome.source_sha256 == hashlib.sha256(HTML).hexdigest()
    assert outcome.sha256 == hashlib.sha256(stored).hexdigest()
    # The item carries the stored document on (for facts and sections), not SEC's bytes.
    assert item.in_hand[0].data is None
    assert item.bodies == {outcome.storage_path: stored}
    assert pipeline.stats.get_value("documents/filings_processed") == 1
    assert pipeline.stats.get_value("documents/requests/per_file") == 2


@pytest_twisted.ensureDeferred
async def test_a_file_in_hand_that_is_not_what_it_should_be_is_not_stored(pipeline, tmp_path):
    item = await on_reactor(pipeline.process_item(documents(b"")))
    [outcome] = item.outcomes
    assert outcome.error is not None
    assert outcome.storage_path is None
    assert not (tmp_path / "filings").exists()


@pytest_twisted.ensureDeferred
async def test_a_store_that_fails_records_nothing(tmp_path):
    (tmp_path / "filings").write_text("not a folder")
    pipeline = FilingStorePipeline.from_crawler(
        unit_crawler(STORAGE_ROOT=str(tmp_path / "filings"))
    )
    item = await on_reactor(pipeline.process_item(documents(HTML)))
    assert item.outcomes == []  # stays queued
    assert pipeline.stats.get_value("storage/errors") == 1
