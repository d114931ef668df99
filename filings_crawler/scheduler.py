"""Scrapy's scheduler, but requests marked `memory_only` never go to the JOBDIR disk queue."""

from __future__ import annotations

from scrapy import Request
from scrapy.core.scheduler import Scheduler


class FilingsScheduler(Scheduler):
    """The documents stage is driven by the database (see DocumentFetching): its requests are
    kept in memory only, so a resumed crawl never replays one from an old queue. Everything
    else (discovery) is persisted in JOBDIR as usual."""

    def _dqpush(self, request: Request) -> bool:
        if request.meta.get("memory_only"):
            return False  # the scheduler then pushes it to the memory queue
        return super()._dqpush(request)
