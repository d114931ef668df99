"""NASDAQ Trader's symbol directory files (nasdaqlisted.txt, otherlisted.txt) as Listings."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime

from filings_crawler.sec.errors import FormatError
from filings_crawler.sec.exchange_codes import TRADER_CODES
from filings_crawler.sec.values import NEW_YORK

NASDAQ = "NASDAQ"  # every nasdaqlisted.txt row

# otherlisted.txt's Exchange codes, as NASDAQ Trader's symbol directory definitions give them.
EXCHANGE_NAMES = TRADER_CODES

FOOTER_PREFIX = "File Creation Time:"
EASTERN = NEW_YORK
_FOOTER_TIME = re.compile(r"(\d{2})(\d{2})(\d{4})(\d{2}):(\d{2})", re.ASCII)


@dataclass
class Listing:
    """One row of NASDAQ Trader's symbol directory."""

    symbol: str
    security_name: str
    listing_exchange: str
    is_etf: bool
    is_test_issue: bool
    source_file: str
    file_created_at: datetime


@dataclass(frozen=True)
class _Layout:
    symbol: str  # the column a listing's symbol comes from
    columns: tuple[str, ...]  # every column the parser reads


_LAYOUTS = {
    "nasdaqlisted.txt": _Layout("Symbol", ("Symbol", "Security Name", "Test Issue", "ETF")),
    "otherlisted.txt": _Layout(
        "ACT Symbol", ("ACT Symbol", "Security Name", "Exchange", "ETF", "Test Issue")
    ),
}


@dataclass(frozen=True)
class SymbolDirectory:
    """One parsed symbol directory file."""

    source_file: str  # "nasdaqlisted.txt" or "otherlisted.txt"
    file_created_at: datetime  # the footer's time, America/New_York
    listings: list[Listing]


def parse_symbol_directory(
    body: bytes, source_file: str, *, min_rows: int = 1000
) -> SymbolDirectory:
    """Every row of `source_file` (test issues included, flagged), or FormatError if it is off.

    Pipe-delimited, a header row, then one row per symbol, then a `File Creation Time:
    MMDDYYYYHH:MM` footer in US Eastern time. A file emptied or cut short upstream can still be
    well formed, so fewer than `min_rows` rows is an error too.
    """
    layout = _LAYOUTS.get(source_file)
    if layout is None:
        raise FormatError(source_file, f"not a symbol directory file (one of {sorted(_LAYOUTS)})")
    lines = _lines(body, source_file)
    header = lines[0].split("|")
    missing = [c for c in layout.columns if c not in header]
    if missing:
        raise FormatError(
            source_file, f"column {missing[0]!r} is missing (header: {lines[0][:200]})"
        )
    created_at = _footer_time(lines[-1], source_file)
    column = {name: header.index(name) for name in layout.columns}

    listings: list[Listing] = []
    first_seen: dict[str, int] = {}
    for line_number, line in enumerate(lines[1:-1], start=2):
        fields = line.split("|")
        if len(fields) != len(header):
            raise FormatError(
                source_file,
                f"line {line_number}: {len(fields)} fields where the header has {len(header)}",
            )
        row = {name: fields[index].strip() for name, index in column.items()}
        symbol = row[layout.symbol]
        if not symbol:
            raise FormatError(source_file, f"line {line_number}: empty {layout.symbol}")
        if symbol in first_seen:
            raise FormatError(
                source_file,
                f"line {line_number}: symbol {symbol!r} already on line {first_seen[symbol]}",
            )
        first_seen[symbol] = line_number
        is_test_issue = _flag(row["Test Issue"], "Test Issue", line_number, source_file)
        # nasdaqlisted.txt leaves ETF blank on its test issues; anywhere else blank is an error.
        etf = row["ETF"] or ("N" if is_test_issue else "")
        exchange = row.get("Exchange", NASDAQ)
        if not exchange:
            raise FormatError(source_file, f"line {line_number}: empty Exchange")
        listings.append(
            Listing(
                symbol=symbol,
                security_name=row["Security Name"],
                listing_exchange=EXCHANGE_NAMES.get(exchange, exchange),
                is_etf=_flag(etf, "ETF", line_number, source_file),
                is_test_issue=is_test_issue,
                source_file=source_file,
                file_created_at=created_at,
            )
        )
    if len(listings) < min_rows:
        raise FormatError(
            source_file,
            f"suspiciously few rows: {len(listings)} data rows, expected at least {min_rows}",
        )
    return SymbolDirectory(source_file, created_at, listings)


def _lines(body: bytes, source_file: str) -> list[str]:
    """The file's lines without line endings or trailing blank lines; header and footer at least."""
    try:
        text = body.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise FormatError(source_file, f"not UTF-8 text ({exc})") from exc
    if "\x00" in text:
        raise FormatError(source_file, "not text (contains NUL bytes)")
    # Split on \n alone: str.splitlines() would also split inside a name at \x1c, \x85, ...
    lines = [line.removesuffix("\r") for line in text.split("\n")]
    while lines and not lines[-1].strip():
        lines.pop()
    if len(lines) < 2:
        raise FormatError(source_file, f"only {len(lines)} line(s): no header and footer")
    return lines


def _footer_time(line: str, source_file: str) -> datetime:
    if not line.startswith(FOOTER_PREFIX):
        raise FormatError(source_file, f"no {FOOTER_PREFIX!r} footer (last line: {line[:80]!r})")
    stamp = line.removeprefix(FOOTER_PREFIX).split("|")[0].strip()
    match = _FOOTER_TIME.fullmatch(stamp)
    if match is None:
        raise FormatError(source_file, f"unparseable {FOOTER_PREFIX} {stamp!r} (not MMDDYYYYHH:MM)")
    month, day, year, hour, minute = map(int, match.groups())
    try:
        return datetime(year, month, day, hour, minute, tzinfo=EASTERN)
    except ValueError as exc:
        raise FormatError(source_file, f"unparseable {FOOTER_PREFIX} {stamp!r} ({exc})") from exc


def _flag(value: str, column: str, line_number: int, source_file: str) -> bool:
    if value not in ("Y", "N"):
        raise FormatError(source_file, f"line {line_number}: {column} is {value!r}, not Y or N")
    return value == "Y"
