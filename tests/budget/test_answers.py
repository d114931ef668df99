"""The answers middleware reading SEC's answers one by one: blocks, 429s, server errors."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from email.utils import format_datetime

import pytest
from scrapy import Request
from scrapy.http import HtmlResponse, Response

from filings_crawler.budget.answers import SecAnswersMiddleware, _retry_after
from filings_crawler.budget.pace import ERROR_RUN
from filings_crawler.budget.routing import SourceRoutingMiddleware
from filings_crawler.budget.sec_budget import BudgetExhausted, SecBudget
from filings_crawler.config import ConfigError
from tests.conftest import EDGAR_SAMPLE
from tests.crawling import unit_crawler

BLOCK_PAGE = (EDGAR_SAMPLE / "_errors" / "rate-exceeded.html").read_bytes()


@pytest.fixture
def crawler():
    return unit_crawler(SEC_BLOCK_COOLDOWN="660", SEC_MAX_BLOCKS="3")


@pytest.fixture
def answers(crawler) -> SecAnswersMiddleware:
    return SecAnswersMiddleware.from_crawler(crawler)


def sec_request(crawler, *, sent_at: float | None = None) -> Request:
    request = Request("http://127.0.0.1:9/data.sec.gov/submissions/CIK0000320193.json")
    SourceRoutingMiddleware.from_crawler(crawler).process_request(request)
    budget = crawler.get_extension(SecBudget)
    request.meta["budget_sent_at"] = budget.sec.clock() if sent_at is None else sent_at
    return request


def test_a_block_page_pauses_everything_probes_and_retries_the_request(crawler, answers):
    request = sec_request(crawler)
    response = HtmlResponse(request.url, status=403, body=BLOCK_PAGE, request=request)
    retry = answers.process_response(request, response)
    assert isinstance(retry, Request)
    assert retry.url == request.url
    assert retry.dont_filter
    assert retry.meta["sec_block_retries"] == 1
    budget = crawler.get_extension(SecBudget)
    assert budget.sec.paused_for == pytest.approx(660, abs=1)
    assert budget.sec.rate == 5
    assert budget.pace.cap == 9
    assert budget.sec.probing
    assert answers.blocks == 1


def test_a_block_page_for_a_request_sent_before_the_block_is_the_same_block(crawler, answers):
    before = crawler.get_extension(SecBudget).sec.clock() - 1
    for _ in range(3):
        request = sec_request(crawler, sent_at=before)
        response = HtmlResponse(request.url, status=403, body=BLOCK_PAGE, request=request)
        assert isinstance(answers.process_response(request, response), Request)
    assert answers.blocks == 1
    assert answers.stats.get_value("budget/sec/block_pages/in_flight") == 2


def test_too_many_blocks_stop_the_crawl(crawler, answers):
    answers.blocks = 2
    request = sec_request(crawler)
    response = HtmlResponse(request.url, status=403, body=BLOCK_PAGE, request=request)
    with pytest.raises(BudgetExhausted, match="stopping"):
        answers.process_response(request, response)
    assert crawler.get_extension(SecBudget).stopping


def test_a_429_slows_the_slot_and_goes_on_to_retry(crawler, answers):
    request = sec_request(crawler)
    response = Response(request.url, status=429, headers={"Retry-After": "7"}, request=request)
    assert answers.process_response(request, response) is response
    budget = crawler.get_extension(SecBudget)
    assert budget.sec.paused_for == pytest.approx(7, abs=0.5)
    assert budget.sec.rate == 5


def test_a_lone_503_is_passed_on_to_be_retried_without_slowing_down(crawler, answers):
    request = sec_request(crawler)
    response = Response(request.url, status=503, request=request)
    assert answers.process_response(request, response) is response
    budget = crawler.get_extension(SecBudget)
    assert (budget.sec.rate, budget.sec.paused_for) == (10, 0)
    assert answers.stats.get_value("budget/sec/server_errors") == 1


def test_a_run_of_5xx_slows_the_slot(crawler, answers):
    for status in [500, 503, 502][:ERROR_RUN]:
        request = sec_request(crawler)
        answers.process_response(request, Response(request.url, status=status, request=request))
    budget = crawler.get_extension(SecBudget)
    assert budget.sec.rate == 5
    assert answers.stats.get_value("budget/sec/server_error_runs") == 1


def test_an_ordinary_403_or_404_is_passed_on_untouched(crawler, answers):
    request = sec_request(crawler)
    for status in (403, 404):
        response = HtmlResponse(
            request.url, status=status, body=b"<html>no</html>", request=request
        )
        assert answers.process_response(request, response) is response
    assert answers.blocks == 0
    assert crawler.get_extension(SecBudget).sec.paused_for == 0


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
    later = format_datetime(datetime.now(UTC) + timedelta(seconds=60), usegmt=True)
    assert _retry_after(Response("http://x/", status=503, headers={"Retry-After": later})) == (
        pytest.approx(60, abs=2)
    )


def test_the_benchmark_mode_lifts_the_limit_only_against_this_machine():
    lifted = unit_crawler(BENCHMARK_UNLIMITED_RATE="true")
    request = sec_request(lifted)
    budget = lifted.get_extension(SecBudget)
    assert budget is not None
    assert budget.limiter_for(request) is None
    with pytest.raises(ConfigError, match=r"BENCHMARK_UNLIMITED_RATE .* https://data.sec.gov"):
        unit_crawler(BENCHMARK_UNLIMITED_RATE="true", SEC_DATA_BASE_URL="https://data.sec.gov")
