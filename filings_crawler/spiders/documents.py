"""`scrapy crawl documents`: fetches the queued documents of discovered filings, in the fewest requests.

For an inline-XBRL filing SEC publishes `{accession}-xbrl.zip` in the filing folder: the primary
HTML, its images and the XBRL schema and linkbases in one compressed request instead of about
nine. The zip path takes what it can from it and fetches only what it lacks (the extracted
`_htm.xml` instance, an image not in the zip). Filings without a zip, or whose zip is missing
or broken, take the per-file path: the folder's `index.json`, the primary HTML, then each file.
`DocumentFetching` holds both paths; the backfill and incremental crawls use it too.
"""

from __future__ import annotations

import json
import logging
from collections.abc import AsyncIterator, Iterator, Sequence
from datetime import datetime
from pathlib import Path
from typing import Any

import scrapy
from scrapy import signals
from scrapy.crawler import Crawler
from scrapy.exceptions import DontCloseSpider
from scrapy.http import Response
from scrapy.settings import BaseSettings
from scrapy.spidermiddlewares.httperror import HttpError
from scrapy.utils.job import job_dir
from twisted.python.failure import Failure

from filings_crawler.budget.sec_budget import BudgetExhausted
from filings_crawler.config import Config
from filings_crawler.db.companies import database_now
from filings_crawler.db.documents import DocumentWork, load_document_work
from filings_crawler.db.engine import engine_from_settings
from filings_crawler.items import ArtifactOutcome, DocumentMember, FilingDocuments, QueuedArtifact
from filings_crawler.sec.content import content_problem
from filings_crawler.sec.errors import FormatError
from filings_crawler.sec.exchanges import TARGET_EXCHANGES
from filings_crawler.sec.filing_index import (
    FolderListing,
    instance_name,
    is_exhibit,
    is_xbrl_file,
    parse_filing_index,
)
from filings_crawler.sec.html import ImageRef, find_images
from filings_crawler.sec.urls import SEC
from filings_crawler.sec.xbrl_zip import read_xbrl_zip
from filings_crawler.spiders import arguments
from filings_crawler.spiders.base import EdgarSpider
from filings_crawler.storage.atomic import write_atomically
from filings_crawler.storage.backends import Storage, storage_from_config
from filings_crawler.threads import in_thread

# In JOBDIR: when the run began, for the end-of-crawl sweep of a resumed run.
RUN_FILE = "run.json"

# The XBRL files of an inline filing are named after its primary document; when the folder
# cannot be listed these are the names to try (each may be absent).
GUESSED_XBRL_SUFFIXES = (".xsd", "_cal.xml", "_def.xml", "_lab.xml", "_pre.xml")


class DocumentFetching(EdgarSpider):
    """The two fetch paths of a filing's documents, for any spider that has filings to fetch.

    Resuming (JOBDIR): document requests are never written to the JOBDIR queue (`memory_only`,
    see scheduler.py) nor filtered as duplicates. The database is what says which documents are
    due (each filing's outcome is recorded as soon as it is known), so a resumed crawl asks it
    again instead of replaying requests from a queue that a killed process may have left behind
    in any state: nothing stored before the stop is fetched again. At the end (`spider_idle`)
    the crawl asks the database once more for what it has still not done, so work that was in
    flight in a killed process is finished too.
    """

    # Accession numbers whose documents this process has asked for (at start or in a sweep).
    fetching: set[str]

    @classmethod
    def stores(cls, config: Config, settings: BaseSettings) -> list[Storage]:
        return [storage_from_config(config)]

    # When this run began, from the database's clock; kept in JOBDIR/run.json across a resume.
    run_started_at: datetime
    # Whether this process resumes a run a stopped or killed one began.
    resuming: bool = False

    @classmethod
    def from_crawler(cls, crawler: Crawler, *args: Any, **kwargs: Any) -> DocumentFetching:
        spider = super().from_crawler(crawler, *args, **kwargs)
        assert isinstance(spider, DocumentFetching)
        spider.fetching = set()
        crawler.signals.connect(spider.spider_idle, signal=signals.spider_idle)
        return spider

    def begin_run(self) -> None:
        """Note when the run began; a resumed run keeps the first start. Blocking: in a thread.

        Kept in JOBDIR/run.json, written at once (Scrapy's spider.state is only written when
        a crawl closes, which a killed one never does).
        """
        run_file = Path(jobdir) / RUN_FILE if (jobdir := job_dir(self.settings)) else None
        self.resuming = run_file is not None and run_file.is_file()
        if run_file is not None and self.resuming:
            started = json.loads(run_file.read_text())["run_started_at"]
            self.run_started_at = datetime.fromisoformat(started)
            self.logger.info("Resuming the run that began at %s", self.run_started_at)
            return
        with engine_from_settings(self.settings).connect() as conn:
            self.run_started_at = database_now(conn)
        if run_file is not None:
            payload = {"run_started_at": self.run_started_at.isoformat()}
            write_atomically(run_file, json.dumps(payload).encode())

    def documents_requests(self, work: DocumentWork) -> Iterator[scrapy.Request]:
        """The first request of a filing's fetch (or of its single files to retry)."""
        place = work.place
        self.fetching.add(place.accession_number)
        if not work.full:
            # An item with no request to come from: a data: request carries it, so it is
            # scheduled like the rest, from start or from a sweep.
            yield scrapy.Request(
                f"data:text/plain,retry-{place.accession_number}",
                callback=self.emit_retry,
                cb_kwargs={"work": work},
                dont_filter=True,
                meta={"memory_only": True},
            )
            return
        if work.is_inline_xbrl:
            yield self.document_request(
                self.folder_url(work) + f"{place.accession_number}-xbrl.zip",
                callback=self.parse_xbrl_zip,
                errback=self.xbrl_zip_failed,
                cb_kwargs={"work": work},
            )
        else:
            yield self.folder_index_request(work, requests=0, problems=[])

    def emit_retry(self, response: Response, work: DocumentWork) -> Iterator[FilingDocuments]:
        # Which XBRL files were only guesses (the instance, names tried without a listing) is
        # not recorded; on a retry a 404 for one means SEC has none, not a failure.
        optional = [a.sec_url for a in work.retries if a.kind == "xbrl"]
        yield FilingDocuments(
            work.place,
            fetch_path=None,
            requests=0,
            downloads=work.retries,
            optional_urls=optional,
        )

    def spider_idle(self) -> None:
        """Before closing: what the database says this run still has to do, sent once."""
        requests = self.sweep()
        if not requests:
            return
        self.logger.info("End-of-crawl sweep: %d requests for work not done yet", len(requests))
        self.count_documents("sweep_requests", len(requests))
        engine = self.crawler.engine
        assert engine is not None
        for request in requests:
            engine.crawl(request)
        raise DontCloseSpider

    def sweep(self) -> list[scrapy.Request]:
        """Due documents not asked for in this process (their requests died with a killed one)."""
        if not self.sweeps_documents():
            return []
        with engine_from_settings(self.settings).connect() as conn:
            due = load_document_work(
                conn,
                max_attempts=self.config.artifact_retry_max,
                exchanges=self.sweep_exchanges(),
                ciks=self.sweep_ciks(),
            )
        requests: list[scrapy.Request] = []
        for work in due:
            if work.place.accession_number not in self.fetching:
                requests.extend(self.documents_requests(work))
        return requests

    def sweeps_documents(self) -> bool:
        return True

    def sweep_exchanges(self) -> Sequence[str]:
        return TARGET_EXCHANGES

    def sweep_ciks(self) -> Sequence[int] | None:
        return None

    def folder_url(self, work: DocumentWork) -> str:
        """The filing's folder on SEC: its files' keys (fetched under the configured base)."""
        return SEC.filing_folder(work.place.cik, work.place.accession_number)

    def document_request(self, sec_url: str, **kwargs: Any) -> scrapy.Request:
        """A request of the documents stage, for a file's URL on SEC.

        The database decides these, not the JOBDIR frontier: they stay in memory (scheduler.py)."""
        return scrapy.Request(
            self.urls.to_request(sec_url),
            dont_filter=True,
            meta={"memory_only": True, "sec_url": sec_url},
            **kwargs,
        )

    # -- the zip path ---------------------------------------------------------------------------

    def parse_xbrl_zip(self, response: Response, work: DocumentWork) -> Iterator[Any]:
        place = work.place
        folder = self.folder_url(work)
        try:
            contents = read_xbrl_zip(response.body, response.url)
        except FormatError as error:
            yield from self.fall_back(work, f"xbrl zip unusable ({error.problem})")
            return
        html = contents.members.get(place.primary_document)
        if html is None:
            yield from self.fall_back(work, f"xbrl zip lacks {place.primary_document}")
            return
        if problem := content_problem("html", place.primary_document, html):
            yield from self.fall_back(work, f"xbrl zip's {place.primary_document}: {problem}")
            return
        documents = FilingDocuments(place, fetch_path="xbrl_zip", requests=1)
        documents.problems.extend(
            f"xbrl zip member refused: {reason}" for reason in contents.refused
        )
        primary = DocumentMember(
            "html", place.primary_document, folder + place.primary_document, html
        )
        documents.members.append(primary)
        for name, url in self.shown_images(primary, folder, documents).items():
            if name in contents.members:
                documents.members.append(DocumentMember("image", name, url, contents.members[name]))
            else:
                documents.downloads.append(QueuedArtifact("image", url))
        for name, data in sorted(contents.members.items()):
            kind = self.member_kind(name, place.primary_document, place.accession_number)
            if kind in ("xbrl", "exhibit"):
                documents.members.append(DocumentMember(kind, name, folder + name, data))
        instance = instance_name(place.primary_document)
        if instance and instance not in contents.members:
            # SEC extracts the instance from the inline document; the zip does not carry it.
            documents.downloads.append(QueuedArtifact("xbrl", folder + instance))
            documents.optional_urls.append(folder + instance)
        self.count_documents("filings/xbrl_zip")
        yield documents

    def xbrl_zip_failed(self, failure: Failure) -> Iterator[Any]:
        if failure.check(BudgetExhausted):
            return
        work = failure.request.cb_kwargs["work"]  # type: ignore[attr-defined]
        # SEC has no zip for some filings: a normal path, not a fault worth a warning.
        absent = failure.check(HttpError) and failure.value.response.status == 404  # type: ignore[union-attr]
        yield from self.fall_back(work, f"xbrl zip: {failure_reason(failure)}", normal=bool(absent))

    def fall_back(self, work: DocumentWork, reason: str, *, normal: bool = False) -> Iterator[Any]:
        """Take the per-file path after the zip (one request spent) could not be used."""
        self.count_documents("xbrl_zip_absent" if normal else "xbrl_zip_fallbacks")
        self.logger.log(
            logging.INFO if normal else logging.WARNING,
            "%s: %s; fetching file by file",
            work.place.accession_number,
            reason,
            extra={"accession_number": work.place.accession_number},
        )
        yield self.folder_index_request(work, requests=1, problems=[reason])

    # -- the per-file path ----------------------------------------------------------------------

    def folder_index_request(
        self, work: DocumentWork, requests: int, problems: list[str]
    ) -> scrapy.Request:
        return self.document_request(
            self.folder_url(work) + "index.json",
            callback=self.parse_folder_index,
            errback=self.folder_index_failed,
            cb_kwargs={"work": work, "requests": requests + 1, "problems": problems},
        )

    def parse_folder_index(
        self, response: Response, work: DocumentWork, requests: int, problems: list[str]
    ) -> Iterator[Any]:
        listing: FolderListing | None = None
        try:
            listing = parse_filing_index(response.body, response.url)
        except FormatError as error:
            problems.append(f"index.json unusable: {error.problem}")
        else:
            problems.extend(f"index.json entry refused: {reason}" for reason in listing.refused)
        yield self.primary_document_request(work, listing, requests, problems)

    def folder_index_failed(self, failure: Failure) -> Iterator[Any]:
        if failure.check(BudgetExhausted):
            return
        kwargs = failure.request.cb_kwargs  # type: ignore[attr-defined]
        kwargs["problems"].append(f"index.json: {failure_reason(failure)}")
        yield self.primary_document_request(
            kwargs["work"], None, kwargs["requests"], kwargs["problems"]
        )

    def primary_document_request(
        self,
        work: DocumentWork,
        listing: FolderListing | None,
        requests: int,
        problems: list[str],
    ) -> scrapy.Request:
        return self.document_request(
            self.folder_url(work) + work.place.primary_document,
            callback=self.parse_primary_document,
            errback=self.primary_document_failed,
            cb_kwargs={
                "work": work,
                "listing": listing,
                "requests": requests + 1,
                "problems": problems,
            },
        )

    def parse_primary_document(
        self,
        response: Response,
        work: DocumentWork,
        listing: FolderListing | None,
        requests: int,
        problems: list[str],
    ) -> Iterator[Any]:
        place = work.place
        folder = self.folder_url(work)
        documents = FilingDocuments(place, fetch_path="per_file", requests=requests)
        documents.problems.extend(problems)
        if problem := content_problem("html", place.primary_document, response.body):
            documents.outcomes.append(
                ArtifactOutcome("html", response.meta["sec_url"], error=problem)
            )
            yield documents
            return
        primary = DocumentMember(
            "html", place.primary_document, response.meta["sec_url"], response.body
        )
        documents.members.append(primary)
        files = (
            {entry.name for entry in listing.entries if not entry.is_folder} if listing else None
        )
        for name, url in self.shown_images(primary, folder, documents).items():
            if files is not None and name not in files:
                # Listed by the document, absent from the folder: recorded, not requested.
                error = "not in the filing folder (index.json); SEC does not have it"
                documents.outcomes.append(ArtifactOutcome("image", url, error=error))
            else:
                documents.downloads.append(QueuedArtifact("image", url))
        if files is not None:
            for name in sorted(files):
                kind = self.member_kind(name, place.primary_document, place.accession_number)
                if kind in ("xbrl", "exhibit"):
                    documents.downloads.append(QueuedArtifact(kind, folder + name))
        elif work.is_inline_xbrl:
            stem = place.primary_document.rsplit(".", 1)[0]
            guesses = [stem + suffix for suffix in GUESSED_XBRL_SUFFIXES]
            guesses.append(instance_name(place.primary_document) or "")
            for name in filter(None, guesses):
                documents.downloads.append(QueuedArtifact("xbrl", folder + name))
                documents.optional_urls.append(folder + name)
        self.count_documents("filings/per_file")
        yield documents

    def primary_document_failed(self, failure: Failure) -> Iterator[Any]:
        if failure.check(BudgetExhausted):
            return
        kwargs = failure.request.cb_kwargs  # type: ignore[attr-defined]
        place = kwargs["work"].place
        url = failure.request.meta["sec_url"]  # type: ignore[attr-defined]
        reason = failure_reason(failure)
        self.logger.warning(
            "%s: primary document %s not stored: %s",
            place.accession_number,
            url,
            reason,
            extra={"accession_number": place.accession_number},
        )
        documents = FilingDocuments(place, fetch_path="per_file", requests=kwargs["requests"])
        documents.problems.extend(kwargs["problems"])
        documents.outcomes.append(ArtifactOutcome("html", url, error=reason))
        yield documents

    # -- shared ---------------------------------------------------------------------------------

    def shown_images(
        self, primary: DocumentMember, folder: str, documents: FilingDocuments
    ) -> dict[str, str]:
        """name -> URL of every image the document shows from its folder; the rest recorded.

        The refs stay on the member, for the pipeline to rewrite them in place."""
        assert primary.data is not None
        primary.images = find_images(primary.data, folder, self.urls.image_prefixes())
        images: dict[str, str] = {}
        for ref in primary.images:
            if ref.name is not None and ref.url is not None:
                images.setdefault(ref.name, ref.url)
            elif ref.skipped not in ("data URI",):
                documents.problems.append(_skipped(ref))
                self.count_documents(f"images_skipped/{ref.skipped}")
        return images

    def member_kind(self, name: str, primary_document: str, accession_number: str) -> str | None:
        """What a file of the filing is to the dataset: xbrl, an exhibit (if asked for), or None."""
        if name == primary_document:
            return None
        if is_xbrl_file(name):
            return "xbrl"
        if self.settings.getbool("STORE_EXHIBITS") and is_exhibit(
            name, primary_document, accession_number
        ):
            return "exhibit"
        return None

    def count_documents(self, name: str, value: int = 1) -> None:
        assert self.crawler.stats is not None
        self.crawler.stats.inc_value(f"documents/{name}", value)


class DocumentsSpider(DocumentFetching):
    """Arguments: `exchange=NYSE[,...]`, `cik=320193,...`, `limit=N` (filings)."""

    name = "documents"

    def __init__(
        self,
        exchange: str | None = None,
        cik: str | None = None,
        limit: str | None = None,
        **kwargs: Any,
    ):
        super().__init__(exchange=exchange, cik=cik, limit=limit, **kwargs)
        self.exchanges = arguments.choices("exchange", exchange, TARGET_EXCHANGES)
        self.ciks = arguments.cik_list("cik", cik)
        self.limit = arguments.positive_int("limit", limit)

    def progress_counts(self) -> tuple[int, int] | None:
        """Filings processed, of those queued at the start."""
        stats = self.crawler.stats
        assert stats is not None
        total = stats.get_value("documents/filings_queued")
        if total is None:
            return None
        return int(stats.get_value("documents/filings_processed", 0)), int(total)

    def sweep_exchanges(self) -> Sequence[str]:
        return self.exchanges or TARGET_EXCHANGES

    def sweep_ciks(self) -> Sequence[int] | None:
        return self.ciks

    async def start(self) -> AsyncIterator[Any]:
        await in_thread(self.begin_run)
        work = await in_thread(self.load_work)
        self.logger.info("%d filings have documents to fetch", len(work))
        self.count_documents("filings_queued", len(work))
        for filing in work:
            for request_or_item in self.documents_requests(filing):
                yield request_or_item

    def load_work(self) -> list[DocumentWork]:
        with engine_from_settings(self.settings).connect() as conn:
            return load_document_work(
                conn,
                max_attempts=self.config.artifact_retry_max,
                exchanges=self.exchanges or TARGET_EXCHANGES,
                ciks=self.ciks,
                limit=self.limit,
            )


def failure_reason(failure: Failure) -> str:
    """A short reason for a failed request: `HTTP 404`, or the error's message."""
    if failure.check(HttpError):
        return f"HTTP {failure.value.response.status}"  # type: ignore[union-attr]
    return failure.getErrorMessage() or type(failure.value).__name__


def _skipped(ref: ImageRef) -> str:
    return f"image {ref.src[:200]!r} not fetched: {ref.skipped}"
