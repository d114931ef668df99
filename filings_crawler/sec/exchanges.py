"""Which exchange a company is listed on: SEC's tickers matched against NASDAQ Trader's listings.

The rule, for one company (its tickers, primary ticker and SEC's exchange column):

1. Look its tickers up in the symbol directory by `normalize_symbol`; test issues never match.
2. If a match is a non-ETF listing on a target exchange, the company is on that exchange. A
   company on two exchanges takes its primary ticker's (non-ETF, target) listing, else that of
   the first ticker, in the company's ticker order, that has one.
3. If its tickers match only ETFs or listings on other exchanges (Cboe BZX, IEX, ...), it is
   UNKNOWN and not targeted. SEC's column is not consulted: today's listing beats SEC's column,
   which lags behind listings and delistings.
4. If none of its tickers is in the directory, SEC's column decides: its first value that
   SEC_EXCHANGE_FALLBACK maps, else UNKNOWN (OTC, Cboe US, blank, ...).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence

from filings_crawler.sec.exchange_codes import SEC_TICKERS_NAMES, TARGET_EXCHANGES
from filings_crawler.sec.listings import Listing
from filings_crawler.sec.symbols import normalize_symbol

UNKNOWN = "UNKNOWN"
# SEC's exchange column only names two of our targets; every other value is UNKNOWN.
SEC_EXCHANGE_FALLBACK = SEC_TICKERS_NAMES


def index_listings(listings: Iterable[Listing]) -> dict[str, list[Listing]]:
    """Listings by normalized symbol, test issues left out (they never match a company)."""
    index: dict[str, list[Listing]] = {}
    for listing in listings:
        if not listing.is_test_issue:
            index.setdefault(normalize_symbol(listing.symbol), []).append(listing)
    return index


def choose_exchange(
    tickers: Sequence[str],
    primary_ticker: str | None,
    sec_exchanges: Sequence[str],
    listings_by_symbol: Mapping[str, Sequence[Listing]],
) -> str:
    """The company's exchange (one of TARGET_EXCHANGES) or UNKNOWN, by the module's rule."""
    in_order = [primary_ticker, *tickers] if primary_ticker else list(tickers)
    found = False
    for ticker in in_order:
        for listing in listings_by_symbol.get(normalize_symbol(ticker), ()):
            if listing.is_test_issue:  # for an index not built by index_listings
                continue
            found = True
            if not listing.is_etf and listing.listing_exchange in TARGET_EXCHANGES:
                return listing.listing_exchange
    if found:
        return UNKNOWN
    return next(
        (SEC_EXCHANGE_FALLBACK[e] for e in sec_exchanges if e in SEC_EXCHANGE_FALLBACK), UNKNOWN
    )


def is_etf(tickers: Sequence[str], listings_by_symbol: Mapping[str, Sequence[Listing]]) -> bool:
    """Whether today's symbol directory flags one of these tickers as an ETF: a fund, which the
    dataset leaves out whatever its filings say."""
    return any(
        listing.is_etf and not listing.is_test_issue
        for ticker in tickers
        for listing in listings_by_symbol.get(normalize_symbol(ticker), ())
    )


def enrich_companies(
    companies: Iterable[tuple[int, Sequence[str], str | None, Sequence[str]]],
    listings: Iterable[Listing],
) -> dict[int, str]:
    """CIK → exchange for each (cik, tickers, primary_ticker, sec_exchanges) of `companies`."""
    listings_by_symbol = index_listings(listings)
    return {
        cik: choose_exchange(tickers, primary, sec_exchanges, listings_by_symbol)
        for cik, tickers, primary, sec_exchanges in companies
    }
