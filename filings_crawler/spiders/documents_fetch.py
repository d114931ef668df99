"""A filing's documents, fetched in the fewest requests: the requests, and the callbacks that read
SEC's answers into the filing's fetch plan (sec/plans.py).

Composed into every crawl that fetches documents (backfill, documents, incremental), not
inherited. Its requests are the database's business, not the JOBDIR frontier's: they stay in
memory (`memory_only`, scheduler.py) and are never filtered as duplicates. The database says
which documents are due (each filing's outcome is recorded as soon as it is known), so a resumed
crawl asks it again rather than replay a queue that a killed process left in any state. Being in
memory only, the callbacks may be this object's own methods.
"""

from __future__ import annotations

import logging
from collections import Counter
from collections.abc import Callable, Iterator
from dataclasses import replace
from typing import Any

import scrapy
from scrapy.crawler import Crawler
from scrapy.http import Response
from twisted.python.failure import Failure

from filings_crawler.budget.sec_budget import BudgetExhausted
from filings_crawler.config import crawler_config
from filings_crawler.extensions.progress import WorkProgress
from filings_crawler.failures import failure_reason, failure_status, is_lasting
from filings_crawler.items import ArtifactOutcome, Filing, FilingDocuments
from filings_crawler.sec.covers import Cover, read_cover
from filings_crawler.sec.errors import FormatError
from filings_crawler.sec.filing_index import FolderListing, parse_filing_index
from filings_crawler.sec.plans import (
    HTML,
    PER_FILE_PATH,
    XBRL,
    DocumentsPlan,
    Fallback,
    FilingFiles,
    plan_from_files,
    plan_from_zip,
    primary_problem,
)
from filings_crawler.sec.urls import EdgarUrls
from filings_crawler.sec.xbrl_zip import read_xbrl_zip
from filings_crawler.spiders.sweep import MAX_SWEEPS
from filings_crawler.work import DocumentWork, Target

logger = logging.getLogger(__name__)


class DocumentsFetch:
    def __init__(self, crawler: Crawler, urls: EdgarUrls):
        self.crawler = crawler
        self.urls = urls
        self.image_bases = urls.image_prefixes()
        config = crawler_config(crawler)
        self.store_exhibits = config.store_exhibits
        # XBRL_INSTANCE=skip: SEC's extracted instance is not fetched (facts come from the
        # inline document), so an inline filing with a zip costs one request.
        self.fetch_instance = config.xbrl_instance == "fetch"
        # Accession numbers whose documents this process has asked for (at start or in a sweep).
        self.fetching: set[str] = set()
        # For a discovery crawl: the documents the database says are due of its companies'
        # filings, and every filing it knows of them (the rest are new: fetched whole).
        self.due: dict[str, DocumentWork] = {}
        self.known: set[str] = set()
        # How often an end-of-crawl sweep asked again for a filing still due.
        self.swept: Counter[str] = Counter()
        # What to do with a filing's documents instead of passing them on, by accession number:
        # the past_listings crawl reads the cover of the filing it fetched to decide first.
        self.followers: dict[str, Callable[[FilingDocuments], Iterator[Any]]] = {}

    def requests(self, work: DocumentWork) -> Iterator[scrapy.Request]:
        """The first request of a filing's fetch (or of its single files to retry)."""
        self.fetching.add(work.place.accession_number)
        if not work.full:
            # An item with no request to come from: a data: request carries it, so it is
            # scheduled like the rest, from start or from a sweep.
            yield scrapy.Request(
                f"data:text/plain,retry-{work.place.accession_number}",
                callback=self.retry_files,
                cb_kwargs={"work": work},
                dont_filter=True,
                meta={"memory_only": True},
            )
        elif work.is_inline_xbrl:
            yield self.request(work.files.zip_url, self.parse_zip, self.zip_failed, {"work": work})
        else:
            yield self.per_file_request(work, requests=0, problems=[])

    def work_for(self, filing: Filing, target: Target) -> DocumentWork | None:
        """What to fetch of a filing just discovered: what the database says is due, all of a
        filing it does not know, or nothing (stored, out of retries, no document to fetch, or
        asked for already in this process)."""
        accession = filing.accession_number
        if accession in self.fetching:
            return None
        if (work := self.due.pop(accession, None)) is not None:
            return work
        if accession in self.known or not filing.artifacts:
            return None
        place = filing.place(target.exchange, target.ticker)
        return DocumentWork(place, filing.row.is_inline_xbrl, full=True)

    def not_yet_asked(self, due: list[DocumentWork]) -> list[scrapy.Request]:
        """The first requests of the filings not asked for in this process (leased work topping
        up a running crawl, whose other filings may be in flight)."""
        return [
            request
            for work in due
            if work.place.accession_number not in self.fetching
            for request in self.requests(work)
        ]

    def still_due(self, due: list[DocumentWork]) -> list[scrapy.Request]:
        """At the end of a crawl, nothing in flight: the first requests of every filing the
        database says is due. Those asked for already in this process are asked again (a
        failure past its back-off, or a fetch that recorded nothing): what was sent is not what
        was done. Each at most MAX_SWEEPS times, so a fetch that records nothing cannot loop."""
        again = [
            work
            for work in due
            if work.place.accession_number in self.fetching
            and self.swept[work.place.accession_number] < MAX_SWEEPS
        ]
        self.swept.update(work.place.accession_number for work in again)
        requests = self.not_yet_asked(due)
        return requests + [request for work in again for request in self.requests(work)]

    def request(
        self, sec_url: str, callback: Any, errback: Any, cb_kwargs: dict[str, Any]
    ) -> scrapy.Request:
        """A request for a file's URL on SEC, sent under the configured base."""
        return scrapy.Request(
            self.urls.to_request(sec_url),
            callback=callback,
            errback=errback,
            cb_kwargs=cb_kwargs,
            dont_filter=True,
            meta={"memory_only": True, "sec_url": sec_url},
        )

    def retry_files(self, response: Response, work: DocumentWork) -> Iterator[FilingDocuments]:
        # Which XBRL files were only guesses (the instance, names tried without a listing) is
        # not recorded; on a retry a 404 for one means SEC has none, not a failure.
        retries = [
            replace(artifact, optional=True) if artifact.kind == XBRL else artifact
            for artifact in work.retries
        ]
        yield FilingDocuments(work.place, fetch_path=None, requests=0, to_fetch=retries)

    # -- the zip path ---------------------------------------------------------------------------

    def parse_zip(self, response: Response, work: DocumentWork) -> Iterator[Any]:
        try:
            contents = read_xbrl_zip(response.body, response.url)
        except FormatError as error:
            yield from self.fall_back(work, f"xbrl zip unusable ({error.problem})")
            return
        plan = plan_from_zip(
            work.files,
            contents,
            image_bases=self.image_bases,
            store_exhibits=self.store_exhibits,
            fetch_instance=self.fetch_instance,
        )
        if isinstance(plan, Fallback):
            yield from self.fall_back(work, plan.reason)
            return
        self.count("filings/xbrl_zip")
        yield from self.deliver(self.documents(work, plan, requests=1, problems=[]))

    def zip_failed(self, failure: Failure) -> Iterator[Any]:
        if failure.check(BudgetExhausted):
            return
        work = failure.request.cb_kwargs["work"]  # type: ignore[attr-defined]
        # SEC has no zip for some filings: a normal path, not a fault worth a warning.
        absent = failure_status(failure) == 404
        yield from self.fall_back(work, f"xbrl zip: {failure_reason(failure)}", normal=absent)

    def fall_back(self, work: DocumentWork, reason: str, *, normal: bool = False) -> Iterator[Any]:
        """Take the per-file path after the zip (one request spent) could not be used."""
        self.count("xbrl_zip_absent" if normal else "xbrl_zip_fallbacks")
        logger.log(
            logging.INFO if normal else logging.WARNING,
            "%s: %s; fetching file by file",
            work.place.accession_number,
            reason,
            extra={"accession_number": work.place.accession_number},
        )
        yield self.per_file_request(work, requests=1, problems=[reason])

    # -- the per-file path ----------------------------------------------------------------------

    def per_file_request(
        self, work: DocumentWork, requests: int, problems: list[str]
    ) -> scrapy.Request:
        """The first request of the file-by-file path: the folder's listing, if wanted."""
        if work.listing_wanted:
            return self.listing_request(work, requests, problems)
        return self.primary_request(work, None, requests, problems)

    def listing_request(
        self, work: DocumentWork, requests: int, problems: list[str]
    ) -> scrapy.Request:
        kwargs = {"work": work, "requests": requests + 1, "problems": problems}
        return self.request(work.files.index_url, self.parse_listing, self.listing_failed, kwargs)

    def parse_listing(
        self, response: Response, work: DocumentWork, requests: int, problems: list[str]
    ) -> Iterator[Any]:
        try:
            listing = parse_filing_index(response.body, response.url)
        except FormatError as error:
            problems.append(f"index.json unusable: {error.problem}")
            yield self.primary_request(work, None, requests, problems)
            return
        yield self.primary_request(work, listing, requests, problems)

    def listing_failed(self, failure: Failure) -> Iterator[Any]:
        if failure.check(BudgetExhausted):
            return
        kwargs = failure.request.cb_kwargs  # type: ignore[attr-defined]
        kwargs["problems"].append(f"index.json: {failure_reason(failure)}")
        yield self.primary_request(kwargs["work"], None, kwargs["requests"], kwargs["problems"])

    def primary_request(
        self,
        work: DocumentWork,
        listing: FolderListing | None,
        requests: int,
        problems: list[str],
    ) -> scrapy.Request:
        kwargs = {"work": work, "listing": listing, "requests": requests + 1, "problems": problems}
        return self.request(work.files.primary_url, self.parse_primary, self.primary_failed, kwargs)

    def parse_primary(
        self,
        response: Response,
        work: DocumentWork,
        listing: FolderListing | None,
        requests: int,
        problems: list[str],
    ) -> Iterator[Any]:
        files = work.files
        if problem := primary_problem(response.body, files):
            yield from self.deliver(
                self.unfetched_primary(work, files, problem, requests, problems, lasting=True)
            )
            return
        plan = plan_from_files(
            files,
            response.body,
            listing,
            image_bases=self.image_bases,
            store_exhibits=self.store_exhibits,
            fetch_instance=self.fetch_instance,
        )
        self.count("filings/per_file")
        yield from self.deliver(self.documents(work, plan, requests=requests, problems=problems))

    def primary_failed(self, failure: Failure) -> Iterator[Any]:
        if failure.check(BudgetExhausted):
            return
        kwargs = failure.request.cb_kwargs  # type: ignore[attr-defined]
        work: DocumentWork = kwargs["work"]
        reason = failure_reason(failure)
        logger.warning(
            "%s: primary document %s not stored: %s",
            work.place.accession_number,
            work.files.primary_url,
            reason,
            extra={"accession_number": work.place.accession_number},
        )
        yield from self.deliver(
            self.unfetched_primary(
                work,
                work.files,
                reason,
                kwargs["requests"],
                kwargs["problems"],
                lasting=is_lasting(failure),
            )
        )

    def unfetched_primary(
        self,
        work: DocumentWork,
        files: FilingFiles,
        reason: str,
        requests: int,
        problems: list[str],
        *,
        lasting: bool,
    ) -> FilingDocuments:
        documents = FilingDocuments(work.place, PER_FILE_PATH, requests, problems=problems)
        documents.outcomes.append(
            ArtifactOutcome(HTML, files.primary_url, error=reason, lasting=lasting)
        )
        return documents

    # -- shared ---------------------------------------------------------------------------------

    def deliver(self, documents: FilingDocuments) -> Iterator[Any]:
        """The filing's item, or what its follower makes of it."""
        follower = self.followers.pop(documents.place.accession_number, None)
        if follower is None:
            yield documents
        else:
            yield from follower(documents)

    def documents(
        self, work: DocumentWork, plan: DocumentsPlan, *, requests: int, problems: list[str]
    ) -> FilingDocuments:
        """The filing's item from its plan: in hand, to fetch, and what is known missing."""
        for reason in plan.skipped_images:
            self.count(f"images_skipped/{reason}")
        cover = self.cover(plan, problems)
        return FilingDocuments(
            work.place,
            fetch_path=plan.fetch_path,
            requests=requests,
            in_hand=plan.in_hand,
            to_fetch=plan.to_fetch,
            problems=[*problems, *plan.problems],
            outcomes=[
                # Not in the folder SEC lists: asked again, it would still not be there.
                ArtifactOutcome(missing.kind, missing.sec_url, error=missing.reason, lasting=True)
                for missing in plan.missing
            ],
            cover=cover,
        )

    def cover(self, plan: DocumentsPlan, problems: list[str]) -> Cover | None:
        """What the primary document's cover declares (the plan holds it first), or None."""
        primary = plan.in_hand[0]
        if primary.data is None:
            return None
        try:
            return read_cover(primary.data, primary.sec_url)
        except FormatError as error:
            problems.append(f"cover page unreadable: {error.problem}")
            return None

    def work(self, companies_done: int = 0, companies_total: int = 0) -> WorkProgress:
        """The crawl's progress: these companies, and the filings asked for in this process."""
        stats = self.crawler.stats
        assert stats is not None
        return WorkProgress(
            companies_done=companies_done,
            companies_total=companies_total,
            filings_done=int(stats.get_value("documents/filings_processed", 0)),
            filings_known=len(self.fetching) - int(stats.get_value("documents/not_stored", 0)),
            filing_requests=int(stats.get_value("documents/requests", 0)),
        )

    def count(self, name: str, value: int = 1) -> None:
        # Looked up when used: the spider (and this) are made before the crawler's stats.
        assert self.crawler.stats is not None
        self.crawler.stats.inc_value(f"documents/{name}", value)
