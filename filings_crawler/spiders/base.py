"""What every spider of the project shares: the validated configuration, URLs, and clean failure."""

from __future__ import annotations

import logging
from typing import Any

import scrapy
from scrapy.crawler import Crawler
from scrapy.settings import BaseSettings
from twisted.python.failure import Failure

from filings_crawler.accounting import WorkAccount
from filings_crawler.budget.shared import DISCOVERY
from filings_crawler.config import Config, crawler_config
from filings_crawler.extensions.dataset import Dataset, dataset_of
from filings_crawler.sec.urls import EdgarUrls
from filings_crawler.spiders.documents_fetch import DocumentsFetch
from filings_crawler.spiders.sweep import IdleSweep
from filings_crawler.stopping import stop_crawl
from filings_crawler.storage import storage_from_config
from filings_crawler.storage.backends import Storage

logger = logging.getLogger(__name__)


class EdgarSpider(scrapy.Spider):
    """Base class: `self.config`, `self.urls`, the database (`self.dataset`), and the arguments
    kept for the run audit."""

    config: Config
    urls: EdgarUrls
    # Whether the crawl sends requests to SEC, and so must hold SEC's budget (db/sec_lock.py).
    uses_sec_budget = True
    # Its class when several crawls wait for the shared budget (budget/shared.py): lower first.
    budget_priority = DISCOVERY
    # Whether it fetches filings' documents: then it has `self.fetch` (composed, not inherited),
    # an end-of-crawl sweep of what is still due (its `sweep()`), and stores files.
    fetches_documents = False
    fetch: DocumentsFetch
    idle_sweep: IdleSweep

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
        spider.config = crawler_config(crawler)
        spider.urls = EdgarUrls.from_config(spider.config)
        if cls.fetches_documents:
            spider.fetch = DocumentsFetch(crawler, spider.urls)
            spider.idle_sweep = IdleSweep(crawler, spider.sweep)
        return spider

    @classmethod
    def stores(cls, config: Config, settings: BaseSettings) -> list[Storage]:
        """The stores the crawl writes files to, checked writable before its first request."""
        return [storage_from_config(config)] if cls.fetches_documents else []

    async def sweep(self) -> list[scrapy.Request]:
        """What the database says this run still has to do, asked when the crawl runs dry."""
        return []

    async def reconcile(self) -> WorkAccount | None:
        """What it set out to do, against what the database recorded: asked by the run audit
        before a finished crawl is recorded (accounting.py). None: nothing to account for
        beyond finishing (a reference file is stored, or the crawl stops)."""
        return None

    @property
    def dataset(self) -> Dataset:
        """The database, for what the crawl needs to know (extensions/dataset.py)."""
        return dataset_of(self.crawler)

    def stop(self, reason: str, message: str) -> None:
        """The crawl cannot go on: close it with `reason` (the one way, stopping.py)."""
        stop_crawl(self.crawler, reason, message)

    def reference_file_failed(self, failure: Failure) -> None:
        """Errback of a reference file the crawl cannot do without: stop, storing nothing."""
        request = failure.request if hasattr(failure, "request") else None
        url = request.url if request is not None else "?"
        self.stop("download_failed", f"Could not download {url}: {failure.getErrorMessage()}")

    def count(self, name: str, value: int = 1) -> None:
        """A stat of this crawl's own, `{spider name}/{name}`."""
        assert self.crawler.stats is not None
        self.crawler.stats.inc_value(f"{self.name}/{name}", value)
