"""Stopping a crawl from a component, cleanly, when going on would only lose or waste work."""

from __future__ import annotations

import logging

from scrapy.crawler import Crawler
from scrapy.utils.defer import deferred_from_coro

logger = logging.getLogger(__name__)


def stop_crawl(crawler: Crawler, reason: str, message: str) -> None:
    """Log why (CRITICAL) and close the spider with `reason`; the run is then recorded failed.

    Requests already queued are dropped; the database still says what is not done, so the
    next run picks it up.
    """
    logger.critical("%s; stopping the crawl (%s)", message, reason, extra={"close_reason": reason})
    engine = crawler.engine
    if engine is not None and engine.running:
        deferred_from_coro(engine.close_spider_async(reason=reason))
