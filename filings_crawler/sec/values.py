"""Reading values out of SEC's JSON files, each failure a FormatError that says where."""

from __future__ import annotations

import re
from datetime import date, datetime
from typing import Any
from zoneinfo import ZoneInfo

import orjson

from filings_crawler.sec.errors import FormatError

# EDGAR's clock: its days (the daily index, filing dates), its acceptance times and NASDAQ
# Trader's file times are New York's.
NEW_YORK = ZoneInfo("America/New_York")

_ISO_DATE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")
# CIKs have at most 10 digits (SEC pads them to 10 in URLs).
MAX_CIK = 9_999_999_999


def load_json(body: bytes, source: str) -> Any:
    """Parse JSON bytes (orjson: SEC's submissions files are large and many)."""
    try:
        return orjson.loads(body)
    except orjson.JSONDecodeError as exc:
        raise FormatError(source, f"not valid JSON ({exc})") from exc


def cik(value: object, source: str, where: str) -> int:
    """A CIK: SEC writes a JSON number, or digits in a string, zero-padded or not."""
    if isinstance(value, str) and value.isascii() and value.isdigit():
        value = int(value)
    # bool is an int to Python, but never a CIK.
    if not isinstance(value, int) or isinstance(value, bool) or not 0 < value <= MAX_CIK:
        raise FormatError(
            source, f"{where}: CIK {value!r} is not a positive integer of 10 digits or fewer"
        )
    return value


def iso_date(value: object, source: str, where: str, *, optional: bool = False) -> date | None:
    """A `YYYY-MM-DD` date; "" is None where SEC leaves a date blank (reportDate)."""
    if optional and value in ("", None):
        return None
    # fromisoformat also takes 20250101 and 2025-W01-1; SEC writes only YYYY-MM-DD.
    if isinstance(value, str) and _ISO_DATE.fullmatch(value):
        try:
            return date.fromisoformat(value)
        except ValueError:
            pass
    raise FormatError(source, f"{where}: {value!r} is not a date (YYYY-MM-DD)")


def timestamp(value: object, source: str, where: str) -> datetime | None:
    """SEC's acceptance time `2025-05-01T18:01:22.000Z` as the instant it means; "" is None.

    The `Z` is wrong: the digits are New York's wall clock (the filing's SGML header, EDGAR's
    acceptance receipts and the daily index agree; users of several EDGAR libraries report it),
    so they are read as America/New_York time, daylight saving included. A value with a real
    offset (`+02:00`) keeps it.
    """
    if value in ("", None):
        return None
    if isinstance(value, str):
        try:
            moment = datetime.fromisoformat(value.removesuffix("Z"))
        except ValueError:
            pass
        else:
            return moment if moment.tzinfo else moment.replace(tzinfo=NEW_YORK)
    raise FormatError(source, f"{where}: {value!r} is not a timestamp")


def flag(value: object, source: str, where: str) -> bool:
    """SEC's 0/1 flags (isXBRL, isInlineXBRL)."""
    if type(value) in (int, bool) and value in (0, 1):
        return bool(value)
    raise FormatError(source, f"{where}: {value!r} is not 0 or 1")


def text(value: object, source: str, where: str) -> str:
    if not isinstance(value, str):
        raise FormatError(source, f"{where}: {value!r} is not a string")
    return value
