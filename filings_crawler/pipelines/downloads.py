"""Downloads the files a filing's plan still has to fetch, checks them, and stores them.

Each download is sent with the engine's own download call (`engine.download_async`), so it
passes the downloader middlewares and the SEC budget like every other request. Scrapy's
FilesPipeline was the first choice and was dropped: it stores whatever answers 200, logs each
404 as a failure with a traceback, and hides the reason a download failed. Keeping it meant a
store that refused to store and overriding MediaPipeline's internals; this reads simpler. Each
file is checked to be what was asked for (sec/content.py), written atomically at its layout
path, and its SHA-256 and size recorded on the item.
"""

from __future__ import annotations

import logging
from pathlib import PurePosixPath
from typing import Any
from urllib.parse import unquote, urlsplit

from scrapy import Request
from scrapy.crawler import Crawler
from scrapy.http import Response
from scrapy.utils.defer import deferred_from_coro, maybe_deferred_to_future
from twisted.internet.defer import DeferredList

from filings_crawler.budget.sec_budget import BudgetExhausted
from filings_crawler.config import crawler_config
from filings_crawler.failures import is_lasting_error, is_lasting_status
from filings_crawler.items import ArtifactOutcome, FilingDocuments
from filings_crawler.sec.content import content_problem
from filings_crawler.sec.plans import ToFetch
from filings_crawler.sec.urls import EdgarUrls
from filings_crawler.stopping import running_engine, stop_crawl
from filings_crawler.storage import storage_from_config
from filings_crawler.storage.backends import Storage, StorageError
from filings_crawler.threads import in_thread

logger = logging.getLogger(__name__)


class DownloadsPipeline:
    def __init__(self, crawler: Crawler, storage: Storage, urls: EdgarUrls):
        self.crawler = crawler
        self.storage = storage
        self.urls = urls
        assert crawler.stats is not None
        self.stats = crawler.stats

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> DownloadsPipeline:
        config = crawler_config(crawler)
        return cls(crawler, storage_from_config(config), EdgarUrls.from_config(config))

    async def process_item(self, item: Any) -> Any:
        if not isinstance(item, FilingDocuments) or not item.to_fetch:
            return item
        # All of a filing's files at once: the budget paces them, not this pipeline.
        results = await maybe_deferred_to_future(
            DeferredList(
                [deferred_from_coro(self.fetch(item, file)) for file in item.to_fetch],
                fireOnOneErrback=True,
                consumeErrors=True,
            )
        )
        item.outcomes.extend(outcome for _, outcome in results)
        return item

    async def fetch(self, item: FilingDocuments, file: ToFetch) -> ArtifactOutcome:
        """Download one file and store it if it is the file; either way, what happened."""
        outcome = ArtifactOutcome(file.kind, file.sec_url)
        engine = running_engine(self.crawler)
        if engine is None:
            outcome.attempted = False  # the crawl is closing; it stays queued
            return outcome
        request = Request(self.urls.to_request(file.sec_url), meta={"sec_url": file.sec_url})
        try:
            response = await engine.download_async(request)
        except BudgetExhausted:
            outcome.attempted = False  # not sent: the crawl is stopping; it stays queued
            return outcome
        except Exception as error:
            # A body over DOWNLOAD_MAXSIZE (a gzip bomb too), a connection that kept failing, a
            # host that is not SEC's: the reason is the error's own message.
            outcome.error = str(error) or type(error).__name__
            outcome.lasting = is_lasting_error(error)
            self.log_failure(item, outcome)
            return outcome
        return await self.store(item, file, outcome, response)

    async def store(
        self, item: FilingDocuments, file: ToFetch, outcome: ArtifactOutcome, response: Response
    ) -> ArtifactOutcome:
        name = file_name(file.sec_url)
        if response.status == 404 and file.optional:
            outcome.absent = True
            return outcome
        if response.status != 200:
            outcome.error = f"HTTP {response.status}"
            outcome.lasting = is_lasting_status(response.status)
        elif problem := content_problem(file.kind, name, response.body):
            # What SEC served is not the file (an error page for an image, ...): its answer.
            outcome.error = problem
            outcome.lasting = True
        else:
            path = item.place.path_for(file.kind, name)
            try:
                stored = await in_thread(self.storage.write, path, response.body)
            except StorageError as error:
                outcome.attempted = False  # the store failed, not SEC: it stays queued
                self.stats.inc_value("storage/errors")
                stop_crawl(self.crawler, "storage_error", f"Storage failed: {error}")
                return outcome
            item.stored(file.kind, name, path, response.body)
            outcome.storage_path = path
            outcome.sha256 = outcome.source_sha256 = stored.sha256
            outcome.size = stored.size
            return outcome
        self.log_failure(item, outcome)
        return outcome

    def log_failure(self, item: FilingDocuments, outcome: ArtifactOutcome) -> None:
        logger.warning(
            "%s: %s not stored: %s",
            item.place.accession_number,
            outcome.sec_url,
            outcome.error,
            extra={"accession_number": item.place.accession_number},
        )


def file_name(url: str) -> str:
    """The file name in the filing folder (the spider only queues URLs with safe names)."""
    return unquote(PurePosixPath(urlsplit(url).path).name)
