"""Where each stored file goes: stable, unique names under {exchange}/{ticker}/{year}/."""

from __future__ import annotations

from datetime import date

import pytest

from filings_crawler.storage.layout import FilingPlace, exchange_segment
from tests.records import APPLE_10Q


def test_each_kind_of_file_has_its_place():
    assert APPLE_10Q.path_for("html", "aapl-20250329.htm") == (
        "NASDAQ/aapl/2025/aapl-20250329_10q_0000320193-25-000057.html"
    )
    assert APPLE_10Q.path_for("image", "aapl-20250329_g1.jpg") == (
        "NASDAQ/aapl/2025/0000320193-25-000057_aapl-20250329_g1.jpg"
    )
    assert APPLE_10Q.path_for("xbrl", "aapl-20250329.xsd") == (
        "NASDAQ/aapl/2025/xbrl/0000320193-25-000057/aapl-20250329.xsd"
    )
    assert APPLE_10Q.path_for("exhibit", "ex31.htm") == (
        "NASDAQ/aapl/2025/exhibits/0000320193-25-000057/ex31.htm"
    )
    with pytest.raises(ValueError, match="unknown artifact kind"):
        APPLE_10Q.path_for("video", "x.mp4")


@pytest.mark.parametrize(
    ("ticker", "segment"),
    [
        ("BRK-B", "brk-b"),
        ("BRK.B", "brk-b"),
        ("BRK/B", "brk-b"),
        (None, "cik320193"),
        ("$", "cik320193"),
    ],
)
def test_a_ticker_becomes_one_safe_folder_name(ticker, segment):
    place = FilingPlace("NYSE", ticker, 320193, "a", "10-K", date(2024, 1, 2), None, "x.htm")
    assert place.ticker_segment == segment


def test_an_amendment_and_its_original_never_share_a_name():
    amendment = FilingPlace(
        "NYSE", "KO", 21344, "0000021344-24-000010", "10-K/A", date(2024, 2, 20), None, "ko.htm"
    )
    original = FilingPlace(
        "NYSE", "KO", 21344, "0000021344-24-000009", "10-K", date(2024, 2, 20), None, "ko.htm"
    )
    assert amendment.html_path() != original.html_path()
    assert "_10ka_" in amendment.html_path()


def test_an_exchange_with_spaces_is_one_folder():
    assert exchange_segment("NYSE American") == "NYSE_American"
    assert exchange_segment("") == "UNKNOWN"
