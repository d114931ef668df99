"""Stores a listings snapshot: the raw files under LISTINGS_REF_DIR, then `listings_ref` replaced whole."""

from __future__ import annotations

import logging
from pathlib import Path
from typing import Any

from scrapy.crawler import Crawler

from filings_crawler.db.companies import count_by_exchange, enrich_exchanges
from filings_crawler.db.engine import engine_from_settings
from filings_crawler.db.listings import replace_listings
from filings_crawler.items import ListingsSnapshot, SymbolDirectoryFile
from filings_crawler.storage.atomic import write_atomically
from filings_crawler.threads import in_thread

logger = logging.getLogger(__name__)


def raw_file_name(file: SymbolDirectoryFile) -> str:
    """`nasdaqlisted-2025-07-21T2131.txt`: the file's own creation time, so each version is kept once."""
    stem, _, suffix = file.source_file.rpartition(".")
    return f"{stem}-{file.file_created_at:%Y-%m-%dT%H%M}.{suffix}"


class ListingsRefPipeline:
    def __init__(self, crawler: Crawler, raw_dir: Path):
        self.crawler = crawler
        self.raw_dir = raw_dir

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> ListingsRefPipeline:
        return cls(crawler, Path(crawler.settings.get("LISTINGS_REF_DIR", "data/listings_ref")))

    async def process_item(self, item: Any) -> Any:
        if isinstance(item, ListingsSnapshot):
            await in_thread(self.store, item)
        return item

    def store(self, snapshot: ListingsSnapshot) -> None:
        for file in snapshot.files:
            write_atomically(self.raw_dir / raw_file_name(file), file.body)
        listings = [listing for file in snapshot.files for listing in file.listings]
        engine = engine_from_settings(self.crawler.settings)
        # One transaction: readers see the old reference or the new one, never a mix or nothing.
        with engine.begin() as conn:
            replaced = replace_listings(conn, listings)
        logger.info(
            "listings_ref replaced: %d listings from %d files", replaced, len(snapshot.files)
        )
        # The enrichment follows every new reference, as `scrapy enrich` would.
        with engine.begin() as conn:
            changed = enrich_exchanges(conn)
            counts = count_by_exchange(conn)
        logger.info(
            "Enriched companies: %d changed exchange; by exchange: %s",
            changed,
            ", ".join(f"{exchange} {count}" for exchange, count in counts.items()),
            extra={"companies_by_exchange": counts},
        )
        stats = self.crawler.stats
        assert stats is not None
        stats.set_value("listings_ref/rows", replaced)
        stats.set_value("enrich/changed", changed)
        for exchange, count in counts.items():
            stats.set_value(f"enrich/companies/{exchange}", count)
