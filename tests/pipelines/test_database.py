"""The database pipeline: batches written in a thread, everything flushed, failures stop the crawl."""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Any

import pytest_twisted
import scrapy
from sqlalchemy import text

from filings_crawler.items import Company, FilingBatch
from tests.crawling import crawl, project_settings
from tests.records import filing


class YieldingSpider(scrapy.Spider):
    """Yields the records it is given, as a spider would from its responses."""

    name = "records"

    def __init__(self, records: list[Any], **kwargs: Any):
        super().__init__(**kwargs)
        self.records = records

    async def start(self) -> AsyncIterator[Any]:
        for record in self.records:
            yield record


@pytest_twisted.ensureDeferred
async def test_every_record_is_written_in_batches(engine, database_url, mirror_url, tmp_path):
    records = [
        Company(cik=n, name=f"Company {n}", tickers=[f"T{n}"], primary_ticker=f"T{n}")
        for n in range(1, 1251)
    ]
    settings = project_settings(database_url, mirror_url, tmp_path, DATABASE_BATCH_SIZE=500)
    crawler = await crawl(settings, YieldingSpider, records=records)
    with engine.connect() as conn:
        assert conn.execute(text("SELECT count(*) FROM companies")).scalar() == 1250
        status = conn.execute(text("SELECT status FROM execution_runs")).scalar()
    assert status == "succeeded"
    assert crawler.stats is not None
    assert crawler.stats.get_value("database/companies/upserted") == 1250


@pytest_twisted.ensureDeferred
async def test_a_batch_the_database_refuses_stops_the_crawl_and_fails_the_run(
    engine, database_url, mirror_url, tmp_path
):
    # A filing of a company that is not in `companies`: the foreign key refuses the batch.
    orphan = filing(9, "0000000009-24-000001", queued=False)
    settings = project_settings(database_url, mirror_url, tmp_path)
    crawler = await crawl(settings, YieldingSpider, records=[FilingBatch(9, [orphan])])
    assert crawler.stats is not None
    assert crawler.stats.get_value("database/write_errors") == 1
    with engine.connect() as conn:
        status = conn.execute(text("SELECT status FROM execution_runs")).scalar()
        assert conn.execute(text("SELECT count(*) FROM filings")).scalar() == 0
    assert status == "failed"
