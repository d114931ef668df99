"""`scrapy crawl past_listings`: companies listed on NASDAQ or NYSE when they filed, though not today.

Today's lists name only today's listed companies; the acquired, delisted and liquidated are
missing with every filing they made while listed. This crawl finds them (sec/past_listings.py):

1. EDGAR's quarterly full index, one request per quarter of the window, names every filer of
   an in-scope form; the candidates are those not targeted today, not flagged a fund by today's
   lists and not checked by an earlier run.
2. Each candidate's submissions JSON, then one filing's documents: its `-xbrl.zip` (else its
   primary document alone), whose cover page says where the company's securities were listed
   (sec/covers.py). A company never listed costs these two requests (three when SEC has no zip).
3. A company listed on a target exchange becomes targeted like today's (db/past_listings.py) and
   is discovered here as the backfill would: its in-scope filings recorded and their documents
   fetched, the document read to decide stored with them, never fetched twice. One never listed
   is recorded as checked, and its document is not stored.

Its requests are not kept in JOBDIR (`memory_only`): what is done is in the database, so a rerun
reads the index again (a dozen requests) and asks only about companies not decided yet.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator
from dataclasses import replace
from functools import partial
from typing import Any

import scrapy
from scrapy.http import Response
from twisted.python.failure import Failure

from filings_crawler.accounting import Outstanding, WorkAccount, examples
from filings_crawler.budget.sec_budget import BudgetExhausted
from filings_crawler.extensions.progress import WorkProgress
from filings_crawler.failures import failure_reason, is_lasting
from filings_crawler.items import FilingDocuments, PastListingCheck
from filings_crawler.sec.daily_index import parse_master_index, quarter_folders
from filings_crawler.sec.errors import FormatError
from filings_crawler.sec.past_listings import (
    FULL_INDEX_FILE,
    candidates,
    filing_to_read,
    listing_on_cover,
)
from filings_crawler.sec.submissions import (
    FilingRow,
    Submissions,
    parse_submissions,
    select_filings,
)
from filings_crawler.spiders.discovery import DiscoverySpider
from filings_crawler.work import DocumentWork, PastListingScope, Target

# Where a candidate's probe is stored until its exchange is known (never, if it is none).
UNDECIDED = "UNKNOWN"


class PastListingsSpider(DiscoverySpider):
    """No arguments: the window and forms are the configuration's (FILINGS_START_DATE, ...)."""

    name = "past_listings"

    def __init__(self, **kwargs: Any):
        super().__init__(**kwargs)
        self.scope = PastListingScope(frozenset(), {}, 0, 0)
        # Every candidate found in the index so far, by CIK: its name as the index writes it.
        self.candidates: dict[int, str] = {}
        # Candidates decided; and those that could not be, for now (asked again by the next
        # run: left) or because of what SEC served (failed), with the reasons.
        self.decided: set[int] = set()
        self.undecided_left: dict[int, str] = {}
        self.undecided_failed: dict[int, str] = {}

    async def start(self) -> AsyncIterator[Any]:
        self.scope = await self.dataset.past_listing_scope()
        if not self.scope.targeted or not self.scope.listings:
            # Without today's targets every filer would be a candidate, and without today's
            # symbol directory no fund could be told apart: thousands of needless requests.
            self.stop(
                "missing_reference",
                "No targeted companies or no symbol directory in the database: run "
                "`scrapy crawl tickers`, `scrapy crawl listings_ref` and `scrapy enrich` first",
            )
            return
        config = self.config
        quarters = quarter_folders(config.filings_start_date, config.filings_end_date)
        self.logger.info(
            "Reading the full index of %d quarters; %d companies are targeted today",
            len(quarters),
            self.scope.targeted,
        )
        for year, quarter in quarters:
            yield scrapy.Request(
                self.urls.full_index_file(year, quarter, FULL_INDEX_FILE),
                callback=self.parse_full_index,
                errback=self.reference_file_failed,
                dont_filter=True,
                meta={"memory_only": True},
            )

    def work_progress(self) -> WorkProgress | None:
        """Candidates decided (or given up on), of those found so far, and the documents of the
        filings read to decide and of the companies found listed."""
        if not self.candidates:
            return None
        outcomes = len(self.decided) + len(self.undecided_left) + len(self.undecided_failed)
        return self.fetch.work(outcomes, len(self.candidates))

    async def reconcile(self) -> WorkAccount:
        """Each candidate decided or its problem recorded; the companies found listed read and
        their documents stored, as the backfill's."""
        account = WorkAccount(done={"candidates": len(self.decided)})
        if self.undecided_failed:
            account.failed["candidates"] = len(self.undecided_failed)
        if self.undecided_left:
            detail = examples(f"CIK {cik}: {why}" for cik, why in self.undecided_left.items())
            account.left.append(Outstanding("candidates", len(self.undecided_left), detail))
        outcomes = self.decided | self.undecided_left.keys() | self.undecided_failed.keys()
        if lost := sorted(self.candidates.keys() - outcomes):
            detail = "never decided: CIK " + examples(map(str, lost))
            account.unaccounted.append(Outstanding("candidates", len(lost), detail))
        if self.companies:
            account.add(await super().reconcile())
        return account

    async def sweep(self) -> list[scrapy.Request]:
        """Documents still due of the companies confirmed in this run."""
        if not self.companies:
            return []
        return self.fetch.still_due(await self.dataset.documents_due(ciks=list(self.companies)))

    # -- the full index -------------------------------------------------------------------------

    def parse_full_index(self, response: Response) -> Iterator[scrapy.Request]:
        self.count("full_index_files")
        try:
            entries = parse_master_index(response.body, response.url)
        except FormatError as error:
            self.stop("format_error", str(error))
            return
        config = self.config
        found = candidates(
            entries,
            forms=config.filing_forms,
            start=config.filings_start_date,
            end=config.filings_end_date,
            excluded=self.scope.excluded | self.candidates.keys(),
        )
        self.candidates.update(found)
        self.count("candidates", len(found))
        for cik, name in found.items():
            yield scrapy.Request(
                self.urls.submissions(cik),
                callback=self.parse_candidate,
                errback=self.candidate_failed,
                cb_kwargs={"cik": cik, "name": name},
                dont_filter=True,
                meta={"memory_only": True},
            )

    # -- a candidate ----------------------------------------------------------------------------

    def parse_candidate(self, response: Response, cik: int, name: str) -> Iterator[Any]:
        config = self.config
        try:
            submissions = parse_submissions(response.body, response.url, forms=config.filing_forms)
        except FormatError as error:
            yield self.undecided(
                cik, name, f"submissions JSON unusable: {error.problem}", lasting=True
            )
            return
        rows = select_filings(
            submissions.recent.filings,
            config.filing_forms,
            config.filings_start_date,
            config.filings_end_date,
        )
        to_read = filing_to_read(rows)
        if to_read is None:
            # The index named a filing the submissions do not list in the window (an older
            # page, or a filing since moved): nothing says the company was listed.
            yield self.decided_check(PastListingCheck(cik, submissions.name or name, None))
            return
        work = DocumentWork(
            self.filing(cik, to_read).place(UNDECIDED, None),
            to_read.is_inline_xbrl,
            full=True,
            # One request for the document: its folder listing is not worth one here.
            listing_wanted=False,
        )
        self.fetch.followers[to_read.accession_number] = partial(
            self.parse_cover, cik=cik, submissions=submissions, to_read=to_read
        )
        yield from self.fetch.requests(work)

    def candidate_failed(self, failure: Failure) -> Iterator[Any]:
        if failure.check(BudgetExhausted):
            return
        kwargs = failure.request.cb_kwargs  # type: ignore[attr-defined]
        yield self.undecided(
            kwargs["cik"],
            kwargs["name"],
            f"submissions JSON: {failure_reason(failure)}",
            lasting=is_lasting(failure),
        )

    def parse_cover(
        self,
        documents: FilingDocuments,
        *,
        cik: int,
        submissions: Submissions,
        to_read: FilingRow,
    ) -> Iterator[Any]:
        """The read filing's documents are in hand: its cover decides."""
        name = submissions.name or self.candidates.get(cik, "")
        if documents.cover is None or listing_on_cover(documents.cover).exchange is None:
            # Its documents are not stored: the probe is done with.
            self.fetch.count("not_stored")
        if documents.cover is None:
            failures = [o for o in documents.outcomes if o.error]
            reasons = [o.error for o in failures if o.error] or documents.problems
            problem = "; ".join(reasons) or "no primary document"
            # Its cover unreadable, or its document refused for good: asked again it is the same.
            lasting = all(o.lasting for o in failures)
            yield self.undecided(
                cik, name, f"{to_read.accession_number}: {problem}", lasting=lasting
            )
            return
        listing = listing_on_cover(documents.cover)
        check = PastListingCheck(cik, name, listing, to_read.accession_number, to_read.filing_date)
        yield self.decided_check(check)
        if listing.exchange is None:
            return  # never listed: the document read is not stored
        self.logger.info(
            "CIK %d (%s) was listed on %s as %s (%s, filed %s)",
            cik,
            name,
            listing.exchange,
            listing.symbol or "no symbol",
            to_read.accession_number,
            to_read.filing_date,
            extra={"cik": cik},
        )
        target = Target(cik, listing.exchange, self.scope.tickers.get(cik) or listing.symbol)
        self.companies[cik] = target
        profile = self.profile(cik, submissions)
        yield from self.in_scope(cik, submissions.recent.filings)
        place = replace(documents.place, exchange=target.exchange, ticker=target.ticker)
        yield replace(documents, place=place)
        yield from self.next_page(cik, self.pages_wanted(submissions), profile)

    def decided_check(self, check: PastListingCheck) -> PastListingCheck:
        self.decided.add(check.cik)
        exchange = check.listing.exchange if check.listing else None
        self.count(f"listed/{exchange}" if exchange else "never_listed")
        return check

    def undecided(self, cik: int, name: str, problem: str, *, lasting: bool) -> PastListingCheck:
        """The company could not be checked: recorded with the reason, asked again next run."""
        (self.undecided_failed if lasting else self.undecided_left)[cik] = problem
        self.report("past_listing_undecided", cik, problem)
        return PastListingCheck(cik, name, None, problem=problem)
