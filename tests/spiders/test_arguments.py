"""Spider arguments: the names each spider takes, read from its signature, and their values."""

from __future__ import annotations

import pytest

from filings_crawler.spiders.arguments import (
    ArgumentError,
    accepted_arguments,
    check_names,
    choices,
    cik_list,
    positive_int,
)
from filings_crawler.spiders.backfill import BackfillSpider
from filings_crawler.spiders.documents import DocumentsSpider
from filings_crawler.spiders.incremental import IncrementalSpider
from filings_crawler.spiders.tickers import TickersSpider


@pytest.mark.parametrize(
    ("spider", "names"),
    [
        (BackfillSpider, ["cik", "download", "exchange", "limit"]),
        (DocumentsSpider, ["cik", "exchange", "limit"]),
        (IncrementalSpider, ["cik", "days", "download", "exchange", "until"]),
        (TickersSpider, []),
    ],
)
def test_a_spider_takes_the_names_its_init_declares(spider, names):
    assert accepted_arguments(spider) == names


def test_an_unknown_name_is_refused_with_the_names_taken():
    with pytest.raises(ArgumentError) as refused:
        check_names("backfill", {"exchnage": "NYSE", "limit": "3"}, ["exchange", "limit"])
    assert str(refused.value) == "backfill does not take -a exchnage; it takes: exchange, limit"


def test_scrapyds_own_arguments_are_never_refused():
    check_names("tickers", {"_job": "6487ec3c", "_version": "1"}, [])


@pytest.mark.parametrize(
    ("call", "message"),
    [
        (lambda: positive_int("limit", "0"), "-a limit='0': expected a positive whole number"),
        (lambda: cik_list("cik", "320193,x"), "-a cik='320193,x': 'x' is not a CIK"),
        (lambda: choices("exchange", "NYSEE", ["NYSE"]), "'NYSEE' is not one of: NYSE"),
    ],
)
def test_a_bad_value_is_one_line_naming_the_argument(call, message):
    with pytest.raises(ArgumentError, match=message.replace("(", r"\(").replace(")", r"\)")):
        call()
