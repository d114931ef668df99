"""Every URL the project fetches, built from the three configured base URLs (real hosts or a mirror)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

SYMBOL_DIRECTORY_FILES = ("nasdaqlisted.txt", "otherlisted.txt")

# Filings link to their own images by absolute URL on SEC's real host too; those are fetched
# through the configured base like every other SEC file.
CANONICAL_WWW = "https://www.sec.gov"


@dataclass(frozen=True)
class EdgarUrls:
    www: str  # SEC_WWW_BASE_URL, e.g. https://www.sec.gov
    data: str  # SEC_DATA_BASE_URL, e.g. https://data.sec.gov
    nasdaq_trader: str  # NASDAQ_TRADER_BASE_URL, e.g. https://www.nasdaqtrader.com

    @classmethod
    def from_config(cls, config: Any) -> EdgarUrls:
        return cls(config.sec_www_base_url, config.sec_data_base_url, config.nasdaq_trader_base_url)

    @property
    def sec_bases(self) -> tuple[str, str]:
        """The bases whose requests all share SEC's one rate budget."""
        return (self.www, self.data)

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

    def filing_folder(self, cik: int, accession_number: str) -> str:
        return f"{self.www}/Archives/edgar/data/{cik}/{accession_number.replace('-', '')}/"
