"""What every spider of the project shares: the validated configuration, URLs, and clean failure."""

from __future__ import annotations

import logging
from typing import Any

import scrapy
from scrapy.crawler import Crawler
from scrapy.settings import BaseSettings
from twisted.python.failure import Failure

from filings_crawler.config import Config
from filings_crawler.sec.urls import EdgarUrls
from filings_crawler.stopping import stop_crawl
from filings_crawler.storage.backends import Storage

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

    @classmethod
    def stores(cls, config: Config, settings: BaseSettings) -> list[Storage]:
        """The stores the crawl writes files to, checked writable before its first request."""
        return []

    def stop(self, reason: str, message: str) -> None:
        """The crawl cannot go on: close it with `reason` (the one way, stopping.py)."""
        stop_crawl(self.crawler, reason, message)

    def reference_file_failed(self, failure: Failure) -> None:
        """Errback of a reference file the crawl cannot do without: stop, storing nothing."""
        request = failure.request if hasattr(failure, "request") else None
        url = request.url if request is not None else "?"
        self.stop("download_failed", f"Could not download {url}: {failure.getErrorMessage()}")
