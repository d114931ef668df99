"""A progress line every PROGRESS_INTERVAL seconds for long crawls, kept in execution_runs too."""

from __future__ import annotations

import logging
import time
from datetime import UTC, datetime
from typing import Any

from scrapy import Spider, signals
from scrapy.crawler import Crawler
from scrapy.exceptions import NotConfigured
from scrapy.utils.defer import deferred_from_coro
from twisted.internet.task import LoopingCall

from filings_crawler.extensions.dataset import dataset_of

logger = logging.getLogger(__name__)


class Progress:
    """Items, requests/s, what is left and an estimate of the time it takes, once a minute.

    A spider says how far it is with `progress_counts()` -> (done, total) in its own unit
    (companies for the backfill, filings for the documents crawl); the estimate divides what is
    left by the rate that unit was done at since the crawl began.
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
        interval = crawler.settings.getfloat("PROGRESS_INTERVAL")
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
        counts = getattr(self.crawler.spider, "progress_counts", None)
        if callable(counts) and (done_total := counts()) is not None:
            done, total = done_total
            progress.update(done=done, total=total, pending=max(total - done, 0))
            if done > 0 and total > done:
                progress["eta_seconds"] = round((total - done) * elapsed / done)
        return progress

    async def report(self) -> None:
        progress = self.snapshot()
        logger.info(
            "Progress: %s items, %.2f requests/s, %s left, about %s to go",
            progress["items"],
            progress["requests_per_second"],
            progress.get("pending", "?"),
            _duration(progress.get("eta_seconds")),
            extra={"progress": progress},
        )
        await dataset_of(self.crawler).record_in_run({"progress": progress})


def _duration(seconds: float | None) -> str:
    if seconds is None:
        return "an unknown time"
    minutes, _ = divmod(int(seconds), 60)
    hours, minutes = divmod(minutes, 60)
    return f"{hours} h {minutes:02d} min" if hours else f"{minutes} min"
