"""SEC's ticker files (company_tickers.json, company_tickers_exchange.json) as Companies."""

from __future__ import annotations

from dataclasses import dataclass, field

from filings_crawler.sec import values
from filings_crawler.sec.errors import FormatError

EXCHANGE_FIELDS = ("cik", "name", "ticker", "exchange")


@dataclass
class Company:
    """An SEC filer as SEC's ticker files describe it: one per CIK, with every ticker it trades under."""

    cik: int
    name: str
    tickers: list[str] = field(default_factory=list)
    # The ticker a person would name the company by (rule below, `merge_companies`).
    primary_ticker: str | None = None
    # SEC's own exchange column for the company's tickers ("Nasdaq", "NYSE", "OTC", ...).
    sec_exchanges: list[str] = field(default_factory=list)


@dataclass(frozen=True)
class TickerEntry:
    """One ticker of one CIK as a ticker file lists it."""

    cik: int
    ticker: str  # uppercased and stripped
    name: str
    exchange: str | None = None  # SEC's column ("Nasdaq", "NYSE", "OTC", ...); None if blank


def parse_company_tickers(body: bytes, source: str = "company_tickers.json") -> list[TickerEntry]:
    """Every entry of company_tickers.json (`{"0": {"cik_str", "ticker", "title"}, ...}`)."""
    document = values.load_json(body, source)
    if not isinstance(document, dict):
        raise FormatError(source, f"expected a JSON object, got {type(document).__name__}")
    entries = []
    for key, entry in document.items():
        where = f"entry {key!r}"
        if not isinstance(entry, dict):
            raise FormatError(source, f"{where}: expected an object, got {type(entry).__name__}")
        missing = [f for f in ("cik_str", "ticker", "title") if f not in entry]
        if missing:
            raise FormatError(source, f"{where}: field {missing[0]!r} is missing")
        entries.append(
            _entry(source, where, cik=entry["cik_str"], ticker=entry["ticker"], name=entry["title"])
        )
    return entries


def parse_company_tickers_exchange(
    body: bytes, source: str = "company_tickers_exchange.json"
) -> list[TickerEntry]:
    """Every row of company_tickers_exchange.json, its columns found by the names in `fields`."""
    document = values.load_json(body, source)
    if not isinstance(document, dict) or "fields" not in document or "data" not in document:
        raise FormatError(source, "expected an object with 'fields' and 'data'")
    fields, rows = document["fields"], document["data"]
    if not isinstance(fields, list) or not isinstance(rows, list):
        raise FormatError(source, "'fields' and 'data' must be arrays")
    missing = [f for f in EXCHANGE_FIELDS if f not in fields]
    if missing:
        raise FormatError(source, f"field {missing[0]!r} is missing (fields: {fields})")
    column = {name: fields.index(name) for name in EXCHANGE_FIELDS}
    entries = []
    for index, row in enumerate(rows):
        where = f"row {index}"
        if not isinstance(row, list) or len(row) != len(fields):
            raise FormatError(source, f"{where}: expected {len(fields)} values, got {row!r:.200}")
        cik, name, ticker, exchange = (row[column[f]] for f in EXCHANGE_FIELDS)
        entries.append(_entry(source, where, cik=cik, ticker=ticker, name=name, exchange=exchange))
    return entries


def merge_companies(
    tickers: list[TickerEntry], exchange_entries: list[TickerEntry]
) -> list[Company]:
    """One Company per CIK of either file, sorted by CIK.

    `tickers` lists every distinct ticker of the CIK in order of first appearance,
    company_tickers.json first, then tickers only the exchange file has. The primary ticker is the
    first of them: SEC lists a company's securities most prominent first, as the real files show
    (Alphabet GOOGL before GOOG, Berkshire BRK-B before BRK-A, JPMorgan JPM before its preferreds).
    The name is company_tickers.json's `title`, else the exchange file's; `sec_exchanges` are the
    distinct non-blank exchange values of the exchange file, in its order.
    """
    companies: dict[int, Company] = {}
    for entry in [*tickers, *exchange_entries]:
        company = companies.setdefault(entry.cik, Company(cik=entry.cik, name=entry.name))
        if entry.ticker not in company.tickers:
            company.tickers.append(entry.ticker)
    for entry in exchange_entries:
        exchanges = companies[entry.cik].sec_exchanges
        if entry.exchange is not None and entry.exchange not in exchanges:
            exchanges.append(entry.exchange)
    for company in companies.values():
        company.primary_ticker = company.tickers[0]
    return [companies[cik] for cik in sorted(companies)]


def _entry(
    source: str,
    where: str,
    *,
    cik: object,
    ticker: object,
    name: object,
    exchange: object = None,
) -> TickerEntry:
    cik = values.cik(cik, source, where)
    if not isinstance(ticker, str) or not ticker.strip():
        raise FormatError(source, f"{where}: ticker {ticker!r} is empty or not a string")
    if not isinstance(name, str):
        raise FormatError(source, f"{where}: name {name!r} is not a string")
    if exchange is not None and not isinstance(exchange, str):
        raise FormatError(source, f"{where}: exchange {exchange!r} is not a string")
    return TickerEntry(
        cik=cik,
        ticker=ticker.strip().upper(),
        name=name.strip(),
        exchange=(exchange or "").strip() or None,
    )
