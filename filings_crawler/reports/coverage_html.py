"""The coverage page: tables and inline SVG charts in one self-contained HTML file, no network.

The page is the Jinja2 template templates/coverage.html, autoescaped: every value from the
database (a failure reason is a server's text) is shown as text. The charts come from charts.py
as trusted SVG markup.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, datetime

from jinja2 import Environment, PackageLoader, StrictUndefined, select_autoescape

from filings_crawler.db.coverage import Coverage, CoverageRow, RunPoint
from filings_crawler.reports import DERIVED, charts, describe_derived, human_bytes, percent, plural

# The page loads nothing: this policy makes a browser refuse any fetch a later edit might add.
CSP = "default-src 'none'; style-src 'unsafe-inline'"

# How many of the latest runs the runs table lists (the charts plot every loaded run).
RUNS_LISTED = 30

COVERAGE_COLUMNS = (
    "Year",
    "Companies targeted",
    "Companies with filings",
    "Filings found",
    "Filings complete",
    "Complete",
    "Artifacts pending",
    "Artifacts failed",
    "Stored",
)

RUN_COLUMNS = (
    "Run",
    "Type",
    "Status",
    "Started (UTC)",
    "Duration",
    "Requests",
    "Requests/s",
    "Items",
    "Filings processed",
    "Left at last report",
)

# Loaded from the package (templates/ is package data), so a scrapyd egg renders it too.
_ENVIRONMENT = Environment(
    loader=PackageLoader("filings_crawler.reports", "templates"),
    autoescape=select_autoescape(["html"]),
    undefined=StrictUndefined,
    trim_blocks=True,
    lstrip_blocks=True,
    keep_trailing_newline=True,
)


def render_page(
    coverage: Coverage, runs: Sequence[RunPoint], *, database: str, generated_at: datetime
) -> str:
    """The whole page: every value escaped, every chart inline, nothing fetched."""
    return _ENVIRONMENT.get_template("coverage.html").render(
        csp=CSP,
        generated=generated_at.astimezone(UTC),
        database=database,
        coverage=coverage,
        total=coverage.total(),
        coverage_columns=COVERAGE_COLUMNS,
        coverage_blocks=[
            (exchange, coverage_cells(coverage, exchange))
            for exchange in (*coverage.exchanges, None)
        ],
        errors=[e for x in (*coverage.exchanges, None) for e in coverage.errors_of(x)],
        derived=[
            (describe_derived(name, counts), DERIVED[name][1], coverage.refusals.get(name, []))
            for name, counts in coverage.derived.items()
        ],
        run_columns=RUN_COLUMNS,
        runs=[run_cells(run) for run in reversed(runs[-RUNS_LISTED:])],
        charts={
            "coverage": charts.coverage_chart(coverage),
            "throughput": charts.throughput_chart(runs),
            "processed": charts.processed_chart(runs),
            "queue": charts.queue_chart(runs, coverage),
        },
        legend=legend(coverage.exchanges),
        percent=percent,
        human_bytes=human_bytes,
        plural=plural,
    )


def coverage_cells(coverage: Coverage, exchange: str | None) -> list[tuple[bool, list[object]]]:
    """(whether it is the total row, its cells) of each row of an exchange's block."""
    return [
        (row.year is None and not row.listed_in_past, coverage_row(row))
        for row in coverage.block(exchange)
    ]


def coverage_row(row: CoverageRow) -> list[object]:
    return [
        row.label,
        row.companies_targeted,
        row.companies_with_filings,
        row.filings_found,
        row.filings_complete,
        percent(row.completeness),
        row.artifacts_pending,
        row.artifacts_failed,
        human_bytes(row.bytes_stored),
    ]


def run_cells(run: RunPoint) -> list[object]:
    return [
        run.run_id,
        run.run_type,
        run.status,
        f"{run.started_at.astimezone(UTC):%Y-%m-%d %H:%M}",
        _duration(run.duration_seconds),
        _maybe(run.requests),
        _maybe(run.requests_per_second, "{:.2f}"),
        _maybe(run.items_scraped),
        _maybe(run.filings_processed),
        _maybe(run.progress_pending),
    ]


def _maybe(value: float | None, form: str = "{}") -> str:
    return "-" if value is None else form.format(value)


def _duration(seconds: float | None) -> str:
    if seconds is None:
        return "-"
    minutes, secs = divmod(round(seconds), 60)
    hours, minutes = divmod(minutes, 60)
    return f"{hours}h {minutes:02d}m" if hours else f"{minutes}m {secs:02d}s"


def legend(exchanges: Sequence[str]) -> list[tuple[str, str]]:
    """(term, what it means) of every word the page's tables and charts use."""
    return [
        (
            "Targeted company",
            f"a company whose listing exchange is one of {', '.join(exchanges)}; "
            "the per-year rows repeat the exchange's count.",
        ),
        (
            "Companies with filings",
            "targeted companies with at least one filing found in that year.",
        ),
        ("Filing year", "the year of the filing date (not the fiscal year reported)."),
        (
            "Complete",
            "a filing with at least one artifact, all of them downloaded; "
            "Complete % is complete filings over filings found.",
        ),
        (
            "Artifacts pending / failed",
            "files queued and not fetched yet / whose last attempt "
            "failed (they are retried until ARTIFACT_RETRY_MAX).",
        ),
        ("Stored", "bytes of the downloaded artifacts, in decimal units."),
        (
            "Runs",
            "finished crawls from execution_runs; requests/s is downloader/request_count "
            "over the run's duration; filings processed is documents/filings_processed.",
        ),
        (
            "Queue",
            "filings with an artifact pending or failed. The database keeps no history of it: "
            "past points are what each documents crawl had left at its last progress report "
            "(backfill and incremental report companies, so they are not plotted); the last "
            "point is today's count.",
        ),
    ]
