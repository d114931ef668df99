"""`scrapy crawl incremental`: the last days' filings from EDGAR's daily index, then their documents.

One request per quarter folder (its `index.json` says which days were published) and one per
business day (that day's index lists every company's filings), instead of one per company. Only
the companies with an in-scope filing in those days then have their submissions JSON read, for
the filings' metadata and primary documents; documents already queued or failed under the retry
cap are fetched too. Meant for a weekly timer; safe to run daily: every write is an upsert.
"""

from __future__ import annotations

import statistics
from collections.abc import AsyncIterator, Iterator
from datetime import datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import scrapy
from scrapy.http import Response
from sqlalchemy import func, select
from twisted.python.failure import Failure

from filings_crawler.budget.sec_budget import BudgetExhausted
from filings_crawler.db.engine import engine_from_settings
from filings_crawler.db.runs import merge_metadata
from filings_crawler.db.tables import artifacts, filings
from filings_crawler.sec.daily_index import (
    daily_index_days,
    parse_daily_index,
    quarter_folders,
)
from filings_crawler.sec.errors import FormatError
from filings_crawler.sec.submissions import PageRef, Submissions
from filings_crawler.spiders import arguments
from filings_crawler.spiders.backfill import BackfillSpider
from filings_crawler.spiders.documents import failure_reason
from filings_crawler.threads import in_thread

# EDGAR's days are New York's: a filing accepted at 5 pm ET is in that day's index.
EDGAR_TIME = ZoneInfo("America/New_York")


class IncrementalSpider(BackfillSpider):
    """Arguments: `days=N` (default INCREMENTAL_LOOKBACK_DAYS), `until=YYYY-MM-DD` (default today
    in New York), `exchange=`, `cik=` (to narrow the companies), `download=no`."""

    name = "incremental"
    stats_prefix = "incremental"

    def __init__(self, days: str | None = None, until: str | None = None, **kwargs: Any):
        super().__init__(**kwargs)
        self.arguments.update({k: v for k, v in (("days", days), ("until", until)) if v})
        self.days = arguments.positive_int("days", days)
        self.until = arguments.iso_date("until", until) or datetime.now(EDGAR_TIME).date()
        self.found: dict[int, set[str]] = {}
        self.index_requests_pending = 0
        self.only_accessions = set()

    async def start(self) -> AsyncIterator[Any]:
        await in_thread(self.begin_run)
        targets = await in_thread(self.targets)
        self.companies = {target.cik: target for target in targets}
        if self.download:
            self.work, self.known = await in_thread(self.document_state, list(self.companies))
            # What earlier runs queued, or saw fail under the retry cap, goes first.
            for work in list(self.work.values()):
                for request_or_item in self.documents_requests(work):
                    yield request_or_item
            self.count("documents_requeued", len(self.work))
            self.work.clear()
        first_day = self.until - timedelta(
            days=(self.days or self.config.incremental_lookback_days) - 1
        )
        self.first_day = first_day
        self.logger.info(
            "Daily index from %s to %s for %d targeted companies",
            first_day,
            self.until,
            len(self.companies),
        )
        for year, quarter in quarter_folders(first_day, self.until):
            self.index_requests_pending += 1
            # Never filtered: a resumed run reads the index again (a few requests) to know
            # which filings it is about.
            yield scrapy.Request(
                self.urls.daily_index_folder(year, quarter) + "index.json",
                callback=self.parse_quarter,
                errback=self.index_failed,
                dont_filter=True,
            )

    def parse_quarter(self, response: Response) -> Iterator[Any]:
        self.index_requests_pending -= 1
        try:
            days = daily_index_days(response.body, response.url)
        except FormatError as error:
            self.report_index_problem(str(error))
            days = {}
        folder = response.url.rsplit("/", 1)[0] + "/"
        for day, name in sorted(days.items()):
            if self.first_day <= day <= self.until:
                self.index_requests_pending += 1
                self.count("days_read")
                yield scrapy.Request(
                    folder + name,
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
            self.report_index_problem(str(error))
            entries = []
        config = self.config
        for entry in entries:
            if (
                entry.cik in self.companies
                and entry.form in config.filing_forms
                and config.filings_start_date <= entry.date_filed <= config.filings_end_date
            ):
                self.found.setdefault(entry.cik, set()).add(entry.accession_number)
        yield from self.after_index()

    def index_failed(self, failure: Failure) -> Iterator[Any]:
        if failure.check(BudgetExhausted):
            return
        self.index_requests_pending -= 1
        request = failure.request  # type: ignore[attr-defined]
        self.report_index_problem(f"{request.url}: {failure_reason(failure)}")
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

    def sweep_companies(self) -> list[int]:
        # Only once the index is read does the run know its companies.
        return [] if self.index_requests_pending else sorted(self.found)

    def pages_wanted(self, submissions: Submissions) -> list[PageRef]:
        # A filing of the last days is always among the recent ones.
        return []

    def progress_counts(self) -> tuple[int, int] | None:
        return (self.companies_done, len(self.found)) if self.found else None

    def report_index_problem(self, problem: str) -> None:
        self.count("errors/daily_index")
        self.logger.error("Daily index: %s", problem)

    async def closed(self, reason: str) -> None:
        """What this run found, stored and failed, and how long filings took to reach storage."""
        if not self.only_accessions:
            return
        summary = await in_thread(self.summary, sorted(self.only_accessions))
        stats = self.crawler.stats
        assert stats is not None
        for key, value in summary.items():
            stats.set_value(f"incremental/{key}", value)
        # Also straight into the run's row: the audit may have read the stats already.
        if (run_id := stats.get_value("execution_run_id")) is not None:
            await in_thread(
                merge_metadata,
                engine_from_settings(self.settings),
                run_id,
                {"incremental": summary},
            )
        missing = summary["filings_found"] - summary["filings_recorded"]
        if missing:
            self.logger.warning(
                "%d filings listed by the daily index are not in their company's submissions "
                "JSON yet; the next run picks them up",
                missing,
            )

    def summary(self, accessions: list[str]) -> dict[str, Any]:
        with engine_from_settings(self.settings).connect() as conn:
            rows = conn.execute(
                select(
                    filings.c.accession_number,
                    filings.c.acceptance_datetime,
                    func.max(artifacts.c.downloaded_at).label("stored_at"),
                    func.count().filter(artifacts.c.status == "failed").label("failed"),
                    func.count().filter(artifacts.c.status != "downloaded").label("not_stored"),
                    func.count(artifacts.c.id).label("artifacts"),
                )
                .select_from(filings.outerjoin(artifacts))
                .where(filings.c.accession_number.in_(accessions))
                .group_by(filings.c.id)
            ).all()
        complete = [r for r in rows if r.artifacts and not r.not_stored]
        lags = [
            (r.stored_at - r.acceptance_datetime).total_seconds() / 3600
            for r in complete
            if r.stored_at and r.acceptance_datetime
        ]
        return {
            "filings_found": len(accessions),
            "filings_recorded": len(rows),
            "filings_stored": len(complete),
            "filings_with_failures": sum(1 for r in rows if r.failed),
            "lag_hours_median": round(statistics.median(lags), 2) if lags else None,
            "lag_hours_max": round(max(lags), 2) if lags else None,
        }
