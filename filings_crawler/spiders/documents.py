"""`scrapy crawl documents`: fetches the queued documents of discovered filings, in the fewest requests.

What is due comes from the database (extensions/dataset.py): pending artifacts, and failed ones
under ARTIFACT_RETRY_MAX whose back-off has passed. How a filing's documents are fetched (SEC's
`-xbrl.zip`, or file by file) is spiders/documents_fetch.py and sec/plans.py.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Any

import scrapy
from scrapy.crawler import Crawler

from filings_crawler.accounting import WorkAccount, documents_account
from filings_crawler.budget.shared import DOCUMENTS
from filings_crawler.extensions.dataset import LEASE_BATCH
from filings_crawler.extensions.progress import WorkProgress
from filings_crawler.sec.exchanges import TARGET_EXCHANGES
from filings_crawler.spiders import arguments
from filings_crawler.spiders.base import EdgarSpider
from filings_crawler.spiders.sweep import LeaseRefill


class DocumentsSpider(EdgarSpider):
    """Arguments: `exchange=NYSE[,...]`, `cik=320193,...`, `limit=N` (filings)."""

    name = "documents"
    fetches_documents = True
    budget_priority = DOCUMENTS
    leases: LeaseRefill | None = None

    def __init__(
        self,
        exchange: str | None = None,
        cik: str | None = None,
        limit: str | None = None,
        **kwargs: Any,
    ):
        super().__init__(exchange=exchange, cik=cik, limit=limit, **kwargs)
        self.exchanges = arguments.choices("exchange", exchange, TARGET_EXCHANGES)
        self.ciks = arguments.cik_list("cik", cik)
        self.limit = arguments.positive_int("limit", limit)

    @classmethod
    def from_crawler(cls, crawler: Crawler, *args: Any, **kwargs: Any) -> DocumentsSpider:
        spider: DocumentsSpider = super().from_crawler(crawler, *args, **kwargs)  # type: ignore[assignment]
        if spider.config.sec_budget_url:
            # Sharing the budget, the queue comes in leased batches: the next is leased while
            # this crawl still has work, so it never waits idle for it.
            spider.leases = LeaseRefill(
                crawler, spider.refill, spider.filings_in_flight, low=LEASE_BATCH // 2
            )
        return spider

    def filings_in_flight(self) -> int:
        """Filings asked for and not yet processed."""
        stats = self.crawler.stats
        assert stats is not None
        return len(self.fetch.fetching) - int(stats.get_value("documents/filings_processed", 0))

    async def start(self) -> AsyncIterator[Any]:
        work = await self.dataset.documents_due(self.exchanges, self.ciks, self.limit)
        self.logger.info("%d filings have documents to fetch", len(work))
        self.fetch.count("filings_queued", len(work))
        for filing in work:
            for request in self.fetch.requests(filing):
                yield request

    async def sweep(self) -> list[scrapy.Request]:
        """At the end, the documents still due: those a killed process left, and those that
        failed here and are due again."""
        return self.fetch.still_due(await self.dataset.documents_due(self.exchanges, self.ciks))

    async def refill(self) -> list[scrapy.Request]:
        """While it runs (sharing the budget): the next leased filings, none of them in flight."""
        return self.fetch.not_yet_asked(await self.dataset.documents_due(self.exchanges, self.ciks))

    async def reconcile(self) -> WorkAccount:
        """Every filing it asked for: its documents stored, failed, or still due."""
        tally = await self.dataset.documents_tally(accessions=sorted(self.fetch.fetching))
        return documents_account(tally, fetched=True)

    def work_progress(self) -> WorkProgress | None:
        """Filings processed, of those queued at the start (and leased or swept since)."""
        stats = self.crawler.stats
        assert stats is not None
        if stats.get_value("documents/filings_queued") is None:
            return None
        return self.fetch.work()
