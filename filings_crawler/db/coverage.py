"""Queries measuring how complete the dataset is: per exchange and filing year, errors, and runs."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from datetime import datetime
from typing import Any

from sqlalchemy import Connection, Integer, Subquery, cast, func, select, tuple_

from filings_crawler.db.status import DerivedCounts, Refusal, derived_counts, derived_refusals
from filings_crawler.db.tables import artifacts, companies, execution_runs, filings
from filings_crawler.sec.exchanges import TARGET_EXCHANGES

# A run's progress.filings_pending counts the filings whose documents it still had to fetch
# (progress.pending before; runs recorded since count requests there). Only the documents
# crawl's is the download queue: a backfill's counts the filings it had found so far.
QUEUE_RUN_TYPES = ("documents",)
# How many of the most common failure reasons are shown per exchange.
TOP_ERRORS = 3
# last_error is optional; a failure without one still counts, under this label.
NO_REASON = "(no reason recorded)"
# A URL inside a reason (POSIX regular expression): reasons are grouped without it.
URL_IN_REASON = r"https?://[^[:space:]'\"]*[^[:space:]'\".,:;)]"


@dataclass(frozen=True)
class CoverageRow:
    """One line of the coverage table; `exchange` None is all target exchanges, `year` None all
    years. A `listed_in_past` row counts, of its exchange's total, the companies listed there
    when they filed and in no list today (`scrapy crawl past_listings`)."""

    exchange: str | None
    year: int | None
    companies_targeted: int
    companies_with_filings: int
    filings_found: int
    filings_complete: int
    artifacts_pending: int
    artifacts_failed: int
    bytes_stored: int
    # Filings with an artifact pending or failed: the documents crawl's queue, in its unit.
    filings_queued: int
    listed_in_past: bool = False

    @property
    def label(self) -> str:
        """The row's name in the first column: its year, `total`, or `listed in the past`."""
        if self.listed_in_past:
            return "listed in the past"
        return "total" if self.year is None else str(self.year)

    @property
    def completeness(self) -> float | None:
        """Percentage of the filings found that are complete; None when none was found."""
        if not self.filings_found:
            return None
        return 100.0 * self.filings_complete / self.filings_found


@dataclass(frozen=True)
class ErrorReason:
    """How many failed artifacts give `reason`; `exchange` None is all target exchanges."""

    exchange: str | None
    reason: str
    count: int


@dataclass(frozen=True)
class Coverage:
    """Everything the coverage report shows of the dataset, read in one snapshot."""

    exchanges: tuple[str, ...]
    targeted: dict[str, int]
    rows: list[CoverageRow]
    errors: list[ErrorReason]
    untargeted_filings: int
    # What is derived from the stored filings (facts, sections): counts, and the latest refusals.
    derived: dict[str, DerivedCounts] = field(default_factory=dict)
    refusals: dict[str, list[Refusal]] = field(default_factory=dict)

    @property
    def has_filings(self) -> bool:
        return any(row.filings_found for row in self.rows)

    def block(self, exchange: str | None) -> list[CoverageRow]:
        """The rows of one exchange (None: all of them), years in order, its total row last."""
        return [row for row in self.rows if row.exchange == exchange]

    def total(self, exchange: str | None = None) -> CoverageRow:
        """The all-years row of `exchange` (None: the overall total)."""
        for row in self.rows:
            if row.exchange == exchange and row.year is None and not row.listed_in_past:
                return row
        return empty_row(exchange, None, self.targeted_count(exchange))

    def targeted_count(self, exchange: str | None) -> int:
        return sum(self.targeted.values()) if exchange is None else self.targeted.get(exchange, 0)

    def errors_of(self, exchange: str | None) -> list[ErrorReason]:
        return [error for error in self.errors if error.exchange == exchange]

    @property
    def queue(self) -> int:
        """Artifacts still to fetch (pending and failed), over all target exchanges."""
        total = self.total()
        return total.artifacts_pending + total.artifacts_failed


@dataclass(frozen=True)
class RunPoint:
    """A finished crawl as the throughput and queue charts plot it (None: not recorded)."""

    run_id: int
    run_type: str
    status: str
    started_at: datetime
    completed_at: datetime
    duration_seconds: float | None
    requests: int | None
    items_scraped: int | None
    filings_processed: int | None
    filings_upserted: int | None
    # What was left at the run's last progress line (a minute or less before its end).
    progress_pending: int | None

    @property
    def requests_per_second(self) -> float | None:
        if self.requests is None or not self.duration_seconds or self.duration_seconds <= 0:
            return None
        return self.requests / self.duration_seconds

    @property
    def filings_queued(self) -> int | None:
        """Filings still to fetch when the run last reported, if it was a documents crawl."""
        return self.progress_pending if self.run_type in QUEUE_RUN_TYPES else None


def empty_row(exchange: str | None, year: int | None, targeted: int) -> CoverageRow:
    return CoverageRow(exchange, year, targeted, 0, 0, 0, 0, 0, 0, 0)


def load_coverage(conn: Connection, exchanges: Sequence[str] = TARGET_EXCHANGES) -> Coverage:
    """The coverage of the targeted companies' filings: four aggregate queries."""
    targeted = targeted_companies(conn, exchanges)
    rows = coverage_rows(conn, exchanges, targeted)
    rows += past_listing_rows(conn, exchanges)
    present = {(row.exchange, row.year) for row in rows if not row.listed_in_past}
    # Every target exchange gets its block, even one with no filing yet: a gap should show.
    rows += [
        empty_row(exchange, None, targeted[exchange])
        for exchange in exchanges
        if (exchange, None) not in present
    ]
    if (None, None) not in present:
        rows.append(empty_row(None, None, sum(targeted.values())))
    # Exchanges in the given order, the overall block last; years in order, each total last.
    order = {exchange: index for index, exchange in enumerate(exchanges)}
    rows.sort(
        key=lambda row: (
            order.get(row.exchange, len(order)) if row.exchange else len(order),
            row.year is None,
            row.listed_in_past,
            row.year or 0,
        )
    )
    return Coverage(
        exchanges=tuple(exchanges),
        targeted=targeted,
        rows=rows,
        errors=top_errors(conn, exchanges),
        untargeted_filings=untargeted_filings(conn, exchanges),
        derived=derived_counts(conn),
        refusals=derived_refusals(conn),
    )


def targeted_companies(conn: Connection, exchanges: Sequence[str]) -> dict[str, int]:
    """Companies per target exchange, every exchange present (0 when it has none)."""
    counts: dict[str, int] = dict(
        conn.execute(
            select(companies.c.exchange, func.count())
            .where(companies.c.exchange.in_(exchanges))
            .group_by(companies.c.exchange)
        ).all()
    )
    return {exchange: int(counts.get(exchange, 0)) for exchange in exchanges}


def coverage_rows(
    conn: Connection, exchanges: Sequence[str], targeted: dict[str, int]
) -> list[CoverageRow]:
    """Rows per (exchange, year), exchange, year and overall, in one GROUPING SETS query."""
    facts = filing_facts(exchanges)
    exchange, year = facts.c.exchange, facts.c.year
    query = select(
        exchange,
        year,
        # grouping() tells a total row from a group: 1 where the column was rolled up.
        func.grouping(exchange).label("all_exchanges"),
        func.grouping(year).label("all_years"),
        *_aggregates(facts),
    ).group_by(func.grouping_sets(tuple_(exchange, year), tuple_(exchange), tuple_(year), tuple_()))
    rows = []
    for row in conn.execute(query):
        row_exchange = None if row.all_exchanges else row.exchange
        count = targeted[row_exchange] if row_exchange else sum(targeted.values())
        rows.append(_row(row, row_exchange, None if row.all_years else row.year, count))
    return rows


def past_listing_rows(conn: Connection, exchanges: Sequence[str]) -> list[CoverageRow]:
    """Per exchange and overall, the companies listed in the past and their filings: one row
    each where there is any such company."""
    past: dict[str, int] = dict(
        conn.execute(
            select(companies.c.exchange, func.count())
            .where(companies.c.listed_in_past, companies.c.exchange.in_(exchanges))
            .group_by(companies.c.exchange)
        ).all()
    )
    if not past:
        return []
    facts = filing_facts(exchanges)
    exchange = facts.c.exchange
    found = {
        (None if row.all_exchanges else row.exchange): row
        for row in conn.execute(
            select(exchange, func.grouping(exchange).label("all_exchanges"), *_aggregates(facts))
            .where(facts.c.listed_in_past)
            .group_by(func.grouping_sets(tuple_(exchange), tuple_()))
        )
    }
    rows = []
    for name, count in [*past.items(), (None, sum(past.values()))]:
        row = found.get(name)
        rows.append(
            _row(row, name, None, count, listed_in_past=True)
            if row is not None
            else replace(empty_row(name, None, count), listed_in_past=True)
        )
    return rows


def _aggregates(facts: Subquery) -> list[Any]:
    """What a coverage row counts of the filings in `facts`."""
    return [
        func.count(facts.c.cik.distinct()).label("companies_with_filings"),
        func.count().label("filings_found"),
        func.count().filter(facts.c.complete).label("filings_complete"),
        func.coalesce(func.sum(facts.c.pending), 0).label("artifacts_pending"),
        func.coalesce(func.sum(facts.c.failed), 0).label("artifacts_failed"),
        func.coalesce(func.sum(facts.c.bytes), 0).label("bytes_stored"),
        func.count().filter(facts.c.queued).label("filings_queued"),
    ]


def _row(
    row: Any, exchange: str | None, year: int | None, targeted: int, *, listed_in_past: bool = False
) -> CoverageRow:
    return CoverageRow(
        exchange=exchange,
        year=year,
        companies_targeted=targeted,
        companies_with_filings=row.companies_with_filings,
        filings_found=row.filings_found,
        filings_complete=row.filings_complete,
        artifacts_pending=int(row.artifacts_pending),
        artifacts_failed=int(row.artifacts_failed),
        bytes_stored=int(row.bytes_stored),
        filings_queued=row.filings_queued,
        listed_in_past=listed_in_past,
    )


def filing_facts(exchanges: Sequence[str]) -> Subquery:
    """One row per filing of a targeted company: its exchange, year, artifact counts and bytes."""
    downloaded = artifacts.c.status == "downloaded"
    # Artifacts are summed per filing first: completeness is a property of the whole filing.
    per_filing = (
        select(
            artifacts.c.filing_id,
            func.count().label("total"),
            func.count().filter(downloaded).label("downloaded"),
            func.count().filter(artifacts.c.status == "pending_download").label("pending"),
            func.count().filter(artifacts.c.status == "failed").label("failed"),
            func.sum(artifacts.c.bytes).filter(downloaded).label("bytes"),
        )
        .group_by(artifacts.c.filing_id)
        .subquery("per_filing")
    )
    # A filing without artifacts (none queued yet, or all absent at SEC) is not complete.
    complete = func.coalesce(
        (per_filing.c.total > 0) & (per_filing.c.downloaded == per_filing.c.total), False
    )
    return (
        select(
            companies.c.exchange,
            companies.c.listed_in_past,
            cast(func.extract("year", filings.c.filing_date), Integer).label("year"),
            filings.c.cik,
            complete.label("complete"),
            ((per_filing.c.pending > 0) | (per_filing.c.failed > 0)).label("queued"),
            per_filing.c.pending,
            per_filing.c.failed,
            per_filing.c.bytes,
        )
        .select_from(
            filings.join(companies, companies.c.cik == filings.c.cik).outerjoin(
                per_filing, per_filing.c.filing_id == filings.c.id
            )
        )
        .where(companies.c.exchange.in_(exchanges))
        .subquery("facts")
    )


def top_errors(
    conn: Connection, exchanges: Sequence[str], limit: int = TOP_ERRORS
) -> list[ErrorReason]:
    """The `limit` most common reasons of failed artifacts per exchange and overall."""
    failures = (
        select(
            companies.c.exchange,
            # One reason, whatever file it names: "Cancelling download of <URL>: ..." once.
            func.regexp_replace(
                func.coalesce(artifacts.c.last_error, NO_REASON), URL_IN_REASON, "<URL>", "g"
            ).label("reason"),
        )
        .select_from(
            artifacts.join(filings, filings.c.id == artifacts.c.filing_id).join(
                companies, companies.c.cik == filings.c.cik
            )
        )
        .where(artifacts.c.status == "failed", companies.c.exchange.in_(exchanges))
        .subquery("failures")
    )
    exchange, reason = failures.c.exchange, failures.c.reason
    counted = (
        select(
            exchange,
            func.grouping(exchange).label("all_exchanges"),
            reason,
            func.count().label("failures"),
        )
        .group_by(func.grouping_sets(tuple_(exchange, reason), tuple_(reason)))
        .subquery("counted")
    )
    ranked = select(
        counted,
        func.row_number()
        .over(
            partition_by=(counted.c.all_exchanges, counted.c.exchange),
            # Ties in byte order, so every server's locale ranks them the same.
            order_by=(counted.c.failures.desc(), counted.c.reason.collate("C")),
        )
        .label("rank"),
    ).subquery("ranked")
    query = (
        select(ranked.c.exchange, ranked.c.all_exchanges, ranked.c.reason, ranked.c.failures)
        .where(ranked.c.rank <= limit)
        .order_by(ranked.c.all_exchanges, ranked.c.exchange, ranked.c.rank)
    )
    return [
        ErrorReason(None if row.all_exchanges else row.exchange, row.reason, row.failures)
        for row in conn.execute(query)
    ]


def untargeted_filings(conn: Connection, exchanges: Sequence[str]) -> int:
    """Filings of companies no longer on a target exchange: stored, but outside the coverage."""
    query = (
        select(func.count())
        .select_from(filings.join(companies, companies.c.cik == filings.c.cik))
        .where(companies.c.exchange.not_in(exchanges))
    )
    return int(conn.execute(query).scalar_one())


# Scrapy stats the charts read from each run's metadata.
STAT_KEYS = {
    "requests": "downloader/request_count",
    "items_scraped": "item_scraped_count",
    "filings_processed": "documents/filings_processed",
    "filings_upserted": "database/filings/upserted",
}


def load_run_points(conn: Connection, limit: int = 500) -> list[RunPoint]:
    """The latest `limit` finished runs, oldest first, with the few stats the charts plot."""
    stats = execution_runs.c.metadata["stats"]
    query = (
        select(
            execution_runs.c.id,
            execution_runs.c.run_type,
            execution_runs.c.status,
            execution_runs.c.started_at,
            execution_runs.c.completed_at,
            execution_runs.c.duration_seconds,
            # Only the plotted values leave the server, not every run's whole stats object.
            *(stats[key].label(name) for name, key in STAT_KEYS.items()),
            func.coalesce(
                execution_runs.c.metadata["progress"]["filings_pending"],
                execution_runs.c.metadata["progress"]["pending"],
            ).label("pending"),
        )
        .where(execution_runs.c.completed_at.is_not(None))
        .order_by(execution_runs.c.started_at.desc(), execution_runs.c.id.desc())
        .limit(limit)
    )
    points = [
        RunPoint(
            run_id=row.id,
            run_type=row.run_type,
            status=row.status,
            started_at=row.started_at,
            completed_at=row.completed_at,
            duration_seconds=row.duration_seconds,
            requests=_count(row.requests),
            items_scraped=_count(row.items_scraped),
            filings_processed=_count(row.filings_processed),
            filings_upserted=_count(row.filings_upserted),
            progress_pending=_count(row.pending),
        )
        for row in conn.execute(query)
    ]
    return points[::-1]


def _count(value: Any) -> int | None:
    """A stat as a count; anything else (absent, text, a nested object) is not recorded."""
    if isinstance(value, bool) or not isinstance(value, int | float):
        return None
    return int(value)
