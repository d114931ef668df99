"""Inline XBRL transformation formats: a fact's displayed text turned into its XBRL value.

An inline XBRL fact shows its value for readers ("68,714", "March 29, 2025", "☒", "two") and
names a `format` that says how to read it. This module implements the formats 10-K and 10-Q
documents use: the XBRL International registries (TR1 2010-04-20 to TR5 2022-02-16; the names do
not collide across versions, so one table serves them all) for numbers, booleans and English or
numeric dates, and SEC's own registry (`ixt-sec`, 2015-08-31) for number words, durations,
ballot boxes, states, countries (ISO and EDGAR codes, from `countries`), exchanges and filer
categories. The results follow SEC's reference
implementation (the transforms SEC runs to extract `*_htm.xml` instances), so a fact read from
the inline document equals the same fact in SEC's instance.

Not implemented, and reported as UnknownFormat: dates in languages other than English and in
non-Gregorian calendars.
"""

from __future__ import annotations

import calendar
import re
from collections.abc import Callable

from filings_crawler.sec import countries
from filings_crawler.sec.exchange_codes import EXCHNAMEEN, EXCHNAMEEN_ALSO

IXT_NAMESPACES = frozenset(
    {
        "http://www.xbrl.org/2008/inlineXBRL/transformation",  # TR1 before its recommendation
        "http://www.xbrl.org/inlineXBRL/transformation/2010-04-20",
        "http://www.xbrl.org/inlineXBRL/transformation/2011-07-31",
        "http://www.xbrl.org/inlineXBRL/transformation/2015-02-26",
        "http://www.xbrl.org/inlineXBRL/transformation/2020-02-12",
        "http://www.xbrl.org/inlineXBRL/transformation/2022-02-16",
    }
)
IXT_SEC_NAMESPACE = "http://www.sec.gov/inlineXBRL/transformation/2015-08-31"
# A formatted value is a number, a date or a few words; longer text is not read with a format.
MAX_FORMATTED_CHARS = 10_000


class UnknownFormat(ValueError):
    """The format is not one this module implements (its registry or its name is unknown)."""


class NotInFormat(ValueError):
    """The displayed text cannot be read with the format it names."""


def transform(namespace: str, name: str, text: str) -> str:
    """The XBRL value of `text` shown with the format `{namespace}name`.

    Numbers come back as XBRL writes them ("1234.5", "0", "INF"), dates as xs:date
    ("2025-03-29"), xs:gMonthDay ("--09-27") or xs:gYearMonth ("2025-03"), durations as
    xs:duration ("P2Y8M12D"), booleans as "true"/"false", codes as SEC's enumerations.
    UnknownFormat when the format is not implemented, NotInFormat when `text` does not fit it.
    """
    if len(text) > MAX_FORMATTED_CHARS:
        raise NotInFormat(f"{text[:40]!r}... is too long for a formatted value")
    if namespace in IXT_NAMESPACES:
        function = _IXT.get(name)
    elif namespace == IXT_SEC_NAMESPACE:
        function = _IXT_SEC.get(name)
    else:
        function = None
    if function is None:
        raise UnknownFormat(f"{{{namespace}}}{name}")
    return function(text)


# --- numbers ---------------------------------------------------------------------------------

_SPACE = " \t\n\r"
# A number's groups may be separated by a space or a no-break space as well as by the mark.
_DOT_DECIMAL = re.compile(r"[, \u00a00-9]*(\.[ \u00a00-9]*)?")
_COMMA_DECIMAL = re.compile(r"[. \u00a00-9]*(,[ \u00a00-9]*)?")
_APOSTROPHES = "'`´’′"  # TR5 Swiss-style thousands separators
# Hyphen last, so that the string can end a regular expression character class.
_DASHES = "\u058a\u05be\u2010\u2011\u2012\u2013\u2014\u2015\ufe58\ufe63\uff0d-"
_ZERO_DASH = re.compile(f"[{_DASHES}]")


def _decimal(digits: str, text: str) -> str:
    """`digits` (separators removed) as a canonical XBRL decimal: no leading or trailing zeros."""
    whole, _, fraction = digits.partition(".")
    if not (whole + fraction).isdigit() or not (whole + fraction).isascii():
        raise NotInFormat(f"{text!r} is not a number")
    whole = whole.lstrip("0") or "0"
    fraction = fraction.rstrip("0")
    return f"{whole}.{fraction}" if fraction else whole


def _dot_decimal(text: str, extra: str = "") -> str:
    stripped = text.strip(_SPACE)
    if extra:
        stripped = stripped.translate({ord(c): None for c in extra})
    if not _DOT_DECIMAL.fullmatch(stripped):
        raise NotInFormat(f"{text!r} is not a number with a decimal point")
    return _decimal(stripped.translate(_NO_SEPARATORS).replace(",", ""), text)


def _comma_decimal(text: str, extra: str = "") -> str:
    stripped = text.strip(_SPACE)
    if extra:
        stripped = stripped.translate({ord(c): None for c in extra})
    if not _COMMA_DECIMAL.fullmatch(stripped):
        raise NotInFormat(f"{text!r} is not a number with a decimal comma")
    digits = stripped.translate(_NO_SEPARATORS).replace(".", "").replace(",", ".")
    return _decimal(digits, text)


_NO_SEPARATORS = {ord(" "): None, 0xA0: None}


def _zero_dash(text: str) -> str:
    if not _ZERO_DASH.fullmatch(text.strip(_SPACE)):
        raise NotInFormat(f"{text!r} is not a dash")
    return "0"


def _num_unit_decimal(text: str) -> str:
    # "5 dollars 25 cents": the whole units, a unit word, then one or two digits of fraction.
    match = re.fullmatch(r"([0-9][0-9,. \u00a0]*?)[^0-9,.]+([0-9]{1,2})[^0-9]*", text.strip(_SPACE))
    if match is None:
        raise NotInFormat(f"{text!r} is not a number of units and sub-units")
    whole = match.group(1).translate(_NO_SEPARATORS).replace(",", "").replace(".", "")
    return _decimal(f"{whole}.{match.group(2).zfill(2)}", text)


# --- number words (SEC numwordsen) ------------------------------------------------------------

_SMALL_WORDS = (
    "zero", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten",
    "eleven", "twelve", "thirteen", "fourteen", "fifteen", "sixteen", "seventeen", "eighteen",
    "nineteen",
)  # fmt: skip
_SMALL = {word: value for value, word in enumerate(_SMALL_WORDS)}
_TENS_WORDS = ("twenty", "thirty", "forty", "fifty", "sixty", "seventy", "eighty", "ninety")
_TENS = {word: 10 * value for value, word in enumerate(_TENS_WORDS, start=2)}
_SCALES = {"thousand": 10**3, "million": 10**6, "billion": 10**9, "trillion": 10**12}
_SCALES |= {"quadrillion": 10**15, "quintillion": 10**18}
_WORD_SEPARATORS = re.compile(f"[\\s,{_DASHES}]+")


def words_number(text: str) -> int:
    """An English number in words ("twenty-three", "one hundred and five", "no", "none")."""
    lowered = text.strip(_SPACE).lower()
    if lowered in ("no", "none", "nil", "zero"):
        return 0
    words = [word for word in _WORD_SEPARATORS.split(lowered) if word and word != "and"]
    if not words:
        raise NotInFormat(f"{text!r} is not a number in words")
    total = current = 0
    for word in words:
        if word in _SMALL:
            current += _SMALL[word]
        elif word in _TENS:
            current += _TENS[word]
        elif word == "hundred" and current:
            current *= 100
        elif word in _SCALES and current:
            total += current * _SCALES[word]
            current = 0
        else:
            raise NotInFormat(f"{text!r} is not a number in words")
    return total + current


def _num_words(text: str) -> str:
    return str(words_number(text))


# --- booleans ----------------------------------------------------------------------------------


def _ballot_box(text: str, unchecked: str, checked: str) -> str:
    box = text.strip(_SPACE)
    # U+2610 is an empty box; U+2611 (checked) and U+2612 (crossed) both mean yes.
    if box == "\u2610":
        return unchecked
    if box in ("\u2611", "\u2612"):
        return checked
    raise NotInFormat(f"{text!r} is not a ballot box")


# --- dates -------------------------------------------------------------------------------------

# Spelled out here: calendar.month_name follows the process's locale.
_MONTH_NAMES = (
    "january", "february", "march", "april", "may", "june", "july", "august", "september",
    "october", "november", "december",
)  # fmt: skip
_MONTHS = {
    name: number for number, full in enumerate(_MONTH_NAMES, start=1) for name in (full, full[:3])
}
_MONTHS["sept"] = 9
_MONTH_NAME = "(" + "|".join(sorted(_MONTHS, key=len, reverse=True)) + r")\.?"
_DAY = "([0-9]{1,2})"
_YEAR = "([0-9]{4}|[0-9]{1,2})"
_MONTH_NUMBER = "([0-9]{1,2})"
_SEP = "[^0-9]+"
_PARTS = {"d": _DAY, "m": _MONTH_NUMBER, "M": _MONTH_NAME, "y": _YEAR}


def _date_pattern(order: str) -> re.Pattern[str]:
    # A named month may be followed by letters or dots ("Sept.", "March"), a day by "st", "th".
    body = _SEP.join(_PARTS[part] for part in order)
    return re.compile(f"[{_SPACE}]*{body}[^0-9]*", re.IGNORECASE)


def _date(order: str) -> Callable[[str], str]:
    pattern = _date_pattern(order)

    def read(text: str) -> str:
        match = pattern.fullmatch(text)
        if match is None:
            raise NotInFormat(f"{text!r} is not a date ({order})")
        values = dict(zip(order, match.groups(), strict=True))
        month = _MONTHS[values["M"].lower()] if "M" in values else int(values["m"])
        year = values.get("y")
        if year is not None and len(year) < 4:
            year = str(2000 + int(year))  # the registries read a one or two digit year as 20yy
        day = values.get("d")
        return _date_value(text, year, month, int(day) if day is not None else None)

    return read


def _date_value(text: str, year: str | None, month: int, day: int | None) -> str:
    if not 1 <= month <= 12:
        raise NotInFormat(f"{text!r} has no month {month}")
    if day is not None:
        # A month-day without a year may be 29 February.
        last = calendar.monthrange(int(year) if year else 2000, month)[1]
        if not 1 <= day <= last:
            raise NotInFormat(f"{text!r} has no day {day} in month {month}")
    if year is None:
        return f"--{month:02}-{day:02}"
    if day is None:
        return f"{year}-{month:02}"
    return f"{year}-{month:02}-{day:02}"


_QUARTER = "(1|first|2|second|3|third|4|fourth|last)"
# "fourth quarter of 2024", "Q4 2024", "1st quarter, 2024", "2024 Q4", "2024, third quarter".
_QUARTER_END = re.compile(
    f"[^0-9]*?{_QUARTER}[^0-9]*([0-9]{{4}})[^0-9]*|[^0-9]*([0-9]{{4}})[^0-9]*?{_QUARTER}[^0-9]*",
    re.IGNORECASE,
)
_QUARTER_MONTH = {"1": 3, "first": 3, "2": 6, "second": 6, "3": 9, "third": 9}
_QUARTER_MONTH |= {"4": 12, "fourth": 12, "last": 12}


def _quarter_end(text: str) -> str:
    match = _QUARTER_END.fullmatch(text.strip(_SPACE))
    if match is None:
        raise NotInFormat(f"{text!r} is not a calendar quarter")
    year = int(match.group(2) or match.group(3))
    month = _QUARTER_MONTH[(match.group(1) or match.group(4)).lower()]
    return f"{year:04}-{month:02}-{calendar.monthrange(year, month)[1]:02}"


# --- durations (SEC) ---------------------------------------------------------------------------

_DURATION_NUMBER = re.compile(r"[+-]?([0-9]+(\.[0-9]*)?|\.[0-9]+)")


def _duration_number(text: str) -> tuple[float, str]:
    stripped = text.strip(_SPACE)
    if not _DURATION_NUMBER.fullmatch(stripped):
        raise NotInFormat(f"{text!r} is not a number")
    # Binary floating point, as in SEC's reference implementation, so that fractions spill
    # into months and days exactly as in SEC's extracted instance.
    number = float(stripped)
    return abs(number), ("-" if number < 0 else "")


def _duration(
    years: int | None, months: int | None, days: int | None, hours: int | None, sign: str
) -> str:
    """SEC's xs:duration writing: the largest designator is always written, zeros after it are
    left out, and a zero duration is written with its largest designator (P0Y, P0M, P0D)."""
    parts = [years, months, days, hours]
    if all(not part for part in parts):
        sign = ""
        first = next(index for index, part in enumerate(parts) if part is not None)
        parts = [0 if index == first else None for index in range(4)]
        years, months, days, hours = parts
    written = sign + "P"
    if years is not None:
        written += f"{years}Y"
    if months is not None and (months or years is None):
        written += f"{months}M"
    if days is not None and (days or (years is None and months is None)):
        written += f"{days}D"
    if hours is not None and (hours or (years is None and months is None and days is None)):
        written += f"T{hours}H"
    return written


_DAYS_PER_MONTH = 30.4375  # 365.25 / 12


def _dur_year(text: str) -> str:
    number, sign = _duration_number(text)
    years = int(number)
    months = (number - years) * 12
    days = int((months - int(months)) * _DAYS_PER_MONTH)
    return _duration(years, int(months), days, None, sign)


def _dur_month(text: str) -> str:
    number, sign = _duration_number(text)
    months = int(number)
    return _duration(None, months, int((number - months) * _DAYS_PER_MONTH), None, sign)


def _dur_week(text: str) -> str:
    number, sign = _duration_number(text)
    return _duration(None, None, int(number * 7), None, sign)


def _dur_day(text: str) -> str:
    number, sign = _duration_number(text)
    days = int(number)
    return _duration(None, None, days, int((number - days) * 24), sign)


def _dur_hour(text: str) -> str:
    number, sign = _duration_number(text)
    return _duration(None, None, None, int(number), sign)


_NUMBER_WORDS = r"[0-9]{1,4}|[a-z][a-z\s" + _DASHES + r"]*?"
_DURATION_WORDS = re.compile(
    rf"(?:({_NUMBER_WORDS})[\s{_DASHES}]+years?)?[\s,{_DASHES}]*(?:and\s+)?"
    rf"(?:({_NUMBER_WORDS})[\s{_DASHES}]+months?)?[\s,{_DASHES}]*(?:and\s+)?"
    rf"(?:({_NUMBER_WORDS})[\s{_DASHES}]+days?)?",
    re.IGNORECASE,
)


def _dur_words(text: str) -> str:
    stripped = text.strip(_SPACE)
    if len(stripped) > 200:
        # Three lazy groups could backtrack for long; a duration in words is a few words.
        raise NotInFormat(f"{text[:40]!r}... is too long for a duration in words")
    match = _DURATION_WORDS.fullmatch(stripped)
    if not stripped or match is None:
        raise NotInFormat(f"{text!r} is not a duration in words")
    written = "P"
    for amount, designator in zip(match.groups(), "YMD", strict=True):
        if amount is None:
            continue
        value = int(amount) if amount.isdigit() else words_number(amount)
        if value:
            written += f"{value}{designator}"
    return written if written != "P" else "P0D"


# --- SEC codes ---------------------------------------------------------------------------------


def _name_key(text: str) -> str:
    return " ".join(text.strip(_SPACE).split()).lower()


_STATES = {
    "alabama": "AL", "alaska": "AK", "arizona": "AZ", "arkansas": "AR", "california": "CA",
    "colorado": "CO", "connecticut": "CT", "delaware": "DE", "florida": "FL", "georgia": "GA",
    "hawaii": "HI", "idaho": "ID", "illinois": "IL", "indiana": "IN", "iowa": "IA",
    "kansas": "KS", "kentucky": "KY", "louisiana": "LA", "maine": "ME", "maryland": "MD",
    "massachusetts": "MA", "michigan": "MI", "minnesota": "MN", "mississippi": "MS",
    "missouri": "MO", "montana": "MT", "nebraska": "NE", "nevada": "NV",
    "new hampshire": "NH", "new jersey": "NJ", "new mexico": "NM", "new york": "NY",
    "north carolina": "NC", "north dakota": "ND", "ohio": "OH", "oklahoma": "OK",
    "oregon": "OR", "pennsylvania": "PA", "rhode island": "RI", "south carolina": "SC",
    "south dakota": "SD", "tennessee": "TN", "texas": "TX", "utah": "UT", "vermont": "VT",
    "virginia": "VA", "washington": "WA", "west virginia": "WV", "wisconsin": "WI",
    "wyoming": "WY", "district of columbia": "DC", "american samoa": "AS", "samoa": "AS",
    "guam": "GU", "northern mariana islands": "MP", "puerto rico": "PR",
    "united states minor outlying islands": "UM", "virgin islands, u.s.": "VI",
    "alberta": "AB", "british columbia": "BC", "manitoba": "MB", "new brunswick": "NB",
    "newfoundland": "NL", "newfoundland and labrador": "NL", "nova scotia": "NS",
    "northwest territories": "NT", "nunavut": "NU", "ontario": "ON",
    "prince edward island": "PE", "quebec": "QC", "québec": "QC", "saskatchewan": "SK",
    "yukon": "YT",
}  # fmt: skip


def _state(text: str) -> str:
    code = _STATES.get(_name_key(text))
    if code is None:
        raise NotInFormat(f"{text!r} is not a US state or Canadian province")
    return code


def _country(text: str) -> str:
    code = countries.ISO_BY_NAME.get(countries.name_key(text)) if text.strip() else None
    if code is None:
        raise NotInFormat(f"{text!r} is not a country ISO 3166 names")
    return code


def _edgar_place(text: str) -> str:
    # SEC's reference reads US territories, Canada's provinces and countries here, not the 50
    # states (those are `stateprovnameen`'s; "Georgia" here is the country, 2Q).
    code = countries.EDGAR_BY_NAME.get(countries.name_key(text)) if text.strip() else None
    if code is None:
        raise NotInFormat(f"{text!r} is not a province or country EDGAR codes")
    return code


_COMPANY_SUFFIX = re.compile(r",?\s+(llc|inc\.?)$")


def _exchange_key(text: str) -> str:
    return _COMPANY_SUFFIX.sub("", _name_key(text)).removeprefix("the ")


# SEC's exchange codes, by the exchange's name without "The" and without ", LLC" / ", Inc.".
_EXCHANGES = {
    _exchange_key(name): code
    for name, code in [
        *((name, code) for code, name in EXCHNAMEEN.items()),
        *EXCHNAMEEN_ALSO.items(),
    ]
}


def _exchange(text: str) -> str:
    code = _EXCHANGES.get(_exchange_key(text))
    if code is None:
        raise NotInFormat(f"{text!r} is not an exchange SEC names")
    return code


_FILER_CATEGORY = re.compile(r"(large\s+accelerated|accelerated|non\W+accelerated)\s+filer")


def _filer_category(text: str) -> str:
    match = _FILER_CATEGORY.fullmatch(_name_key(text))
    if match is None:
        raise NotInFormat(f"{text!r} is not a filer category")
    kind = match.group(1)
    if kind.startswith("large"):
        return "Large Accelerated Filer"
    return "Accelerated Filer" if kind == "accelerated" else "Non-accelerated Filer"


# --- the registries ----------------------------------------------------------------------------


def _constant(value: str) -> Callable[[str], str]:
    return lambda _text: value


_IXT: dict[str, Callable[[str], str]] = {
    # numbers
    "num-dot-decimal": _dot_decimal,
    "numdotdecimal": _dot_decimal,
    "numcommadot": _dot_decimal,
    "numspacedot": _dot_decimal,
    "num-dot-decimal-apos": lambda text: _dot_decimal(text, _APOSTROPHES),
    "num-comma-decimal": _comma_decimal,
    "numcommadecimal": _comma_decimal,
    "numdotcomma": _comma_decimal,
    "numspacecomma": _comma_decimal,
    "numcomma": _comma_decimal,
    "num-comma-decimal-apos": lambda text: _comma_decimal(text, _APOSTROPHES),
    "num-unit-decimal": _num_unit_decimal,
    "numunitdecimal": _num_unit_decimal,
    "fixed-zero": _constant("0"),
    "zerodash": _zero_dash,
    "numdash": _zero_dash,
    # booleans and empty
    "fixed-true": _constant("true"),
    "booleantrue": _constant("true"),
    "fixed-false": _constant("false"),
    "booleanfalse": _constant("false"),
    "fixed-empty": _constant(""),
    "nocontent": _constant(""),
    # dates: d day, m month number, M month name, y year
    "date-monthname-day-year-en": _date("Mdy"),
    "datemonthdayyearen": _date("Mdy"),
    "datelongus": _date("Mdy"),
    "dateshortus": _date("Mdy"),
    "date-day-monthname-year-en": _date("dMy"),
    "datedaymonthyearen": _date("dMy"),
    "datelonguk": _date("dMy"),
    "dateshortuk": _date("dMy"),
    "date-monthname-day-en": _date("Md"),
    "datemonthdayen": _date("Md"),
    "datelongmonthdayus": _date("Md"),
    "dateshortmonthdayus": _date("Md"),
    "date-day-monthname-en": _date("dM"),
    "datedaymonthen": _date("dM"),
    "datelongdaymonthuk": _date("dM"),
    "dateshortdaymonthuk": _date("dM"),
    "date-monthname-year-en": _date("My"),
    "datemonthyearen": _date("My"),
    "datelongmonthyear": _date("My"),
    "dateshortmonthyear": _date("My"),
    "date-year-monthname-en": _date("yM"),
    "dateyearmonthen": _date("yM"),
    "datelongyearmonth": _date("yM"),
    "dateshortyearmonth": _date("yM"),
    "date-month-day-year": _date("mdy"),
    "datemonthdayyear": _date("mdy"),
    "dateslashus": _date("mdy"),
    "datedotus": _date("mdy"),
    "date-day-month-year": _date("dmy"),
    "datedaymonthyear": _date("dmy"),
    "dateslasheu": _date("dmy"),
    "datedoteu": _date("dmy"),
    "date-year-month-day": _date("ymd"),
    "dateyearmonthday": _date("ymd"),
    "date-month-day": _date("md"),
    "datemonthday": _date("md"),
    "dateslashmonthdayus": _date("md"),
    "date-day-month": _date("dm"),
    "datedaymonth": _date("dm"),
    "dateslashdaymontheu": _date("dm"),
    "date-month-year": _date("my"),
    "datemonthyear": _date("my"),
    "date-year-month": _date("ym"),
}

_IXT_SEC: dict[str, Callable[[str], str]] = {
    "numwordsen": _num_words,
    "numinf": _constant("INF"),
    "numneginf": _constant("-INF"),
    "numnan": _constant("NaN"),
    "duryear": _dur_year,
    "durmonth": _dur_month,
    "durweek": _dur_week,
    "durday": _dur_day,
    "durhour": _dur_hour,
    "durwordsen": _dur_words,
    "datequarterend": _quarter_end,
    "boolballotbox": lambda text: _ballot_box(text, "false", "true"),
    "yesnoballotbox": lambda text: _ballot_box(text, "No", "Yes"),
    "stateprovnameen": _state,
    "countrynameen": _country,
    "edgarprovcountryen": _edgar_place,
    "exchnameen": _exchange,
    "entityfilercategoryen": _filer_category,
}
