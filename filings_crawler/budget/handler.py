"""The HTTP download handler that takes each request's permit where its bytes are written.

The slot's queue is the wrong place for the limit: a request let through there can still wait
for a free connection, a TLS handshake or a busy reactor, and then leave in a bunch with others.
Here a budgeted request first waits until its source's window has room, then asks the pool for
a connection; once the connection is in hand it looks at the window again, takes the permit and
returns the connection to the agent, which writes the request in the same callback: nothing
can stand between the permit and the write. The send then counts from the moment its first
bytes were handed to the kernel (`_send_now_and_watch`), so a write the reactor got to late
delays the next request instead of crowding it.
"""

from __future__ import annotations

from collections.abc import Callable, Hashable
from typing import Any

from scrapy import Request
from scrapy.core.downloader.handlers.http11 import HTTP11DownloadHandler
from scrapy.crawler import Crawler
from scrapy.http import Response
from scrapy.utils.defer import maybe_deferred_to_future
from twisted.internet.defer import Deferred
from twisted.internet.interfaces import IStreamClientEndpoint
from twisted.internet.task import deferLater
from twisted.python.failure import Failure
from twisted.web._newclient import HTTP11ClientProtocol
from twisted.web.client import HTTPConnectionPool

from filings_crawler.budget.limiter import Permit, SlidingWindowLimiter
from filings_crawler.budget.sec_budget import BudgetExhausted, SecBudget

# Waiting requests look up at least this often, so a crawl that is told to stop does not sit out
# a 10-minute block pause first.
_MAX_NAP = 1.0
# A connection in hand is given up rather than held through a longer wait (a block's or a
# 429's pause): the request waits again without one, and takes a fresh one when it may go.
_HOLD_CONNECTION = 2.0
# How often to look whether a new TLS connection has finished its handshake.
_HANDSHAKE_POLL = 0.005


class _WindowMoved(Exception):
    """The window filled up while a connection was opened: wait again, without it."""


class BudgetedHTTPDownloadHandler(HTTP11DownloadHandler):
    """Scrapy's HTTP/1.1 handler, with each budgeted request's permit taken at the write."""

    def __init__(self, crawler: Crawler):
        super().__init__(crawler)
        from twisted.internet import reactor  # noqa: PLC0415 - the installed one, at call time

        pool = _GatedPool(reactor, persistent=True)
        pool.maxPersistentPerHost = self._pool.maxPersistentPerHost
        pool._factory = self._pool._factory  # Scrapy's lenient response parser
        # Twisted re-sends a GET by itself when a kept-alive connection turns out to be closed,
        # a few milliseconds later and outside any budget (one faulted run drew 30 over-limit
        # answers that way). Without it the failure reaches Scrapy's RetryMiddleware, whose
        # retry comes back through here.
        pool.retryAutomatically = False
        self._pool = self._gated_pool = pool
        self._budget: SecBudget | None = None

    @property
    def budget(self) -> SecBudget:
        # Looked up on first use: download handlers are built lazily, after the extensions.
        if self._budget is None:
            self._budget = self._crawler.get_extension(SecBudget)
            if self._budget is None:
                raise RuntimeError("BudgetedHTTPDownloadHandler needs the SecBudget extension")
        return self._budget

    async def download_request(self, request: Request) -> Response:
        limiter = self.budget.limiter_for(request)
        if limiter is None:
            return await super().download_request(request)
        while True:
            await self._wait_for_room(limiter, request)
            gate = _Gate(limiter, request, self.budget.should_stop_waiting, self.budget)
            # Scrapy's agent asks the pool for its connection before its first await.
            self._gated_pool.next_gate = gate
            try:
                return await super().download_request(request)
            except _WindowMoved:
                continue
            finally:
                self._gated_pool.next_gate = None
                gate.settle()

    async def _wait_for_room(self, limiter: SlidingWindowLimiter, request: Request) -> None:
        """Wait, holding no connection, until the window has room for one more request."""
        from twisted.internet import reactor  # noqa: PLC0415

        while (wait := limiter.wait_time()) > 0:
            if self.budget.should_stop_waiting():
                raise BudgetExhausted(f"crawl stopping; not sent: {request.url}")
            await maybe_deferred_to_future(deferLater(reactor, min(wait, _MAX_NAP)))


class _Gate:
    """One request's passage: the permit, taken with the connection in hand, and its send time."""

    def __init__(
        self,
        limiter: SlidingWindowLimiter,
        request: Request,
        stopping: Callable[[], bool],
        budget: SecBudget | None = None,
    ):
        self.limiter = limiter
        self.request = request
        self.stopping = stopping
        self.budget = budget
        # The window every crawl shares (SEC_BUDGET_URL), asked once the local one has room.
        self.shared = budget.shared_window(request) if budget is not None else None
        self.shared_permit: str | None = None
        self.settled = False
        self.permit: Permit | None = None

    def open(self, protocol: HTTP11ClientProtocol) -> HTTP11ClientProtocol | Deferred[Any]:
        """The connection is in hand: take the permit now, or once the window has room.

        Returning the protocol hands it to the agent, which writes the request at once, in
        the same callback chain.
        """

        wait = self.limiter.wait_time()
        if wait > 0 and self.stopping():
            _close(protocol)
            raise BudgetExhausted(f"crawl stopping; not sent: {self.request.url}")
        if wait > _HOLD_CONNECTION:
            # The connection would sit idle through a pause: give it up (nothing was sent on
            # it for this request) and wait again without one.
            _close(protocol)
            raise _WindowMoved
        if wait == 0 and not getattr(protocol.transport, "_handshakeDone", True):
            # A new TLS connection: its handshake messages are not the request, and the
            # request's bytes only leave after it, so the permit waits for it too.
            wait = _HANDSHAKE_POLL
        if wait > 0:
            return self._later(wait, protocol)
        if self.shared is not None and self.budget is not None:
            # Held here first, so this crawl's other requests wait for it without asking Redis;
            # then one round trip, and the request is written in its callback once granted.
            self.permit = self.limiter.acquire()
            asked = self.budget.ask_shared(self.shared)
            asked.addCallback(self._granted_or_later, protocol)
            asked.addErrback(self._release_and_fail, protocol)
            return asked
        return self._send(protocol)

    def _later(self, wait: float, protocol: HTTP11ClientProtocol) -> Deferred[Any]:
        from twisted.internet import reactor  # noqa: PLC0415

        later: Deferred[Any] = deferLater(reactor, wait, self.open, protocol)
        # Cancelled (the download timed out) or failed while waiting: the connection was
        # never used for this request, and nobody else will close it.
        later.addErrback(_close_and_fail, protocol)
        return later

    def _granted_or_later(
        self, answer: tuple[float, str | None], protocol: HTTP11ClientProtocol
    ) -> HTTP11ClientProtocol | Deferred[Any]:
        wait, permit = answer
        if permit is not None:
            self.shared_permit = permit
            return self._send(protocol)
        self._release()
        if wait > _HOLD_CONNECTION or self.stopping():
            _close(protocol)
            if self.stopping():
                raise BudgetExhausted(f"crawl stopping; not sent: {self.request.url}")
            raise _WindowMoved
        return self._later(wait, protocol)

    def _release(self) -> None:
        if self.permit is not None:
            self.limiter.release(self.permit)
            self.permit = None

    def _release_and_fail(self, failure: Failure, protocol: HTTP11ClientProtocol) -> Failure:
        self._release()
        return _close_and_fail(failure, protocol)

    def _send(self, protocol: HTTP11ClientProtocol) -> HTTP11ClientProtocol:
        """Take the local permit (unless held already) and hand the connection over: the
        agent writes at once."""
        limiter = self.limiter
        permit = self.permit = self.permit or limiter.acquire()
        self.request.meta["budget_sent_at"] = limiter.clock()
        if permit.probe:
            self.request.meta["budget_probe"] = True
        _send_now_and_watch(protocol, self._sent)
        return protocol

    def _sent(self) -> None:
        """The bytes left: the permits count from now, here and in the shared window."""
        assert self.permit is not None
        self.limiter.confirm(self.permit.token, self.limiter.clock())
        shared, permit = self.shared, self.shared_permit
        if shared is not None and permit is not None and self.budget and not self.settled:
            self.budget.confirm_shared(shared, permit)
        self.settled = True

    def settle(self) -> None:
        """After the exchange: a send whose bytes were never seen leaving counts from now."""
        if self.permit is not None and not self.settled:
            self._sent()


def _close(protocol: HTTP11ClientProtocol) -> None:
    transport: Any = protocol.transport
    if transport is not None:
        transport.loseConnection()


def _close_and_fail(failure: Failure, protocol: HTTP11ClientProtocol) -> Failure:
    _close(protocol)
    return failure


def _send_now_and_watch(protocol: HTTP11ClientProtocol, sent: Callable[[], None]) -> None:
    """Send the request's bytes as soon as they are written, and call `sent()` once they are.

    Left to itself the reactor sends a transport's buffer on its next pass, which a busy one
    reaches late: the permit's window would then be held for nothing. So the first write on the
    connection is flushed at once (`doWrite`, what the reactor itself calls when the socket is
    writable; whatever the kernel does not take now, the reactor sends later). `sent()` is called
    just after the bytes went to the kernel (`writeSomeData`, the `send` system call): a time read
    then is never early. Under TLS the socket transport underneath carries the encrypted request.
    """
    transport: Any = protocol.transport
    while getattr(transport, "transport", None) is not None:
        transport = transport.transport
    if not all(hasattr(transport, name) for name in _WATCHED):
        return  # not a socket we know: settle() counts it after the exchange
    originals = {name: getattr(transport, name) for name in _WATCHED}

    def restore() -> None:
        for name in _WATCHED:
            vars(transport).pop(name, None)  # back to the class's own methods

    def write_some_data(data: bytes) -> Any:
        written = originals["writeSomeData"](data)
        if isinstance(written, int) and written > 0:
            restore()
            sent()
        return written

    def flushing(name: str) -> Callable[[Any], None]:
        def write(data: Any) -> None:
            originals[name](data)
            transport.writeSomeData = write_some_data
            transport.write = originals["write"]
            transport.writeSequence = originals["writeSequence"]
            transport.doWrite()

        return write

    transport.writeSomeData = originals["writeSomeData"]
    transport.write = flushing("write")
    transport.writeSequence = flushing("writeSequence")


# The socket transport's methods the first write after a permit goes through.
_WATCHED = ("write", "writeSequence", "writeSomeData", "doWrite")


class _GatedPool(HTTPConnectionPool):
    """Hands each budgeted request's connection to its gate before the agent writes on it."""

    next_gate: _Gate | None = None

    def getConnection(  # Twisted's name
        self, key: Hashable, endpoint: IStreamClientEndpoint
    ) -> Deferred[HTTP11ClientProtocol]:
        connection = super().getConnection(key, endpoint)
        gate, self.next_gate = self.next_gate, None
        if gate is not None:
            connection.addCallback(gate.open)
        return connection
