"""SEC's Financial Statement Data Sets (FSDS) rules: how a fact and a filing are written there.

SEC's readme of the data sets defines each column; the rules here are those that a reading of
the same XBRL does not give by itself, checked against SEC's own rows (tests/sec/test_fsds.py):

- `ddate` and `period` are dates rounded to the nearest month end: Apple's quarter ending
  2025-03-29 is 20250331, a 52/53-week year ending 2024-09-28 is 20240930, one ending
  2024-01-02 is 20231231.
- `qtrs` is the duration in quarters, rounded to the nearest whole number; 0 for an instant.
- `segments` is the dimensions without the co-registrant, each pair `Axis=Member;` with the
  local names less their `Axis` and `Member` suffixes and an axis's `Statement` prefix
  (`srt:StatementGeographicalAxis=country:US` is `Geographical=US;`), sorted by axis; a typed
  member keeps its value. Empty for none.
- `coreg` is the member of `dei:LegalEntityAxis` written the same way; empty for the
  consolidated entity.
- `value` keeps at most four digits after the decimal point (DECIMAL(28,4)).
- `version` is the standard taxonomy a tag is from (`us-gaap/2024`, `dei/2024`, `srt/2024`), or
  the filing's accession number for a tag of the company's own.
- `footnote` is the text of the fact's footnotes, cut at 512 characters.
- `accepted` is SEC's acceptance time as EDGAR gives it (Eastern wall clock), `yyyy-mm-dd
  hh:mm:ss.0`.
"""

from __future__ import annotations

import calendar
import re
from collections.abc import Iterable
from datetime import date, datetime, timedelta
from decimal import ROUND_HALF_UP, Decimal

from filings_crawler.sec import countries

LEGAL_ENTITY_AXIS = "dei:LegalEntityAxis"
FOOTNOTE_CHARS = 512
_FOUR_PLACES = Decimal("0.0001")
# The standard taxonomies' namespaces: http://fasb.org/us-gaap/2024, http://xbrl.sec.gov/dei/2024
# (some with a date: http://xbrl.sec.gov/ecd/2024-03-31 is still ecd/2024).
_STANDARD = re.compile(
    r"^https?://(?:fasb\.org|xbrl\.sec\.gov|xbrl\.fasb\.org)/([\w-]+)/(\d{4})(?:-\d\d-\d\d)?/?$"
)
# EDGAR's filer categories (dei:EntityFilerCategory) as `sub.afs` codes them.
FILER_STATUS = {
    "large accelerated filer": "1-LAF",
    "accelerated filer": "2-ACC",
    "smaller reporting accelerated filer": "3-SRA",
    "non-accelerated filer": "4-NON",
    "smaller reporting company": "5-SML",
}


def month_end(day: date) -> date:
    """`day` rounded to the nearest month end (a tie, the 15th of a 30-day month, goes back)."""
    this_end = day.replace(day=calendar.monthrange(day.year, day.month)[1])
    last_end = day.replace(day=1) - timedelta(days=1)
    return this_end if (this_end - day) < (day - last_end) else last_end


def yyyymmdd(day: date | None) -> int | None:
    return None if day is None else day.year * 10_000 + day.month * 100 + day.day


def ddate(start: date | None, end: date | None, instant: date | None) -> int | None:
    """The fact's date as FSDS writes it: its end (or instant), rounded to the month end."""
    day = end or instant
    return yyyymmdd(month_end(day)) if day else None


def qtrs(start: date | None, end: date | None) -> int:
    """The number of quarters a duration covers, rounded (91.31 days each); 0 for an instant.

    A 52/53-week filer's quarter (2024-12-29 to 2025-03-29, 90 days between the dates) is 1, its
    year (363 or 370 days) 4.
    """
    if start is None or end is None:
        return 0
    return int((Decimal((end - start).days) / Decimal("91.3125")).quantize(0, ROUND_HALF_UP))


def _local(qname: str) -> str:
    return qname.rsplit(":", 1)[-1]


def _axis(qname: str) -> str:
    name = _local(qname)
    name = name.removesuffix("Axis")
    return name.removeprefix("Statement") or name


def _member(value: str) -> str:
    # An explicit member is a QName; a typed member is its value's text, kept as written.
    if ":" not in value or " " in value:
        return value
    return _local(value).removesuffix("Member") or _local(value)


def segments(dimensions: Iterable[tuple[str, str]]) -> str:
    """`Axis=Member;` pairs, sorted by axis, the co-registrant's axis left out."""
    pairs = sorted(
        (_axis(axis), _member(member)) for axis, member in dimensions if axis != LEGAL_ENTITY_AXIS
    )
    return "".join(f"{axis}={member};" for axis, member in pairs)


def coreg(dimensions: Iterable[tuple[str, str]]) -> str | None:
    """The co-registrant (the member of dei:LegalEntityAxis), None for the consolidated entity."""
    return next((_member(member) for axis, member in dimensions if axis == LEGAL_ENTITY_AXIS), None)


def value(number: Decimal | None) -> Decimal | None:
    """The value with at most four decimal places, as FSDS keeps it."""
    return None if number is None else number.quantize(_FOUR_PLACES, ROUND_HALF_UP)


def value_text(number: Decimal | None) -> str:
    """The value as num.txt writes it: no exponent, no trailing zeros after the point."""
    if number is None:
        return ""
    text = f"{value(number):f}"
    return text.rstrip("0").rstrip(".") if "." in text else text


def taxonomy(namespace: str) -> str | None:
    """A standard taxonomy's name and year (`us-gaap/2024`); None for another namespace."""
    match = _STANDARD.match(namespace)
    return f"{match[1]}/{match[2]}" if match else None


def version(namespace: str, adsh: str) -> str:
    """The tag's taxonomy and year (`us-gaap/2024`), or the accession number for a custom tag."""
    return taxonomy(namespace) or adsh


def is_custom(namespace: str) -> bool:
    return taxonomy(namespace) is None


def footnote(text: str | None) -> str | None:
    return None if not text else text[:FOOTNOTE_CHARS]


def accepted(moment: datetime | None) -> str:
    """EDGAR's acceptance time as `yyyy-mm-dd hh:mm:ss.0`.

    EDGAR writes it in Eastern time with a `Z` it does not mean; the crawler stores it as read,
    so the stored instant's UTC wall clock is EDGAR's Eastern one.
    """
    return "" if moment is None else moment.strftime("%Y-%m-%d %H:%M:%S.0")


def filer_status(category: str | None) -> str | None:
    """`afs` for dei:EntityFilerCategory ("Large Accelerated Filer" is 1-LAF)."""
    return None if category is None else FILER_STATUS.get(" ".join(category.lower().split()))


def fiscal_year_end(value: str | None) -> str | None:
    """`fye` (mmdd) from the submissions file's `0927` or the cover's `--09-27`."""
    if not value:
        return None
    digits = value.replace("-", "")
    return digits if re.fullmatch(r"\d{4}", digits) else None


def quarter(day: date) -> str:
    """The data set a filing filed on `day` belongs to: `2025q2`."""
    return f"{day.year}q{(day.month - 1) // 3 + 1}"


def quarter_bounds(name: str) -> tuple[date, date]:
    """First and last day of the quarter `2025q2`."""
    year, q = int(name[:4]), int(name[5])
    first = date(year, 3 * q - 2, 1)
    last_month = 3 * q
    return first, date(year, last_month, calendar.monthrange(year, last_month)[1])


# The columns of SEC's four tables, in the order of SEC's files (readme, sections 5.1-5.4).
SUB_COLUMNS = (
    "adsh", "cik", "name", "sic", "countryba", "stprba", "cityba", "zipba", "bas1", "bas2",
    "baph", "countryma", "stprma", "cityma", "zipma", "mas1", "mas2", "countryinc", "stprinc",
    "ein", "former", "changed", "afs", "wksi", "fye", "form", "period", "fy", "fp", "filed",
    "accepted", "prevrpt", "detail", "instance", "nciks", "aciks",
)  # fmt: skip
NUM_COLUMNS = (
    "adsh", "tag", "version", "ddate", "qtrs", "uom", "segments", "coreg", "value", "footnote",
)  # fmt: skip
PRE_COLUMNS = (
    "adsh", "report", "line", "stmt", "inpth", "rfile", "tag", "version", "plabel", "negating",
)  # fmt: skip
TAG_COLUMNS = (
    "tag", "version", "custom", "abstract", "datatype", "iord", "crdr", "tlabel", "doc",
)  # fmt: skip
# The key SEC's num is unique on: one value per tag, date, length, unit, segments and coreg.
NUM_KEY = ("adsh", "tag", "version", "ddate", "qtrs", "uom", "segments", "coreg")

# EDGAR's codes for the states and territories of the United States (as in stateOrCountry).
US_STATES = frozenset((
    "AL", "AK", "AZ", "AR", "CA", "CO", "CT", "DE", "DC", "FL", "GA", "HI", "ID", "IL", "IN", "IA",
    "KS", "KY", "LA", "ME", "MD", "MA", "MI", "MN", "MS", "MO", "MT", "NE", "NV", "NH", "NJ", "NM",
    "NY", "NC", "ND", "OH", "OK", "OR", "PA", "RI", "SC", "SD", "TN", "TX", "UT", "VT", "VA", "WA",
    "WV", "WI", "WY", "PR", "VI", "GU", "AS", "MP",
))  # fmt: skip
_FIELD_BREAKS = re.compile(r"[\t\r\n]+")


def address(place: dict[str, object] | None) -> tuple[str | None, ...]:
    """(country, state or province, city, zip, street 1, street 2) of a submissions address.

    SEC's `countryba` is the ISO country; an address in the United States is `US` with its state
    in `stprba`; a foreign one the country code the submissions file gives, without a state.
    """
    if not place:
        return (None,) * 6

    def text(key: str) -> str | None:
        value = place.get(key)
        return str(value).strip() or None if value is not None else None

    state = text("stateOrCountry")
    country: str | None
    province: str | None
    if not place.get("isForeignLocation") and state in US_STATES:
        country, province = "US", state
    else:
        country, province = text("countryCode"), None
    return (country, province, text("city"), text("zipCode"), text("street1"), text("street2"))


def incorporation(code: str | None) -> tuple[str | None, str | None]:
    """(`countryinc`, `stprinc`) of EDGAR's state of incorporation code: `DE` is (US, DE),
    Ontario's `A6` (CA, ON), the Cayman Islands' `E9` (KY, None); an unknown code is neither."""
    code = (code or "").strip().upper()
    if code in US_STATES:
        return "US", code
    return countries.ISO_BY_EDGAR.get(code, (None, None))


def former_name(former_names: Iterable[dict[str, object]]) -> tuple[str | None, int | None]:
    """(`former`, `changed`): the most recent former name and the date it stopped (YYYYMMDD)."""
    dated = [
        (str(entry.get("to") or "")[:10], str(entry.get("name") or "").strip())
        for entry in former_names
    ]
    dated = [(to, name) for to, name in dated if name and re.fullmatch(r"\d{4}-\d\d-\d\d", to)]
    if not dated:
        return None, None
    to, name = max(dated)
    return name, yyyymmdd(date.fromisoformat(to))


def tsv_line(values: Iterable[object]) -> str:
    """One row of SEC's tab-separated files: NULL is an empty field, no field holds a tab or a
    line break (they become one space), True and False are 1 and 0."""
    fields = []
    for value in values:
        if value is None:
            fields.append("")
        elif isinstance(value, bool):
            fields.append("1" if value else "0")
        elif isinstance(value, Decimal):
            fields.append(value_text(value))
        else:
            fields.append(_FIELD_BREAKS.sub(" ", str(value)))
    return "\t".join(fields) + "\n"
