"""The records the spiders yield and the pipelines store: small dataclasses, read through ItemAdapter."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime


@dataclass
class Company:
    """An SEC filer as SEC's ticker files describe it: one per CIK, with every ticker it trades under."""

    cik: int
    name: str
    tickers: list[str] = field(default_factory=list)
    # The ticker a person would name the company by (rule in sec/tickers.py).
    primary_ticker: str | None = None
    # SEC's own exchange column for the company's tickers ("Nasdaq", "NYSE", "OTC", ...).
    sec_exchanges: list[str] = field(default_factory=list)


@dataclass
class Listing:
    """One row of NASDAQ Trader's symbol directory."""

    symbol: str
    security_name: str
    listing_exchange: str
    is_etf: bool
    is_test_issue: bool
    source_file: str
    file_created_at: datetime


@dataclass
class SymbolDirectoryFile:
    """One symbol directory file as downloaded: its raw bytes and the listings parsed from it."""

    source_file: str  # "nasdaqlisted.txt" or "otherlisted.txt"
    file_created_at: datetime
    body: bytes
    listings: list[Listing]


@dataclass
class ListingsSnapshot:
    """Every symbol directory file of one crawl: together they replace `listings_ref`."""

    files: list[SymbolDirectoryFile]
