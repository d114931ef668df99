"""Upserts records into PostgreSQL in batches, in a worker thread, so the crawl never waits on it."""

from __future__ import annotations

import logging
import time
from collections.abc import Callable, Sequence
from functools import partial
from typing import Any

from scrapy.crawler import Crawler
from scrapy.utils.defer import deferred_from_coro, maybe_deferred_to_future
from sqlalchemy import Connection
from sqlalchemy.exc import OperationalError, SQLAlchemyError
from twisted.internet.defer import DeferredLock
from twisted.internet.task import LoopingCall

from filings_crawler.config import crawler_config
from filings_crawler.db.companies import upsert_companies, upsert_profiles
from filings_crawler.db.documents import record_documents
from filings_crawler.db.filings import upsert_filing_batches
from filings_crawler.db.past_listings import record_checks
from filings_crawler.extensions.dataset import dataset_of
from filings_crawler.items import (
    Company,
    CompanyProfile,
    FilingBatch,
    FilingDocuments,
    PastListingCheck,
)
from filings_crawler.stopping import stop_crawl
from filings_crawler.threads import in_thread

logger = logging.getLogger(__name__)

Writer = Callable[[Connection, Sequence[Any]], int]


def writers(max_attempts: int) -> dict[type, tuple[str, Writer]]:
    """Each record type and the function that upserts a batch of it, in dependency order: a
    batch is written only after the buffers of the types before it (documents need their
    filing's row)."""
    return {
        Company: ("companies", upsert_companies),
        # Before profiles and filings: a confirmed past listing makes its company's row.
        PastListingCheck: ("past_listings", record_checks),
        CompanyProfile: ("company_profiles", upsert_profiles),
        FilingBatch: ("filings", upsert_filing_batches),
        FilingDocuments: ("documents", partial(record_documents, max_attempts=max_attempts)),
    }


# Written as soon as they come: a filing's documents are on disk by then, and a crawl killed
# outright (SIGKILL) must not leave stored files unrecorded, to be downloaded again.
WRITE_AT_ONCE = frozenset({FilingDocuments})

# Seconds to wait before each new attempt when the server cannot be reached (a restart, a
# failover): about half a minute in all before the crawl gives up and stops.
RECONNECT_DELAYS = (1.0, 2.0, 4.0, 8.0, 16.0)


class DatabaseUnavailable(Exception):
    """A batch could not be written; the crawl stops rather than go on without storing."""


class DatabasePipeline:
    """Buffers records by type and writes each buffer in one transaction when it is full.

    A batch is written before the item that filled it is passed on, and every buffer is written
    when the spider closes, so a finished crawl has stored everything it yielded. A write that
    fails because the server is away is tried again; one that still fails, or fails for any
    other reason, stops the crawl (close reason `database_error`) and fails the run: nothing is
    silently dropped, and what was not stored is found again by the next run.
    """

    def __init__(self, crawler: Crawler, batch_size: int, flush_seconds: float, max_attempts: int):
        self.crawler = crawler
        self.writers = writers(max_attempts)
        self.batch_size = batch_size
        self.flush_seconds = flush_seconds
        self.buffers: dict[type, list[Any]] = {}
        self.first_buffered: dict[type, float] = {}
        self.lock = DeferredLock()
        # A buffer also goes out when it is this old, so a crawl killed outright (SIGKILL)
        # loses at most a few seconds of records, and their work is redone by the next run.
        self.timer = LoopingCall(lambda: deferred_from_coro(self.flush_stale()))

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> DatabasePipeline:
        config = crawler_config(crawler)
        return cls(
            crawler,
            config.database_batch_size,
            config.database_flush_seconds,
            config.artifact_retry_max,
        )

    def open_spider(self) -> None:
        self.timer.start(self.flush_seconds, now=False)
        # The end-of-crawl sweep asks the database what is left: everything yielded first.
        dataset_of(self.crawler).on_flush(self.flush_all)

    async def process_item(self, item: Any) -> Any:
        kind = type(item)
        if kind not in self.writers:
            return item
        if kind not in self.buffers:
            self.first_buffered[kind] = time.monotonic()
        buffer = self.buffers.setdefault(kind, [])
        buffer.append(item)
        if len(buffer) >= (1 if kind in WRITE_AT_ONCE else self.batch_size):
            await self.flush(kind)
        return item

    async def flush_stale(self) -> None:
        now = time.monotonic()
        for kind in list(self.buffers):
            if now - self.first_buffered.get(kind, now) >= self.flush_seconds:
                await self.flush(kind)

    async def close_spider(self) -> None:
        if self.timer.running:
            self.timer.stop()
        await self.flush_all()

    async def flush_all(self) -> None:
        """Write every buffer now."""
        for kind in self.writers:
            await self.flush(kind)

    async def flush(self, kind: type) -> None:
        # One flush at a time: a batch of documents must not be written while the batch of
        # the filings it refers to is still on its way. The buffers of `kind` and of every type
        # before it are taken at once, before any write: a record arriving while they are
        # written (a company's row, then its filings) waits for the next flush with its kin.
        await maybe_deferred_to_future(self.lock.acquire())
        try:
            taken = []
            for earlier in self.writers:
                taken.append((earlier, self.take(earlier)))
                if earlier is kind:
                    break
            for earlier, batch in taken:
                await self.write_batch(earlier, batch)
        finally:
            self.lock.release()

    def take(self, kind: type) -> list[Any]:
        self.first_buffered.pop(kind, None)
        return self.buffers.pop(kind, [])

    async def write_batch(self, kind: type, batch: list[Any]) -> None:
        if not batch:
            return
        table, writer = self.writers[kind]
        stats = self.crawler.stats
        assert stats is not None
        try:
            changed = await in_thread(self._write, table, writer, batch)
        except DatabaseUnavailable as error:
            stats.inc_value("database/write_errors")
            stats.inc_value(f"database/{table}/lost_in_failed_batches", sum(map(rows_of, batch)))
            stop_crawl(self.crawler, "database_error", str(error))
            return
        stats.inc_value(f"database/{table}/upserted", sum(map(rows_of, batch)))
        stats.inc_value(f"database/{table}/changed", changed)

    def _write(self, table: str, writer: Writer, batch: list[Any]) -> int:
        dataset = dataset_of(self.crawler)
        for attempt, delay in enumerate((*RECONNECT_DELAYS, None), start=1):
            try:
                return dataset.write_now(writer, batch)
            except OperationalError as error:
                if delay is None:
                    raise DatabaseUnavailable(
                        f"could not write {len(batch)} {table} rows after {attempt} attempts: "
                        f"{_first_line(error)}"
                    ) from error
                logger.warning(
                    "Database unavailable writing %s (attempt %d): %s; retrying in %.0f s",
                    table,
                    attempt,
                    _first_line(error),
                    delay,
                )
                time.sleep(delay)
            except SQLAlchemyError as error:
                # Refused by the server (a constraint), or a statement that could not be sent:
                # either way the batch is not stored, and the crawl must not go on as if it were.
                raise DatabaseUnavailable(
                    f"could not write {len(batch)} {table} rows: {_first_line(error)}"
                ) from error
        raise AssertionError("unreachable")


def rows_of(record: Any) -> int:
    """Rows a record writes: a batch of filings counts each filing."""
    return len(record.filings) if isinstance(record, FilingBatch) else 1


def _first_line(error: SQLAlchemyError) -> str:
    return str(getattr(error, "orig", None) or error).strip().splitlines()[0]
