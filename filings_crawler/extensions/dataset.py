"""The database, for a crawl: what the dataset holds and what is still to do, asked off the reactor.

The one way a crawl's components reach PostgreSQL (as kingfisher-collect's database extension
is): built from the crawler's configuration, reached through the crawler
(`crawler.get_extension(Dataset)`), and opened when the spider opens. Every call runs in a
thread, so no query ever blocks the reactor; the queries themselves live in db/.

It also knows when this run began. A resumed run (the same JOBDIR after a stop or a kill)
keeps the first start, from JOBDIR/run.json, written at once: Scrapy's spider.state is only
written when a crawl closes, which a killed one never does. "Done in this run" (a company
discovered, a document stored) is measured from it.
"""

from __future__ import annotations

import json
import logging
import os
import socket
import uuid
from collections.abc import Awaitable, Callable, Sequence
from datetime import datetime
from pathlib import Path
from typing import Any, TypeVar

from scrapy import signals
from scrapy.crawler import Crawler
from scrapy.utils.defer import deferred_from_coro
from scrapy.utils.job import job_dir
from sqlalchemy import Connection, Engine
from twisted.internet.task import LoopingCall

from filings_crawler.accounting import DocumentsTally
from filings_crawler.config import DatabaseTarget, crawler_config
from filings_crawler.db import runs
from filings_crawler.db.companies import database_now, load_targets, unchecked_since
from filings_crawler.db.documents import documents_tally, known_accessions, load_document_work
from filings_crawler.db.engine import get_engine
from filings_crawler.db.incremental import filings_summary
from filings_crawler.db.leases import lease_document_work, release_leases, renew_leases
from filings_crawler.db.past_listings import past_listing_scope
from filings_crawler.sec.exchanges import TARGET_EXCHANGES
from filings_crawler.storage.atomic import write_atomically
from filings_crawler.threads import in_thread
from filings_crawler.work import DocumentWork, PastListingScope, Target

logger = logging.getLogger(__name__)

# In JOBDIR: when the run began, for a resumed run's "done in this run".
RUN_FILE = "run.json"
# Sharing SEC's budget, documents work is leased (db/leases.py): this many filings at a time,
# for this long, renewed every third of it while the crawl runs.
LEASE_BATCH = 20
LEASE_SECONDS = 600.0

T = TypeVar("T")


class Dataset:
    def __init__(
        self,
        crawler: Crawler,
        database: DatabaseTarget,
        *,
        max_attempts: int,
        leases: bool = False,
    ):
        self.crawler = crawler
        self.database = database
        self.max_attempts = max_attempts
        # Who holds this crawl's leases, when documents work is leased (a shared budget).
        self.lease_owner = (
            f"{socket.gethostname()}:{os.getpid()}:{uuid.uuid4().hex[:8]}" if leases else None
        )
        self.renewal = LoopingCall(lambda: deferred_from_coro(self._renew()))
        jobdir = job_dir(crawler.settings)
        self.run_file = Path(jobdir) / RUN_FILE if jobdir else None
        # Set when the spider opens.
        self.run_started_at: datetime | None = None
        self.resuming = False
        # What writes records still held in memory (the database pipeline's buffers).
        self._flushers: list[Callable[[], Awaitable[None]]] = []

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> Dataset:
        config = crawler_config(crawler)
        dataset = cls(
            crawler,
            config.database,
            max_attempts=config.artifact_retry_max,
            leases=bool(config.sec_budget_url),
        )
        crawler.signals.connect(dataset.spider_opened, signal=signals.spider_opened)
        crawler.signals.connect(dataset.spider_closed, signal=signals.spider_closed)
        return dataset

    @property
    def engine(self) -> Engine:
        """The connection pool, made when first used: `scrapy crawl` has checked the database
        before the crawl, and a crawler built only to look at its parts needs none."""
        return get_engine(self.database)

    async def spider_opened(self) -> None:
        self.run_started_at, self.resuming = await in_thread(self._begin_run)
        if self.resuming:
            logger.info("Resuming the run that began at %s", self.run_started_at)
        if self.lease_owner is not None:
            self.renewal.start(LEASE_SECONDS / 3, now=False)

    async def spider_closed(self) -> None:
        if self.renewal.running:
            self.renewal.stop()
        if self.lease_owner is not None:
            released = await self.write(release_leases, self.lease_owner)
            if released:
                logger.info("Gave back %d leased filings not finished", released)

    async def _renew(self) -> None:
        assert self.lease_owner is not None
        try:
            await self.write(renew_leases, self.lease_owner, LEASE_SECONDS)
        except Exception as error:
            logger.warning("Could not renew this crawl's leases: %s", error)

    def _begin_run(self) -> tuple[datetime, bool]:
        if self.run_file is not None and self.run_file.is_file():
            started = json.loads(self.run_file.read_text())["run_started_at"]
            return datetime.fromisoformat(started), True
        with self.engine.connect() as conn:
            started_at = database_now(conn)
        if self.run_file is not None:
            payload = {"run_started_at": started_at.isoformat()}
            write_atomically(self.run_file, json.dumps(payload).encode())
        return started_at, False

    # -- records not written yet ----------------------------------------------------------------

    def on_flush(self, flusher: Callable[[], Awaitable[None]]) -> None:
        """`flusher()` writes records a component holds in memory (the database pipeline)."""
        self._flushers.append(flusher)

    async def flush(self) -> None:
        """Write every record the crawl holds in memory, so the database says all it did.

        Asked before the end-of-crawl sweep: a filing recorded a second ago and still in the
        pipeline's buffer is not due yet to a query, and the crawl would close without its
        documents (seen: an incremental crawl sharing the budget).
        """
        for flusher in self._flushers:
            await flusher()

    # -- running queries ------------------------------------------------------------------------

    async def read(self, query: Callable[..., T], *args: Any, **kwargs: Any) -> T:
        """`query(conn, *args, **kwargs)` on a connection, in a thread."""
        return await in_thread(self._read, query, *args, **kwargs)

    async def write(self, statement: Callable[..., T], *args: Any, **kwargs: Any) -> T:
        """`statement(conn, *args, **kwargs)` in a transaction, in a thread."""
        return await in_thread(self.write_now, statement, *args, **kwargs)

    def _read(self, query: Callable[..., T], *args: Any, **kwargs: Any) -> T:
        with self.engine.connect() as conn:
            return query(conn, *args, **kwargs)

    def write_now(self, statement: Callable[..., T], *args: Any, **kwargs: Any) -> T:
        """As `write`, from a thread already (the database pipeline's writer retries it)."""
        with self.engine.begin() as conn:
            return statement(conn, *args, **kwargs)

    # -- what the spiders ask -------------------------------------------------------------------

    async def targets(
        self,
        exchanges: Sequence[str] | None = None,
        ciks: Sequence[int] | None = None,
        limit: int | None = None,
    ) -> list[Target]:
        """The targeted companies (listed on a target exchange), in CIK order."""
        return await self.read(
            load_targets, exchanges=exchanges or TARGET_EXCHANGES, ciks=ciks, limit=limit
        )

    async def undiscovered(self, ciks: Sequence[int]) -> list[int]:
        """Of these companies, those this run has not recorded the discovery of."""
        assert self.run_started_at is not None
        return await self.read(unchecked_since, ciks, self.run_started_at)

    async def documents_due(
        self,
        exchanges: Sequence[str] | None = None,
        ciks: Sequence[int] | None = None,
        limit: int | None = None,
    ) -> list[DocumentWork]:
        """Filings with files to fetch now: queued, or failed under the cap past their back-off.

        Sharing SEC's budget, a batch of them leased to this crawl (no other crawl gets them)."""
        if self.lease_owner is not None:
            return await self.write(
                lease_document_work,
                owner=self.lease_owner,
                seconds=LEASE_SECONDS,
                batch=min(limit or LEASE_BATCH, LEASE_BATCH),
                max_attempts=self.max_attempts,
                exchanges=exchanges or TARGET_EXCHANGES,
                ciks=ciks,
            )
        return await self.read(
            load_document_work,
            max_attempts=self.max_attempts,
            exchanges=exchanges or TARGET_EXCHANGES,
            ciks=ciks,
            limit=limit,
        )

    async def documents_tally(
        self, *, ciks: Sequence[int] | None = None, accessions: Sequence[str] | None = None
    ) -> DocumentsTally:
        """Where the documents of these companies' filings (or these filings) stand now."""
        return await self.read(
            documents_tally,
            max_attempts=self.max_attempts,
            ciks=ciks,
            accessions=accessions,
            lease_owner=self.lease_owner,
        )

    async def filings_known(self, ciks: Sequence[int]) -> tuple[dict[str, DocumentWork], set[str]]:
        """For these companies: filings with files to fetch, and every filing already known."""
        return await self.read(self._filings_known, ciks)

    def _filings_known(
        self, conn: Connection, ciks: Sequence[int]
    ) -> tuple[dict[str, DocumentWork], set[str]]:
        work = load_document_work(conn, max_attempts=self.max_attempts, ciks=ciks)
        return {w.place.accession_number: w for w in work}, known_accessions(conn, ciks)

    async def past_listing_scope(self) -> PastListingScope:
        """Who the past_listings crawl leaves out, and today's tickers of the others."""
        return await self.read(past_listing_scope)

    async def filings_summary(self, accessions: Sequence[str]) -> dict[str, Any]:
        """What became of these filings: recorded, stored, failed, and their lag to storage."""
        return await self.read(filings_summary, accessions)

    async def record_in_run(self, entries: dict[str, Any]) -> None:
        """Add `entries` to this run's row in execution_runs (its progress, a summary)."""
        assert self.crawler.stats is not None
        run_id = self.crawler.stats.get_value("execution_run_id")
        if run_id is not None:
            await self.write(runs.merge_metadata, run_id, entries)


def dataset_of(crawler: Crawler) -> Dataset:
    """The crawler's dataset extension (every crawl of the project has one)."""
    dataset = crawler.get_extension(Dataset)
    if dataset is None:
        raise RuntimeError("the filings_crawler Dataset extension is not enabled (EXTENSIONS)")
    return dataset
