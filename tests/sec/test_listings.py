"""NASDAQ Trader's symbol directory files parsed into Listings, on the real files."""

from collections import Counter
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from filings_crawler.sec.errors import FormatError
from filings_crawler.sec.listings import EXCHANGE_NAMES, SymbolDirectory, parse_symbol_directory

from .conftest import SYMBOL_DIRECTORY

CREATED_AT = datetime(2025, 7, 21, 21, 31, tzinfo=ZoneInfo("America/New_York"))


def real_body(source_file: str) -> bytes:
    return (SYMBOL_DIRECTORY / source_file).read_bytes()


def rows_of(source_file: str) -> tuple[list[str], list[list[str]]]:
    """Header and data rows, read without the parser: every line but the first and the footer."""
    lines = (SYMBOL_DIRECTORY / source_file).read_text().splitlines()
    assert lines[-1].startswith("File Creation Time:")
    return lines[0].split("|"), [line.split("|") for line in lines[1:-1]]


def column(source_file: str, name: str) -> list[str]:
    header, rows = rows_of(source_file)
    return [row[header.index(name)] for row in rows]


def test_nasdaqlisted(nasdaqlisted: SymbolDirectory):
    assert nasdaqlisted.source_file == "nasdaqlisted.txt"
    assert nasdaqlisted.file_created_at == CREATED_AT
    assert nasdaqlisted.file_created_at.tzinfo == ZoneInfo("America/New_York")
    assert nasdaqlisted.file_created_at.utcoffset() == timedelta(hours=-4)  # EDT in July
    listings = nasdaqlisted.listings
    assert len(listings) == len(rows_of("nasdaqlisted.txt")[1]) == 4973
    assert {listing.listing_exchange for listing in listings} == {"NASDAQ"}
    assert [listing.symbol for listing in listings] == column("nasdaqlisted.txt", "Symbol")
    etfs = column("nasdaqlisted.txt", "ETF").count("Y")
    assert sum(listing.is_etf for listing in listings) == etfs == 914
    tests = column("nasdaqlisted.txt", "Test Issue").count("Y")
    assert sum(listing.is_test_issue for listing in listings) == tests == 8
    assert {listing.source_file for listing in listings} == {"nasdaqlisted.txt"}
    assert {listing.file_created_at for listing in listings} == {CREATED_AT}


def test_nasdaqlisted_test_issues_leave_etf_blank(nasdaqlisted: SymbolDirectory):
    # The real file writes ETF as "" on its 8 test issues; they parse as not ETFs.
    header, rows = rows_of("nasdaqlisted.txt")
    blank = [row[0] for row in rows if not row[header.index("ETF")]]
    tests = [listing for listing in nasdaqlisted.listings if listing.is_test_issue]
    assert [listing.symbol for listing in tests] == blank
    assert not any(listing.is_etf for listing in tests)


def test_otherlisted(otherlisted: SymbolDirectory):
    assert otherlisted.file_created_at == CREATED_AT
    listings = otherlisted.listings
    assert len(listings) == len(rows_of("otherlisted.txt")[1]) == 6606
    assert [listing.symbol for listing in listings] == column("otherlisted.txt", "ACT Symbol")
    names = {
        "N": "NYSE",
        "A": "NYSE American",
        "P": "NYSE Arca",
        "Z": "Cboe BZX",
        "V": "IEX",
        "M": "NYSE Texas",
    }
    expected = Counter(names[code] for code in column("otherlisted.txt", "Exchange"))
    assert Counter(listing.listing_exchange for listing in listings) == expected
    assert expected == {
        "NYSE": 2892,
        "NYSE Arca": 2391,
        "Cboe BZX": 1007,
        "NYSE American": 312,
        "IEX": 3,
        "NYSE Texas": 1,
    }
    etfs = column("otherlisted.txt", "ETF").count("Y")
    assert sum(listing.is_etf for listing in listings) == etfs == 3430
    tests = column("otherlisted.txt", "Test Issue").count("Y")
    assert sum(listing.is_test_issue for listing in listings) == tests == 25


def test_names_are_stripped(otherlisted: SymbolDirectory):
    (alcoa,) = [listing for listing in otherlisted.listings if listing.symbol == "AA"]
    assert alcoa.security_name == "Alcoa Corporation Common Stock"
    assert alcoa.listing_exchange == "NYSE"
    assert not alcoa.is_etf
    assert not alcoa.is_test_issue


def test_exchange_names():
    assert EXCHANGE_NAMES == {
        "N": "NYSE",
        "A": "NYSE American",
        "P": "NYSE Arca",
        "Z": "Cboe BZX",
        "V": "IEX",
        "M": "NYSE Texas",
    }


def test_unknown_exchange_code_is_kept():
    body = real_body("otherlisted.txt").replace(
        b"|Alcoa Corporation Common Stock |N|", b"|Alcoa|Q|"
    )
    listings = parse_symbol_directory(body, "otherlisted.txt").listings
    assert [listing.listing_exchange for listing in listings if listing.symbol == "AA"] == ["Q"]


@pytest.mark.parametrize("source_file", ["nasdaqlisted.txt", "otherlisted.txt"])
def test_crlf_and_trailing_blank_line_parse_identically(source_file: str):
    body = real_body(source_file)
    expected = parse_symbol_directory(body, source_file)
    assert parse_symbol_directory(body.replace(b"\n", b"\r\n"), source_file) == expected
    assert parse_symbol_directory(body.replace(b"\n", b"\r\n") + b"\r\n", source_file) == expected
    assert parse_symbol_directory(body + b"\n", source_file) == expected
    assert parse_symbol_directory(body.rstrip(b"\n"), source_file) == expected


def edit_lines(source_file: str, edit) -> bytes:
    """The real file with `edit(lines)` applied to its lines (header first, footer last)."""
    lines = real_body(source_file).decode().split("\n")[:-1]
    return ("\n".join(edit(lines)) + "\n").encode()


def drop_column(name: str):
    def edit(lines: list[str]) -> list[str]:
        index = lines[0].split("|").index(name)
        return ["|".join(f for i, f in enumerate(line.split("|")) if i != index) for line in lines]

    return edit


def replace_line(number: int, old: str, new: str):
    """Replace `old` on line `number` (1 is the header, -1 the footer)."""

    def edit(lines: list[str]) -> list[str]:
        index = number - 1 if number > 0 else number
        assert old in lines[index]
        lines = list(lines)
        lines[index] = lines[index].replace(old, new)
        return lines

    return edit


@pytest.mark.parametrize(
    ("source_file", "edit", "problem"),
    [
        ("otherlisted.txt", drop_column("ETF"), "column 'ETF' is missing (header: ACT Symbol|"),
        ("nasdaqlisted.txt", drop_column("Test Issue"), "column 'Test Issue' is missing"),
        (
            "otherlisted.txt",
            replace_line(1, "ACT Symbol", "Symbol"),
            "column 'ACT Symbol' is missing (header: Symbol|Security Name|Exchange|",
        ),
        ("nasdaqlisted.txt", replace_line(1, "|ETF|", "|Is ETF|"), "column 'ETF' is missing"),
        (
            "otherlisted.txt",
            lambda lines: lines[:-1],
            "no 'File Creation Time:' footer (last line: 'ZXIET|",
        ),
        ("nasdaqlisted.txt", lambda lines: lines[:-1], "no 'File Creation Time:' footer"),
        (
            "nasdaqlisted.txt",
            replace_line(-1, "0721202521:31", "2025-07-21 21:31"),
            "unparseable File Creation Time: '2025-07-21 21:31' (not MMDDYYYYHH:MM)",
        ),
        (
            "otherlisted.txt",
            replace_line(-1, "0721202521:31", "1341202521:31"),
            "unparseable File Creation Time: '1341202521:31' (month must be in 1..12)",
        ),
        (
            "otherlisted.txt",
            lambda lines: [*lines[:11], lines[-1]],
            "suspiciously few rows: 10 data rows, expected at least 1000",
        ),
        (
            "nasdaqlisted.txt",
            lambda lines: [lines[0], lines[-1]],
            "suspiciously few rows: 0 data rows",
        ),
        (
            "otherlisted.txt",
            replace_line(3, "|N|AA|N|100|", "|N|AA|N|"),
            "line 3: 7 fields where the header has 8",
        ),
        ("otherlisted.txt", replace_line(3, "|N|AA|N|100|", "|N|AA|N|100||"), "line 3: 9 fields"),
        (
            "otherlisted.txt",
            replace_line(2, "|N|A|N|100|N|A", "|N|A|Q|100|N|A"),
            "line 2: ETF is 'Q', not Y or N",
        ),
        (
            "nasdaqlisted.txt",
            replace_line(2, "|G|N|N|100|N|N", "|G|y|N|100|N|N"),
            "line 2: Test Issue is 'y', not Y or N",
        ),
        (
            "nasdaqlisted.txt",
            replace_line(2, "|G|N|N|100|N|N", "|G|N|N|100||N"),
            "line 2: ETF is '', not Y or N",
        ),
        ("otherlisted.txt", replace_line(3, "AA|Alcoa", " |Alcoa"), "line 3: empty ACT Symbol"),
        (
            "otherlisted.txt",
            replace_line(3, "AA|Alcoa", "A|Alcoa"),
            "line 3: symbol 'A' already on line 2",
        ),
        ("otherlisted.txt", replace_line(2, "|N|A|N|", "||A|N|"), "line 2: empty Exchange"),
    ],
)
def test_malformed_files_raise_format_error_naming_file_and_problem(source_file, edit, problem):
    body = edit_lines(source_file, edit)
    with pytest.raises(FormatError) as caught:
        parse_symbol_directory(body, source_file)
    message = str(caught.value)
    assert message.startswith(f"{source_file}: ")
    assert problem in message
    assert "\n" not in message


def test_min_rows_can_be_lowered():
    body = edit_lines("otherlisted.txt", lambda lines: [*lines[:11], lines[-1]])
    directory = parse_symbol_directory(body, "otherlisted.txt", min_rows=10)
    assert [listing.symbol for listing in directory.listings][:2] == ["A", "AA"]
    assert len(directory.listings) == 10


@pytest.mark.parametrize(
    ("body", "source_file", "problem"),
    [
        (b"Symbol|x\n", "nasdaq.txt", "nasdaq.txt: not a symbol directory file"),
        (b"\x1f\x8b\x08\x00\xff\xfe", "otherlisted.txt", "otherlisted.txt: not UTF-8 text"),
        (
            b"ACT Symbol\x00|x\n",
            "otherlisted.txt",
            "otherlisted.txt: not text (contains NUL bytes)",
        ),
        (b"", "nasdaqlisted.txt", "nasdaqlisted.txt: only 0 line(s)"),
        (b"\r\n\n", "nasdaqlisted.txt", "nasdaqlisted.txt: only 0 line(s)"),
        (
            b"<html><body>Not Found</body></html>\n",
            "otherlisted.txt",
            "otherlisted.txt: only 1 line(s)",
        ),
    ],
)
def test_not_a_symbol_directory(body: bytes, source_file: str, problem: str):
    with pytest.raises(FormatError) as caught:
        parse_symbol_directory(body, source_file)
    assert str(caught.value).startswith(problem)


def test_the_header_must_match_the_file_name():
    with pytest.raises(FormatError, match=r"^otherlisted\.txt: column 'ACT Symbol' is missing"):
        parse_symbol_directory(real_body("nasdaqlisted.txt"), "otherlisted.txt")
    with pytest.raises(FormatError, match=r"^nasdaqlisted\.txt: column 'Symbol' is missing"):
        parse_symbol_directory(real_body("otherlisted.txt"), "nasdaqlisted.txt")


def test_byte_order_mark_is_tolerated(nasdaqlisted: SymbolDirectory):
    body = b"\xef\xbb\xbf" + real_body("nasdaqlisted.txt")
    assert parse_symbol_directory(body, "nasdaqlisted.txt") == nasdaqlisted
