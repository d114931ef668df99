"""The HTTP download handler that holds every request until its source's budget lets it start."""

from __future__ import annotations

from scrapy import Request
from scrapy.core.downloader.handlers.http11 import HTTP11DownloadHandler
from scrapy.crawler import Crawler
from scrapy.http import Response
from scrapy.utils.defer import maybe_deferred_to_future
from twisted.internet.task import deferLater

from filings_crawler.budget.middleware import BudgetExhausted, SecBudgetMiddleware

# Waiting requests look up at least this often, so a crawl that is told to stop does not sit out
# a 10-minute block pause first.
_MAX_NAP = 1.0


class BudgetedHTTPDownloadHandler(HTTP11DownloadHandler):
    """Scrapy's HTTP/1.1 handler, with the request budget applied at the moment a request starts.

    The slot's queue is the wrong place for the limit: a request let through there can still
    wait for a free connection and then leave in a burst with others. Here nothing is between
    the budget and the wire but the connection pool.
    """

    def __init__(self, crawler: Crawler):
        super().__init__(crawler)
        # Twisted re-sends a GET by itself when a kept-alive connection turns out to be closed,
        # a few milliseconds later and outside any budget (one faulted run drew 30 over-limit
        # answers that way). Without it the failure reaches Scrapy's RetryMiddleware, whose
        # retry comes back through here.
        self._pool.retryAutomatically = False
        self._budget: SecBudgetMiddleware | None = None

    @property
    def budget(self) -> SecBudgetMiddleware:
        # Looked up on first use: handlers are built before the downloader's middlewares exist.
        if self._budget is None:
            self._budget = self._crawler.get_downloader_middleware(SecBudgetMiddleware)
            if self._budget is None:
                raise RuntimeError(
                    "BudgetedHTTPDownloadHandler needs SecBudgetMiddleware in DOWNLOADER_MIDDLEWARES"
                )
        return self._budget

    async def download_request(self, request: Request) -> Response:
        from twisted.internet import reactor  # noqa: PLC0415 - the installed one, at call time

        limiter = self.budget.limiter_for(request)
        if limiter is not None:
            while (wait := limiter.wait_time()) > 0:
                if self.budget.should_stop_waiting():
                    raise BudgetExhausted(f"crawl stopping; not sent: {request.url}")
                await maybe_deferred_to_future(deferLater(reactor, min(wait, _MAX_NAP)))
            if limiter.record_send():
                request.meta["budget_probe"] = True
            request.meta["budget_sent_at"] = limiter.clock()
        return await super().download_request(request)
