"""The routing middleware: each source's slot, SEC's declared encodings, every other host refused."""

from __future__ import annotations

import pytest
from scrapy import Request
from scrapy.exceptions import IgnoreRequest

from filings_crawler.budget.routing import SourceRoutingMiddleware
from filings_crawler.budget.sec_budget import NASDAQ_TRADER_SLOT, SEC_SLOT
from tests.crawling import unit_crawler


@pytest.fixture
def routing() -> SourceRoutingMiddleware:
    return SourceRoutingMiddleware.from_crawler(unit_crawler())


@pytest.mark.parametrize(
    ("url", "slot"),
    [
        ("http://127.0.0.1:9/www.sec.gov/Archives/edgar/data/320193/x.htm", SEC_SLOT),
        ("http://127.0.0.1:9/data.sec.gov/submissions/CIK0000320193.json", SEC_SLOT),
        (
            "http://127.0.0.1:9/www.nasdaqtrader.com/dynamic/SymDir/otherlisted.txt",
            NASDAQ_TRADER_SLOT,
        ),
    ],
)
def test_each_source_has_its_slot_and_sec_gets_gzip_deflate(routing, url, slot):
    request = Request(url)
    routing.process_request(request)
    assert request.meta["download_slot"] == slot
    if slot == SEC_SLOT:
        assert request.headers["Accept-Encoding"] == b"gzip, deflate"


@pytest.mark.parametrize(
    "url",
    [
        "https://www.example.com/x.jpg",
        "http://127.0.0.1:9/www.sec.gov.evil.com/x",  # a prefix of a base is not the base
        "http://127.0.0.1:9/",
    ],
)
def test_other_urls_are_refused(routing, url):
    with pytest.raises(IgnoreRequest, match="never fetched"):
        routing.process_request(Request(url))
    assert routing.stats.get_value("budget/refused_offsite") == 1


def test_a_data_request_carries_an_item_and_goes_nowhere(routing):
    request = Request("data:text/plain,retry-0000320193-25-000057")
    routing.process_request(request)
    assert "download_slot" not in request.meta
