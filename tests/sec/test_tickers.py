"""SEC's ticker files parsed and merged into one Company per CIK, on the real files."""

import json

import orjson
import pytest

from filings_crawler.items import Company
from filings_crawler.sec.errors import FormatError
from filings_crawler.sec.tickers import (
    TickerEntry,
    merge_companies,
    parse_company_tickers,
    parse_company_tickers_exchange,
)

from .conftest import COMPANY_TICKERS, COMPANY_TICKERS_EXCHANGE


def test_company_tickers_has_every_entry_in_order(ticker_entries: list[TickerEntry]):
    raw = json.loads(COMPANY_TICKERS.read_bytes())
    assert len(ticker_entries) == len(raw) == 9610
    assert [(e.cik, e.ticker, e.name) for e in ticker_entries] == [
        (v["cik_str"], v["ticker"], v["title"]) for v in raw.values()
    ]
    assert all(e.exchange is None for e in ticker_entries)


def test_company_tickers_exchange_has_every_row(exchange_entries: list[TickerEntry]):
    raw = json.loads(COMPANY_TICKERS_EXCHANGE.read_bytes())
    assert len(exchange_entries) == len(raw["data"]) == 9441
    assert exchange_entries[0] == TickerEntry(320193, "AAPL", "Apple Inc.", "Nasdaq")
    blank = sum(1 for row in raw["data"] if not row[3])
    assert sum(1 for e in exchange_entries if e.exchange is None) == blank == 861


def test_merged_companies_are_the_distinct_ciks_of_both_files(companies: dict[int, Company]):
    tickers = json.loads(COMPANY_TICKERS.read_bytes())
    exchange = json.loads(COMPANY_TICKERS_EXCHANGE.read_bytes())
    ciks = {v["cik_str"] for v in tickers.values()} | {row[0] for row in exchange["data"]}
    assert set(companies) == ciks
    assert len(companies) == 8945
    assert all(c.primary_ticker == c.tickers[0] for c in companies.values())
    assert all(len(set(c.tickers)) == len(c.tickers) for c in companies.values())


def test_merge_companies_is_sorted_by_cik(ticker_entries, exchange_entries):
    ciks = [c.cik for c in merge_companies(ticker_entries, exchange_entries)]
    assert ciks == sorted(ciks)


@pytest.mark.parametrize(
    ("cik", "primary", "tickers", "sec_exchanges"),
    [
        (320193, "AAPL", ["AAPL"], ["Nasdaq"]),
        (1652044, "GOOGL", ["GOOGL", "GOOG"], ["Nasdaq"]),
        (1067983, "BRK-B", ["BRK-B", "BRK-A"], ["NYSE"]),
        (884394, "SPY", ["SPY"], ["NYSE"]),
    ],
)
def test_real_companies(companies: dict[int, Company], cik, primary, tickers, sec_exchanges):
    company = companies[cik]
    assert company.primary_ticker == primary
    assert company.tickers == tickers
    assert company.sec_exchanges == sec_exchanges


def test_tickers_only_the_exchange_file_has_come_after(companies: dict[int, Company]):
    # JPMorgan: company_tickers.json lists JPM-PC ... AMJB; the 2023 exchange file adds none.
    jpm = companies[19617]
    assert jpm.tickers[:2] == ["JPM", "JPM-PC"]
    # ABB: company_tickers.json has ABBNY and ABLZF, the exchange file also ABB.
    assert companies[1091587].tickers == ["ABBNY", "ABLZF", "ABB"]


def test_a_cik_in_one_file_only_still_is_a_company(companies: dict[int, Company]):
    only_exchange = companies[1869824]  # in company_tickers_exchange.json only
    assert only_exchange.tickers == ["SGII"]
    assert only_exchange.name
    only_tickers = [c for c in companies.values() if not c.sec_exchanges]
    assert only_tickers  # CIKs company_tickers.json has and the exchange file lacks


def test_merge_rules_on_small_input():
    tickers = [
        TickerEntry(2, "BBB", "B Corp"),
        TickerEntry(1, "AAA", "A Corp"),
        TickerEntry(2, "BBB-PA", "B Corp"),
    ]
    exchange = [
        TickerEntry(2, "BBB-PA", "B Corporation", "NYSE"),
        TickerEntry(2, "BBBW", "B Corporation", None),
        TickerEntry(2, "BBB", "B Corporation", "OTC"),
        TickerEntry(2, "BBB", "B Corporation", "NYSE"),
        TickerEntry(3, "CCC", "C Corp", "Nasdaq"),
    ]
    assert merge_companies(tickers, exchange) == [
        Company(1, "A Corp", ["AAA"], "AAA", []),
        Company(2, "B Corp", ["BBB", "BBB-PA", "BBBW"], "BBB", ["NYSE", "OTC"]),
        Company(3, "C Corp", ["CCC"], "CCC", ["Nasdaq"]),
    ]


def test_tickers_are_uppercased_and_stripped_and_blank_exchange_is_none():
    body = orjson.dumps(
        {"fields": ["ticker", "exchange", "cik", "name"], "data": [[" brk-b ", "", 1067983, "B "]]}
    )
    assert parse_company_tickers_exchange(body) == [TickerEntry(1067983, "BRK-B", "B", None)]
    body = orjson.dumps({"0": {"cik_str": "0000320193", "ticker": "aapl", "title": "Apple"}})
    assert parse_company_tickers(body) == [TickerEntry(320193, "AAPL", "Apple")]


def entry(**fields: object) -> dict[str, object]:
    return {"cik_str": 320193, "ticker": "AAPL", "title": "Apple Inc.", **fields}


@pytest.mark.parametrize(
    ("body", "problem"),
    [
        (b"{not json", "not valid JSON"),
        (b"", "not valid JSON"),
        (b"[]", "expected a JSON object, got list"),
        (orjson.dumps({"0": []}), "entry '0': expected an object"),
        (
            orjson.dumps({"0": entry(), "1": {"cik_str": 1, "title": "X"}}),
            "entry '1': field 'ticker'",
        ),
        (orjson.dumps({"0": entry(cik_str="AAPL")}), "entry '0': CIK 'AAPL' is not a positive"),
        (orjson.dumps({"0": entry(cik_str=1.5)}), "entry '0': CIK 1.5 is not"),
        (orjson.dumps({"0": entry(cik_str=True)}), "entry '0': CIK True is not"),
        (orjson.dumps({"0": entry(ticker=" ")}), "entry '0': ticker ' ' is empty"),
        (orjson.dumps({"0": entry(title=None)}), "entry '0': name None is not a string"),
    ],
)
def test_company_tickers_errors_name_the_source(body: bytes, problem: str):
    with pytest.raises(FormatError, match=r"^company_tickers\.json: ") as caught:
        parse_company_tickers(body)
    assert problem in str(caught.value)
    assert "\n" not in str(caught.value)


def exchange_file(fields: list[str], *rows: object) -> bytes:
    return orjson.dumps({"fields": fields, "data": list(rows)})


FIELDS = ["cik", "name", "ticker", "exchange"]
ROW = [320193, "Apple Inc.", "AAPL", "Nasdaq"]


@pytest.mark.parametrize(
    ("body", "problem"),
    [
        (b"{not json", "not valid JSON"),
        (b'{"data": []}', "expected an object with 'fields' and 'data'"),
        (exchange_file(["cik", "name", "ticker"], ROW[:3]), "field 'exchange' is missing"),
        (exchange_file(["cik", "name", "symbol", "exchange"], ROW), "field 'ticker' is missing"),
        (exchange_file(FIELDS, ROW, ROW[:3]), "row 1: expected 4 values"),
        (exchange_file(FIELDS, ROW, [*ROW, "extra"]), "row 1: expected 4 values"),
        (exchange_file(FIELDS, ROW, "AAPL"), "row 1: expected 4 values"),
        (exchange_file(FIELDS, ROW, ["320193x", *ROW[1:]]), "row 1: CIK '320193x' is not"),
        (exchange_file(FIELDS, [None, *ROW[1:]]), "row 0: CIK None is not"),
        (exchange_file(FIELDS, ROW, [*ROW[:2], "", "NYSE"]), "row 1: ticker '' is empty"),
        (exchange_file(FIELDS, [*ROW[:3], 7]), "row 0: exchange 7 is not a string"),
    ],
)
def test_company_tickers_exchange_errors_name_the_source(body: bytes, problem: str):
    with pytest.raises(FormatError, match=r"^company_tickers_exchange\.json: ") as caught:
        parse_company_tickers_exchange(body)
    assert problem in str(caught.value)
    assert "\n" not in str(caught.value)


def test_truncated_real_files_are_errors():
    with pytest.raises(FormatError, match=r"^company_tickers\.json: not valid JSON"):
        parse_company_tickers(COMPANY_TICKERS.read_bytes()[:5000])
    with pytest.raises(FormatError, match=r"^company_tickers_exchange\.json: not valid JSON"):
        parse_company_tickers_exchange(COMPANY_TICKERS_EXCHANGE.read_bytes()[:-10])


def test_errors_name_the_source_the_caller_gives():
    url = "https://www.sec.gov/files/company_tickers_exchange.json"
    with pytest.raises(FormatError, match=r"^https://www\.sec\.gov/files/company_tickers_exch"):
        parse_company_tickers_exchange(b"<html>", source=url)
    with pytest.raises(FormatError, match=r"^tickers\.json: not valid JSON"):
        parse_company_tickers(b"<html>", source="tickers.json")
