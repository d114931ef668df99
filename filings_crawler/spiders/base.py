"""What every spider of the project shares: the validated configuration, URLs, and clean failure."""

from __future__ import annotations

import logging
from typing import Any

import scrapy
from scrapy.crawler import Crawler
from scrapy.exceptions import CloseSpider
from twisted.python.failure import Failure

from filings_crawler.config import Config
from filings_crawler.sec.urls import EdgarUrls

logger = logging.getLogger(__name__)


class EdgarSpider(scrapy.Spider):
    """Base class: `self.config`, `self.urls`, and the arguments kept for the run audit."""

    config: Config
    urls: EdgarUrls
    # Whether the crawl sends requests to SEC, and so must hold SEC's budget (db/sec_lock.py).
    uses_sec_budget = True

    def __init__(self, *args: Any, **kwargs: Any):
        super().__init__(*args, **kwargs)
        # What the crawl was asked to do (-a name=value), recorded in execution_runs; scrapyd's
        # own arguments (_job, _version) are not the user's.
        self.arguments = {
            key: value
            for key, value in kwargs.items()
            if not key.startswith("_") and value is not None
        }

    @classmethod
    def from_crawler(cls, crawler: Crawler, *args: Any, **kwargs: Any) -> EdgarSpider:
        spider: EdgarSpider = super().from_crawler(crawler, *args, **kwargs)
        spider.config = Config.from_settings(crawler.settings)
        spider.urls = EdgarUrls.from_config(spider.config)
        return spider

    def stop(self, reason: str, message: str, *args: Any) -> CloseSpider:
        """Log why the crawl cannot go on; the caller raises the result to close it with `reason`."""
        logger.error(message, *args, extra={"close_reason": reason})
        return CloseSpider(reason)

    def reference_file_failed(self, failure: Failure) -> None:
        """Errback of a reference file the crawl cannot do without: stop, storing nothing."""
        request = failure.request if hasattr(failure, "request") else None
        url = request.url if request is not None else "?"
        raise self.stop(
            "download_failed", "Could not download %s: %s", url, failure.getErrorMessage()
        )
