"""The HTTP download handler that holds every request until its source's budget lets it start."""

from __future__ import annotations

from collections.abc import Hashable

from scrapy import Request
from scrapy.core.downloader.handlers.http11 import HTTP11DownloadHandler
from scrapy.crawler import Crawler
from scrapy.http import Response
from scrapy.utils.defer import maybe_deferred_to_future
from twisted.internet.defer import Deferred
from twisted.internet.interfaces import IStreamClientEndpoint
from twisted.internet.task import deferLater
from twisted.web._newclient import HTTP11ClientProtocol
from twisted.web.client import HTTPConnectionPool

from filings_crawler.budget.limiter import SlidingWindowLimiter
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
        from twisted.internet import reactor  # noqa: PLC0415 - the installed one, at call time

        pool = _SendTimingPool(reactor, persistent=True)
        pool.maxPersistentPerHost = self._pool.maxPersistentPerHost
        pool._factory = self._pool._factory  # Scrapy's lenient response parser
        # Twisted re-sends a GET by itself when a kept-alive connection turns out to be closed,
        # a few milliseconds later and outside any budget (one faulted run drew 30 over-limit
        # answers that way). Without it the failure reaches Scrapy's RetryMiddleware, whose
        # retry comes back through here.
        pool.retryAutomatically = False
        self._pool = self._timing_pool = pool
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
            request.meta["budget_sent_at"] = limiter.last_send
            # Kept current, not only at close: the run's audit may read the stats first.
            self.budget.record_limiter_stats()
            # Scrapy's agent asks the pool for a connection before its first await.
            self._timing_pool.next_send = (limiter, limiter.last_send)
        try:
            return await super().download_request(request)
        finally:
            self._timing_pool.next_send = None


class _SendTimingPool(HTTPConnectionPool):
    """Tells the limiter when a budgeted request actually goes out on its connection.

    A request is written once its connection is ready, which for a new connection (resolve,
    connect, TLS) can be long after the limiter let it go; and the bytes leave in the reactor's
    next I/O pass, which a busy reactor reaches late. Two reactor turns after the connection is
    handed over they have left, and the limiter counts the send from then.
    """

    next_send: tuple[SlidingWindowLimiter, float | None] | None = None

    def getConnection(  # Twisted's name
        self, key: Hashable, endpoint: IStreamClientEndpoint
    ) -> Deferred[HTTP11ClientProtocol]:
        connection = super().getConnection(key, endpoint)
        if self.next_send is not None:
            limiter, sent_at = self.next_send
            self.next_send = None
            if sent_at is not None:
                connection.addCallback(self._count_from_write, limiter, sent_at)
        return connection

    def _count_from_write(
        self, protocol: HTTP11ClientProtocol, limiter: SlidingWindowLimiter, sent_at: float
    ) -> HTTP11ClientProtocol:
        self._reactor.callLater(0, self._reactor.callLater, 0, limiter.sent_later, sent_at)
        return protocol
