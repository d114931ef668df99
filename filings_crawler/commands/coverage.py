"""`scrapy coverage [--html FILE]`: how complete the dataset is, per exchange and filing year."""

from __future__ import annotations

import argparse
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path
from textwrap import shorten

from filings_crawler.cli import ProjectCommand, fail
from filings_crawler.db.coverage import Coverage, CoverageRow, load_coverage, load_run_points
from filings_crawler.reports import DERIVED, describe_derived, human_bytes, percent, plural
from filings_crawler.reports.coverage_html import render_page
from filings_crawler.storage.atomic import write_atomically
from filings_crawler.storage.backends import StorageError
from filings_crawler.storage.local import LocalStorage


class Command(ProjectCommand):
    def syntax(self) -> str:
        return "[--html FILE]"

    def short_desc(self) -> str:
        return (
            "Print how complete the dataset is per exchange and filing year; --html writes a page"
        )

    def add_options(self, parser: argparse.ArgumentParser) -> None:
        super().add_options(parser)
        parser.add_argument(
            "--html",
            metavar="FILE",
            help="also write a self-contained HTML page with the tables and charts to FILE",
        )

    def execute(self, args: list[str], opts: argparse.Namespace) -> None:
        if opts.html:
            check_page_writable(Path(opts.html))
        # One snapshot: crawls write while this reads, and the totals must add up.
        with (
            self.engine.connect().execution_options(isolation_level="REPEATABLE READ") as conn,
            conn.begin(),
        ):
            coverage = load_coverage(conn)
            runs = load_run_points(conn) if opts.html else []
        generated_at = datetime.now(UTC)
        where = self.config.database.describe()
        print(f"Coverage of {where} at {generated_at:%Y-%m-%d %H:%M} UTC")
        print()
        print("\n".join(format_coverage(coverage)))
        if opts.html:
            path = Path(opts.html)
            page = render_page(coverage, runs, database=where, generated_at=generated_at)
            write_page(path, page)
            print(f"\nwrote {path}")


def check_page_writable(path: Path) -> None:
    """Refuse a page that cannot be written before the report is printed, not after it."""
    if path.is_dir():
        fail([f"--html {path} is a folder: name the page's file"])
    try:
        LocalStorage(path.parent).check_writable()
    except StorageError as error:
        fail([f"--html {path}: {error} (check the path and its rights)"])


def write_page(path: Path, page: str) -> None:
    # Atomically, so a browser refreshing the page never reads half of it.
    try:
        write_atomically(path, page.encode("utf-8"))
    except OSError as error:
        fail([f"cannot write {path}: {error.strerror or error}"], status=1)


def format_coverage(coverage: Coverage) -> list[str]:
    """The text report: one table block per exchange and the overall one, then error reasons."""
    if not coverage.has_filings:
        return format_empty(coverage)
    widths = column_widths(coverage.rows)
    lines: list[str] = []
    for exchange in (*coverage.exchanges, None):
        lines.append(exchange or "All target exchanges")
        lines.append(format_line([name for name, _ in COLUMNS], widths))
        lines += [format_line(cells(row), widths) for row in coverage.block(exchange)]
        lines.append("")
    if coverage.untargeted_filings:
        lines += [
            f"Not counted: {plural(coverage.untargeted_filings, 'filing')} of companies no longer "
            "on a target exchange.",
            "",
        ]
    return lines + format_derived(coverage) + format_errors(coverage)


def format_derived(coverage: Coverage) -> list[str]:
    """What the stored filings have of their facts and Items, and the latest that could not be
    read, each with its reason."""
    lines = ["Derived from the stored filings:"]
    for name, counts in coverage.derived.items():
        lines.append("  " + describe_derived(name, counts))
        refusals = coverage.refusals.get(name, [])
        if refusals:
            verb = DERIVED[name][1]
            shown = f"the latest {len(refusals)}" if counts.refused > len(refusals) else "all"
            lines.append(f"    not {verb} ({shown}):")
            for refusal in refusals:
                reason = shorten(refusal.reason, REASON_WIDTH, placeholder=" ...")
                lines.append(
                    f"      {refusal.accession_number}  {refusal.form:<6}  "
                    f"{shorten(refusal.company, 30, placeholder='...')}: {reason}"
                )
    return [*lines, ""]


def format_empty(coverage: Coverage) -> list[str]:
    lines = ["no filings yet: run `scrapy crawl backfill`", "", "companies targeted:"]
    width = max(len(exchange) for exchange in (*coverage.exchanges, "total"))
    lines += [f"  {exchange:<{width}}  {count:>6}" for exchange, count in coverage.targeted.items()]
    lines.append(f"  {'total':<{width}}  {sum(coverage.targeted.values()):>6}")
    if not sum(coverage.targeted.values()):
        lines.append(
            "no company is targeted yet: run `scrapy crawl tickers`, then "
            "`scrapy crawl listings_ref`"
        )
    return lines


# Header and cell of each column; the first is left-aligned, the others right-aligned.
COLUMNS: tuple[tuple[str, Callable[[CoverageRow], str]], ...] = (
    ("year", lambda row: row.label),
    ("targeted", lambda row: str(row.companies_targeted)),
    ("with filings", lambda row: str(row.companies_with_filings)),
    ("found", lambda row: str(row.filings_found)),
    ("complete", lambda row: str(row.filings_complete)),
    ("complete %", lambda row: percent(row.completeness)),
    ("pending", lambda row: str(row.artifacts_pending)),
    ("failed", lambda row: str(row.artifacts_failed)),
    ("stored", lambda row: human_bytes(row.bytes_stored)),
)


def cells(row: CoverageRow) -> list[str]:
    return [cell(row) for _, cell in COLUMNS]


def column_widths(rows: list[CoverageRow]) -> list[int]:
    """One width per column over every block, so all the blocks line up."""
    table = [[name for name, _ in COLUMNS], *(cells(row) for row in rows)]
    return [max(len(line[i]) for line in table) for i in range(len(COLUMNS))]


def format_line(values: list[str], widths: list[int]) -> str:
    first, *rest = zip(values, widths, strict=True)
    return "  " + "  ".join(
        [f"{first[0]:<{first[1]}}", *(f"{value:>{width}}" for value, width in rest)]
    )


# last_error keeps up to 2000 characters; a terminal line shows the start, the page all of it.
REASON_WIDTH = 100


def format_errors(coverage: Coverage) -> list[str]:
    lines = ["Top error reasons of failed artifacts:"]
    if not coverage.errors:
        return [*lines, "  none: no artifact has failed"]
    names = [*coverage.exchanges, None]
    width = max(len(name or "all") for name in names)
    count_width = max(len(str(error.count)) for error in coverage.errors)
    for exchange in names:
        for index, error in enumerate(coverage.errors_of(exchange)):
            label = (exchange or "all") if index == 0 else ""
            reason = shorten(error.reason, REASON_WIDTH, placeholder=" ...")
            lines.append(f"  {label:<{width}}  {error.count:>{count_width}}  {reason}")
    return lines
