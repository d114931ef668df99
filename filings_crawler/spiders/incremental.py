"""`scrapy crawl incremental`: the last days' filings from EDGAR's daily index, then their documents.

One request per quarter folder (its `index.json` says which days were published) and one per
business day (that day's index lists every company's filings), instead of one per company. Only
the companies with an in-scope filing in those days then have their submissions JSON read, for
the filings' metadata and primary documents; documents already queued or failed under the retry
cap are fetched too. Meant for a weekly timer; safe to run daily: every write is an upsert.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator
from datetime import datetime, timedelta
from typing import Any

import scrapy
from scrapy.http import Response
from twisted.python.failure import Failure

from filings_crawler.accounting import Outstanding, WorkAccount, examples
from filings_crawler.budget.sec_budget import BudgetExhausted
from filings_crawler.budget.shared import URGENT
from filings_crawler.failures import failure_reason, is_lasting
from filings_crawler.sec.daily_index import (
    daily_index_days,
    parse_daily_index,
    quarter_folders,
    select_entries,
)
from filings_crawler.sec.errors import FormatError
from filings_crawler.sec.exchanges import TARGET_EXCHANGES
from filings_crawler.sec.values import NEW_YORK
from filings_crawler.spiders import arguments
from filings_crawler.spiders.discovery import DiscoverySpider


class IncrementalSpider(DiscoverySpider):
    """Arguments: `days=N` (default INCREMENTAL_LOOKBACK_DAYS), `until=YYYY-MM-DD` (default today
    in New York), `exchange=`, `cik=` (to narrow the companies), `download=no`."""

    name = "incremental"
    # New filings first: served before the other crawls sharing the budget.
    budget_priority = URGENT
    # A filing of the last days is always among a company's recent ones.
    reads_pages = False

    def __init__(
        self,
        days: str | None = None,
        until: str | None = None,
        exchange: str | None = None,
        cik: str | None = None,
        download: str | None = None,
        **kwargs: Any,
    ):
        super().__init__(
            days=days, until=until, exchange=exchange, cik=cik, download=download, **kwargs
        )
        self.days = arguments.positive_int("days", days)
        # EDGAR's days are New York's: a filing accepted at 5 pm ET is in that day's index.
        self.until = arguments.iso_date("until", until) or datetime.now(NEW_YORK).date()
        self.exchanges = arguments.choices("exchange", exchange, TARGET_EXCHANGES)
        self.ciks = arguments.cik_list("cik", cik)
        self.download = arguments.yes_no("download", download, default=True)
        self.found: dict[int, set[str]] = {}
        self.index_requests_pending = 0
        self.only_accessions = set()
        # Index files that did not answer for now (their filings are not known: the next run
        # reads them again), and those SEC refused for good, with the reasons.
        self.index_left: list[str] = []
        self.index_failed_for_good: list[str] = []

    async def start(self) -> AsyncIterator[Any]:
        targets = await self.dataset.targets(self.exchanges, self.ciks)
        self.companies = {target.cik: target for target in targets}
        await self.know_documents()
        # What earlier runs queued, or saw fail under the retry cap, goes first.
        for work in list(self.fetch.due.values()):
            for request in self.fetch.requests(work):
                yield request
        self.count("documents_requeued", len(self.fetch.due))
        self.fetch.due.clear()
        days = self.days or self.config.incremental_lookback_days
        self.first_day = self.until - timedelta(days=days - 1)
        self.logger.info(
            "Daily index from %s to %s for %d targeted companies",
            self.first_day,
            self.until,
            len(self.companies),
        )
        for year, quarter in quarter_folders(self.first_day, self.until):
            self.index_requests_pending += 1
            # Never filtered: a resumed run reads the index again (a few requests) to know
            # which filings it is about.
            yield scrapy.Request(
                self.urls.daily_index_listing(year, quarter),
                callback=self.parse_quarter,
                errback=self.index_failed,
                cb_kwargs={"year": year, "quarter": quarter},
                dont_filter=True,
            )

    def parse_quarter(self, response: Response, year: int, quarter: int) -> Iterator[Any]:
        self.index_requests_pending -= 1
        try:
            days = daily_index_days(response.body, response.url)
        except FormatError as error:
            self.report_index_problem(str(error), lasting=True)
            days = {}
        for day, name in sorted(days.items()):
            if self.first_day <= day <= self.until:
                self.index_requests_pending += 1
                self.count("days_read")
                yield scrapy.Request(
                    self.urls.daily_index_file(year, quarter, name),
                    callback=self.parse_day,
                    errback=self.index_failed,
                    dont_filter=True,
                )
        yield from self.after_index()

    def parse_day(self, response: Response) -> Iterator[Any]:
        self.index_requests_pending -= 1
        try:
            entries = parse_daily_index(response.body, response.url)
        except FormatError as error:
            self.report_index_problem(str(error), lasting=True)
            entries = []
        config = self.config
        in_scope = select_entries(
            entries, config.filing_forms, config.filings_start_date, config.filings_end_date
        )
        for entry in in_scope:
            if entry.cik in self.companies:
                self.found.setdefault(entry.cik, set()).add(entry.accession_number)
        yield from self.after_index()

    def index_failed(self, failure: Failure) -> Iterator[Any]:
        if failure.check(BudgetExhausted):
            return
        self.index_requests_pending -= 1
        request = failure.request  # type: ignore[attr-defined]
        self.report_index_problem(
            f"{request.url}: {failure_reason(failure)}", lasting=is_lasting(failure)
        )
        yield from self.after_index()

    def after_index(self) -> Iterator[Any]:
        """Once every index file is read: the submissions of each company with new filings."""
        if self.index_requests_pending:
            return
        self.only_accessions = set().union(*self.found.values())
        self.count("filings_found", len(self.only_accessions))
        self.logger.info(
            "Daily index: %d in-scope filings of %d targeted companies",
            len(self.only_accessions),
            len(self.found),
        )
        for cik in sorted(self.found):
            yield self.submissions_request(cik)

    def documents_companies(self) -> list[int]:
        """Sharing the budget, the documents crawls fetch the queue; this, the days it read."""
        return sorted(self.found) if self.shares_budget else list(self.companies)

    def sweep_companies(self) -> list[int]:
        # Only once the index is read does the run know its companies.
        return [] if self.index_requests_pending else sorted(self.found)

    def report_index_problem(self, problem: str, *, lasting: bool) -> None:
        self.count("errors/daily_index")
        self.logger.error("Daily index: %s", problem)
        (self.index_failed_for_good if lasting else self.index_left).append(problem)

    async def reconcile(self) -> WorkAccount:
        """The index files read, the filings they named recorded, and, as for the backfill,
        their companies read and their documents stored (or failed, or still due)."""
        account = await super().reconcile()
        if self.index_failed_for_good:
            account.failed["index files"] = len(self.index_failed_for_good)
        if self.index_left:
            detail = examples(self.index_left)
            account.left.append(Outstanding("index files", len(self.index_left), detail))
        if self.only_accessions:
            summary = await self.dataset.filings_summary(sorted(self.only_accessions))
            if missing := summary["filings_found"] - summary["filings_recorded"]:
                detail = "the daily index lists them; the next run reads them again"
                account.left.append(Outstanding("filings", missing, detail))
        return account

    async def closed(self, reason: str) -> None:
        """What this run found, stored and failed, and how long filings took to reach storage."""
        if not self.only_accessions:
            return
        summary = await self.dataset.filings_summary(sorted(self.only_accessions))
        stats = self.crawler.stats
        assert stats is not None
        for key, value in summary.items():
            stats.set_value(f"incremental/{key}", value)
        # Also straight into the run's row: the audit may have read the stats already.
        await self.dataset.record_in_run({"incremental": summary})
