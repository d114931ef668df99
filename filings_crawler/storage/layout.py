"""Where each stored file goes: `{exchange}/{ticker}/{year}/`, with names that are stable and unique.

    NASDAQ/aapl/2025/aapl-20250329_10q_0000320193-25-000057.html        the primary document
    NASDAQ/aapl/2025/0000320193-25-000057_aapl-20250329_g1.jpg          an image it shows
    NASDAQ/aapl/2025/xbrl/0000320193-25-000057/aapl-20250329.xsd        its XBRL files
    NASDAQ/aapl/2025/exhibits/0000320193-25-000057/a10-qexhibit31.htm   exhibits, when asked for

Every name comes from the filing itself, never from the order things were fetched in, so a
rerun writes to the same paths. The accession number makes names unique: two filings of one
company on one date (a 10-Q and its 10-Q/A) never collide, nor do images with generic names
(`image1.jpg`) of different filings in one year folder. XBRL files keep their own names inside
a folder per filing, because the schema and linkbases refer to each other by those names.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date
from pathlib import PurePosixPath
from typing import Protocol

_UNSAFE = re.compile(r"[^a-z0-9-]+")


class ListedFiling(Protocol):
    """What a filing record says of itself that its place needs (a submissions row, a row of
    `filings`)."""

    @property
    def accession_number(self) -> str: ...
    @property
    def form(self) -> str: ...
    @property
    def filing_date(self) -> date: ...
    @property
    def report_date(self) -> date | None: ...


@dataclass(frozen=True)
class FilingPlace:
    """What decides where a filing's files go."""

    exchange: str
    ticker: str | None
    cik: int
    accession_number: str
    form: str
    filing_date: date
    report_date: date | None
    primary_document: str

    @classmethod
    def of(
        cls,
        filing: ListedFiling,
        *,
        exchange: str,
        ticker: str | None,
        cik: int,
        primary_document: str,
    ) -> FilingPlace:
        """The place of a filing of a company listed on `exchange` as `ticker`: the one way a
        place is made, from a submissions row or a row of `filings` alike."""
        return cls(
            exchange=exchange,
            ticker=ticker,
            cik=cik,
            accession_number=filing.accession_number,
            form=filing.form,
            filing_date=filing.filing_date,
            report_date=filing.report_date,
            primary_document=primary_document,
        )

    @property
    def folder(self) -> str:
        return f"{exchange_segment(self.exchange)}/{self.ticker_segment}/{self.filing_date.year}"

    @property
    def ticker_segment(self) -> str:
        """The ticker as a folder name: `BRK-B`, `BRK.B` and `BRK/B` all give `brk-b`."""
        if self.ticker:
            segment = _UNSAFE.sub("-", self.ticker.lower()).strip("-")
            if segment:
                return segment
        return f"cik{self.cik}"

    def html_path(self) -> str:
        """`aapl-20250329_10q_0000320193-25-000057.html`: ticker, period, form, accession."""
        period = self.report_date or self.filing_date
        form = re.sub(r"[^a-z0-9]+", "", self.form.lower())  # 10-K/A -> 10ka
        suffix = PurePosixPath(self.primary_document).suffix.lower()
        extension = ".html" if suffix in (".htm", ".html") else suffix or ".html"
        name = f"{self.ticker_segment}-{period:%Y%m%d}_{form}_{self.accession_number}{extension}"
        return f"{self.folder}/{name}"

    def image_path(self, name: str) -> str:
        return f"{self.folder}/{self.image_name(name)}"

    def image_name(self, name: str) -> str:
        """The stored image's name, which the stored HTML's `src` points at (same folder)."""
        return f"{self.accession_number}_{name}"

    def xbrl_path(self, name: str) -> str:
        return f"{self.folder}/xbrl/{self.accession_number}/{name}"

    def exhibit_path(self, name: str) -> str:
        return f"{self.folder}/exhibits/{self.accession_number}/{name}"

    def path_for(self, kind: str, name: str) -> str:
        """The path of an artifact of `kind` with file name `name` in the SEC folder."""
        if kind == "html":
            return self.html_path()
        if kind == "image":
            return self.image_path(name)
        if kind == "xbrl":
            return self.xbrl_path(name)
        if kind == "exhibit":
            return self.exhibit_path(name)
        raise ValueError(f"unknown artifact kind {kind!r}")


def exchange_segment(exchange: str) -> str:
    """`NYSE American` → `NYSE_American`: one folder name per exchange, no spaces."""
    return re.sub(r"[^A-Za-z0-9]+", "_", exchange).strip("_") or "UNKNOWN"
