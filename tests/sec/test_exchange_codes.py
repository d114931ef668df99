"""The one table of exchange names and codes, and its readers agreeing on it."""

from __future__ import annotations

import pytest

from filings_crawler.sec.covers import exchange_code, project_exchange
from filings_crawler.sec.exchange_codes import EXCHNAMEEN, TARGETS, TRADER_CODES
from filings_crawler.sec.exchanges import SEC_EXCHANGE_FALLBACK, TARGET_EXCHANGES
from filings_crawler.sec.listings import EXCHANGE_NAMES
from filings_crawler.sec.xbrl_transforms import IXT_SEC_NAMESPACE, transform


@pytest.mark.parametrize("target", TARGETS, ids=lambda target: target.name)
def test_each_target_reads_the_same_in_every_source(target):
    assert target.name in TARGET_EXCHANGES
    assert target.edgar_code in EXCHNAMEEN
    # A cover naming it, by code or by SEC's name for it, is that exchange in either reading.
    assert transform(IXT_SEC_NAMESPACE, "exchnameen", EXCHNAMEEN[target.edgar_code]) == (
        target.edgar_code
    )
    assert exchange_code(EXCHNAMEEN[target.edgar_code]) == target.edgar_code
    assert project_exchange(target.edgar_code) == target.name
    if target.trader_code is not None:
        assert EXCHANGE_NAMES[target.trader_code] == target.name
    if target.sec_tickers_name is not None:
        assert SEC_EXCHANGE_FALLBACK[target.sec_tickers_name] == target.name


def test_the_symbol_directory_codes_name_each_exchange_once():
    assert len(set(TRADER_CODES.values())) == len(TRADER_CODES)
    assert EXCHANGE_NAMES is TRADER_CODES
