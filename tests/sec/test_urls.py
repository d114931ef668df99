"""Every URL, from the configured bases; every key, SEC's own URL whatever the base."""

from __future__ import annotations

import pytest

from filings_crawler.sec.urls import SEC, EdgarUrls

MIRROR = EdgarUrls(
    "http://127.0.0.1:8080/www.sec.gov",
    "http://127.0.0.1:8080/data.sec.gov",
    "http://127.0.0.1:8080/www.nasdaqtrader.com",
)


def test_secs_own_urls():
    assert SEC.submissions(320193) == "https://data.sec.gov/submissions/CIK0000320193.json"
    assert SEC.filing_folder(320193, "0000320193-25-000057") == (
        "https://www.sec.gov/Archives/edgar/data/320193/000032019325000057/"
    )
    assert SEC.company_tickers() == "https://www.sec.gov/files/company_tickers.json"
    assert SEC.daily_index_listing(2024, 2) == (
        "https://www.sec.gov/Archives/edgar/daily-index/2024/QTR2/index.json"
    )
    assert SEC.daily_index_file(2024, 2, "master.20240501.idx") == (
        "https://www.sec.gov/Archives/edgar/daily-index/2024/QTR2/master.20240501.idx"
    )
    assert SEC.symbol_directory("otherlisted.txt") == (
        "https://www.nasdaqtrader.com/dynamic/SymDir/otherlisted.txt"
    )


@pytest.mark.parametrize(
    "sec_url",
    [
        "https://www.sec.gov/Archives/edgar/data/320193/000032019325000057/aapl-20250329.htm",
        "https://data.sec.gov/submissions/CIK0000320193.json",
        "https://www.nasdaqtrader.com/dynamic/SymDir/nasdaqlisted.txt",
    ],
)
def test_a_key_is_fetched_under_the_configured_base_and_found_again_from_it(sec_url):
    request_url = MIRROR.to_request(sec_url)
    assert request_url.startswith("http://127.0.0.1:8080/")
    assert MIRROR.to_sec(request_url) == sec_url
    assert SEC.to_request(sec_url) == sec_url


def test_urls_elsewhere_are_refused():
    with pytest.raises(ValueError, match="not a URL on SEC"):
        MIRROR.to_request("https://www.example.com/x.jpg")
    with pytest.raises(ValueError, match="not a URL under the configured"):
        MIRROR.to_sec("http://127.0.0.1:9999/www.sec.gov/x.htm")
    with pytest.raises(ValueError, match="not a symbol directory file"):
        SEC.symbol_directory("../etc/passwd")


def test_images_are_fetched_from_the_filing_folder_under_either_base():
    assert MIRROR.image_prefixes() == [
        "http://127.0.0.1:8080/www.sec.gov/",
        "https://www.sec.gov/",
    ]
