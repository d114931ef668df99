"""A new symbol directory replaces `listings_ref` whole, and every company's exchange follows it."""

from __future__ import annotations

import logging
from typing import Any

from scrapy.crawler import Crawler

from filings_crawler.db.companies import ReferenceUpdate, replace_reference
from filings_crawler.extensions.dataset import dataset_of
from filings_crawler.items import ListingsSnapshot

logger = logging.getLogger(__name__)


class ListingsReferencePipeline:
    def __init__(self, crawler: Crawler):
        self.crawler = crawler

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> ListingsReferencePipeline:
        return cls(crawler)

    async def process_item(self, item: Any) -> Any:
        if isinstance(item, ListingsSnapshot):
            listings = [listing for file in item.files for listing in file.listings]
            # One transaction: readers see the old reference or the new one, never a mix.
            update = await dataset_of(self.crawler).write(replace_reference, listings)
            self.report(update, len(item.files))
        return item

    def report(self, update: ReferenceUpdate, files: int) -> None:
        logger.info("listings_ref replaced: %d listings from %d files", update.listings, files)
        logger.info(
            "Enriched companies: %d changed exchange; by exchange: %s",
            update.changed,
            ", ".join(f"{exchange} {count}" for exchange, count in update.by_exchange.items()),
            extra={"companies_by_exchange": update.by_exchange},
        )
        stats = self.crawler.stats
        assert stats is not None
        stats.set_value("listings_ref/rows", update.listings)
        stats.set_value("enrich/changed", update.changed)
        for exchange, count in update.by_exchange.items():
            stats.set_value(f"enrich/companies/{exchange}", count)
