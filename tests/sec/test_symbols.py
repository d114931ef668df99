"""normalize_symbol: SEC's and NASDAQ Trader's spellings of one security meet."""

import pytest

from filings_crawler.items import Company, Listing
from filings_crawler.sec.symbols import normalize_symbol


@pytest.mark.parametrize(
    ("symbol", "canonical"),
    [
        ("AAPL", "AAPL"),
        (" aapl ", "AAPL"),
        ("BRK-B", "BRK.B"),  # SEC
        ("BRK.B", "BRK.B"),  # ACT symbol
        ("BRK B", "BRK.B"),
        ("BRK/B", "BRK.B"),
        ("brk-b", "BRK.B"),
        ("BRK--B", "BRK.B"),
        ("BRK. B", "BRK.B"),
        ("BFS-PD", "BFS.PD"),  # SEC, preferred series D
        ("BFS$D", "BFS.PD"),  # ACT symbol, preferred series D
        ("HWM-P", "HWM.P"),  # SEC, preferred without a series
        ("HWM$", "HWM.P"),  # ACT symbol, preferred without a series
        ("ZXYZ.A", "ZXYZ.A"),
        ("GRP-UN", "GRP.UN"),  # units: SEC's suffix is kept, it does not meet ACT's .U
    ],
)
def test_normalize_symbol(symbol, canonical):
    assert normalize_symbol(symbol) == canonical


@pytest.mark.parametrize(
    ("cik", "sec_ticker", "act_symbol"),
    [
        (1067983, "BRK-B", "BRK.B"),
        (1067983, "BRK-A", "BRK.A"),
        (14693, "BF-B", "BF.B"),
        (907254, "BFS-PD", "BFS$D"),
        (4281, "HWM-P", "HWM$"),
    ],
)
def test_sec_tickers_meet_otherlisted_act_symbols(
    companies: dict[int, Company], all_listings: list[Listing], cik, sec_ticker, act_symbol
):
    assert sec_ticker in companies[cik].tickers
    (listing,) = [
        listing
        for listing in all_listings
        if normalize_symbol(listing.symbol) == normalize_symbol(sec_ticker)
    ]
    assert listing.symbol == act_symbol
    assert listing.source_file == "otherlisted.txt"
