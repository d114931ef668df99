"""EDGAR's index files: the days a daily-index quarter folder lists, the filings an index file lists."""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any
from urllib.parse import urlsplit

from filings_crawler.sec import values
from filings_crawler.sec.errors import FormatError
from filings_crawler.sec.submissions import ACCESSION_NUMBER, in_scope

# The column titles, as SEC writes them in the header line.
CIK = "CIK"
COMPANY_NAME = "Company Name"
FORM_TYPE = "Form Type"
DATE_FILED = "Date Filed"
FILE_NAME = "File Name"
COLUMNS = (CIK, COMPANY_NAME, FORM_TYPE, DATE_FILED, FILE_NAME)
# full-index files title the last column "Filename", the daily files "File Name".
_SPELLINGS = {"Filename": FILE_NAME}
_FIXED_WIDTH_TITLE = re.compile(r"Company Name|Form Type|CIK|Date Filed|File Name|Filename")

# The day files of daily-index/{year}/QTR{q}/. The folders also hold .gz/.Z/.zip/.sit copies,
# crawler.*.idx and sitemap.*.xml, which we do not read. (1994-1998 folders name days YYMMDD;
# the incremental crawl never goes back that far.)
DAILY_INDEX_NAME = re.compile(r"(master|form|company)\.([0-9]{8})\.idx")
# master. first: its '|' separators need no column finding. form. and company. list the same
# filings laid out differently; either will do when SEC has not written master. for a day.
_PREFERENCE = ("master", "form", "company")

# Daily files write 20221003, full-index files 2022-10-03; one file does not mix them.
_DATE_FILED = re.compile(r"([0-9]{4})(-?)([0-9]{2})\2([0-9]{2})")
_FILE_NAME = re.compile(rf"(?:.*/)?({ACCESSION_NUMBER.pattern})\.txt")
_DASHES = re.compile(rb"-{3,}")
# "Description:", "Last Data Received:", "Comments:", "Anonymous FTP:" above the header.
_DESCRIPTION = re.compile(rb"[A-Za-z][A-Za-z ]*:\s")
# Where a value starts in a fixed-width line: a non-space at the start or after a space.
_VALUE_START = re.compile(rb"(?<![^ ])[^ ]")


@dataclass(frozen=True)
class IndexEntry:
    """One line of an index file: a filing, listed under one of the companies it concerns."""

    cik: int
    company_name: str
    form: str
    date_filed: date
    accession_number: str
    file_name: str  # as written, e.g. "edgar/data/1354866/0001437749-22-023473.txt"


def parse_master_index(body: bytes, source: str) -> list[IndexEntry]:
    """A '|'-separated index: daily master.YYYYMMDD.idx, full-index master.idx and xbrl.idx.

    Company names cannot hold a '|' here (SEC would have had to escape it, and does not), so a
    line with more or fewer than five fields is a broken file, as is any bad value: FormatError.
    """
    header, rows = _header_and_rows(body, source)
    titles = _titles([" ".join(title.split()) for title in header.split("|")], header, source)
    entries = []
    for number, line in rows:
        # Split the bytes: 0x7C is never part of a multi-byte UTF-8 character, nor a latin-1 one.
        fields = line.split(b"|")
        if len(fields) != len(titles):
            raise FormatError(
                source,
                f"line {number}: {len(fields)} fields, expected {len(titles)}: {_text(line)!r}",
            )
        entries.append(_entry(dict(zip(titles, fields, strict=True)), source, number))
    return entries


def parse_fixed_width_index(body: bytes, source: str) -> list[IndexEntry]:
    """A fixed-width index: daily company.YYYYMMDD.idx and form.YYYYMMDD.idx (or full-index's).

    The header gives the order of the columns, not where they start. SEC's daily files wrap the
    header line at 80 characters (company.20221003.idx), so "Date Filed" and "File Name" sit on
    a second line at no data column; and recent form.*.idx files, as published copies show, write
    the Form Type in 17 characters under a header that gives it 12. So the starts are read from
    the entries: each value is written left-aligned at its column's start, a CIK, date or file
    name is one word, and a form type never holds two spaces in a row. The one thing the data
    may leave open, in a short file, is whether a word ends the form type or begins the company
    name ("SC 13D"); the form type keeps it.

    Entries that do not line up in columns, or hold a bad value, are a FormatError.
    """
    header, rows = _header_and_rows(body, source)
    titles = _titles(_FIXED_WIDTH_TITLE.findall(header), header, source)
    unknown = _FIXED_WIDTH_TITLE.sub(" ", header).split()
    if unknown:
        raise FormatError(
            source, f"header {header!r} has words that are no column title: {unknown}"
        )
    if not rows:
        return []
    lines = [line for _, line in rows]
    shapes = [_SHAPES[title] for title in titles]
    starts = _column_starts(lines, shapes, titles.index(FORM_TYPE))
    if starts is None:
        raise FormatError(source, _misfit(rows, shapes, titles))
    entries = []
    for number, line in rows:
        ends = (*starts[1:], None)
        fields = {
            title: line[start:end] for title, start, end in zip(titles, starts, ends, strict=True)
        }
        entries.append(_entry(fields, source, number))
    return entries


def parse_daily_index(body: bytes, source: str) -> list[IndexEntry]:
    """A day's file, read by the format its name says (the last segment of `source`)."""
    name = urlsplit(source).path.rsplit("/", 1)[-1]
    match = DAILY_INDEX_NAME.fullmatch(name)
    if match is None:
        raise FormatError(
            source, f"{name!r} is not a daily index file (master., form. or company.YYYYMMDD.idx)"
        )
    if match[1] == "master":
        return parse_master_index(body, source)
    return parse_fixed_width_index(body, source)


def select_entries(
    entries: Iterable[IndexEntry], forms: Sequence[str], start: date, end: date
) -> list[IndexEntry]:
    """The index lines of in-scope filings (sec/submissions.py `in_scope`)."""
    wanted = set(forms)
    return [e for e in entries if in_scope(e.form, e.date_filed, wanted, start, end)]


def quarter_folders(start: date, end: date) -> list[tuple[int, int]]:
    """The (year, quarter) folders of daily-index/ that hold the days start..end, in order."""
    if start > end:
        return []
    first = start.year * 4 + (start.month - 1) // 3
    last = end.year * 4 + (end.month - 1) // 3
    return [(quarter // 4, quarter % 4 + 1) for quarter in range(first, last + 1)]


def daily_index_days(body: bytes, source: str) -> dict[date, str]:
    """The days a quarter folder's index.json lists, each with the file to read, by date.

    A day's file is master. if the folder has it, else form., else company. (uncompressed .idx
    only). Malformed JSON or an unexpected structure is a FormatError.
    """
    chosen: dict[date, tuple[int, str]] = {}
    for index, item in enumerate(_listing_items(values.load_json(body, source), source)):
        where = f"directory.item[{index}]"
        if not isinstance(item, dict):
            raise FormatError(source, f"{where} is {type(item).__name__}, not an object")
        name = values.text(item.get("name"), source, f"{where} name")
        kind = values.text(item.get("type"), source, f"{where} type")
        match = DAILY_INDEX_NAME.fullmatch(name)
        if kind != "file" or match is None:
            continue
        day = _date(match[2])
        if day is None:
            raise FormatError(source, f"{where}: {name!r} does not name a real day")
        rank = _PREFERENCE.index(match[1])
        if day not in chosen or rank < chosen[day][0]:
            chosen[day] = (rank, name)
    return {day: chosen[day][1] for day in sorted(chosen)}


def business_days(start: date, end: date) -> list[date]:
    """Monday to Friday in start..end. SEC writes no index on weekends; its holidays are simply
    missing from the folder's index.json."""
    days = (start + timedelta(days=offset) for offset in range((end - start).days + 1))
    return [day for day in days if day.weekday() < 5]


def _header_and_rows(body: bytes, source: str) -> tuple[str, list[tuple[int, bytes]]]:
    """The header (its lines joined) and the numbered entry lines below the line of dashes."""
    # Bytes: the files are not always UTF-8 (see _text), and fixed-width columns are counted
    # in bytes. rstrip() drops the CR of CRLF and the trailing blanks SEC pads lines with.
    lines = [line.rstrip() for line in body.split(b"\n")]
    dashes = next((i for i, line in enumerate(lines) if _DASHES.fullmatch(line)), None)
    if dashes is None:
        raise FormatError(source, "no line of dashes under a header line")
    top = dashes
    while top > 0 and lines[top - 1] and not _DESCRIPTION.match(lines[top - 1]):
        top -= 1
    if top == dashes:
        raise FormatError(source, f"line {dashes + 1}: no header line above the line of dashes")
    header = " ".join(line.decode("latin-1") for line in lines[top:dashes])
    # Blank lines (the end of the file) list nothing; every other line must be an entry.
    rows = [(n, line) for n, line in enumerate(lines[dashes + 1 :], start=dashes + 2) if line]
    return header, rows


def _titles(found: Sequence[str], header: str, source: str) -> tuple[str, ...]:
    """The five column titles in the header's order; FormatError if one is missing or odd."""
    titles = tuple(_SPELLINGS.get(title, title) for title in found)
    for title in titles:
        if title not in COLUMNS:
            raise FormatError(source, f"header {header!r}: {title!r} is no column we know")
        if titles.count(title) > 1:
            raise FormatError(source, f"header {header!r} has {title!r} twice")
    for title in COLUMNS:
        if title not in titles:
            raise FormatError(source, f"header {header!r} has no {title!r} column")
    return titles


def _entry(fields: dict[str, bytes], source: str, number: int) -> IndexEntry:
    where = f"line {number}"
    text = {title: _text(raw).strip() for title, raw in fields.items()}
    for title, value in text.items():
        if not value:
            raise FormatError(source, f"{where}: {title} is empty")
    filed = _date(text[DATE_FILED])
    if filed is None:
        raise FormatError(
            source,
            f"{where}: Date Filed {text[DATE_FILED]!r} is not a date (YYYYMMDD or YYYY-MM-DD)",
        )
    file_name = _FILE_NAME.fullmatch(text[FILE_NAME])
    if file_name is None:
        raise FormatError(
            source, f"{where}: File Name {text[FILE_NAME]!r} is not {{accession number}}.txt"
        )
    return IndexEntry(
        cik=values.cik(text[CIK], source, where),
        company_name=text[COMPANY_NAME],
        form=text[FORM_TYPE],
        date_filed=filed,
        accession_number=file_name[1],
        file_name=text[FILE_NAME],
    )


def _text(raw: bytes) -> str:
    # SEC's index files are ASCII in practice but carry no declared encoding, and older or odd
    # company names come as single-byte latin-1/cp1252. UTF-8 when a value is valid UTF-8 (which
    # latin-1 text with accents almost never is); otherwise latin-1, which decodes any byte, so one
    # odd name never makes a whole day unreadable. Decided per value, not per file, so one stray
    # byte does not turn every other name in the file into mojibake.
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError:
        return raw.decode("latin-1")


def _date(value: str) -> date | None:
    match = _DATE_FILED.fullmatch(value)
    if match is None:
        return None
    try:
        return date(int(match[1]), int(match[3]), int(match[4]))
    except ValueError:
        return None


def _listing_items(document: Any, source: str) -> list[Any]:
    """`directory.item` of an EDGAR folder listing (index.json)."""
    directory = document.get("directory") if isinstance(document, dict) else None
    if not isinstance(directory, dict):
        raise FormatError(source, "not an EDGAR folder listing: no 'directory' object")
    items = directory.get("item")
    if not isinstance(items, list):
        raise FormatError(source, f"'directory.item' is {type(items).__name__}, not a list")
    return items


# What a fixed-width column may hold, which is all that tells where the columns start.
_WORD = "one word"  # CIK, Date Filed, File Name
_WORDS = "words with single spaces"  # Form Type: "SC 13D/A", "1-A POS"
_ANYTHING = "anything"  # Company Name
_SHAPES = {
    CIK: _WORD,
    COMPANY_NAME: _ANYTHING,
    FORM_TYPE: _WORDS,
    DATE_FILED: _WORD,
    FILE_NAME: _WORD,
}


def _column_starts(
    lines: Sequence[bytes], shapes: Sequence[str], form: int
) -> tuple[int, ...] | None:
    """Where each column starts in every line, or None if the lines cannot be read in columns.

    A start is a position where every line has a value beginning; the starts chosen are the
    ones under which every line's every column holds what it may. Of several such layouts (a
    short file whose form types all have two words), the widest Form Type column.
    """
    common = set.intersection(*(_value_starts(line) for line in lines))
    candidates = sorted(common)
    checked: dict[tuple[int, int, int | None], bool] = {}

    def fits(column: int, start: int, end: int | None) -> bool:
        key = (column, start, end)
        if key not in checked:
            checked[key] = all(_fits(shapes[column], line[start:end]) for line in lines)
        return checked[key]

    def layouts(starts: tuple[int, ...]) -> Iterator[tuple[int, ...]]:
        column = len(starts) - 1
        if len(starts) == len(shapes):
            if fits(column, starts[-1], None):
                yield starts
            return
        for start in candidates:
            if start > starts[-1] and fits(column, starts[-1], start):
                yield from layouts((*starts, start))

    if 0 not in common:
        return None
    longest = max(len(line) for line in lines)

    def form_width(starts: tuple[int, ...]) -> int:
        end = starts[form + 1] if form + 1 < len(starts) else longest
        return end - starts[form]

    # max() keeps the first of equals: the layout with the earliest starts.
    return max(layouts((0,)), key=form_width, default=None)


def _value_starts(line: bytes) -> set[int]:
    return {match.start() for match in _VALUE_START.finditer(line)}


def _fits(shape: str, value: bytes) -> bool:
    value = value.rstrip(b" ")
    if shape == _WORD:
        return b" " not in value
    if shape == _WORDS:
        return b"  " not in value
    return True


def _misfit(rows: Sequence[tuple[int, bytes]], shapes: Sequence[str], titles: Sequence[str]) -> str:
    """Which line breaks the columns: the first one that the lines above it cannot share."""
    form = titles.index(FORM_TYPE)
    lines = [line for _, line in rows]
    # Lines that fit columns keep fitting when lines are dropped, so the first misfit is found
    # by bisection on how many lines from the top are read together.
    fitting, failing = 0, len(lines)
    while failing - fitting > 1:
        middle = (fitting + failing) // 2
        if _column_starts(lines[:middle], shapes, form) is None:
            failing = middle
        else:
            fitting = middle
    number, line = rows[failing - 1]
    if failing == 1:
        return f"line {number}: not in the columns {', '.join(titles)}: {_text(line)!r}"
    return f"line {number}: its columns do not line up with the lines above it: {_text(line)!r}"
