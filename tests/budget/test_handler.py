"""The handler's gate: a permit is taken with the connection in hand, and counts when bytes leave."""

from __future__ import annotations

from typing import Any, cast
from urllib.parse import urlsplit

import pytest
import pytest_twisted
from scrapy import Request
from twisted.internet.defer import Deferred
from twisted.internet.endpoints import TCP4ClientEndpoint
from twisted.internet.interfaces import IProtocolFactory, IStreamClientEndpoint
from twisted.internet.task import deferLater
from zope.interface import implementer

from filings_crawler.budget.handler import BudgetedHTTPDownloadHandler, _Gate, _GatedPool
from filings_crawler.budget.limiter import SlidingWindowLimiter
from tests.crawling import unit_crawler


@implementer(IStreamClientEndpoint)
class SlowToOpen:
    """A real TCP endpoint that takes `delay` seconds longer to connect (as DNS and TLS can)."""

    def __init__(self, reactor: Any, url: str, delay: float):
        parts = urlsplit(url)
        assert parts.hostname is not None
        assert parts.port is not None
        self.reactor = reactor
        self.inner = TCP4ClientEndpoint(reactor, parts.hostname, parts.port)
        self.delay = delay

    def connect(self, factory: IProtocolFactory) -> Deferred[Any]:
        return deferLater(self.reactor, self.delay, self.inner.connect, factory)


def slow_endpoint(mirror_url: str, delay: float) -> IStreamClientEndpoint:
    from twisted.internet import reactor

    return cast(IStreamClientEndpoint, SlowToOpen(reactor, mirror_url, delay))  # zope, to mypy


@pytest_twisted.ensureDeferred
async def test_the_permit_waits_for_the_connection_and_counts_when_the_bytes_leave(mirror_url):
    from twisted.internet import reactor

    limiter = SlidingWindowLimiter(10, margin=0.0)
    pool = _GatedPool(reactor, persistent=False)
    request = Request(f"{mirror_url}/data.sec.gov/submissions/CIK0000320193.json")
    pool.next_gate = _Gate(limiter, request, lambda: False)
    asked = limiter.clock()
    connecting = pool.getConnection("mirror", slow_endpoint(mirror_url, 0.3))
    assert pool.next_gate is None  # one gate, one connection
    # While it connects, others go: the window is not held for a connection not yet there.
    others = 0
    while not connecting.called:
        await deferLater(reactor, limiter.wait_time())
        if not connecting.called:
            limiter.confirm(limiter.acquire().token)
            others += 1
    assert others >= 4
    protocol = await connecting
    try:
        # The permit was taken once the connection was in hand, and is not counted yet.
        assert request.meta["budget_sent_at"] - asked >= 0.3
        assert limiter.unconfirmed == 1
        assert limiter.wait_time() > 0  # an unconfirmed send holds everyone else
        protocol.transport.write(b"GET /www.sec.gov/ HTTP/1.1\r\nHost: mirror\r\n\r\n")
        await deferLater(reactor, 0.05)  # the reactor's next pass writes the bytes
        assert limiter.unconfirmed == 0
        assert limiter.last_send is not None
        assert limiter.last_send >= request.meta["budget_sent_at"]
    finally:
        protocol.transport.loseConnection()


@pytest_twisted.ensureDeferred
async def test_a_connection_is_given_up_rather_than_held_through_a_pause(mirror_url):
    from twisted.internet import reactor

    from filings_crawler.budget.handler import _WindowMoved

    limiter = SlidingWindowLimiter(10, margin=0.0)
    pool = _GatedPool(reactor, persistent=False)
    request = Request(f"{mirror_url}/data.sec.gov/submissions/CIK0000320193.json")
    pool.next_gate = gate = _Gate(limiter, request, lambda: False)
    connecting = pool.getConnection("mirror", slow_endpoint(mirror_url, 0.1))
    limiter.pause(30)  # SEC blocked the crawl while the connection was being opened
    with pytest.raises(_WindowMoved):
        await connecting
    assert gate.permit is None
    assert limiter.total_sends == 0


def test_the_connection_pool_never_resends_by_itself():
    # Twisted's pool would re-send a GET on a reset kept-alive connection outside the budget;
    # the project's handler turns that off so Scrapy's retry (through the budget) does it.
    handler = BudgetedHTTPDownloadHandler(unit_crawler())
    assert handler._pool.retryAutomatically is False
