"""`scrapy crawl backfill`: each targeted company's submissions JSON → in-scope filings, queued."""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator, Sequence
from typing import Any

import scrapy
from scrapy.http import Response
from twisted.python.failure import Failure

from filings_crawler.budget.sec_budget import BudgetExhausted
from filings_crawler.db.companies import Target, load_targets, unchecked_since
from filings_crawler.db.documents import DocumentWork, known_accessions, load_document_work
from filings_crawler.db.engine import engine_from_settings
from filings_crawler.items import CompanyProfile, Filing, FilingBatch, QueuedArtifact
from filings_crawler.scheduler import DISCOVERY_CIK, DISCOVERY_ROOT
from filings_crawler.sec.errors import FormatError
from filings_crawler.sec.exchanges import TARGET_EXCHANGES
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
from filings_crawler.spiders import arguments
from filings_crawler.spiders.documents import DocumentFetching, failure_reason
from filings_crawler.storage.layout import FilingPlace
from filings_crawler.threads import in_thread


class BackfillSpider(DocumentFetching):
    """Arguments: `limit=N` (first N targeted companies by CIK), `exchange=NYSE[,NASDAQ]`,
    `cik=320193,789019`, `download=no` (discover and queue only).

    With downloads (the default) each filing's documents are fetched as soon as the filing is
    found, in the same crawl and the same budget: discovery and downloads share the slot, so
    the budget stays full. A filing whose artifacts are all stored is not fetched again.
    """

    name = "backfill"
    # Where this crawl's own counts go in the stats (`backfill/companies_targeted`, ...).
    stats_prefix = "backfill"

    def __init__(
        self,
        limit: str | None = None,
        exchange: str | None = None,
        cik: str | None = None,
        download: str | None = None,
        **kwargs: Any,
    ):
        super().__init__(limit=limit, exchange=exchange, cik=cik, download=download, **kwargs)
        self.limit = arguments.positive_int("limit", limit)
        self.exchanges = arguments.choices("exchange", exchange, TARGET_EXCHANGES)
        self.ciks = arguments.cik_list("cik", cik)
        self.download = arguments.yes_no("download", download, default=True)
        self.companies_done = 0
        # Companies whose submissions this process read, failed on, or swept.
        self.handled_companies: set[int] = set()
        # Only these accession numbers are recorded, when set (the incremental crawl's).
        self.only_accessions: set[str] | None = None
        # Companies a stopped run recorded as discovered, and those asked for in this process:
        # the scheduler drops a request that would repeat them (scheduler.py).
        self.discovered_before_stop: set[int] = set()
        self.requested_companies: set[int] = set()

    async def start(self) -> AsyncIterator[Any]:
        await in_thread(self.begin_run)
        targets = await in_thread(self.targets)
        self.companies = {target.cik: target for target in targets}
        self.count("companies_targeted", len(targets))
        if self.download:
            self.work, self.known = await in_thread(self.document_state, list(self.companies))
        if self.ciks is not None and (untargeted := sorted(set(self.ciks) - set(self.companies))):
            self.logger.warning(
                "Not targeted (unknown CIK, or not listed on %s): %s",
                ", ".join(self.exchanges or TARGET_EXCHANGES),
                ", ".join(map(str, untargeted)),
            )
        pending = list(self.companies)
        if self.resuming:
            # What the stopped run recorded is done: only the companies whose filings were not
            # written yet are asked again (a killed process's frontier cannot say which).
            pending = await in_thread(self.undiscovered, pending)
            self.companies_done = len(self.companies) - len(pending)
            self.discovered_before_stop = set(self.companies) - set(pending)
            self.handled_companies.update(self.discovered_before_stop)
            self.logger.info(
                "Resuming: %d of %d companies were discovered before the stop",
                self.companies_done,
                len(self.companies),
            )
        self.logger.info("Backfill of %d targeted companies", len(targets))
        for cik in pending:
            yield self.submissions_request(cik)

    def targets(self) -> list[Target]:
        with engine_from_settings(self.settings).connect() as conn:
            return load_targets(
                conn,
                exchanges=self.exchanges or TARGET_EXCHANGES,
                ciks=self.ciks,
                limit=self.limit,
            )

    def document_state(self, ciks: list[int]) -> tuple[dict[str, DocumentWork], set[str]]:
        """Filings of these companies with files still to fetch, and every filing already known."""
        with engine_from_settings(self.settings).connect() as conn:
            work = load_document_work(conn, max_attempts=self.config.artifact_retry_max, ciks=ciks)
            return {w.place.accession_number: w for w in work}, known_accessions(conn, ciks)

    def undiscovered(self, ciks: list[int]) -> list[int]:
        """Of these companies, those this run has not recorded the discovery of."""
        with engine_from_settings(self.settings).connect() as conn:
            return unchecked_since(conn, ciks, self.run_started_at)

    def submissions_request(self, cik: int, *, root: bool = True) -> scrapy.Request:
        return scrapy.Request(
            self.urls.submissions(cik),
            callback=self.parse_company,
            errback=self.company_failed,
            cb_kwargs={"cik": cik},
            dont_filter=not root,
            meta={DISCOVERY_CIK: cik},
        )

    def is_discovered(self, cik: int, *, root: bool) -> bool:
        """Whether a submissions request (the scheduler asks) would repeat this run's work: the
        company was recorded before a stop, or its file was read or asked for in this process."""
        if cik in self.discovered_before_stop:
            return True
        if not root:
            return False  # a page of a company being read now
        if cik in self.requested_companies:
            return True
        self.requested_companies.add(cik)
        return False

    def sweep(self) -> list[scrapy.Request]:
        """Companies this run has not reached (their requests died with a killed process), and
        then, on the next idle, the documents still due."""
        with engine_from_settings(self.settings).connect() as conn:
            unchecked = unchecked_since(conn, self.sweep_companies(), self.run_started_at)
        # Companies handled in this process count as reached even if their records are still
        # in the database pipeline's buffer.
        companies = [cik for cik in unchecked if cik not in self.handled_companies]
        self.handled_companies.update(companies)
        if companies:
            return [self.submissions_request(cik, root=False) for cik in companies]
        return super().sweep()

    def sweep_companies(self) -> list[int]:
        return list(self.companies)

    def sweeps_documents(self) -> bool:
        return self.download

    def sweep_ciks(self) -> Sequence[int] | None:
        return list(self.companies)

    # -- the company file and its pages ---------------------------------------------------------

    def progress_counts(self) -> tuple[int, int] | None:
        """Companies whose submissions are read (or failed), of the targeted ones."""
        companies = getattr(self, "companies", None)
        return None if companies is None else (self.companies_done, len(companies))

    def parse_company(self, response: Response, cik: int) -> Iterator[Any]:
        self.companies_done += 1
        self.handled_companies.add(cik)
        self.count("submissions_fetched")
        try:
            submissions = parse_submissions(
                response.body, response.url, forms=self.config.filing_forms
            )
        except FormatError as error:
            yield self.company_problem(cik, "malformed_submissions", str(error))
            return
        profile = self.profile(cik, submissions)
        yield from self.in_scope(cik, submissions.recent.filings, profile)
        yield from self.next_page(cik, self.pages_wanted(submissions), profile)

    def pages_wanted(self, submissions: Submissions) -> list[PageRef]:
        """The `filings.files` pages whose range meets the window."""
        start, end = self.config.filings_start_date, self.config.filings_end_date
        return [page for page in submissions.pages if page.overlaps(start, end)]

    def profile(self, cik: int, submissions: Submissions) -> CompanyProfile:
        problems = list(submissions.recent.problems)
        if submissions.cik != cik:
            problems.append(f"the file is for CIK {submissions.cik}, not {cik}")
        for problem in problems:
            self.report("malformed_filing_row", cik, problem)
        return CompanyProfile(
            cik=cik,
            fetched=True,
            name=submissions.name,
            entity_type=submissions.entity_type,
            sic=submissions.sic,
            sic_description=submissions.sic_description,
            state_of_incorporation=submissions.state_of_incorporation,
            fiscal_year_end=submissions.fiscal_year_end,
            tickers=submissions.tickers,
            exchanges=submissions.exchanges,
            former_names=submissions.former_names,
            problems=problems,
        )

    def next_page(self, cik: int, pages: list[PageRef], profile: CompanyProfile) -> Iterator[Any]:
        """The next overlapping page, or, after the last, the company's profile with every problem."""
        if not pages:
            yield profile
            return
        self.count("pages_requested")
        yield scrapy.Request(
            self.urls.submissions_page(pages[0].name),
            callback=self.parse_page,
            errback=self.page_failed,
            cb_kwargs={"cik": cik, "pages": pages, "profile": profile},
            dont_filter=True,  # follows from the company file just read (see DocumentFetching)
            meta={DISCOVERY_CIK: cik, DISCOVERY_ROOT: False},
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
            yield from self.in_scope(cik, rows.filings, profile)
        yield from self.next_page(cik, pages[1:], profile)

    def page_failed(self, failure: Failure) -> Iterator[Any]:
        request = failure.request  # type: ignore[attr-defined]
        if failure.check(BudgetExhausted):
            return
        cik, pages, profile = (request.cb_kwargs[k] for k in ("cik", "pages", "profile"))
        problem = f"{pages[0].name}: {failure_reason(failure)}"
        self.report("page_unavailable", cik, problem)
        profile.problems.append(problem)
        yield from self.next_page(cik, pages[1:], profile)

    def company_failed(self, failure: Failure) -> Iterator[Any]:
        if failure.check(BudgetExhausted):
            return  # the crawl is stopping; the next run asks again
        self.companies_done += 1
        cik = failure.request.cb_kwargs["cik"]  # type: ignore[attr-defined]
        self.handled_companies.add(cik)
        yield self.company_problem(
            cik, "submissions_unavailable", f"submissions JSON: {failure_reason(failure)}"
        )

    def company_problem(self, cik: int, kind: str, problem: str) -> CompanyProfile:
        self.report(kind, cik, problem)
        return CompanyProfile(cik=cik, fetched=False, problems=[problem])

    # -- filings --------------------------------------------------------------------------------

    def in_scope(self, cik: int, rows: list[FilingRow], profile: CompanyProfile) -> Iterator[Any]:
        """The in-scope filings of these rows, as one batch, then their documents' requests (the
        batch first: a filing's row must exist before its documents are recorded)."""
        config = self.config
        batch = FilingBatch(cik)
        for row in select_filings(
            rows, config.filing_forms, config.filings_start_date, config.filings_end_date
        ):
            if (
                self.only_accessions is not None
                and row.accession_number not in self.only_accessions
            ):
                continue
            batch.filings.append(self.filing(cik, row))
        if not batch.filings:
            return
        self.count("filings_in_scope", len(batch.filings))
        yield batch
        if self.download:
            for filing in batch.filings:
                yield from self.fetch_documents(filing)

    def fetch_documents(self, filing: Filing) -> Iterator[Any]:
        """The filing's documents, unless all are stored (or none can be fetched)."""
        if filing.accession_number in self.fetching:
            return  # already asked for in this process (by a sweep)
        work = self.work.pop(filing.accession_number, None)
        if work is None:
            if filing.accession_number in self.known or not filing.artifacts:
                return  # complete, or out of retries, or with no document to fetch
            company = self.companies[filing.cik]
            place = FilingPlace(
                exchange=company.exchange,
                ticker=company.ticker,
                cik=filing.cik,
                accession_number=filing.accession_number,
                form=filing.form,
                filing_date=filing.filing_date,
                report_date=filing.report_date,
                primary_document=filing.primary_document,
            )
            work = DocumentWork(place, filing.is_inline_xbrl, full=True)
        yield from self.documents_requests(work)

    def filing(self, cik: int, row: FilingRow) -> Filing:
        document, problem = primary_document_name(row.primary_document)
        if problem:
            self.report("primary_document", cik, f"{row.accession_number}: {problem}")
        artifacts = []
        if document is not None:
            url = SEC.filing_folder(cik, row.accession_number) + document
            artifacts.append(QueuedArtifact("html", url))
        return Filing(
            accession_number=row.accession_number,
            cik=cik,
            form=row.form,
            filing_date=row.filing_date,
            report_date=row.report_date,
            acceptance_datetime=row.acceptance_datetime,
            primary_document=document or row.primary_document,
            primary_doc_description=row.primary_doc_description,
            is_xbrl=row.is_xbrl,
            is_inline_xbrl=row.is_inline_xbrl,
            size_bytes=row.size_bytes,
            last_error=problem,
            artifacts=artifacts,
        )

    # -- visibility -----------------------------------------------------------------------------

    def count(self, name: str, value: int = 1) -> None:
        assert self.crawler.stats is not None
        self.crawler.stats.inc_value(f"{self.stats_prefix}/{name}", value)

    def report(self, kind: str, cik: int, problem: str) -> None:
        """A problem with one company's data: logged with its CIK and counted; the crawl goes on."""
        self.count(f"errors/{kind}")
        self.logger.error("CIK %d: %s", cik, problem, extra={"cik": cik, "problem": kind})
