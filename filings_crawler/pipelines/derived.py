"""Each output derived from a stored filing (filings_crawler/derived.py), as the filing is stored.

After the database pipeline: the filing's artifacts are recorded by then, so the derivation's
query knows its files; their bytes come from the item in hand (`FilingDocuments.bodies`), not from
the store. The reading runs in a thread, so a 10-K's half second of parsing never holds the
reactor or the SEC budget. A filing that cannot be read is recorded with the reason; the crawl
goes on. Stats per output: `NAME/filings_read`, `NAME/rows_recorded`, `NAME/filings_refused`,
`NAME/milliseconds` (time in the thread), `NAME/store_reads` (files the item did not carry).
"""

from __future__ import annotations

import time
from typing import Any, ClassVar

from scrapy.crawler import Crawler
from sqlalchemy import Engine

from filings_crawler.config import crawler_config
from filings_crawler.derived import Derivation, InHandFiles, derive_accession
from filings_crawler.extensions.dataset import dataset_of
from filings_crawler.items import FilingDocuments
from filings_crawler.storage import storage_from_config
from filings_crawler.storage.backends import Storage
from filings_crawler.threads import in_thread


class DerivedPipeline:
    derivation: ClassVar[Derivation[Any, Any]]

    def __init__(self, crawler: Crawler, storage: Storage):
        self.crawler = crawler
        self.storage = storage
        assert crawler.stats is not None
        self.stats = crawler.stats

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> DerivedPipeline:
        return cls(crawler, storage_from_config(crawler_config(crawler)))

    async def process_item(self, item: Any) -> Any:
        # A retry of single files (no fetch path) leaves the filing's outputs as they are.
        if isinstance(item, FilingDocuments) and item.fetch_path is not None:
            engine = dataset_of(self.crawler).engine
            files = InHandFiles(item.bodies, self.storage)
            accession = item.place.accession_number
            result, seconds = await in_thread(self.timed, engine, accession, files)
            name = self.derivation.name
            self.stats.inc_value(f"{name}/milliseconds", round(1000 * seconds))
            self.stats.inc_value(f"{name}/store_reads", files.store_reads)
            if isinstance(result, int):
                self.stats.inc_value(f"{name}/filings_read")
                self.stats.inc_value(f"{name}/rows_recorded", result)
            elif isinstance(result, str):
                self.stats.inc_value(f"{name}/filings_refused")
        return item

    def timed(
        self, engine: Engine, accession: str, files: InHandFiles
    ) -> tuple[int | str | None, float]:
        started = time.monotonic()
        result = derive_accession(engine, self.derivation, accession, files)
        return result, time.monotonic() - started


class ReleaseBodiesPipeline:
    """Last: the item lets go of the stored bytes it carried for the derived outputs, so they
    leave memory now and the feed exports (which serialize every field) never see them."""

    def process_item(self, item: Any) -> Any:
        if isinstance(item, FilingDocuments):
            item.bodies = {}
        return item
