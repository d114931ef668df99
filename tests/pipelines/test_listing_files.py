"""The raw symbol directory files, kept once per version under LISTINGS_REF_DIR."""

from __future__ import annotations

from datetime import datetime

import pytest_twisted

from filings_crawler.items import ListingsSnapshot, SymbolDirectoryFile
from filings_crawler.pipelines.listing_files import ListingFilesPipeline, raw_file_name
from filings_crawler.sec.listings import EASTERN
from tests.crawling import on_reactor, unit_crawler

CREATED = datetime(2025, 7, 21, 21, 31, tzinfo=EASTERN)


def test_a_file_is_named_by_its_own_creation_time():
    file = SymbolDirectoryFile("nasdaqlisted.txt", CREATED, b"", [])
    assert raw_file_name(file) == "nasdaqlisted-2025-07-21T2131.txt"


@pytest_twisted.ensureDeferred
async def test_each_file_is_kept_as_downloaded(tmp_path):
    pipeline = ListingFilesPipeline.from_crawler(
        unit_crawler(LISTINGS_REF_DIR=str(tmp_path / "raw"))
    )
    files = [
        SymbolDirectoryFile("nasdaqlisted.txt", CREATED, b"Symbol|...\n", []),
        SymbolDirectoryFile("otherlisted.txt", CREATED, b"ACT Symbol|...\n", []),
    ]
    await on_reactor(pipeline.process_item(ListingsSnapshot(files)))
    assert sorted(p.name for p in (tmp_path / "raw").iterdir()) == [
        "nasdaqlisted-2025-07-21T2131.txt",
        "otherlisted-2025-07-21T2131.txt",
    ]
    assert (tmp_path / "raw" / "otherlisted-2025-07-21T2131.txt").read_bytes() == (
        b"ACT Symbol|...\n"
    )
