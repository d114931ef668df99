"""Upserts records into PostgreSQL in batches, in a worker thread, so the crawl never waits on it."""

from __future__ import annotations

import logging
from collections.abc import Callable, Sequence
from typing import Any

from scrapy.crawler import Crawler
from sqlalchemy import Connection

from filings_crawler.db.companies import upsert_companies
from filings_crawler.db.engine import engine_from_settings
from filings_crawler.items import Company
from filings_crawler.threads import in_thread

logger = logging.getLogger(__name__)

# Each record type and the function that upserts a batch of it.
WRITERS: dict[type, tuple[str, Callable[[Connection, Sequence[Any]], int]]] = {
    Company: ("companies", upsert_companies),
}


class DatabasePipeline:
    """Buffers records by type and writes each buffer in one transaction when it is full.

    A batch is written before the item that filled it is passed on, and every buffer is written
    when the spider closes, so a finished crawl has stored everything it yielded.
    """

    def __init__(self, crawler: Crawler, batch_size: int):
        self.crawler = crawler
        self.batch_size = batch_size
        self.buffers: dict[type, list[Any]] = {}

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> DatabasePipeline:
        return cls(crawler, crawler.settings.getint("DATABASE_BATCH_SIZE", 500))

    async def process_item(self, item: Any) -> Any:
        kind = type(item)
        if kind not in WRITERS:
            return item
        buffer = self.buffers.setdefault(kind, [])
        buffer.append(item)
        if len(buffer) >= self.batch_size:
            await self.flush(kind)
        return item

    async def close_spider(self) -> None:
        for kind in list(self.buffers):
            await self.flush(kind)

    async def flush(self, kind: type) -> None:
        batch = self.buffers.pop(kind, [])
        if not batch:
            return
        table, writer = WRITERS[kind]
        changed = await in_thread(self._write, writer, batch)
        stats = self.crawler.stats
        assert stats is not None
        stats.inc_value(f"database/{table}/upserted", len(batch))
        stats.inc_value(f"database/{table}/changed", changed)

    def _write(self, writer: Callable[[Connection, Sequence[Any]], int], batch: list[Any]) -> int:
        with engine_from_settings(self.crawler.settings).begin() as conn:
            return writer(conn, batch)
