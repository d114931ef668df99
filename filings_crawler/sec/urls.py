"""Every URL the project fetches, built from the three configured base URLs (real hosts or a mirror).

What the dataset keeps is a file's URL on SEC itself (`SEC.filing_folder(...)`, an artifact's
`sec_url`): the same whatever base it was fetched through, so a mirror's port or a move from a
mirror to SEC never makes a stored file look new. The URL a request goes to is made from it
with the configured bases when the request is sent (`EdgarUrls.to_request`).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

SYMBOL_DIRECTORY_FILES = ("nasdaqlisted.txt", "otherlisted.txt")

# SEC's own hosts. Filings link to their own images by absolute URL on SEC's real host too; those
# are fetched through the configured base like every other SEC file.
CANONICAL_WWW = "https://www.sec.gov"
CANONICAL_DATA = "https://data.sec.gov"
CANONICAL_NASDAQ_TRADER = "https://www.nasdaqtrader.com"


@dataclass(frozen=True)
class EdgarUrls:
    www: str  # SEC_WWW_BASE_URL, e.g. https://www.sec.gov
    data: str  # SEC_DATA_BASE_URL, e.g. https://data.sec.gov
    nasdaq_trader: str  # NASDAQ_TRADER_BASE_URL, e.g. https://www.nasdaqtrader.com

    @classmethod
    def from_config(cls, config: Any) -> EdgarUrls:
        return cls(config.sec_www_base_url, config.sec_data_base_url, config.nasdaq_trader_base_url)

    def to_request(self, sec_url: str) -> str:
        """The URL to fetch for a file's URL on SEC (or NASDAQ Trader), under the configured base."""
        for own, configured in self._bases():
            if sec_url.startswith(f"{own}/"):
                return configured + sec_url[len(own) :]
        raise ValueError(f"not a URL on SEC or NASDAQ Trader: {sec_url!r}")

    def to_sec(self, url: str) -> str:
        """A fetched URL as the file's URL on SEC: what the dataset keys it by."""
        for own, configured in self._bases():
            if url.startswith(f"{configured}/"):
                return own + url[len(configured) :]
        raise ValueError(f"not a URL under the configured SEC or NASDAQ Trader bases: {url!r}")

    def _bases(self) -> tuple[tuple[str, str], ...]:
        return (
            (CANONICAL_WWW, self.www),
            (CANONICAL_DATA, self.data),
            (CANONICAL_NASDAQ_TRADER, self.nasdaq_trader),
        )

    def company_tickers(self) -> str:
        return f"{self.www}/files/company_tickers.json"

    def company_tickers_exchange(self) -> str:
        return f"{self.www}/files/company_tickers_exchange.json"

    def symbol_directory(self, file_name: str) -> str:
        if file_name not in SYMBOL_DIRECTORY_FILES:
            raise ValueError(f"not a symbol directory file: {file_name!r}")
        return f"{self.nasdaq_trader}/dynamic/SymDir/{file_name}"

    def submissions(self, cik: int) -> str:
        return f"{self.data}/submissions/CIK{cik:010d}.json"

    def submissions_page(self, name: str) -> str:
        """A `filings.files` page, named as SEC names it (CIK##########-submissions-001.json)."""
        return f"{self.data}/submissions/{name}"

    def image_prefixes(self) -> list[str]:
        """Bases an image URL in a filing may start with to be fetched (from its own folder)."""
        return sorted({f"{self.www}/", f"{CANONICAL_WWW}/"})

    def daily_index_folder(self, year: int, quarter: int) -> str:
        """EDGAR's daily index of one quarter; its `index.json` lists the days published."""
        return f"{self.www}/Archives/edgar/daily-index/{year}/QTR{quarter}/"

    def daily_index_listing(self, year: int, quarter: int) -> str:
        return self.daily_index_folder(year, quarter) + "index.json"

    def daily_index_file(self, year: int, quarter: int, name: str) -> str:
        """One day's index file of the quarter (`master.20240501.idx`, as the listing names it)."""
        return self.daily_index_folder(year, quarter) + name

    def full_index_file(self, year: int, quarter: int, name: str) -> str:
        """One file of EDGAR's quarterly full index (`xbrl.idx`, `master.idx`, ...)."""
        return f"{self.www}/Archives/edgar/full-index/{year}/QTR{quarter}/{name}"

    def filing_folder(self, cik: int, accession_number: str) -> str:
        return f"{self.www}/Archives/edgar/data/{cik}/{accession_number.replace('-', '')}/"


# The URLs of SEC's own hosts: what the dataset keys files by.
SEC = EdgarUrls(CANONICAL_WWW, CANONICAL_DATA, CANONICAL_NASDAQ_TRADER)
