"""The budget middleware's routing, identity headers and reading of SEC's answers, one by one."""

from __future__ import annotations

import pytest
from scrapy import Request
from scrapy.exceptions import IgnoreRequest
from scrapy.http import HtmlResponse, Response
from scrapy.utils.test import get_crawler

from filings_crawler.budget.middleware import (
    NASDAQ_TRADER_SLOT,
    SEC_SLOT,
    SecBudgetMiddleware,
    _retry_after,
)
from filings_crawler.config import ConfigError
from tests.conftest import EDGAR_SAMPLE, TEST_USER_AGENT

BASES = {
    "SEC_USER_AGENT": TEST_USER_AGENT,
    "SEC_WWW_BASE_URL": "http://127.0.0.1:9/www.sec.gov",
    "SEC_DATA_BASE_URL": "http://127.0.0.1:9/data.sec.gov",
    "NASDAQ_TRADER_BASE_URL": "http://127.0.0.1:9/www.nasdaqtrader.com",
}


@pytest.fixture
def middleware() -> SecBudgetMiddleware:
    crawler = get_crawler(
        settings_dict={**BASES, "SEC_BLOCK_COOLDOWN": "660", "LOG_FORMAT": "json"}
    )
    return SecBudgetMiddleware.from_crawler(crawler)


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
def test_each_source_has_its_slot_and_sec_gets_gzip_deflate(middleware, url, slot):
    request = Request(url)
    middleware.process_request(request)
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
def test_other_urls_are_refused(middleware, url):
    with pytest.raises(IgnoreRequest, match="never fetched"):
        middleware.process_request(Request(url))


def sec_request(middleware: SecBudgetMiddleware) -> Request:
    request = Request(f"{BASES['SEC_DATA_BASE_URL']}/submissions/CIK0000320193.json")
    middleware.process_request(request)
    request.meta["budget_sent_at"] = middleware.limiters[SEC_SLOT].clock()
    return request


def test_a_block_page_pauses_everything_and_retries_the_request(middleware):
    request = sec_request(middleware)
    body = (EDGAR_SAMPLE / "_errors" / "rate-exceeded.html").read_bytes()
    response = HtmlResponse(request.url, status=403, body=body, request=request)
    retry = middleware.process_response(request, response)
    assert isinstance(retry, Request)
    assert retry.url == request.url
    assert retry.dont_filter
    limiter = middleware.limiters[SEC_SLOT]
    assert limiter.paused_for == pytest.approx(660, abs=1)
    assert limiter.rate == 5
    assert limiter.probing
    assert middleware.blocks == 1


def test_a_429_slows_the_slot_and_goes_on_to_retry(middleware):
    request = sec_request(middleware)
    response = Response(request.url, status=429, headers={"Retry-After": "7"}, request=request)
    assert middleware.process_response(request, response) is response
    limiter = middleware.limiters[SEC_SLOT]
    assert limiter.paused_for == pytest.approx(7, abs=0.5)
    assert limiter.rate == 5


def test_an_ordinary_403_or_404_is_passed_on_untouched(middleware):
    request = sec_request(middleware)
    for status in (403, 404):
        response = HtmlResponse(
            request.url, status=status, body=b"<html>no</html>", request=request
        )
        assert middleware.process_response(request, response) is response
    assert middleware.blocks == 0
    assert middleware.limiters[SEC_SLOT].paused_for == 0


@pytest.mark.parametrize(
    ("header", "seconds"),
    [
        ({"Retry-After": "120"}, 120),
        ({"Retry-After": "0"}, 0),
        ({"Retry-After": "86400"}, 900),  # capped
        ({"Retry-After": "soon"}, None),
        ({}, None),
    ],
)
def test_retry_after(header, seconds):
    assert _retry_after(Response("http://x/", status=429, headers=header)) == seconds


def test_retry_after_as_an_http_date():
    from datetime import UTC, datetime, timedelta
    from email.utils import format_datetime

    later = format_datetime(datetime.now(UTC) + timedelta(seconds=60), usegmt=True)
    assert _retry_after(Response("http://x/", status=503, headers={"Retry-After": later})) == (
        pytest.approx(60, abs=2)
    )


def test_the_benchmark_mode_lifts_the_limit_only_against_this_machine():
    settings = {**BASES, "BENCHMARK_UNLIMITED_RATE": "true", "LOG_FORMAT": "json"}
    lifted = SecBudgetMiddleware.from_crawler(get_crawler(settings_dict=settings))
    request = Request(f"{BASES['SEC_DATA_BASE_URL']}/submissions/CIK0000320193.json")
    lifted.process_request(request)
    assert request.meta["download_slot"] == SEC_SLOT  # still routed, and still SEC's only
    assert lifted.limiter_for(request) is None
    remote = {**settings, "SEC_DATA_BASE_URL": "https://data.sec.gov"}
    with pytest.raises(ConfigError, match=r"BENCHMARK_UNLIMITED_RATE .* https://data.sec.gov"):
        SecBudgetMiddleware.from_crawler(get_crawler(settings_dict=remote))
