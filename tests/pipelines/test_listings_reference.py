"""A new symbol directory replaces `listings_ref` whole, and the companies' exchanges follow."""

from __future__ import annotations

from datetime import datetime

import pytest_twisted
from sqlalchemy import text

from filings_crawler.items import Listing, ListingsSnapshot, SymbolDirectoryFile
from filings_crawler.pipelines.listings_reference import ListingsReferencePipeline
from filings_crawler.sec.listings import EASTERN
from tests.crawling import on_reactor, unit_crawler
from tests.spiders.test_documents import add_company

CREATED = datetime(2025, 7, 21, 21, 31, tzinfo=EASTERN)


def listing(symbol: str, exchange: str) -> Listing:
    return Listing(symbol, f"{symbol} Inc.", exchange, False, False, "otherlisted.txt", CREATED)


@pytest_twisted.ensureDeferred
async def test_the_reference_is_replaced_and_every_company_enriched(engine, database_url):
    add_company(engine, 320193, "AAPL", exchange="UNKNOWN")
    add_company(engine, 21344, "KO", exchange="NASDAQ")  # stale: the reference says NYSE
    with engine.begin() as conn:
        conn.execute(
            text(
                "INSERT INTO listings_ref (symbol, security_name, listing_exchange, is_etf, "
                "is_test_issue, source_file, file_created_at) VALUES ('OLD', 'Old', 'NYSE', "
                "false, false, 'otherlisted.txt', now())"
            )
        )
    crawler = unit_crawler(DATABASE_URL=database_url)
    pipeline = ListingsReferencePipeline.from_crawler(crawler)
    snapshot = ListingsSnapshot(
        [
            SymbolDirectoryFile(
                "x.txt", CREATED, b"", [listing("AAPL", "NASDAQ"), listing("KO", "NYSE")]
            )
        ]
    )
    await on_reactor(pipeline.process_item(snapshot))
    with engine.connect() as conn:
        symbols = conn.execute(text("SELECT symbol FROM listings_ref ORDER BY 1")).scalars().all()
        exchanges = dict(conn.execute(text("SELECT cik, exchange FROM companies")).all())
    assert symbols == ["AAPL", "KO"]
    assert exchanges == {320193: "NASDAQ", 21344: "NYSE"}
    assert crawler.stats is not None
    assert crawler.stats.get_value("listings_ref/rows") == 2
    assert crawler.stats.get_value("enrich/changed") == 2
