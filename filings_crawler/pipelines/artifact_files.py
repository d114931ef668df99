"""Downloads a filing's artifacts that are not already in hand, as files (Scrapy's FilesPipeline).

Each download goes through the engine, so through the SEC budget; each is checked to be what was
asked for, written atomically to its layout path, and its SHA-256 and size recorded on the item.
"""

from __future__ import annotations

import logging
from io import BytesIO
from pathlib import PurePosixPath
from typing import Any, ClassVar, NoReturn
from urllib.parse import unquote, urlsplit

from scrapy import Request
from scrapy.crawler import Crawler
from scrapy.http import Response
from scrapy.pipelines.files import (
    FileInfo,
    FileInfoOrError,
    FilesPipeline,
    FilesStoreProtocol,
    StatInfo,
)
from scrapy.pipelines.media import MediaPipeline
from twisted.python.failure import Failure

from filings_crawler.budget.sec_budget import BudgetExhausted
from filings_crawler.config import Config
from filings_crawler.items import ArtifactOutcome, FilingDocuments
from filings_crawler.sec.content import content_problem
from filings_crawler.sec.urls import EdgarUrls
from filings_crawler.stopping import stop_crawl
from filings_crawler.storage.backends import Storage, StorageError, storage_from_config
from filings_crawler.threads import in_thread

logger = logging.getLogger(__name__)


class _NoStore:
    """FilesPipeline wants a store; ours is the project's Storage, used in media_downloaded."""

    def __init__(self, basedir: str):
        self.basedir = basedir

    def persist_file(
        self,
        path: str,
        buf: BytesIO,
        info: MediaPipeline.SpiderInfo,
        meta: dict[str, Any] | None = None,
        headers: dict[str, str] | None = None,
    ) -> None:
        raise NotImplementedError("ArtifactFilesPipeline writes through the project's Storage")

    def stat_file(self, path: str, info: MediaPipeline.SpiderInfo) -> StatInfo:
        return {}


class ArtifactFilesPipeline(FilesPipeline):
    STORE_SCHEMES: ClassVar[dict[str, type[FilesStoreProtocol]]] = {"project": _NoStore}
    # The base class logs each failure with the whole item (megabytes); ours is one line.
    LOG_FAILED_RESULTS = False

    def __init__(self, storage: Storage, urls: EdgarUrls, *, crawler: Crawler):
        super().__init__("project://storage", crawler=crawler)
        self.storage = storage
        self.urls = urls
        self.not_sent: set[str] = set()

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> ArtifactFilesPipeline:
        config = Config.from_settings(crawler.settings)
        return cls(storage_from_config(config), EdgarUrls.from_config(config), crawler=crawler)

    def get_media_requests(self, item: Any, info: MediaPipeline.SpiderInfo) -> list[Request]:
        if not isinstance(item, FilingDocuments):
            return []
        return [
            Request(
                self.urls.to_request(download.sec_url),
                meta={"artifact_kind": download.kind, "sec_url": download.sec_url},
            )
            for download in item.downloads
        ]

    def media_to_download(
        self, request: Request, info: MediaPipeline.SpiderInfo, *, item: Any = None
    ) -> None:
        # The database says what is missing; a file already on disk is no proof of its bytes.
        return None

    def file_path(
        self,
        request: Request,
        response: Response | None = None,
        info: MediaPipeline.SpiderInfo | None = None,
        *,
        item: Any = None,
    ) -> str:
        assert isinstance(item, FilingDocuments)
        return item.place.path_for(request.meta["artifact_kind"], _file_name(request.url))

    async def media_downloaded(
        self,
        response: Response,
        request: Request,
        info: MediaPipeline.SpiderInfo,
        *,
        item: Any = None,
    ) -> FileInfo:
        """Store the response if it is the artifact; either way record on the item what happened.

        Not the base class's: it would store anything with a 200 and log a traceback for each
        404, and its errors lose their reasons.
        """
        assert isinstance(item, FilingDocuments)
        kind, sec_url = request.meta["artifact_kind"], request.meta["sec_url"]
        outcome = ArtifactOutcome(kind, sec_url)
        path = self.file_path(request, response, info, item=item)
        if response.status == 404 and sec_url in item.optional_urls:
            outcome.absent = True
        elif response.status != 200:
            outcome.error = f"HTTP {response.status}"
        elif problem := content_problem(kind, _file_name(request.url), response.body):
            outcome.error = problem
        else:
            try:
                stored = await in_thread(self.storage.write, path, response.body)
            except StorageError as error:
                outcome.attempted = False  # the store failed, not SEC: it stays queued
                self.storage_failed(error)
            else:
                outcome.storage_path = path
                outcome.sha256 = outcome.source_sha256 = stored.sha256
                outcome.size = stored.size
        if outcome.error:
            self.log_failure(item, outcome)
        item.outcomes.append(outcome)
        return {"url": request.url, "path": path, "checksum": outcome.sha256, "status": "done"}

    def media_failed(
        self, failure: Failure, request: Request, info: MediaPipeline.SpiderInfo
    ) -> NoReturn:
        """No usable response: not sent because the crawl is stopping (it stays queued), or
        failed: the network after every retry, a body over DOWNLOAD_MAXSIZE (a gzip bomb too),
        a host that is not SEC's. The original error, with its reason, goes on."""
        if failure.check(BudgetExhausted):
            self.not_sent.add(request.meta["sec_url"])
            super().media_failed(failure, request, info)  # quiet: filtered, not failed
        failure.raiseException()

    def storage_failed(self, error: StorageError) -> None:
        """The store cannot take files (unwritable, full): stop now rather than fail everything."""
        assert self.crawler.stats is not None
        self.crawler.stats.inc_value("storage/errors")
        stop_crawl(self.crawler, "storage_error", f"Storage failed: {error}")

    def item_completed(
        self, results: list[FileInfoOrError], item: Any, info: MediaPipeline.SpiderInfo
    ) -> Any:
        """Downloads that never got a response: failed on the network, or not sent at all."""
        if not isinstance(item, FilingDocuments):
            return item
        for download, (ok, result) in zip(item.downloads, results, strict=True):
            if ok:
                continue
            assert isinstance(result, Failure)
            outcome = ArtifactOutcome(download.kind, download.sec_url)
            if download.sec_url in self.not_sent:
                outcome.attempted = False  # the crawl is stopping; it stays queued
            else:
                outcome.error = result.getErrorMessage() or type(result.value).__name__
                self.log_failure(item, outcome)
            item.outcomes.append(outcome)
        return item

    def log_failure(self, item: FilingDocuments, outcome: ArtifactOutcome) -> None:
        logger.warning(
            "%s: %s not stored: %s",
            item.place.accession_number,
            outcome.sec_url,
            outcome.error,
            extra={"accession_number": item.place.accession_number},
        )


def _file_name(url: str) -> str:
    """The file name in the filing folder (the spider only queues URLs with safe names)."""
    return unquote(PurePosixPath(urlsplit(url).path).name)
