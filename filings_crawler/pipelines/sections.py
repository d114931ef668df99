"""Each stored 10-K and 10-Q's Items, into `sections` as soon as its documents are recorded.

After the database pipeline (the primary document's artifact is recorded by then); reading and
splitting run in a thread (filings_crawler/sections.py), never on the reactor. A filing that
cannot be split is recorded with the reason; the crawl goes on.
"""

from __future__ import annotations

import time
from typing import Any

from scrapy.crawler import Crawler

from filings_crawler.config import crawler_config
from filings_crawler.extensions.dataset import dataset_of
from filings_crawler.items import FilingDocuments
from filings_crawler.sections import record_sections_of
from filings_crawler.storage import storage_from_config
from filings_crawler.storage.backends import Storage
from filings_crawler.threads import in_thread


class SectionsPipeline:
    def __init__(self, crawler: Crawler, storage: Storage):
        self.crawler = crawler
        self.storage = storage

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> SectionsPipeline:
        return cls(crawler, storage_from_config(crawler_config(crawler)))

    async def process_item(self, item: Any) -> Any:
        if not isinstance(item, FilingDocuments) or item.fetch_path is None:
            return item
        started = time.monotonic()
        engine = dataset_of(self.crawler).engine
        result = await in_thread(
            record_sections_of, engine, self.storage, item.place.accession_number
        )
        assert self.crawler.stats is not None
        stats = self.crawler.stats
        stats.inc_value("sections/milliseconds", round(1000 * (time.monotonic() - started)))
        if isinstance(result, int):
            stats.inc_value("sections/filings_split")
            stats.inc_value("sections/items_found", result)
        elif isinstance(result, str):
            stats.inc_value("sections/filings_refused")
        return item
