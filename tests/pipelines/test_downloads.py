"""The downloads pipeline, on answers made by hand: what is stored, what fails, what stays queued."""

from __future__ import annotations

from pathlib import Path

import pytest
import pytest_twisted
from scrapy.http import Response

from filings_crawler.items import ArtifactOutcome, FilingDocuments
from filings_crawler.pipelines.downloads import DownloadsPipeline, file_name
from filings_crawler.sec.plans import IMAGE, XBRL, ToFetch
from filings_crawler.storage.local import LocalStorage
from tests.crawling import on_reactor, unit_crawler
from tests.records import APPLE_10Q
from tests.sample_files import sample_bytes

FOLDER = "https://www.sec.gov/Archives/edgar/data/320193/000032019325000057/"
IMAGE_BYTES = sample_bytes(
    "www.sec.gov/Archives/edgar/data/320193/000032019325000057/aapl-20250329_g1.jpg"
)
PLACE = APPLE_10Q


@pytest.fixture
def pipeline(tmp_path: Path) -> DownloadsPipeline:
    crawler = unit_crawler(STORAGE_ROOT=str(tmp_path / "filings"))
    return DownloadsPipeline.from_crawler(crawler)


def item(*files: ToFetch) -> FilingDocuments:
    return FilingDocuments(PLACE, "xbrl_zip", 1, to_fetch=list(files))


@pytest_twisted.ensureDeferred
@pytest.mark.parametrize(
    ("file", "status", "body", "expected"),
    [
        (
            ToFetch(XBRL, FOLDER + "aapl-20250329_htm.xml", optional=True),
            404,
            b"<html>Page Not Found</html>",
            {"absent": True},
        ),
        (ToFetch(IMAGE, FOLDER + "aapl-20250329_g1.jpg"), 404, b"", {"error": "HTTP 404"}),
        (ToFetch(IMAGE, FOLDER + "aapl-20250329_g1.jpg"), 500, b"", {"error": "HTTP 500"}),
    ],
    ids=["optional-absent", "missing", "server-error"],
)
async def test_what_is_not_the_file_is_never_stored(
    pipeline, tmp_path, file, status, body, expected
):
    outcome = ArtifactOutcome(file.kind, file.sec_url)
    response = Response(file.sec_url, status=status, body=body)
    result = await on_reactor(pipeline.store(item(file), file, outcome, response))
    assert {key: getattr(result, key) for key in expected} == expected
    assert result.storage_path is None
    assert not (tmp_path / "filings").exists()


@pytest_twisted.ensureDeferred
async def test_a_block_page_where_an_image_was_asked_for_is_a_failure_not_a_file(pipeline):
    file = ToFetch(IMAGE, FOLDER + "aapl-20250329_g1.jpg")
    block_page = sample_bytes("_errors/rate-exceeded.html")
    response = Response(file.sec_url, status=200, body=block_page)
    result = await on_reactor(
        pipeline.store(item(file), file, ArtifactOutcome(IMAGE, file.sec_url), response)
    )
    assert result.error is not None
    assert result.storage_path is None


@pytest_twisted.ensureDeferred
async def test_the_file_is_stored_at_its_layout_path_with_its_digest(pipeline, tmp_path):
    file = ToFetch(IMAGE, FOLDER + "aapl-20250329_g1.jpg")
    response = Response(file.sec_url, status=200, body=IMAGE_BYTES)
    result = await on_reactor(
        pipeline.store(item(file), file, ArtifactOutcome(IMAGE, file.sec_url), response)
    )
    assert result.storage_path == "NASDAQ/aapl/2025/0000320193-25-000057_aapl-20250329_g1.jpg"
    assert (
        result.sha256
        == result.source_sha256
        == LocalStorage(tmp_path / "filings").digest(result.storage_path)
    )
    assert result.size == len(IMAGE_BYTES)


@pytest_twisted.ensureDeferred
async def test_a_store_that_fails_leaves_the_file_queued(tmp_path):
    (tmp_path / "filings").write_text("a file where the store's folder should be")
    pipeline = DownloadsPipeline.from_crawler(unit_crawler(STORAGE_ROOT=str(tmp_path / "filings")))
    file = ToFetch(IMAGE, FOLDER + "aapl-20250329_g1.jpg")
    response = Response(file.sec_url, status=200, body=IMAGE_BYTES)
    result = await on_reactor(
        pipeline.store(item(file), file, ArtifactOutcome(IMAGE, file.sec_url), response)
    )
    assert result.attempted is False
    assert pipeline.stats.get_value("storage/errors") == 1


@pytest_twisted.ensureDeferred
async def test_nothing_is_sent_once_the_crawl_has_stopped(pipeline):
    # No running engine: the crawl is closing. What was not fetched stays queued as it was.
    file = ToFetch(IMAGE, FOLDER + "aapl-20250329_g1.jpg")
    documents = await on_reactor(pipeline.process_item(item(file)))
    assert documents.outcomes == [ArtifactOutcome(IMAGE, file.sec_url, attempted=False)]


def test_the_file_name_is_the_last_segment_of_its_url():
    assert file_name(FOLDER + "aapl-20250329_g1.jpg") == "aapl-20250329_g1.jpg"
    assert file_name(FOLDER + "a%20b.jpg") == "a b.jpg"
