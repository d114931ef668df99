"""Scrapy's scheduler, made safe for a frontier a killed crawl left behind.

Two changes. Requests marked `memory_only` (the documents stage, which the database drives)
never go to the JOBDIR disk queue. And a discovery request (a company's submissions file or one
of its pages) is dropped when it comes out of the queue if that company's discovery is already
*done* in this run: recorded before the stop, or read (or refused for good) in this process.
Done, never merely asked for: a request that comes back for another try (a retry, the same
request after SEC's block page, a sweep's) must reach SEC (spiders/ledger.py).

The drop is what makes a SIGKILL cheap. Scrapy's disk queue and its `requests.seen` are only
made consistent when a crawl closes: after a kill the queue's chunk files still hold requests
that were taken out long ago, and the next run reads them again (measured: 22 submissions files,
some read 44 s before the kill, fetched a second time). The database says what is done; the
queue only what might be.
"""

from __future__ import annotations

from typing import Protocol

from scrapy import Request
from scrapy.core.scheduler import Scheduler

# A request's meta key naming the company whose discovery it belongs to (its submissions file
# or one of its pages).
DISCOVERY_CIK = "discovery_cik"


class DiscoveryLedger(Protocol):
    """What a spider knows of this run's discovery (spiders/ledger.py)."""

    def is_done(self, cik: int) -> bool:
        """Whether the company's discovery is done in this run (a request for it would only
        repeat finished work)."""


class FilingsScheduler(Scheduler):
    def _dqpush(self, request: Request) -> bool:
        if request.meta.get("memory_only"):
            return False  # the scheduler then pushes it to the memory queue
        return super()._dqpush(request)

    def next_request(self) -> Request | None:
        ledger: DiscoveryLedger | None = getattr(getattr(self, "spider", None), "ledger", None)
        while (request := super().next_request()) is not None:
            cik = request.meta.get(DISCOVERY_CIK)
            if cik is not None and ledger is not None and ledger.is_done(cik):
                assert self.stats is not None
                self.stats.inc_value("scheduler/dropped/discovered")
                continue
            return request
        return None
