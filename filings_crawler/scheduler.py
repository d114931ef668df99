"""Scrapy's scheduler, made safe for a frontier a killed crawl left behind.

Two changes. Requests marked `memory_only` (the documents stage, which the database drives)
never go to the JOBDIR disk queue. And a company's submissions request is dropped when it comes
out of the queue if the company's discovery is already done in this run: recorded before the
stop, or read in this process.

The second is what makes a SIGKILL cheap. Scrapy's disk queue and its `requests.seen` are only
made consistent when a crawl closes: after a kill the queue's chunk files still hold requests
that were taken out long ago, and the next run reads them again (measured: 22 submissions files,
some read 44 s before the kill, fetched a second time). The database says what is done; the
queue only what might be.
"""

from __future__ import annotations

from typing import Protocol

from scrapy import Request
from scrapy.core.scheduler import Scheduler

# A request's meta key naming the company whose discovery it belongs to, and whether it is the
# company's own submissions file (the root) or one of its pages.
DISCOVERY_CIK = "discovery_cik"
DISCOVERY_ROOT = "discovery_root"


class DiscoveryLedger(Protocol):
    """What a spider knows of this run's discovery (the backfill's and incremental's)."""

    def is_discovered(self, cik: int, *, root: bool) -> bool:
        """Whether a submissions request for `cik` would only repeat work done in this run."""


class FilingsScheduler(Scheduler):
    def _dqpush(self, request: Request) -> bool:
        if request.meta.get("memory_only"):
            return False  # the scheduler then pushes it to the memory queue
        return super()._dqpush(request)

    def next_request(self) -> Request | None:
        ledger: DiscoveryLedger | None = getattr(self, "spider", None)
        if not hasattr(ledger, "is_discovered"):
            ledger = None
        while (request := super().next_request()) is not None:
            cik = request.meta.get(DISCOVERY_CIK)
            if (
                cik is not None
                and ledger is not None
                and ledger.is_discovered(cik, root=request.meta.get(DISCOVERY_ROOT, True))
            ):
                assert self.stats is not None
                self.stats.inc_value("scheduler/dropped/discovered")
                continue
            return request
        return None
