"""The exchange rule: a company's tickers against the symbol directory, SEC's column as fallback."""

from collections import Counter
from datetime import UTC, datetime

import pytest

from filings_crawler.items import Company, Listing
from filings_crawler.sec.exchanges import (
    TARGET_EXCHANGES,
    UNKNOWN,
    choose_exchange,
    enrich_companies,
    index_listings,
)

CREATED_AT = datetime(2025, 7, 21, 1, 31, tzinfo=UTC)


def listing(symbol: str, exchange: str, *, etf: bool = False, test: bool = False) -> Listing:
    source_file = "nasdaqlisted.txt" if exchange == "NASDAQ" else "otherlisted.txt"
    return Listing(symbol, f"{symbol} Stock", exchange, etf, test, source_file, CREATED_AT)


DIRECTORY = index_listings(
    [
        listing("HOV", "NYSE"),
        listing("HOVNP", "NASDAQ"),
        listing("CMCSA", "NASDAQ"),
        listing("CCZ", "NYSE"),
        listing("BRK.B", "NYSE"),
        listing("BFS$D", "NYSE"),
        listing("SPY", "NYSE Arca", etf=True),
        listing("BMOX", "NYSE Arca", etf=True),
        listing("BMO", "NYSE"),
        listing("CBOEONLY", "Cboe BZX"),
        listing("ZVZZT", "NASDAQ", test=True),
        listing("IMUX", "NASDAQ"),
    ]
)


@pytest.mark.parametrize(
    ("tickers", "primary", "sec_exchanges", "expected"),
    [
        # Listed on two exchanges: the primary ticker's listing decides, whatever the order.
        (["HOV", "HOVNP"], "HOV", ["NYSE"], "NYSE"),
        (["HOVNP", "HOV"], "HOV", ["NYSE"], "NYSE"),
        (["CMCSA", "CCZ"], "CMCSA", ["Nasdaq"], "NASDAQ"),
        # The primary ticker is not listed, another ticker is: the first listed one decides.
        (["IMUXW", "IMUX"], "IMUXW", ["NYSE"], "NASDAQ"),
        (["IMUXW", "CCZ", "IMUX"], "IMUXW", [], "NYSE"),
        # The primary ticker is an ETF, another ticker a company's share.
        (["BMOX", "BMO"], "BMOX", [], "NYSE"),
        # The primary ticker's only listing is off our targets, another ticker's is on one.
        (["CBOEONLY", "BMO"], "CBOEONLY", [], "NYSE"),
        # SEC's and NASDAQ Trader's spellings meet.
        (["BRK-B", "BRK-A"], "BRK-B", ["NYSE"], "NYSE"),
        (["BFS-PD"], "BFS-PD", [], "NYSE"),
        # Only ETFs, or only exchanges we do not target: UNKNOWN, SEC's column not consulted.
        (["SPY"], "SPY", ["NYSE"], UNKNOWN),
        (["SPY", "BMOX"], "SPY", ["Nasdaq", "NYSE"], UNKNOWN),
        (["CBOEONLY"], "CBOEONLY", ["Nasdaq"], UNKNOWN),
        # A test issue never matches: SEC's column decides.
        (["ZVZZT"], "ZVZZT", ["NYSE"], "NYSE"),
        (["ZVZZT"], "ZVZZT", [], UNKNOWN),
        # No ticker in the directory: SEC's column, its first value we know.
        (["NOPE"], "NOPE", ["NYSE"], "NYSE"),
        (["NOPE"], "NOPE", ["Nasdaq"], "NASDAQ"),
        (["NOPE"], "NOPE", ["OTC", "NYSE"], "NYSE"),
        (["NOPE"], "NOPE", ["OTC"], UNKNOWN),
        (["NOPE"], "NOPE", ["Cboe US"], UNKNOWN),
        (["NOPE"], "NOPE", [], UNKNOWN),
        ([], None, ["Nasdaq"], "NASDAQ"),
        # No primary ticker: the company's ticker order decides.
        (["HOVNP", "HOV"], None, [], "NASDAQ"),
    ],
)
def test_choose_exchange(tickers, primary, sec_exchanges, expected):
    assert choose_exchange(tickers, primary, sec_exchanges, DIRECTORY) == expected


def test_test_issues_never_match_even_in_an_index_that_has_them():
    raw = {"ZVZZT": [listing("ZVZZT", "NASDAQ", test=True)]}
    assert choose_exchange(["ZVZZT"], "ZVZZT", ["NYSE"], raw) == "NYSE"


def test_index_listings_is_keyed_by_normalized_symbol_without_test_issues():
    brk = listing("BRK.B", "NYSE")
    preferred = listing("BFS$D", "NYSE")
    index = index_listings([brk, preferred, listing("ZVZZT", "NASDAQ", test=True)])
    assert index == {"BRK.B": [brk], "BFS.PD": [preferred]}


def test_enrich_companies():
    companies = [
        (1, ["HOV", "HOVNP"], "HOV", ["NYSE"]),
        (2, ["SPY"], "SPY", ["NYSE"]),
        (3, ["NOPE"], "NOPE", ["OTC"]),
    ]
    listings = [
        listing("HOV", "NYSE"),
        listing("HOVNP", "NASDAQ"),
        listing("SPY", "NYSE Arca", etf=True),
    ]
    assert enrich_companies(companies, listings) == {1: "NYSE", 2: UNKNOWN, 3: UNKNOWN}


@pytest.fixture(scope="module")
def real_exchanges(companies: dict[int, Company], all_listings: list[Listing]) -> dict[int, str]:
    return enrich_companies(
        ((c.cik, c.tickers, c.primary_ticker, c.sec_exchanges) for c in companies.values()),
        all_listings,
    )


@pytest.mark.parametrize(
    ("cik", "exchange"),
    [
        (320193, "NASDAQ"),  # Apple
        (1652044, "NASDAQ"),  # Alphabet
        (1067983, "NYSE"),  # Berkshire Hathaway: BRK-B meets BRK.B
        (14693, "NYSE"),  # Brown-Forman: BF-B meets BF.B
        (884394, UNKNOWN),  # SPDR S&P 500 ETF Trust: SPY is an ETF on NYSE Arca
        (357294, "NYSE"),  # Hovnanian: HOV on NYSE, HOVNP on NASDAQ
        (1166691, "NASDAQ"),  # Comcast: CMCSA on NASDAQ, CCZ on NYSE
    ],
)
def test_real_companies(real_exchanges: dict[int, str], cik: int, exchange: str):
    assert real_exchanges[cik] == exchange


def test_real_totals(companies: dict[int, Company], real_exchanges: dict[int, str]):
    assert set(real_exchanges) == set(companies)
    assert Counter(real_exchanges.values()) == {
        "NASDAQ": 3874,
        "NYSE": 2614,
        "NYSE American": 240,
        "NYSE Arca": 4,
        UNKNOWN: 2213,
    }
    assert set(real_exchanges.values()) <= {*TARGET_EXCHANGES, UNKNOWN}
