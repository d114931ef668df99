"""Discovery: companies' submissions files read into their in-scope filings, and their documents.

The shared half of the backfill and incremental crawls. Each company's submissions file, then
those of its `filings.files` pages that reach into the window, are read by the pure functions of
sec/submissions.py; a company's in-scope filings go out as one batch, and (with downloads) their
documents are fetched in the same crawl and budget (spiders/documents_fetch.py), so discovery and
downloads share the slot and the budget stays full. The callbacks are this class's methods
because discovery's requests go to the JOBDIR queue, which can only name a spider's methods.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import scrapy
from scrapy.http import Response
from twisted.python.failure import Failure

from filings_crawler.accounting import WorkAccount, companies_account, documents_account
from filings_crawler.budget.sec_budget import BudgetExhausted
from filings_crawler.extensions.progress import WorkProgress
from filings_crawler.failures import failure_reason, is_lasting
from filings_crawler.items import CompanyProfile, Filing, FilingBatch
from filings_crawler.scheduler import DISCOVERY_CIK
from filings_crawler.sec.errors import FormatError
from filings_crawler.sec.plans import HTML, ToFetch
from filings_crawler.sec.submissions import (
    FilingRow,
    PageRef,
    Submissions,
    parse_submissions,
    parse_submissions_page,
    primary_document_name,
    select_filings,
)
from filings_crawler.sec.urls import SEC
from filings_crawler.spiders.base import EdgarSpider
from filings_crawler.spiders.ledger import DiscoveryLedger
from filings_crawler.work import Target


class DiscoverySpider(EdgarSpider):
    fetches_documents = True
    # The targeted companies this crawl reads, by CIK (set by the crawl's start).
    companies: dict[int, Target]
    # Whether documents are fetched too (`-a download=no`: discover and queue only).
    download = True
    # Only these accession numbers are recorded, when set (the incremental crawl's).
    only_accessions: set[str] | None = None
    # Whether the `filings.files` pages reaching into the window are read.
    reads_pages = True

    def __init__(self, *args: Any, **kwargs: Any):
        super().__init__(*args, **kwargs)
        self.companies = {}
        # Where each company's discovery stands; the scheduler asks it too (scheduler.py).
        self.ledger = DiscoveryLedger()

    @property
    def shares_budget(self) -> bool:
        """Whether crawls share SEC's budget (SEC_BUDGET_URL): then documents are fetched only
        through leases (db/leases.py), so no two crawls fetch one filing."""
        return bool(self.config.sec_budget_url)

    async def know_documents(self) -> None:
        """What the database knows of these companies' filings, to fetch only what is due."""
        if self.download:
            due, self.fetch.known = await self.dataset.filings_known(list(self.companies))
            # Sharing the budget, what is due is leased by the sweep, not taken as it stands.
            self.fetch.due = {} if self.shares_budget else due

    async def not_discovered_yet(self, ciks: list[int]) -> list[int]:
        """The companies still to read: all of them, or, resuming, those not recorded before
        the stop (a killed process's frontier cannot say which)."""
        if not self.dataset.resuming:
            return ciks
        pending = await self.dataset.undiscovered(ciks)
        self.ledger.resumed(set(ciks) - set(pending))
        self.logger.info(
            "Resuming: %d of %d companies were discovered before the stop",
            len(ciks) - len(pending),
            len(ciks),
        )
        return pending

    def submissions_request(self, cik: int, *, swept: bool = False) -> scrapy.Request:
        return scrapy.Request(
            self.urls.submissions(cik),
            callback=self.parse_company,
            errback=self.company_failed,
            cb_kwargs={"cik": cik},
            # A swept company was asked for before (by a process that died): ask again.
            dont_filter=swept,
            meta={DISCOVERY_CIK: cik},
        )

    def work_progress(self) -> WorkProgress | None:
        """Companies read (or failed), of those the crawl reads, and their filings' documents."""
        companies = self.sweep_companies()
        if not companies:
            return None
        return self.fetch.work(self.ledger.done_count(companies), len(companies))

    # -- the sweep ------------------------------------------------------------------------------

    def sweep_companies(self) -> list[int]:
        """The companies a sweep makes sure were read."""
        return list(self.companies)

    async def sweep(self) -> list[scrapy.Request]:
        """Companies this run has not reached (their requests died with a killed process), and
        then, on the next idle, the documents still due."""
        unread = await self.dataset.undiscovered(self.sweep_companies())
        if companies := self.ledger.to_sweep(unread):
            return [self.submissions_request(cik, swept=True) for cik in companies]
        if not self.download:
            return []
        due = await self.dataset.documents_due(ciks=self.documents_companies())
        return self.fetch.still_due(due)

    def documents_companies(self) -> list[int]:
        """Whose due documents the sweep fetches: the companies this crawl reads."""
        return list(self.companies)

    # -- the account at the end -----------------------------------------------------------------

    async def reconcile(self) -> WorkAccount:
        """Each company it set out to read, read or with its problem recorded; each of their
        filings' documents stored, failed with the reason, or still due with one."""
        account = await self.companies_account(self.sweep_companies())
        tally = await self.dataset.documents_tally(ciks=self.documents_companies())
        account.add(documents_account(tally, fetched=self.download))
        return account

    async def companies_account(self, companies: list[int]) -> WorkAccount:
        unrecorded = await self.dataset.undiscovered(companies)
        return companies_account(
            companies, unrecorded, failed=self.ledger.failed, left=self.ledger.left
        )

    # -- the company file and its pages ---------------------------------------------------------

    def parse_company(self, response: Response, cik: int) -> Iterator[Any]:
        self.count("submissions_fetched")
        try:
            submissions = parse_submissions(
                response.body, response.url, forms=self.config.filing_forms
            )
        except FormatError as error:
            yield self.company_problem(cik, "malformed_submissions", str(error), lasting=True)
            return
        profile = self.profile(cik, submissions)
        yield from self.in_scope(cik, submissions.recent.filings)
        yield from self.next_page(cik, self.pages_wanted(submissions), profile)

    def pages_wanted(self, submissions: Submissions) -> list[PageRef]:
        """The `filings.files` pages whose range meets the window."""
        if not self.reads_pages:
            return []
        start, end = self.config.filings_start_date, self.config.filings_end_date
        return [page for page in submissions.pages if page.overlaps(start, end)]

    def profile(self, cik: int, submissions: Submissions) -> CompanyProfile:
        problems = list(submissions.recent.problems)
        if submissions.cik != cik:
            problems.append(f"the file is for CIK {submissions.cik}, not {cik}")
        for problem in problems:
            self.report("malformed_filing_row", cik, problem)
        return CompanyProfile(cik, submissions.profile, problems)

    def next_page(self, cik: int, pages: list[PageRef], profile: CompanyProfile) -> Iterator[Any]:
        """The next overlapping page, or, after the last, the company's profile with every problem."""
        if not pages:
            yield self.company_read(profile)
            return
        self.count("pages_requested")
        yield scrapy.Request(
            self.urls.submissions_page(pages[0].name),
            callback=self.parse_page,
            errback=self.page_failed,
            cb_kwargs={"cik": cik, "pages": pages, "profile": profile},
            dont_filter=True,  # follows from the company file just read
            meta={DISCOVERY_CIK: cik},
        )

    def parse_page(
        self, response: Response, cik: int, pages: list[PageRef], profile: CompanyProfile
    ) -> Iterator[Any]:
        try:
            rows = parse_submissions_page(
                response.body, response.url, forms=self.config.filing_forms
            )
        except FormatError as error:
            self.report("malformed_page", cik, str(error))
            profile.problems.append(str(error))
        else:
            for problem in rows.problems:
                self.report("malformed_filing_row", cik, problem)
            profile.problems.extend(rows.problems)
            yield from self.in_scope(cik, rows.filings)
        yield from self.next_page(cik, pages[1:], profile)

    def page_failed(self, failure: Failure) -> Iterator[Any]:
        request = failure.request  # type: ignore[attr-defined]
        if failure.check(BudgetExhausted):
            return
        cik, pages, profile = (request.cb_kwargs[k] for k in ("cik", "pages", "profile"))
        problem = f"{pages[0].name}: {failure_reason(failure)}"
        self.report("page_unavailable", cik, problem)
        profile.problems.append(problem)
        if not is_lasting(failure):
            # Its filings are not all known: the company is read again by the next run.
            profile.done = False
        yield from self.next_page(cik, pages[1:], profile)

    def company_failed(self, failure: Failure) -> Iterator[Any]:
        if failure.check(BudgetExhausted):
            return  # the crawl is stopping; the next run asks again
        cik = failure.request.cb_kwargs["cik"]  # type: ignore[attr-defined]
        problem = f"submissions JSON: {failure_reason(failure)}"
        yield self.company_problem(
            cik, "submissions_unavailable", problem, lasting=is_lasting(failure)
        )

    def company_problem(
        self, cik: int, kind: str, problem: str, *, lasting: bool
    ) -> CompanyProfile:
        """The company could not be read: for good (SEC's lasting answer: recorded, done) or
        for now (recorded, and asked again by the next run)."""
        self.report(kind, cik, problem)
        self.ledger.mark_failed(cik, problem, permanent=lasting)
        return CompanyProfile(cik, None, [problem], done=lasting)

    def company_read(self, profile: CompanyProfile) -> CompanyProfile:
        """The company's files are read (its filings went out before this): done, unless a
        page could not be had for now."""
        if profile.done:
            self.ledger.mark_read(profile.cik)
        else:
            self.ledger.mark_failed(profile.cik, "; ".join(profile.problems), permanent=False)
        return profile

    # -- filings --------------------------------------------------------------------------------

    def in_scope(self, cik: int, rows: list[FilingRow]) -> Iterator[Any]:
        """The in-scope filings of these rows, as one batch, then their documents' requests (the
        batch first: a filing's row must exist before its documents are recorded)."""
        config = self.config
        batch = FilingBatch(cik)
        for row in select_filings(
            rows, config.filing_forms, config.filings_start_date, config.filings_end_date
        ):
            if self.only_accessions is None or row.accession_number in self.only_accessions:
                batch.filings.append(self.filing(cik, row))
        if not batch.filings:
            return
        self.count("filings_in_scope", len(batch.filings))
        yield batch
        if self.download:
            for filing in batch.filings:
                yield from self.fetch_documents(filing)

    def filing(self, cik: int, row: FilingRow) -> Filing:
        document, problem = primary_document_name(row.primary_document)
        if problem:
            self.report("primary_document", cik, f"{row.accession_number}: {problem}")
        artifacts = []
        if document is not None:
            artifacts.append(ToFetch(HTML, SEC.filing_folder(cik, row.accession_number) + document))
        return Filing(cik, row, document or row.primary_document, problem, artifacts)

    def fetch_documents(self, filing: Filing) -> Iterator[Any]:
        """The filing's documents, unless all are stored (or none can be fetched)."""
        if self.shares_budget:
            return  # queued: the sweep leases it (db/leases.py), so no other crawl fetches it
        if (work := self.fetch.work_for(filing, self.companies[filing.cik])) is not None:
            yield from self.fetch.requests(work)

    # -- visibility -----------------------------------------------------------------------------

    def report(self, kind: str, cik: int, problem: str) -> None:
        """A problem with one company's data: logged with its CIK and counted; the crawl goes on."""
        self.count(f"errors/{kind}")
        self.logger.error("CIK %d: %s", cik, problem, extra={"cik": cik, "problem": kind})
