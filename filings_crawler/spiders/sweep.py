"""The end-of-crawl sweep: before a crawl closes, what the database says this run has not done.

Work that was in flight when a process was killed is known to the database only: the requests
died with the process, and its JOBDIR may not know them either. So when a crawl runs out of
requests, it asks the database once more (off the reactor) and sends what comes back; it closes
only when a sweep finds nothing left.
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable

import scrapy
from scrapy import signals
from scrapy.crawler import Crawler
from scrapy.exceptions import DontCloseSpider
from scrapy.utils.defer import deferred_from_coro
from twisted.internet.task import LoopingCall
from twisted.python.failure import Failure

from filings_crawler.extensions.dataset import dataset_of
from filings_crawler.stopping import running_engine

logger = logging.getLogger(__name__)

# How often the sweeps of one crawl ask again for the same work (a company, a filing) that the
# database still says is to do. Once is what it takes when a killed process lost the request or
# a failure's back-off has passed; work that a second ask leaves undone is reported by the
# crawl's reconciliation (accounting.py), not asked for in a loop.
MAX_SWEEPS = 2


class IdleSweep:
    """Keeps a crawl open while `sweep()` looks for work, and sends what it finds."""

    def __init__(self, crawler: Crawler, sweep: Callable[[], Awaitable[list[scrapy.Request]]]):
        self.crawler = crawler
        self.sweep = sweep
        self.running = False
        self.found_nothing = False
        crawler.signals.connect(self.spider_idle, signal=signals.spider_idle)

    def spider_idle(self) -> None:
        if self.found_nothing:
            return  # the last sweep found nothing, and nothing came since: the crawl may close
        if not self.running:
            self.running = True
            deferred_from_coro(self._sweep()).addErrback(self._failed)
        raise DontCloseSpider

    async def _sweep(self) -> None:
        try:
            # What the crawl yielded is recorded first: the database must say all it did.
            await dataset_of(self.crawler).flush()
            requests = await self.sweep()
        finally:
            self.running = False
        engine = running_engine(self.crawler)
        if not requests or engine is None:
            self.found_nothing = True
            return
        logger.info("End-of-crawl sweep: %d requests for work not done yet", len(requests))
        assert self.crawler.stats is not None
        self.crawler.stats.inc_value("sweep/requests", len(requests))
        for request in requests:
            engine.crawl(request)

    def _failed(self, failure: Failure) -> None:
        # A sweep that cannot reach the database leaves the work to the next run; the crawl
        # must still be able to close.
        logger.error("End-of-crawl sweep failed: %s", failure.getErrorMessage())
        self.found_nothing = True


class LeaseRefill:
    """Sharing SEC's budget, keeps a crawl supplied with leased work before it runs dry.

    Leases come in small batches (extensions/dataset.py), so several crawls split the queue;
    waiting for the crawl to go idle to lease the next one would leave its share of the budget
    unused for seconds each time (Scrapy looks for idleness every 5 s). So once a second this
    looks at the filings in flight and, below `low`, leases the next batch (off the reactor).
    """

    def __init__(
        self,
        crawler: Crawler,
        refill: Callable[[], Awaitable[list[scrapy.Request]]],
        in_flight: Callable[[], int],
        low: int,
    ):
        self.crawler = crawler
        self.refill = refill
        self.in_flight = in_flight
        self.low = low
        self.running = False
        self.loop = LoopingCall(self.tick)
        crawler.signals.connect(self.spider_opened, signal=signals.spider_opened)
        crawler.signals.connect(self.spider_closed, signal=signals.spider_closed)

    def spider_opened(self) -> None:
        self.loop.start(1.0, now=False)

    def spider_closed(self) -> None:
        if self.loop.running:
            self.loop.stop()

    def tick(self) -> None:
        if self.running or self.in_flight() >= self.low:
            return
        self.running = True
        deferred_from_coro(self._refill()).addErrback(self._failed)

    async def _refill(self) -> None:
        try:
            requests = await self.refill()
        finally:
            self.running = False
        engine = running_engine(self.crawler)
        if engine is None:
            return
        for request in requests:
            engine.crawl(request)

    def _failed(self, failure: Failure) -> None:
        # The idle sweep asks again; nothing is lost but a little time.
        logger.warning("Leasing more documents work failed: %s", failure.getErrorMessage())
