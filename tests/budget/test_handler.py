"""The download handler's connection pool: a budgeted send counts from when it really goes out."""

from __future__ import annotations

from typing import Any, cast
from urllib.parse import urlsplit

import pytest
import pytest_twisted
from twisted.internet.defer import Deferred
from twisted.internet.endpoints import TCP4ClientEndpoint
from twisted.internet.interfaces import IProtocolFactory, IStreamClientEndpoint
from twisted.internet.task import deferLater
from zope.interface import implementer

from filings_crawler.budget.handler import _SendTimingPool
from filings_crawler.budget.limiter import SlidingWindowLimiter


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


@pytest_twisted.ensureDeferred
async def test_a_send_waiting_for_its_connection_counts_from_when_the_connection_is_ready(
    mirror_url: str,
):
    from twisted.internet import reactor

    limiter = SlidingWindowLimiter(10, margin=0.0)
    limiter.record_send()
    first = limiter.last_send
    assert first is not None
    pool = _SendTimingPool(reactor, persistent=False)
    pool.next_send = (limiter, first)
    slow = cast(IStreamClientEndpoint, SlowToOpen(reactor, mirror_url, 0.3))  # zope, to mypy
    connecting = pool.getConnection("mirror", slow)
    assert pool.next_send is None  # one send, one connection
    later_sends = []
    for _ in range(9):  # nine more, 50 ms apart, on connections already open
        await deferLater(reactor, limiter.wait_time())
        limiter.record_send()
        later_sends.append(limiter.last_send)
    protocol = await connecting
    try:
        await deferLater(reactor, 0.05)  # the reactor turns after which the request has left
        # The first request left only after the fifth: the oldest of the ten is now the second,
        # and the eleventh waits for a second after it, not after the first's recorded time.
        now = limiter.clock()
        assert limiter.wait_time() == pytest.approx(later_sends[0] + 1.0 - now, abs=0.002)
        assert later_sends[0] - first > 0.04
    finally:
        protocol.transport.loseConnection()
