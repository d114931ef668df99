"""Companies listed in the past: which to check, which of their filings to read, and what it says.

Today's lists (SEC's ticker files, NASDAQ Trader's directory) name only the companies listed
today; a company acquired, taken private, liquidated or moved to OTC since is in none of them,
with every filing it made while listed. EDGAR's quarterly full index names every company that
filed, so the candidates are its filers of an in-scope form in the window that are not targeted
today. Each candidate's listing is then read from its own cover page (sec/covers.py): the
exchange each registered security trades on, as the company declared it when it filed.

Pure: the crawl (spiders/past_listings.py) fetches, this decides.
"""

from __future__ import annotations

from collections.abc import Collection, Iterable, Sequence
from dataclasses import dataclass
from datetime import date

from filings_crawler.sec.covers import Cover
from filings_crawler.sec.daily_index import IndexEntry, select_entries
from filings_crawler.sec.exchanges import TARGET_EXCHANGES
from filings_crawler.sec.submissions import FilingRow

# EDGAR's quarterly full index, of which one file per quarter is read: `xbrl.idx`, the filings
# with XBRL. Every 10-K and 10-Q of a listed company has XBRL (required of all filers since
# 2021), and its cover's XBRL facts are what says where it was listed, so a filer missing from
# it could not be shown listed anyway; the file is a tenth of `master.idx` (2.4 MB against
# 31 MB for 2023 Q1), which lists every form of every filer.
FULL_INDEX_FILE = "xbrl.idx"

# Annual and quarterly reports first: their covers carry the table of registered securities.
ORIGINALS = ("10-K", "10-Q")


def candidates(
    entries: Iterable[IndexEntry],
    *,
    forms: Sequence[str],
    start: date,
    end: date,
    excluded: Collection[int],
) -> dict[int, str]:
    """CIK -> name (as the index writes it) of each filer of an in-scope form in the window
    that is not `excluded` (targeted today, a fund, or checked already), in CIK order."""
    found: dict[int, str] = {}
    for entry in select_entries(entries, forms, start, end):
        if entry.cik not in excluded:
            found.setdefault(entry.cik, entry.company_name)
    return dict(sorted(found.items()))


def filing_to_read(filings: Sequence[FilingRow]) -> FilingRow | None:
    """Which of a candidate's in-scope filings to read its listing from: the earliest report
    (10-K or 10-Q) in the window, else the earliest amendment.

    A company not listed today most often was listed and then was not (acquired, delisted,
    liquidated): its earliest filing in the window is the likeliest to show the listing. One
    document is all a company that never was listed costs.
    """
    ranked = sorted(
        filings, key=lambda f: (f.form not in ORIGINALS, f.filing_date, f.accession_number)
    )
    return ranked[0] if ranked else None


@dataclass(frozen=True)
class DeclaredListing:
    """A company's listing as one filing's cover declares it."""

    exchange: str | None  # the first of TARGET_EXCHANGES the cover names; None: not listed on one
    symbol: str | None  # that security's symbol (else the cover's first)
    declared: tuple[str, ...]  # every exchange the cover names, for the record


def listing_on_cover(cover: Cover, targets: Sequence[str] = TARGET_EXCHANGES) -> DeclaredListing:
    """The target exchange a cover names (the first, in the cover's order), and its symbol."""
    exchange = cover.listed_on(targets)
    symbol = next((s.symbol for s in cover.securities if s.exchange == exchange and s.symbol), None)
    return DeclaredListing(exchange, symbol or cover.primary_symbol, cover.exchanges)
