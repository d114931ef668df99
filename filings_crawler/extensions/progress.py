"""A progress line every PROGRESS_INTERVAL seconds for long crawls, kept in execution_runs too."""

from __future__ import annotations

import logging
import time
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from scrapy import Spider, signals
from scrapy.crawler import Crawler
from scrapy.exceptions import NotConfigured
from scrapy.utils.defer import deferred_from_coro
from twisted.internet.task import LoopingCall

from filings_crawler.config import crawler_config
from filings_crawler.extensions.dataset import dataset_of
from filings_crawler.text import duration

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class WorkProgress:
    """How far a crawl is in its work, as its spider says (`work_progress()`).

    Two kinds of work: the companies it reads (each a submissions file and its pages) and the
    filings whose documents it fetches, which the companies read so far have brought. Requests
    are what the estimate prices both in: what the work done cost, per company and per filing.
    """

    companies_done: int = 0
    companies_total: int = 0
    filings_done: int = 0  # filings whose documents went through the pipelines
    filings_known: int = 0  # filings whose documents were asked for (or are queued to be)
    filing_requests: int = 0  # requests the filings done took (the rest read companies)


def requests_left(work: WorkProgress, requests: int) -> float | None:
    """The requests the rest of the work will take, at what each kind cost so far: the filings
    known and not done, the companies left, and the filings those will bring (as many each as
    the companies read so far). None until each kind left has had a price."""
    company_requests = max(requests - work.filing_requests, 0)
    companies_left = max(work.companies_total - work.companies_done, 0)
    filings_left = float(max(work.filings_known - work.filings_done, 0))
    left = 0.0
    if companies_left:
        if not work.companies_done:
            return None
        left += companies_left * company_requests / work.companies_done
        filings_left += companies_left * work.filings_known / work.companies_done
    if filings_left:
        if not work.filings_done:
            return None
        left += filings_left * work.filing_requests / work.filings_done
    return left


class Progress:
    """Items, requests/s, what is left and an estimate of the time it takes, once a minute.

    What is left counts all of a crawl's work (companies, their pages, every filing's documents)
    in requests, the unit SEC's budget paces, so the estimate holds in the documents stage as
    in discovery: the requests left over the crawl's mean rate so far. (Counted in companies,
    a backfill said 100% once the submissions files were read, with nearly all of its requests,
    the documents', still to come.)
    """

    def __init__(self, crawler: Crawler, interval: float):
        self.crawler = crawler
        self.interval = interval
        self.started = time.monotonic()
        self.last_time = self.started
        self.last_requests = 0
        # LoopingCall waits for a Deferred, not a coroutine: a slow database delays the next
        # report instead of piling them up.
        self.task = LoopingCall(lambda: deferred_from_coro(self.report()))

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> Progress:
        interval = crawler_config(crawler).progress_interval
        if interval <= 0:
            raise NotConfigured("PROGRESS_INTERVAL <= 0")
        extension = cls(crawler, interval)
        crawler.signals.connect(extension.spider_opened, signal=signals.spider_opened)
        crawler.signals.connect(extension.spider_closed, signal=signals.spider_closed)
        return extension

    def spider_opened(self, spider: Spider) -> None:
        self.task.start(self.interval, now=False)

    def spider_closed(self, spider: Spider) -> None:
        if self.task.running:
            self.task.stop()

    def snapshot(self) -> dict[str, Any]:
        stats = self.crawler.stats
        assert stats is not None
        now = time.monotonic()
        requests = int(stats.get_value("downloader/request_count", 0))
        rate = (requests - self.last_requests) / max(now - self.last_time, 1e-9)
        self.last_time, self.last_requests = now, requests
        elapsed = now - self.started
        progress: dict[str, Any] = {
            "updated_at": datetime.now(UTC).isoformat(timespec="seconds"),
            "elapsed_seconds": round(elapsed),
            "items": int(stats.get_value("item_scraped_count", 0)),
            "requests": requests,
            "requests_per_second": round(rate, 2),
        }
        report = getattr(self.crawler.spider, "work_progress", None)
        work = report() if callable(report) else None
        if work is not None:
            progress.update(
                companies=[work.companies_done, work.companies_total],
                filings=[work.filings_done, work.filings_known],
                filings_pending=max(work.filings_known - work.filings_done, 0),
            )
            left = requests_left(work, requests)
            if left is not None:
                total = requests + left
                progress.update(done=requests, total=round(total), pending=round(left))
                if requests and elapsed > 0:
                    progress["eta_seconds"] = round(left * elapsed / requests)
        return progress

    async def report(self) -> None:
        progress = self.snapshot()
        logger.info(
            "Progress: %s, %s items, %.2f requests/s, about %s requests left, %s to go",
            describe_work(progress),
            progress["items"],
            progress["requests_per_second"],
            progress.get("pending", "?"),
            duration(progress.get("eta_seconds")),
            extra={"progress": progress},
        )
        await dataset_of(self.crawler).record_in_run({"progress": progress})


def describe_work(progress: dict[str, Any]) -> str:
    """`companies 7 of 7, filings 12 of 80, 25% of about 5,000 requests` (what is known)."""
    parts = []
    if (companies := progress.get("companies")) and companies[1]:
        parts.append(f"companies {companies[0]:,} of {companies[1]:,}")
    if (filings := progress.get("filings")) and filings[1]:
        parts.append(f"filings {filings[0]:,} of {filings[1]:,} known")
    if progress.get("total"):
        share = 100 * progress["done"] / progress["total"]
        parts.append(f"{share:.0f}% of about {progress['total']:,} requests")
    return ", ".join(parts) or "no work counted yet"
