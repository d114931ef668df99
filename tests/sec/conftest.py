"""The real SEC ticker files and NASDAQ Trader symbol directory, parsed once per session."""

from pathlib import Path

import pytest

from filings_crawler.items import Company, Listing
from filings_crawler.sec.listings import SymbolDirectory, parse_symbol_directory
from filings_crawler.sec.tickers import (
    TickerEntry,
    merge_companies,
    parse_company_tickers,
    parse_company_tickers_exchange,
)

EDGAR = Path(__file__).parents[1] / "fixtures" / "edgar"
COMPANY_TICKERS = EDGAR / "www.sec.gov" / "files" / "company_tickers.json"
COMPANY_TICKERS_EXCHANGE = EDGAR / "www.sec.gov" / "files" / "company_tickers_exchange.json"
SYMBOL_DIRECTORY = EDGAR / "www.nasdaqtrader.com" / "dynamic" / "SymDir"


@pytest.fixture(scope="session")
def ticker_entries() -> list[TickerEntry]:
    return parse_company_tickers(COMPANY_TICKERS.read_bytes())


@pytest.fixture(scope="session")
def exchange_entries() -> list[TickerEntry]:
    return parse_company_tickers_exchange(COMPANY_TICKERS_EXCHANGE.read_bytes())


@pytest.fixture(scope="session")
def companies(
    ticker_entries: list[TickerEntry], exchange_entries: list[TickerEntry]
) -> dict[int, Company]:
    return {c.cik: c for c in merge_companies(ticker_entries, exchange_entries)}


@pytest.fixture(scope="session")
def nasdaqlisted() -> SymbolDirectory:
    return parse_symbol_directory(
        (SYMBOL_DIRECTORY / "nasdaqlisted.txt").read_bytes(), "nasdaqlisted.txt"
    )


@pytest.fixture(scope="session")
def otherlisted() -> SymbolDirectory:
    return parse_symbol_directory(
        (SYMBOL_DIRECTORY / "otherlisted.txt").read_bytes(), "otherlisted.txt"
    )


@pytest.fixture(scope="session")
def all_listings(nasdaqlisted: SymbolDirectory, otherlisted: SymbolDirectory) -> list[Listing]:
    return [*nasdaqlisted.listings, *otherlisted.listings]
