"""EDGAR's index files read into entries, on the real daily company index and quarterly xbrl.idx."""

import json
from collections import Counter
from collections.abc import Callable
from datetime import date

import pytest

from filings_crawler.sec.daily_index import (
    IndexEntry,
    business_days,
    daily_index_days,
    parse_daily_index,
    parse_fixed_width_index,
    parse_master_index,
    quarter_folders,
)
from filings_crawler.sec.errors import FormatError

from .conftest import EDGAR

ARCHIVES = "https://www.sec.gov/Archives/edgar"
COMPANY_PATH = EDGAR / "www.sec.gov/Archives/edgar/daily-index/2022/QTR4/company.20221003.idx"
COMPANY_URL = f"{ARCHIVES}/daily-index/2022/QTR4/company.20221003.idx"
FORM_URL = f"{ARCHIVES}/daily-index/2022/QTR4/form.20221003.idx"
MASTER_URL = f"{ARCHIVES}/daily-index/2022/QTR4/master.20221003.idx"
XBRL_PATH = EDGAR / "www.sec.gov/Archives/edgar/full-index/2023/QTR1/xbrl.idx"
XBRL_URL = f"{ARCHIVES}/full-index/2023/QTR1/xbrl.idx"
QTR1_LISTING = EDGAR / "www.sec.gov/Archives/edgar/full-index/2021/QTR1/index.json"
LISTING_URL = f"{ARCHIVES}/daily-index/2022/QTR4/index.json"
DESCRIPTION = (
    "Description:           Daily Index of EDGAR Dissemination Feed by {by}\n"
    "Last Data Received:    Oct  3, 2022\n"
    "Comments:              webmaster@sec.gov\n"
    "Anonymous FTP:         ftp://ftp.sec.gov/edgar/\n"
    " \n \n \n \n"
)
DASHES = "-" * 145
OCT_3 = date(2022, 10, 3)

Row = tuple[str, str, str, str, str]  # name, form, CIK, date, file name, as written


@pytest.fixture(scope="module")
def company_text() -> str:
    return COMPANY_PATH.read_bytes().decode("ascii")


@pytest.fixture(scope="module")
def company_rows(company_text: str) -> list[Row]:
    """The real file's entry lines cut at the columns seen in it, with plain string slicing."""
    lines = company_text.split("\n")
    dashes = next(i for i, line in enumerate(lines) if line.startswith("---"))
    return [
        (
            line[:62].strip(),
            line[62:74].strip(),
            line[74:86].strip(),
            line[86:98].strip(),
            line[98:].strip(),
        )
        for line in lines[dashes + 1 :]
        if line.strip()
    ]


@pytest.fixture(scope="module")
def company_entries() -> list[IndexEntry]:
    return parse_daily_index(COMPANY_PATH.read_bytes(), COMPANY_URL)


@pytest.fixture(scope="module")
def xbrl_entries() -> list[IndexEntry]:
    return parse_master_index(XBRL_PATH.read_bytes(), XBRL_URL)


def entry(name: str, form: str, cik: int, filed: date, accession: str) -> IndexEntry:
    return IndexEntry(
        cik=cik,
        company_name=name,
        form=form,
        date_filed=filed,
        accession_number=accession,
        file_name=f"edgar/data/{cik}/{accession}.txt",
    )


def assert_one_line_error(error: FormatError, source: str, *problems: str) -> None:
    message = str(error)
    assert error.source == source
    assert message.startswith(f"{source}: ")
    assert "\n" not in message
    for problem in problems:
        assert problem in message


def form_first_file(rows: list[Row], *, real_layout: bool) -> bytes:
    """A form.*.idx of `rows`, as SEC lays one out.

    real_layout: SEC's daily form files pad Form Type to 17 characters under a header that
    gives it 12, and wrap the header at 80 characters. Otherwise a tidy 12-wide layout under a
    one-line header.
    """
    width = 17 if real_layout else 12
    header = (
        "Form Type   Company Name" + " " * 50 + "CIK\n      Date Filed  File Name"
        if real_layout
        else "Form Type   Company Name" + " " * 50 + "CIK         Date Filed  File Name"
    )
    lines = [
        f"{form:<{width}}{name:<62}{cik:<12}{filed:<12}{file_name:<52}"
        for name, form, cik, filed, file_name in sorted(rows, key=lambda row: (row[1], row[0]))
    ]
    text = DESCRIPTION.format(by="Form Type") + f"{header}\n{DASHES}\n" + "\n".join(lines) + "\n"
    return text.encode("ascii")


def master_file(rows: list[Row]) -> bytes:
    lines = [
        f"{cik}|{name}|{form}|{filed}|{file_name}" for name, form, cik, filed, file_name in rows
    ]
    text = (
        DESCRIPTION.format(by="Company Name")
        + "CIK|Company Name|Form Type|Date Filed|File Name\n"
        + "-" * 80
        + "\n"
        + "\n".join(lines)
        + "\n"
    )
    return text.encode("ascii")


# -- the real daily company index ------------------------------------------------------------


def test_company_index_has_an_entry_per_line_under_the_dashes(
    company_entries: list[IndexEntry], company_text: str
) -> None:
    after_dashes = company_text.split(DASHES + "\n", 1)[1]
    count = sum(1 for line in after_dashes.split("\n") if line.strip())
    assert count == 4925
    assert len(company_entries) == count


def test_company_index_first_and_last_entries(company_entries: list[IndexEntry]) -> None:
    assert company_entries[0] == IndexEntry(
        cik=1700461,
        company_name="1st stREIT Office Inc.",
        form="1-A POS",
        date_filed=OCT_3,
        accession_number="0001104659-22-105357",
        file_name="edgar/data/1700461/0001104659-22-105357.txt",
    )
    assert company_entries[-1] == IndexEntry(
        cik=1582581,
        company_name="voxeljet AG",
        form="424B5",
        date_filed=OCT_3,
        accession_number="0001558370-22-014789",
        file_name="edgar/data/1582581/0001558370-22-014789.txt",
    )


def test_company_index_periodic_reports(company_entries: list[IndexEntry]) -> None:
    reports = [e for e in company_entries if e.form in {"10-K", "10-Q"}]
    assert reports == [
        entry("Byrna Technologies Inc.", "10-Q", 1354866, OCT_3, "0001437749-22-023473"),
        entry("Intorio, Corp.", "10-Q", 1852536, OCT_3, "0001683168-22-006727"),
        entry("NUNZIA PHARMACEUTICAL Co", "10-Q", 886093, OCT_3, "0001683168-22-006728"),
        entry("Reborn Coffee, Inc.", "10-Q", 1707910, OCT_3, "0001213900-22-060787"),
        entry("Ultimate Holdings Group, Inc.", "10-K", 1888846, OCT_3, "0001599916-22-000255"),
    ]
    forms = Counter(e.form for e in company_entries)
    assert (forms["10-K/A"], forms["10-Q/A"], forms["NT 10-K"], forms["NT 10-K/A"]) == (2, 4, 3, 1)


def test_company_index_matches_plain_slicing(
    company_entries: list[IndexEntry], company_rows: list[Row]
) -> None:
    assert [
        (e.company_name, e.form, str(e.cik), e.date_filed.strftime("%Y%m%d"), e.file_name)
        for e in company_entries
    ] == company_rows
    for e in company_entries:
        assert e.file_name == f"edgar/data/{e.cik}/{e.accession_number}.txt"


def test_a_day_file_also_lists_filings_dated_before_the_day(
    company_entries: list[IndexEntry],
) -> None:
    # SEC disseminated these on Oct 3 with their earlier filing dates: EFFECT notices and an
    # S-8 of Friday Sep 30, an MA-A of Sep 8. A day's file is not "the filings dated that day".
    assert Counter(e.date_filed for e in company_entries) == {
        OCT_3: 4893,
        date(2022, 9, 30): 31,
        date(2022, 9, 8): 1,
    }
    earlier = {e.form for e in company_entries if e.date_filed < OCT_3}
    assert earlier == {"EFFECT", "S-8", "1/A", "QUALIF", "MA-A"}


def test_crlf_lines_read_the_same(company_entries: list[IndexEntry]) -> None:
    crlf = COMPANY_PATH.read_bytes().replace(b"\n", b"\r\n")
    assert parse_fixed_width_index(crlf, COMPANY_URL) == company_entries


# -- the real quarterly xbrl.idx -------------------------------------------------------------


def test_xbrl_index_has_an_entry_per_line_under_the_dashes(
    xbrl_entries: list[IndexEntry],
) -> None:
    lines = XBRL_PATH.read_text(encoding="ascii").split("\n")
    dashes = next(i for i, line in enumerate(lines) if set(line) == {"-"})
    entry_lines = [line for line in lines[dashes + 1 :] if line.strip()]
    assert len(entry_lines) == 27606
    assert len(xbrl_entries) == len(entry_lines)
    forms = Counter(line.split("|")[2] for line in entry_lines)
    assert Counter(e.form for e in xbrl_entries) == forms
    assert (forms["10-K"], forms["10-Q"]) == (4859, 1095)


def test_xbrl_index_first_and_last_entries(xbrl_entries: list[IndexEntry]) -> None:
    assert xbrl_entries[:3] == [
        entry("NICHOLAS FINANCIAL INC", "10-Q", 1000045, date(2023, 2, 14), "0000950170-23-002704"),
        entry("NICHOLAS FINANCIAL INC", "8-K", 1000045, date(2023, 1, 24), "0000950170-23-001040"),
        entry("NICHOLAS FINANCIAL INC", "8-K", 1000045, date(2023, 2, 9), "0000950170-23-002356"),
    ]
    assert xbrl_entries[-1] == entry(
        "BARNES GROUP INC", "DEF 14A", 9984, date(2023, 3, 24), "0001206774-23-000410"
    )


def test_xbrl_index_accessions_come_from_the_file_names(xbrl_entries: list[IndexEntry]) -> None:
    for e in xbrl_entries:
        assert e.file_name == f"edgar/data/{e.cik}/{e.accession_number}.txt"
        assert date(2023, 1, 1) <= e.date_filed <= date(2023, 3, 31)


# -- dispatch and the other layouts ----------------------------------------------------------


def test_daily_index_reads_by_file_name(
    company_entries: list[IndexEntry], company_rows: list[Row]
) -> None:
    assert parse_daily_index(master_file(company_rows), MASTER_URL) == company_entries
    form = form_first_file(company_rows, real_layout=True)
    assert Counter(parse_daily_index(form, FORM_URL)) == Counter(company_entries)
    # The name decides: a fixed-width body under a master. name is not guessed at.
    with pytest.raises(FormatError) as raised:
        parse_daily_index(COMPANY_PATH.read_bytes(), MASTER_URL)
    assert_one_line_error(raised.value, MASTER_URL, "header")


@pytest.mark.parametrize(
    "name",
    [
        "company.idx",
        "master.idx",
        "xbrl.idx",
        "crawler.20221003.idx",
        "master.20221003.idx.gz",
        "form.20221003.Z",
        "company.221003.idx",
        "sitemap.20221003.xml",
    ],
)
def test_daily_index_refuses_other_names(name: str) -> None:
    source = f"{ARCHIVES}/daily-index/2022/QTR4/{name}"
    with pytest.raises(FormatError) as raised:
        parse_daily_index(COMPANY_PATH.read_bytes(), source)
    assert_one_line_error(raised.value, source, repr(name))


@pytest.mark.parametrize("real_layout", [True, False], ids=["sec-17-wide-form", "12-wide-form"])
def test_form_first_index_reads_the_same_entries(
    company_entries: list[IndexEntry], company_rows: list[Row], real_layout: bool
) -> None:
    body = form_first_file(company_rows, real_layout=real_layout)
    entries = parse_fixed_width_index(body, FORM_URL)
    assert Counter(entries) == Counter(company_entries)
    assert [e.form for e in entries] == sorted(e.form for e in entries)


@pytest.mark.parametrize("real_layout", [True, False], ids=["sec-17-wide-form", "12-wide-form"])
def test_a_short_form_file_keeps_form_types_of_two_words(
    company_rows: list[Row], real_layout: bool
) -> None:
    # Every line's form type has two words: the data alone cannot say whether "13D/A" ends the
    # form type or starts the name. The form type keeps it.
    rows = [row for row in company_rows if row[1] == "SC 13D/A"][:2]
    assert len(rows) == 2
    entries = parse_fixed_width_index(form_first_file(rows, real_layout=real_layout), FORM_URL)
    assert [(e.form, e.company_name) for e in entries] == [("SC 13D/A", row[0]) for row in rows]


def test_a_one_entry_company_file(company_text: str) -> None:
    head, rest = company_text.split(DASHES + "\n", 1)
    line = next(line for line in rest.split("\n") if "SC TO-I" in line)
    [only] = parse_fixed_width_index(f"{head}{DASHES}\n{line}\n".encode(), COMPANY_URL)
    assert (only.company_name, only.form) == ("A&Q Long/Short Strategies Fund LLC", "SC TO-I")


def test_a_header_without_entries_lists_nothing(company_text: str) -> None:
    head = company_text.split(DASHES + "\n", 1)[0] + DASHES + "\n"
    assert parse_fixed_width_index(head.encode(), COMPANY_URL) == []
    assert parse_fixed_width_index(head.encode() + b" \r\n\r\n", COMPANY_URL) == []
    assert parse_master_index(master_file([]), MASTER_URL) == []


def test_names_in_utf8_or_latin1() -> None:
    body = master_file([]) + (
        "1|Société Générale|8-K|20221003|edgar/data/1/0000000001-22-000001.txt\n".encode()
        + "2|Société Générale|8-K|20221003|edgar/data/2/0000000002-22-000001.txt\n".encode(
            "latin-1"
        )
    )
    entries = parse_master_index(body, MASTER_URL)
    assert [e.company_name for e in entries] == ["Société Générale", "Société Générale"]


def test_full_index_dates_and_filename_title() -> None:
    body = (
        b"CIK|Company Name|Form Type|Date Filed|Filename\n"
        + b"-" * 80
        + b"\n1000045|NICHOLAS FINANCIAL INC|10-Q|2023-02-14|"
        + b"edgar/data/1000045/0000950170-23-002704.txt  \n"
    )
    [only] = parse_master_index(body, XBRL_URL)
    assert only.date_filed == date(2023, 2, 14)
    assert only.file_name == "edgar/data/1000045/0000950170-23-002704.txt"


# -- malformed files -------------------------------------------------------------------------

MASTER_LINE = (
    "1354866|Byrna Technologies Inc.|10-Q|20221003|edgar/data/1354866/0001437749-22-023473.txt"
)


@pytest.mark.parametrize(
    ("line", "problem"),
    [
        ("1354866|Byrna Technologies Inc.|10-Q|20221003", "line 12: 4 fields, expected 5"),
        (
            "1354866|Byrna|Technologies Inc.|10-Q|20221003|edgar/data/1354866/0001437749-22-023473.txt",
            "line 12: 6 fields, expected 5",
        ),
        (MASTER_LINE.replace("1354866|", "abc|"), "line 12: CIK 'abc'"),
        (MASTER_LINE.replace("20221003", "2022-13-40"), "line 12: Date Filed '2022-13-40'"),
        (MASTER_LINE.replace("20221003", "2022-1003"), "line 12: Date Filed '2022-1003'"),
        (
            MASTER_LINE.replace("0001437749-22-023473.txt", "index.html"),
            "line 12: File Name 'edgar/data/1354866/index.html'",
        ),
        (
            MASTER_LINE.replace("0001437749-22-023473", "0001437749-22-02347"),
            "line 12: File Name",
        ),
        (MASTER_LINE.replace("|10-Q|", "| |"), "line 12: Form Type is empty"),
        # A download cut short mid-line: the last line is missing fields.
        (MASTER_LINE[:40], "line 12: 4 fields, expected 5"),
    ],
)
def test_a_bad_master_line_is_an_error(line: str, problem: str) -> None:
    body = master_file([]) + line.encode() + b"\n"
    with pytest.raises(FormatError) as raised:
        parse_master_index(body, MASTER_URL)
    assert_one_line_error(raised.value, MASTER_URL, problem)


@pytest.mark.parametrize(
    ("change", "problem"),
    [
        (("1354866     2022", "abc         2022"), "line 774: CIK 'abc'"),
        (("1354866     20221003", "1354866     20221340"), "line 774: Date Filed '20221340'"),
        (("0001437749-22-023473.txt", "Byrna-10Q-report.txt    "), "line 774: File Name"),
        # One line one column to the right: its values no longer start where the others' do.
        (
            ("Byrna Technologies Inc.  ", " Byrna Technologies Inc. "),
            "line 774: its columns do not line up",
        ),
        (("10-Q        1354866", "10-Q 1354866       "), "line 774: its columns do not line up"),
    ],
)
def test_a_bad_fixed_width_line_is_an_error(
    company_text: str, change: tuple[str, str], problem: str
) -> None:
    old, new = change
    body = company_text.replace(old, new, 1)
    assert body != company_text
    with pytest.raises(FormatError) as raised:
        parse_fixed_width_index(body.encode(), COMPANY_URL)
    assert_one_line_error(raised.value, COMPANY_URL, problem)


@pytest.mark.parametrize(
    ("cut", "problem"),
    [
        (-20, "line 4936: File Name 'edgar/data/1582581/0001'"),
        (-60, "line 4936: its columns do not line up"),
    ],
)
def test_a_fixed_width_file_cut_short_is_an_error(
    company_text: str, cut: int, problem: str
) -> None:
    # The real lines end in 9 blanks and a newline; cut into the last file name, then its date.
    body = company_text.rstrip("\n")[: cut - 9]
    with pytest.raises(FormatError) as raised:
        parse_fixed_width_index(body.encode(), COMPANY_URL)
    assert_one_line_error(raised.value, COMPANY_URL, problem)


def test_a_first_line_without_columns_is_an_error(company_text: str) -> None:
    head = company_text.split(DASHES + "\n", 1)[0]
    body = f"{head}{DASHES}\nByrna Technologies Inc.  10-Q\n"
    with pytest.raises(FormatError) as raised:
        parse_fixed_width_index(body.encode(), COMPANY_URL)
    assert_one_line_error(raised.value, COMPANY_URL, "line 12: not in the columns")


@pytest.mark.parametrize("parse", [parse_master_index, parse_fixed_width_index])
def test_no_header_or_no_dashes_is_an_error(
    company_text: str, parse: Callable[[bytes, str], list[IndexEntry]]
) -> None:
    text = company_text if parse is parse_fixed_width_index else master_file([]).decode()
    no_dashes = text.replace(DASHES if DASHES in text else "-" * 80, "", 1)
    with pytest.raises(FormatError) as raised:
        parse(no_dashes.encode(), COMPANY_URL)
    assert_one_line_error(raised.value, COMPANY_URL, "no line of dashes")

    header_end = text.index("\n---")
    header_start = text.rindex(" \n", 0, header_end) + 2
    no_header = text[:header_start] + text[header_end + 1 :]
    with pytest.raises(FormatError) as raised:
        parse(no_header.encode(), COMPANY_URL)
    assert_one_line_error(raised.value, COMPANY_URL, "no header line above the line of dashes")


@pytest.mark.parametrize(
    ("header", "problem"),
    [
        ("CIK|Company Name|Form Type|Date Filed", "has no 'File Name' column"),
        ("CIK|Company Name|Form Type|Date Filed|File Name|Filer Type", "'Filer Type' is no column"),
        ("CIK|Company Name|Form Type|Date Filed|Filename|File Name", "has 'File Name' twice"),
        ("Company Name      Form Type   CIK   Date Filed  File Name", "is no column we know"),
    ],
)
def test_an_unexpected_master_header_is_an_error(header: str, problem: str) -> None:
    body = f"{header}\n{'-' * 80}\n{MASTER_LINE}\n".encode()
    with pytest.raises(FormatError) as raised:
        parse_master_index(body, MASTER_URL)
    assert_one_line_error(raised.value, MASTER_URL, problem)


@pytest.mark.parametrize(
    ("header", "problem"),
    [
        ("Company Name   Form Type   CIK   Date Filed", "has no 'File Name' column"),
        (
            "Company Name   Form Type   CIK   Filer Type   Date Filed  File Name",
            "['Filer', 'Type']",
        ),
        ("CIK|Company Name|Form Type|Date Filed|Filename", "no column title: ['|', '|', '|', '|']"),
    ],
)
def test_an_unexpected_fixed_width_header_is_an_error(header: str, problem: str) -> None:
    body = f"{header}\n{DASHES}\n".encode()
    with pytest.raises(FormatError) as raised:
        parse_fixed_width_index(body, COMPANY_URL)
    assert_one_line_error(raised.value, COMPANY_URL, problem)


# -- a quarter folder's index.json -----------------------------------------------------------


def listing(names: list[str], kinds: dict[str, str] | None = None) -> bytes:
    """A daily-index quarter folder listing in the real index.json format (see QTR1_LISTING)."""
    items = [
        {
            "last-modified": "10/03/2022 10:05:12 PM",
            "name": name,
            "type": (kinds or {}).get(name, "file"),
            "href": name,
            "size": "731 KB",
        }
        for name in sorted(names)
    ]
    document = {"directory": {"item": items, "name": "daily-index/2022/QTR4/", "parent-dir": "../"}}
    # SEC escapes '/' in its JSON: "03\/31\/2021 10:11:28 PM", "full-index\/2021\/".
    return json.dumps(document, separators=(",", ":")).replace("/", "\\/").encode()


def test_listing_model_is_the_real_format() -> None:
    real = json.loads(QTR1_LISTING.read_bytes())
    ours = json.loads(listing(["master.20221003.idx"]))
    assert ours.keys() == real.keys()
    assert ours["directory"].keys() == real["directory"].keys()
    assert ours["directory"]["item"][0].keys() == real["directory"]["item"][0].keys()
    assert b"\\/" in QTR1_LISTING.read_bytes()
    # full-index folders name no days.
    assert daily_index_days(QTR1_LISTING.read_bytes(), str(QTR1_LISTING)) == {}


def test_daily_index_days_prefers_master_then_form_then_company() -> None:
    names = [
        *(
            f"{kind}.20221003.{ext}"
            for kind in ("company", "form", "master")
            for ext in ("idx", "gz", "Z", "zip", "sit")
        ),
        "crawler.20221003.idx",
        "sitemap.20221003.xml",
        "company.20221004.idx",
        "form.20221004.idx",
        "master.20221004.idx.gz",
        "company.20221005.idx",
        "company.20221005.gz",
        "master.20221006.gz",  # only compressed: not a day we read
        "company.20221007.idx",
        "master.20221007.idx",
        "QTR4",
    ]
    body = listing(names, {"QTR4": "dir"})
    days = daily_index_days(body, LISTING_URL)
    assert days == {
        date(2022, 10, 3): "master.20221003.idx",
        date(2022, 10, 4): "form.20221004.idx",
        date(2022, 10, 5): "company.20221005.idx",
        date(2022, 10, 7): "master.20221007.idx",
    }
    assert list(days) == sorted(days)


def test_daily_index_days_ignores_folders() -> None:
    body = listing(["master.20221003.idx", "master.20221004.idx"], {"master.20221004.idx": "dir"})
    assert daily_index_days(body, LISTING_URL) == {date(2022, 10, 3): "master.20221003.idx"}


@pytest.mark.parametrize(
    ("body", "problem"),
    [
        (b'{"directory":{"item":[', "not valid JSON"),
        (b"[]", "no 'directory' object"),
        (b'{"item":[]}', "no 'directory' object"),
        (b'{"directory":{"name":"daily-index/2022/QTR4/"}}', "'directory.item' is NoneType"),
        (b'{"directory":{"item":{}}}', "'directory.item' is dict, not a list"),
        (b'{"directory":{"item":["master.20221003.idx"]}}', "directory.item[0] is str"),
        (b'{"directory":{"item":[{"name":7,"type":"file"}]}}', "directory.item[0] name: 7"),
        (b'{"directory":{"item":[{"name":"master.20221003.idx"}]}}', "directory.item[0] type"),
        (
            b'{"directory":{"item":[{"name":"master.20221340.idx","type":"file"}]}}',
            "'master.20221340.idx' does not name a real day",
        ),
    ],
)
def test_a_bad_listing_is_an_error(body: bytes, problem: str) -> None:
    with pytest.raises(FormatError) as raised:
        daily_index_days(body, LISTING_URL)
    assert_one_line_error(raised.value, LISTING_URL, problem)


# -- dates -----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("start", "end", "folders"),
    [
        (date(2022, 10, 3), date(2022, 10, 14), [(2022, 4)]),
        (date(2022, 10, 1), date(2022, 12, 31), [(2022, 4)]),
        (date(2022, 12, 28), date(2023, 1, 4), [(2022, 4), (2023, 1)]),
        (date(2022, 3, 31), date(2022, 4, 1), [(2022, 1), (2022, 2)]),
        (
            date(2022, 11, 15),
            date(2024, 1, 2),
            [(2022, 4), (2023, 1), (2023, 2), (2023, 3), (2023, 4), (2024, 1)],
        ),
        (date(2022, 10, 3), date(2022, 10, 3), [(2022, 4)]),
        (date(2022, 10, 3), date(2022, 10, 2), []),
    ],
)
def test_quarter_folders(start: date, end: date, folders: list[tuple[int, int]]) -> None:
    assert quarter_folders(start, end) == folders


def test_business_days() -> None:
    # Fri Sep 30 .. Mon Oct 10 2022: the weekends drop out; Columbus Day (Oct 10) is SEC's to
    # leave out of index.json, not ours.
    assert business_days(date(2022, 9, 30), date(2022, 10, 10)) == [
        date(2022, 9, 30),
        date(2022, 10, 3),
        date(2022, 10, 4),
        date(2022, 10, 5),
        date(2022, 10, 6),
        date(2022, 10, 7),
        date(2022, 10, 10),
    ]
    assert business_days(date(2022, 10, 1), date(2022, 10, 2)) == []
    assert business_days(date(2022, 10, 3), date(2022, 10, 3)) == [date(2022, 10, 3)]
    assert business_days(date(2022, 10, 4), date(2022, 10, 3)) == []
