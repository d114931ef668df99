"""Each filing's XBRL facts, into `facts` as soon as its documents are stored and recorded.

After the database pipeline (the filing's artifacts are recorded by then, so the stored instance
or inline document is known); the reading and parsing run in a thread (filings_crawler/facts.py),
so a 10-K's half second of parsing never holds the reactor or the SEC budget. A filing whose
XBRL cannot be read is recorded with the reason; the crawl goes on.
"""

from __future__ import annotations

import time
from typing import Any

from scrapy.crawler import Crawler
from sqlalchemy import Engine

from filings_crawler.config import crawler_config
from filings_crawler.extensions.dataset import dataset_of
from filings_crawler.facts import record_facts_of
from filings_crawler.items import FilingDocuments
from filings_crawler.storage import storage_from_config
from filings_crawler.storage.backends import Storage
from filings_crawler.threads import in_thread


class FactsPipeline:
    def __init__(self, crawler: Crawler, storage: Storage):
        self.crawler = crawler
        self.storage = storage
        assert crawler.stats is not None
        self.stats = crawler.stats

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> FactsPipeline:
        return cls(crawler, storage_from_config(crawler_config(crawler)))

    async def process_item(self, item: Any) -> Any:
        if isinstance(item, FilingDocuments) and item.fetch_path is not None:
            engine = dataset_of(self.crawler).engine
            accession = item.place.accession_number
            result, seconds = await in_thread(self.timed, engine, accession)
            # Time in the thread (reading, parsing, writing), not waiting for one: the step's cost.
            self.stats.inc_value("facts/milliseconds", round(1000 * seconds))
            if isinstance(result, int):
                self.stats.inc_value("facts/filings_read")
                self.stats.inc_value("facts/facts_recorded", result)
            elif isinstance(result, str):
                self.stats.inc_value("facts/filings_refused")
        return item

    def timed(self, engine: Engine, accession: str) -> tuple[int | str | None, float]:
        started = time.monotonic()
        result = record_facts_of(engine, self.storage, accession)
        return result, time.monotonic() - started
