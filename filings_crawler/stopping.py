"""Stopping a crawl from a component, cleanly, when going on would only lose or waste work.

The one way every component stops a crawl (SEC blocked it, the store or the database failed):
the reason becomes the crawl's close reason, the run is recorded failed, and `scrapy crawl`
exits non-zero with the reason on its last line (commands/crawl.py).
"""

from __future__ import annotations

import logging

from scrapy.core.engine import ExecutionEngine
from scrapy.crawler import Crawler
from scrapy.utils.defer import deferred_from_coro

logger = logging.getLogger(__name__)

# The stats that hold the reason and the message of the first stop asked for; `scrapy crawl`
# prints them on its last line.
STOPPED_BY = "stopped_by"
STOP_MESSAGE = "stop_message"


def stop_crawl(crawler: Crawler, reason: str, message: str) -> None:
    """Log why (CRITICAL) and close the spider with `reason`.

    Requests already queued are dropped; the database still says what is not done, so the
    next run picks it up. A second stop while closing changes nothing: the first reason stands.
    """
    engine, stats = running_engine(crawler), crawler.stats
    if engine is None or stats is None or stats.get_value(STOPPED_BY):
        return
    stats.set_value(STOPPED_BY, reason)
    stats.set_value(STOP_MESSAGE, message)
    logger.critical("%s; stopping the crawl (%s)", message, reason, extra={"close_reason": reason})
    deferred_from_coro(engine.close_spider_async(reason=reason))


def running_engine(crawler: Crawler) -> ExecutionEngine | None:
    """The crawler's engine while it runs; None before the crawl starts or after it stops."""
    try:
        engine = crawler.engine
    except RuntimeError:  # Scrapy: "Crawler.engine is not set yet"
        return None
    return engine if engine.running else None


def closing(crawler: Crawler) -> bool:
    """Whether the crawl is closing or closed: stopped by a signal, by a component (stop_crawl),
    or by a limit such as CLOSESPIDER_TIMEOUT. Requests waiting for SEC's budget give up then,
    rather than sit out a block's ten-minute pause before the crawl can close."""
    engine = running_engine(crawler)
    if engine is None:
        return True
    # Scrapy keeps no public flag of it: the engine's slot holds the Deferred of the close.
    slot = getattr(engine, "_slot", None)
    return slot is None or getattr(slot, "closing", None) is not None
