"""SEC's submissions JSON read into filings, on the real company files and their pages."""

import copy
import json
import re
from collections.abc import Callable
from datetime import date, datetime
from typing import Any

import orjson
import pytest

from filings_crawler.sec.errors import FormatError
from filings_crawler.sec.submissions import (
    FilingRow,
    PageRef,
    Rows,
    Submissions,
    parse_columns,
    parse_submissions,
    parse_submissions_page,
    primary_document_name,
    select_filings,
)
from filings_crawler.sec.values import NEW_YORK

from .conftest import EDGAR

SUBMISSIONS = EDGAR / "data.sec.gov" / "submissions"
APPLE = "CIK0000320193.json"
IMUNON = "CIK0000749647.json"
MICROSOFT = "CIK0000789019.json"
WOLFSPEED = "CIK0000895419.json"
CARBO = "CIK0001009672.json"
HASTINGS = "CIK0001033331.json"
EXPEDIA = "CIK0001324424.json"
ALZAMEND = "CIK0001677077.json"
UNICYCIVE = "CIK0001766140.json"
COMPANY_FILES = [
    APPLE,
    IMUNON,
    MICROSOFT,
    WOLFSPEED,
    CARBO,
    HASTINGS,
    EXPEDIA,
    ALZAMEND,
    UNICYCIVE,
]
# Page file → the company file whose `filings.files` names it.
PAGE_FILES = {
    "CIK0000749647-submissions-001.json": IMUNON,
    "CIK0001324424-submissions-001.json": EXPEDIA,
    "CIK0001009672-submissions-001.json": CARBO,
}

FORMS = ("10-K", "10-K/A", "10-Q", "10-Q/A")
START = date(2023, 1, 1)
END = date(2025, 12, 31)
# Filings of FORMS filed in START..END, counted by hand from the real files: each company that
# still files has three 10-Ks and nine 10-Qs; CARBO stopped in 2020, Hastings files forms 4.
IN_SCOPE = {
    APPLE: 12,
    IMUNON: 12,
    MICROSOFT: 12,
    WOLFSPEED: 12,
    CARBO: 0,
    HASTINGS: 0,
    EXPEDIA: 12,
    ALZAMEND: 12,
    UNICYCIVE: 12,
}


def url(name: str) -> str:
    return f"https://data.sec.gov/submissions/{name}"


def read_raw(name: str) -> dict[str, Any]:
    return json.loads((SUBMISSIONS / name).read_bytes())


def raw_row(columns: dict[str, list[Any]], index: int) -> FilingRow:
    """The filing at `index`, read from the raw arrays without the module's helpers."""
    report = columns["reportDate"][index]
    accepted = columns["acceptanceDateTime"][index]
    description = columns["primaryDocDescription"][index]
    return FilingRow(
        accession_number=columns["accessionNumber"][index],
        form=columns["form"][index],
        filing_date=datetime.strptime(columns["filingDate"][index], "%Y-%m-%d").date(),
        report_date=datetime.strptime(report, "%Y-%m-%d").date() if report else None,
        acceptance_datetime=(
            datetime.strptime(accepted, "%Y-%m-%dT%H:%M:%S.%fZ").replace(tzinfo=NEW_YORK)
            if accepted
            else None
        ),
        primary_document=columns["primaryDocument"][index],
        primary_doc_description=description.strip() or None,
        is_xbrl={0: False, 1: True}[columns["isXBRL"][index]],
        is_inline_xbrl={0: False, 1: True}[columns["isInlineXBRL"][index]],
        size_bytes=columns["size"][index],
    )


def raw_in_scope(columns: dict[str, list[Any]], start: str, end: str) -> list[str]:
    """Accession numbers of FORMS filed in [start, end], zipped straight from the raw arrays."""
    return [
        accession
        for accession, form, filed in zip(
            columns["accessionNumber"], columns["form"], columns["filingDate"], strict=True
        )
        if form in FORMS and start <= filed <= end
    ]


def assert_one_line_error(error: FormatError, source: str, problem: str) -> None:
    message = str(error)
    assert error.source == source
    assert message.startswith(f"{source}: ")
    assert problem in message
    assert "\n" not in message
    assert "\r" not in message


@pytest.fixture(scope="session")
def raw_files() -> dict[str, dict[str, Any]]:
    """Every real file read with plain `json`. Shared: copy before changing one."""
    return {name: read_raw(name) for name in [*COMPANY_FILES, *PAGE_FILES]}


@pytest.fixture(scope="session")
def companies() -> dict[str, Submissions]:
    return {
        name: parse_submissions((SUBMISSIONS / name).read_bytes(), url(name))
        for name in COMPANY_FILES
    }


@pytest.fixture(scope="session")
def pages() -> dict[str, Rows]:
    return {
        name: parse_submissions_page((SUBMISSIONS / name).read_bytes(), url(name))
        for name in PAGE_FILES
    }


@pytest.fixture
def apple(raw_files: dict[str, dict[str, Any]]) -> dict[str, Any]:
    """Apple's real file, as a copy a test may break."""
    return copy.deepcopy(raw_files[APPLE])


# -- company files ----------------------------------------------------------------------------


@pytest.mark.parametrize("name", COMPANY_FILES)
def test_cik_is_the_number_in_the_file_name(companies: dict[str, Submissions], raw_files, name):
    assert isinstance(raw_files[name]["cik"], str)  # 2026 files: zero-padded digits
    assert companies[name].cik == int(name[len("CIK") : len("CIK") + 10])


@pytest.mark.parametrize("name", COMPANY_FILES)
def test_company_metadata_is_the_raw_metadata(companies: dict[str, Submissions], raw_files, name):
    raw = raw_files[name]
    company = companies[name]
    assert company.name == raw["name"].strip()
    assert company.name
    assert company.entity_type == raw["entityType"]
    for attribute, key in [
        ("sic", "sic"),
        ("sic_description", "sicDescription"),
        ("state_of_incorporation", "stateOfIncorporation"),
        ("fiscal_year_end", "fiscalYearEnd"),
    ]:
        assert raw[key]  # every real file has them
        assert getattr(company, attribute) == raw[key]
    assert company.tickers == raw["tickers"]
    assert company.exchanges == raw["exchanges"]
    assert company.former_names == raw["formerNames"]


@pytest.mark.parametrize(
    ("name", "company_name", "entity_type", "tickers", "exchanges", "former_names"),
    [
        (APPLE, "Apple Inc.", "operating", ["AAPL"], ["Nasdaq"], 3),
        (MICROSOFT, "MICROSOFT CORP", "operating", ["MSFT"], ["Nasdaq"], 0),
        (WOLFSPEED, "WOLFSPEED, INC.", "operating", ["WOLF"], ["NYSE"], 3),
        (CARBO, "CARBO CERAMICS INC", "operating", [], [], 0),
        (HASTINGS, "HASTINGS REED", "other", [], [], 0),
        (EXPEDIA, "Expedia Group, Inc.", "operating", ["EXPE"], ["Nasdaq"], 1),
    ],
)
def test_real_companies(
    companies: dict[str, Submissions],
    name,
    company_name,
    entity_type,
    tickers,
    exchanges,
    former_names,
):
    company = companies[name]
    assert company.name == company_name
    assert company.entity_type == entity_type
    assert company.tickers == tickers
    assert company.exchanges == exchanges
    assert len(company.former_names) == former_names


def test_apple_metadata(companies: dict[str, Submissions]):
    apple = companies[APPLE]
    assert (apple.sic, apple.sic_description) == ("3571", "Electronic Computers")
    assert (apple.state_of_incorporation, apple.fiscal_year_end) == ("CA", "0926")
    assert apple.former_names[1] == {
        "name": "APPLE COMPUTER INC",
        "from": "1994-01-26T00:00:00.000Z",
        "to": "2007-01-04T00:00:00.000Z",
    }


@pytest.mark.parametrize("name", COMPANY_FILES)
def test_every_recent_filing_is_read(companies: dict[str, Submissions], raw_files, name):
    columns = raw_files[name]["filings"]["recent"]
    recent = companies[name].recent
    length = len(columns["accessionNumber"])
    assert len(recent.filings) + len(recent.problems) == length
    assert recent.problems == []  # SEC's real files have no bad row
    assert recent.filings == [raw_row(columns, index) for index in range(length)]


def test_recent_lengths(companies: dict[str, Submissions]):
    lengths = {name: len(company.recent.filings) for name, company in companies.items()}
    assert lengths == {
        APPLE: 1005,
        IMUNON: 1000,
        MICROSOFT: 1002,
        WOLFSPEED: 1001,
        CARBO: 1000,
        HASTINGS: 852,
        EXPEDIA: 1002,
        ALZAMEND: 374,
        UNICYCIVE: 297,
    }


@pytest.mark.parametrize("name", COMPANY_FILES)
@pytest.mark.parametrize("position", ["first", "second", "middle", "last"])
def test_rows_field_by_field(companies: dict[str, Submissions], raw_files, name, position):
    columns = raw_files[name]["filings"]["recent"]
    length = len(columns["form"])
    index = {"first": 0, "second": 1, "middle": length // 2, "last": length - 1}[position]
    row = companies[name].recent.filings[index]
    assert row.accession_number == columns["accessionNumber"][index]
    assert row.form == columns["form"][index]
    assert row.filing_date == date.fromisoformat(columns["filingDate"][index])
    assert type(row.filing_date) is date
    report = columns["reportDate"][index]
    assert row.report_date == (date.fromisoformat(report) if report else None)
    accepted = row.acceptance_datetime
    assert accepted is not None
    # New York's wall clock, as SEC writes it (the "Z" notwithstanding).
    wall_clock = accepted.astimezone(NEW_YORK).strftime("%Y-%m-%dT%H:%M:%S.000Z")
    assert wall_clock == columns["acceptanceDateTime"][index]
    assert row.primary_document == columns["primaryDocument"][index]
    assert row.primary_doc_description == (columns["primaryDocDescription"][index] or None)
    assert row.is_xbrl is bool(columns["isXBRL"][index])
    assert row.is_inline_xbrl is bool(columns["isInlineXBRL"][index])
    assert row.size_bytes == columns["size"][index]
    assert type(row.size_bytes) is int


def test_apple_2025_10k(companies: dict[str, Submissions]):
    assert companies[APPLE].recent.filings[26] == FilingRow(
        accession_number="0000320193-25-000079",
        form="10-K",
        filing_date=date(2025, 10, 31),
        report_date=date(2025, 9, 27),
        acceptance_datetime=datetime(2025, 10, 31, 6, 1, 26, tzinfo=NEW_YORK),
        primary_document="aapl-20250927.htm",
        primary_doc_description="10-K",
        is_xbrl=True,
        is_inline_xbrl=True,
        size_bytes=9392337,
    )


def test_apple_2023_10k_accepted_after_hours_is_filed_the_next_day(
    companies: dict[str, Submissions],
):
    row = companies[APPLE].recent.filings[205]
    assert row.accession_number == "0000320193-23-000106"
    # 18:08 New York time is after EDGAR's 17:30 cut-off, hence the next day's filing date: the
    # proof that SEC's "Z" times are New York's (18:08 UTC would be 14:08 there, same day).
    assert row.acceptance_datetime == datetime(2023, 11, 2, 18, 8, 27, tzinfo=NEW_YORK)
    assert row.filing_date == date(2023, 11, 3)


def test_apple_form_4_row(companies: dict[str, Submissions]):
    row = companies[APPLE].recent.filings[0]
    assert (row.accession_number, row.form) == ("0001059235-26-000004", "4")
    assert row.primary_document == "xslF345X05/wk-form4_1772148856.xml"  # kept as listed
    assert (row.primary_doc_description, row.is_xbrl, row.size_bytes) == ("FORM 4", False, 5753)


def test_blank_report_dates_and_descriptions_are_none(companies: dict[str, Submissions], raw_files):
    columns = raw_files[APPLE]["filings"]["recent"]
    filings = companies[APPLE].recent.filings
    blank_reports = [i for i, value in enumerate(columns["reportDate"]) if value == ""]
    blank_descriptions = [i for i, v in enumerate(columns["primaryDocDescription"]) if v == ""]
    assert (len(blank_reports), len(blank_descriptions)) == (227, 83)
    assert all(filings[i].report_date is None for i in blank_reports)
    assert all(filings[i].primary_doc_description is None for i in blank_descriptions)


@pytest.mark.parametrize("name", [ALZAMEND, UNICYCIVE])
def test_an_extra_column_is_ignored(companies: dict[str, Submissions], raw_files, name):
    assert "isXBRLNumeric" in raw_files[name]["filings"]["recent"]
    assert companies[name].recent.problems == []
    assert companies[name].recent.filings


@pytest.mark.parametrize("name", COMPANY_FILES)
def test_pages_are_the_files_listed(companies: dict[str, Submissions], raw_files, name):
    assert companies[name].pages == [
        PageRef(
            entry["name"],
            entry["filingCount"],
            datetime.strptime(entry["filingFrom"], "%Y-%m-%d").date(),
            datetime.strptime(entry["filingTo"], "%Y-%m-%d").date(),
        )
        for entry in raw_files[name]["filings"]["files"]
    ]


def test_real_pages(companies: dict[str, Submissions]):
    assert companies[APPLE].pages == [
        PageRef("CIK0000320193-submissions-001.json", 1206, date(1994, 1, 26), date(2015, 3, 11))
    ]
    assert [(p.name, p.filing_count) for p in companies[MICROSOFT].pages] == [
        ("CIK0000789019-submissions-001.json", 2003),
        ("CIK0000789019-submissions-002.json", 1409),
    ]
    assert companies[HASTINGS].pages == []
    assert companies[ALZAMEND].pages == companies[UNICYCIVE].pages == []


# -- page files -------------------------------------------------------------------------------


@pytest.mark.parametrize("name", list(PAGE_FILES))
def test_page_rows_are_every_raw_row(pages: dict[str, Rows], raw_files, name):
    columns = raw_files[name]
    assert "filings" not in columns  # a page has its columns at the top level
    length = len(columns["accessionNumber"])
    assert len(pages[name].filings) == length
    assert pages[name].problems == []
    assert pages[name].filings == [raw_row(columns, index) for index in range(length)]


@pytest.mark.parametrize("name", list(PAGE_FILES))
def test_page_matches_its_entry_in_the_company_file(
    pages: dict[str, Rows], companies: dict[str, Submissions], name
):
    (ref,) = [p for p in companies[PAGE_FILES[name]].pages if p.name == name]
    filings = pages[name].filings
    assert len(filings) == ref.filing_count
    assert all(ref.filing_from <= f.filing_date <= ref.filing_to for f in filings)


def test_page_lengths(pages: dict[str, Rows]):
    assert {name: len(rows.filings) for name, rows in pages.items()} == {
        "CIK0000749647-submissions-001.json": 395,
        "CIK0001324424-submissions-001.json": 976,
        "CIK0001009672-submissions-001.json": 205,
    }


def test_old_rows_with_no_primary_document_are_read(pages: dict[str, Rows]):
    # CARBO's 1990s filings list no primaryDocument: the row is kept, with "" as SEC gives it.
    row = pages["CIK0001009672-submissions-001.json"].filings[-1]
    assert (row.form, row.filing_date, row.primary_document) == ("10-Q", date(1996, 6, 3), "")
    assert row.primary_doc_description == "FORM 10-Q"


# -- select_filings ---------------------------------------------------------------------------


@pytest.mark.parametrize("name", COMPANY_FILES)
def test_selection_is_the_raw_selection(companies: dict[str, Submissions], raw_files, name):
    columns = raw_files[name]["filings"]["recent"]
    selected = select_filings(companies[name].recent.filings, FORMS, START, END)
    expected = raw_in_scope(columns, "2023-01-01", "2025-12-31")
    assert [f.accession_number for f in selected] == expected
    assert len(selected) == IN_SCOPE[name]
    assert all(f.form in FORMS and START <= f.filing_date <= END for f in selected)


@pytest.mark.parametrize("name", list(PAGE_FILES))
def test_selection_from_a_page(pages: dict[str, Rows], raw_files, name):
    selected = select_filings(pages[name].filings, FORMS, date(2009, 1, 1), END)
    expected = raw_in_scope(raw_files[name], "2009-01-01", "2025-12-31")
    assert [f.accession_number for f in selected] == expected


def test_apple_selection(companies: dict[str, Submissions]):
    selected = select_filings(companies[APPLE].recent.filings, FORMS, START, END)
    tens = [(f.form, f.filing_date) for f in selected if f.form == "10-K"]
    assert tens == [
        ("10-K", date(2025, 10, 31)),
        ("10-K", date(2024, 11, 1)),
        ("10-K", date(2023, 11, 3)),
    ]
    # Apple's 10-Q of 2026-01-30 is just after the window.
    assert date(2026, 1, 30) in {f.filing_date for f in companies[APPLE].recent.filings}


def test_notices_of_late_filing_in_the_window_are_not_selected(companies: dict[str, Submissions]):
    filings = companies[ALZAMEND].recent.filings
    notices = [f for f in filings if f.form.startswith("NT ") and START <= f.filing_date <= END]
    assert {(f.form, f.filing_date) for f in notices} == {
        ("NT 10-K", date(2024, 7, 30)),
        ("NT 10-Q", date(2024, 3, 18)),
    }
    assert not set(notices) & set(select_filings(filings, FORMS, START, END))
    assert select_filings(filings, ["NT 10-K"], START, END) == [
        f for f in notices if f.form == "NT 10-K"
    ]


def filing(form: str = "10-K", filed: date = date(2024, 3, 1)) -> FilingRow:
    return FilingRow(
        accession_number="0000320193-24-000001",
        form=form,
        filing_date=filed,
        report_date=None,
        acceptance_datetime=None,
        primary_document="x.htm",
        primary_doc_description=None,
        is_xbrl=False,
        is_inline_xbrl=False,
        size_bytes=None,
    )


@pytest.mark.parametrize(
    ("filed", "selected"),
    [
        (date(2022, 12, 31), False),
        (date(2023, 1, 1), True),
        (date(2024, 2, 29), True),
        (date(2025, 12, 31), True),
        (date(2026, 1, 1), False),
    ],
)
def test_window_is_inclusive(filed: date, selected: bool):
    row = filing(filed=filed)
    assert select_filings([row], FORMS, START, END) == ([row] if selected else [])


def test_a_one_day_window():
    rows = [filing(filed=date(2024, 3, d)) for d in (1, 2, 3)]
    assert select_filings(rows, FORMS, date(2024, 3, 2), date(2024, 3, 2)) == [rows[1]]


@pytest.mark.parametrize(
    "form",
    [
        "NT 10-K",
        "NT 10-Q",
        "10-KT",
        "10-KT/A",
        "10-K405",
        "10-QSB",
        "10-k",
        "10-q/a",
        "10-K/A2",
        "",
    ],
)
def test_other_forms_are_not_selected(form: str):
    assert select_filings([filing(form)], FORMS, START, END) == []


@pytest.mark.parametrize("form", FORMS)
def test_each_default_form_is_selected(form: str):
    row = filing(form)
    assert select_filings([row], FORMS, START, END) == [row]


def test_selection_keeps_order_and_takes_any_iterable():
    rows = [filing("10-Q", date(2024, 5, 1)), filing("8-K"), filing("10-K", date(2023, 2, 1))]
    assert select_filings(iter(rows), FORMS, START, END) == [rows[0], rows[2]]
    assert select_filings(rows, [], START, END) == []


# -- PageRef.overlaps -------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "page", "overlaps_wide_window"),
    [
        (APPLE, "CIK0000320193-submissions-001.json", True),
        (IMUNON, "CIK0000749647-submissions-001.json", True),
        (MICROSOFT, "CIK0000789019-submissions-001.json", True),
        (MICROSOFT, "CIK0000789019-submissions-002.json", False),
        (WOLFSPEED, "CIK0000895419-submissions-001.json", True),
        (CARBO, "CIK0001009672-submissions-001.json", False),
        (EXPEDIA, "CIK0001324424-submissions-001.json", True),
    ],
)
def test_real_pages_overlap(
    companies: dict[str, Submissions], name, page, overlaps_wide_window: bool
):
    (ref,) = [p for p in companies[name].pages if p.name == page]
    assert ref.overlaps(START, END) is False  # every real page ends before 2023
    assert ref.overlaps(date(2009, 1, 1), END) is overlaps_wide_window


def test_every_real_page_is_before_the_default_window(companies: dict[str, Submissions]):
    refs = [p for company in companies.values() for p in company.pages]
    assert len(refs) == 7
    assert not any(p.overlaps(START, END) for p in refs)


@pytest.mark.parametrize(
    ("filing_from", "filing_to", "overlaps"),
    [
        (date(2020, 1, 1), date(2022, 12, 31), False),  # ends the day before
        (date(2020, 1, 1), date(2023, 1, 1), True),  # ends on the first day
        (date(2025, 12, 31), date(2026, 6, 30), True),  # starts on the last day
        (date(2026, 1, 1), date(2026, 6, 30), False),  # starts the day after
        (date(2024, 1, 1), date(2024, 1, 1), True),  # one day inside
        (date(2000, 1, 1), date(2030, 1, 1), True),  # around the whole window
        (date(2024, 1, 1), date(2024, 6, 30), True),  # inside
    ],
)
def test_overlaps_at_the_edges(filing_from: date, filing_to: date, overlaps: bool):
    page = PageRef("CIK0000320193-submissions-001.json", 10, filing_from, filing_to)
    assert page.overlaps(START, END) is overlaps


# -- files that are not in the format ---------------------------------------------------------


def without(document: dict[str, Any], *path: str) -> dict[str, Any]:
    *parents, key = path
    container = document
    for parent in parents:
        container = container[parent]
    del container[key]
    return document


def setting(document: dict[str, Any], value: object, *path: str) -> dict[str, Any]:
    *parents, key = path
    container = document
    for parent in parents:
        container = container[parent]
    container[key] = value
    return document


def first_page(document: dict[str, Any], **fields: object) -> dict[str, Any]:
    entry = document["filings"]["files"][0]
    for key, value in fields.items():
        if value is None:
            del entry[key]
        else:
            entry[key] = value
    return document


def drop_last_form(document: dict[str, Any]) -> dict[str, Any]:
    document["filings"]["recent"]["form"].pop()
    return document


Breaker = Callable[[dict[str, Any]], bytes]
APPLE_URL = url(APPLE)
RECENT = f"{APPLE_URL} filings.recent"


def dumped(change: Callable[[dict[str, Any]], object]) -> Breaker:
    return lambda document: orjson.dumps(change(document))


BAD_COMPANY_FILES: list[Any] = [
    pytest.param(lambda d: b"{not json", APPLE_URL, "not valid JSON", id="malformed"),
    pytest.param(lambda d: b"", APPLE_URL, "not valid JSON", id="empty"),
    pytest.param(
        lambda d: b"<html>Too Many Requests</html>", APPLE_URL, "not valid JSON", id="html"
    ),
    pytest.param(
        lambda d: (body := orjson.dumps(d))[: len(body) // 2],
        APPLE_URL,
        "not valid JSON",
        id="truncated",
    ),
    pytest.param(dumped(lambda d: [d]), APPLE_URL, "expected a JSON object, got list", id="array"),
    pytest.param(dumped(lambda d: "x"), APPLE_URL, "expected a JSON object, got str", id="string"),
    pytest.param(
        dumped(lambda d: without(d, "filings")), APPLE_URL, "key 'filings' is missing", id="filings"
    ),
    pytest.param(
        dumped(lambda d: setting(d, [], "filings")),
        APPLE_URL,
        "'filings' is list, not the expected type",
        id="filings-list",
    ),
    pytest.param(
        dumped(lambda d: without(d, "filings", "recent")),
        APPLE_URL,
        "key 'recent' is missing",
        id="recent",
    ),
    pytest.param(
        dumped(lambda d: setting(d, None, "filings", "recent")),
        APPLE_URL,
        "'recent' is NoneType, not the expected type",
        id="recent-null",
    ),
    pytest.param(
        dumped(lambda d: without(d, "filings", "files")),
        APPLE_URL,
        "key 'files' is missing",
        id="files",
    ),
    pytest.param(
        dumped(lambda d: setting(d, {}, "filings", "files")),
        APPLE_URL,
        "'files' is dict, not the expected type",
        id="files-object",
    ),
    pytest.param(
        dumped(lambda d: without(d, "filings", "recent", "primaryDocument")),
        RECENT,
        "column 'primaryDocument' is missing",
        id="column-missing",
    ),
    pytest.param(
        dumped(lambda d: without(d, "filings", "recent", "accessionNumber")),
        RECENT,
        "column 'accessionNumber' is missing",
        id="accession-column-missing",
    ),
    pytest.param(
        dumped(lambda d: setting(d, "10-K", "filings", "recent", "form")),
        RECENT,
        "column 'form' is str, not a list",
        id="column-string",
    ),
    pytest.param(
        dumped(lambda d: setting(d, {"0": 1}, "filings", "recent", "size")),
        RECENT,
        "column 'size' is dict, not a list",
        id="column-object",
    ),
    pytest.param(
        dumped(drop_last_form),
        RECENT,
        "columns have unequal lengths (accessionNumber 1005,",
        id="unequal-lengths",
    ),
    pytest.param(dumped(lambda d: without(d, "cik")), APPLE_URL, "key 'cik' is missing", id="cik"),
    pytest.param(
        dumped(lambda d: setting(d, ["0000320193"], "cik")),
        APPLE_URL,
        "'cik' is list, not the expected type",
        id="cik-list",
    ),
    pytest.param(
        dumped(lambda d: setting(d, "AAPL", "cik")),
        APPLE_URL,
        "cik: CIK 'AAPL' is not a positive integer",
        id="cik-letters",
    ),
    pytest.param(
        dumped(lambda d: setting(d, "0000000000", "cik")),
        APPLE_URL,
        "cik: CIK 0 is not a positive integer",
        id="cik-zero",
    ),
    pytest.param(
        dumped(lambda d: setting(d, True, "cik")),
        APPLE_URL,
        "cik: CIK True is not a positive integer",
        id="cik-bool",
    ),
    pytest.param(
        dumped(lambda d: without(d, "name")), APPLE_URL, "key 'name' is missing", id="name"
    ),
    pytest.param(
        dumped(lambda d: setting(d, None, "name")),
        APPLE_URL,
        "'name' is NoneType, not the expected type",
        id="name-null",
    ),
    pytest.param(
        dumped(lambda d: setting(d, "AAPL", "tickers")),
        APPLE_URL,
        "'tickers' is str, not a list",
        id="tickers-string",
    ),
    pytest.param(
        dumped(lambda d: setting(d, ["AAPL", 7], "tickers")),
        APPLE_URL,
        "tickers: 7 is not a string",
        id="ticker-number",
    ),
    pytest.param(
        dumped(lambda d: setting(d, "Nasdaq", "exchanges")),
        APPLE_URL,
        "'exchanges' is str, not a list",
        id="exchanges-string",
    ),
    pytest.param(
        dumped(lambda d: setting(d, "APPLE INC", "formerNames")),
        APPLE_URL,
        "'formerNames' is not a list of objects",
        id="former-names-string",
    ),
    pytest.param(
        dumped(lambda d: setting(d, ["APPLE INC"], "formerNames")),
        APPLE_URL,
        "'formerNames' is not a list of objects",
        id="former-names-strings",
    ),
    pytest.param(
        dumped(lambda d: setting(d, ["3571"], "sic")),
        APPLE_URL,
        "sic: ['3571'] is not a string",
        id="sic-list",
    ),
    pytest.param(
        dumped(lambda d: setting(d, {"x": 1}, "entityType")),
        APPLE_URL,
        "entityType: {'x': 1} is not a string",
        id="entity-type-object",
    ),
    pytest.param(
        dumped(lambda d: first_page(d, name="../../etc/passwd")),
        APPLE_URL,
        "filings.files[0]: page name '../../etc/passwd' is not SEC's form",
        id="page-traversal",
    ),
    pytest.param(
        dumped(
            lambda d: first_page(d, name="https://evil.example/CIK0000320193-submissions-001.json")
        ),
        APPLE_URL,
        "filings.files[0]: page name 'https://evil.example/",
        id="page-url",
    ),
    pytest.param(
        dumped(lambda d: first_page(d, name="CIK0000320193-submissions-001.json\n")),
        APPLE_URL,
        "filings.files[0]: page name 'CIK0000320193-submissions-001.json\\n' is not SEC's form",
        id="page-newline",
    ),
    pytest.param(
        dumped(lambda d: first_page(d, name="CIK320193-submissions-001.json")),
        APPLE_URL,
        "is not SEC's form",
        id="page-unpadded",
    ),
    pytest.param(
        dumped(lambda d: first_page(d, name=None)),
        APPLE_URL,
        "filings.files[0] name: None is not a string",
        id="page-name-missing",
    ),
    pytest.param(
        dumped(lambda d: first_page(d, filingFrom=None)),
        APPLE_URL,
        "filings.files[0] filingFrom: None is not a date",
        id="page-from-missing",
    ),
    pytest.param(
        dumped(lambda d: first_page(d, filingTo="2015/03/11")),
        APPLE_URL,
        "filings.files[0] filingTo: '2015/03/11' is not a date",
        id="page-to-malformed",
    ),
    pytest.param(
        dumped(lambda d: setting(d, ["CIK0000320193-submissions-001.json"], "filings", "files")),
        APPLE_URL,
        "filings.files[0] is not an object",
        id="page-string",
    ),
]


@pytest.mark.parametrize(("breaker", "source", "problem"), BAD_COMPANY_FILES)
def test_a_bad_company_file_is_a_format_error(
    apple: dict[str, Any], breaker: Breaker, source: str, problem: str
):
    with pytest.raises(FormatError) as caught:
        parse_submissions(breaker(apple), APPLE_URL)
    assert_one_line_error(caught.value, source, problem)


def test_unequal_lengths_name_every_length(apple: dict[str, Any]):
    with pytest.raises(FormatError) as caught:
        parse_submissions(orjson.dumps(drop_last_form(apple)), APPLE_URL)
    message = str(caught.value)
    assert "accessionNumber 1005" in message
    assert "form 1004" in message
    assert "size 1005" in message


def test_truncated_real_file_is_a_format_error():
    body = (SUBMISSIONS / APPLE).read_bytes()
    with pytest.raises(FormatError) as caught:
        parse_submissions(body[: len(body) // 2], APPLE_URL)
    assert_one_line_error(caught.value, APPLE_URL, "not valid JSON")


def test_the_source_is_the_callers(apple: dict[str, Any]):
    with pytest.raises(FormatError, match=r"^CIK0000320193\.json: key 'filings' is missing$"):
        parse_submissions(orjson.dumps(without(apple, "filings")), "CIK0000320193.json")


@pytest.mark.parametrize(
    ("body", "problem"),
    [
        (b"{not json", "not valid JSON"),
        (b"[]", "expected a JSON object, got list"),
        (b'{"accessionNumber": []}', "column 'filingDate' is missing"),
    ],
)
def test_a_bad_page_is_a_format_error(body: bytes, problem: str):
    source = url("CIK0000749647-submissions-001.json")
    with pytest.raises(FormatError) as caught:
        parse_submissions_page(body, source)
    assert_one_line_error(caught.value, source, problem)


def test_a_page_with_unequal_columns_is_a_format_error(raw_files):
    name = "CIK0001009672-submissions-001.json"
    page = copy.deepcopy(raw_files[name])
    page["isInlineXBRL"] = page["isInlineXBRL"][:-2]
    with pytest.raises(FormatError) as caught:
        parse_submissions_page(orjson.dumps(page), url(name))
    assert_one_line_error(caught.value, url(name), "isInlineXBRL 203")


# -- bad rows ---------------------------------------------------------------------------------


@pytest.mark.parametrize("bad_size", [-1, "big"])
def test_bad_rows_are_problems_and_the_others_are_kept(
    apple: dict[str, Any], raw_files, bad_size: object
):
    columns = apple["filings"]["recent"]
    columns["accessionNumber"][3] = "0000320193-25-57"
    columns["filingDate"][10] = "2025/05/02"
    columns["isXBRL"][100] = 2
    columns["size"][500] = bad_size
    recent = parse_submissions(orjson.dumps(apple), APPLE_URL).recent

    expected = {
        3: "accessionNumber '0000320193-25-57' is malformed",
        10: "filingDate: '2025/05/02' is not a date",
        100: "isXBRL: 2 is not 0 or 1",
        500: f"size {bad_size!r} is not a byte count",
    }
    assert len(recent.problems) == 4
    for problem, (index, what) in zip(recent.problems, expected.items(), strict=True):
        assert problem.startswith(f"{RECENT}: ")
        assert re.search(rf": row {index}[ :]", problem)
        assert what in problem
        assert "\n" not in problem

    original = raw_files[APPLE]["filings"]["recent"]
    kept = [i for i in range(len(original["form"])) if i not in expected]
    assert len(recent.filings) == 1001
    assert recent.filings == [raw_row(original, i) for i in kept]


def test_bad_rows_in_a_page(raw_files):
    name = "CIK0001324424-submissions-001.json"
    page = copy.deepcopy(raw_files[name])
    page["acceptanceDateTime"][0] = "yesterday"
    page["form"][975] = None
    rows = parse_submissions_page(orjson.dumps(page), url(name))
    assert len(rows.filings) == 974
    assert len(rows.problems) == 2
    assert "row 0 (" in rows.problems[0]
    assert "acceptanceDateTime: 'yesterday' is not a timestamp" in rows.problems[0]
    assert "row 975 (" in rows.problems[1]
    assert "form: None is not a string" in rows.problems[1]


def columns_of(**values: object) -> dict[str, list[object]]:
    """One row of SEC's columns, Apple's 2025 10-K unless a value is given."""
    row: dict[str, object] = {
        "accessionNumber": "0000320193-25-000079",
        "filingDate": "2025-10-31",
        "reportDate": "2025-09-27",
        "acceptanceDateTime": "2025-10-31T06:01:26.000Z",
        "form": "10-K",
        "primaryDocument": "aapl-20250927.htm",
        "primaryDocDescription": "10-K",
        "isXBRL": 1,
        "isInlineXBRL": 1,
        "size": 9392337,
        "act": "34",
    }
    row.update(values)
    return {name: [value] for name, value in row.items()}


def test_one_good_row():
    rows = parse_columns(columns_of(), "test")
    assert rows.problems == []
    assert rows.filings == [
        FilingRow(
            accession_number="0000320193-25-000079",
            form="10-K",
            filing_date=date(2025, 10, 31),
            report_date=date(2025, 9, 27),
            acceptance_datetime=datetime(2025, 10, 31, 6, 1, 26, tzinfo=NEW_YORK),
            primary_document="aapl-20250927.htm",
            primary_doc_description="10-K",
            is_xbrl=True,
            is_inline_xbrl=True,
            size_bytes=9392337,
        )
    ]


def test_empty_columns_are_no_rows():
    rows = parse_columns({name: [] for name in columns_of()}, "test")
    assert (rows.filings, rows.problems) == ([], [])


@pytest.mark.parametrize(
    ("values", "attribute", "expected"),
    [
        ({"reportDate": ""}, "report_date", None),
        ({"acceptanceDateTime": ""}, "acceptance_datetime", None),
        ({"primaryDocDescription": ""}, "primary_doc_description", None),
        ({"primaryDocDescription": "  "}, "primary_doc_description", None),
        ({"primaryDocDescription": None}, "primary_doc_description", None),
        ({"primaryDocDescription": " ANNUAL REPORT "}, "primary_doc_description", "ANNUAL REPORT"),
        ({"form": " 10-K "}, "form", "10-K"),
        ({"size": None}, "size_bytes", None),
        ({"size": 0}, "size_bytes", 0),
        ({"isXBRL": 0, "isInlineXBRL": False}, "is_inline_xbrl", False),
        ({"isXBRL": True}, "is_xbrl", True),
        ({"primaryDocument": ""}, "primary_document", ""),
    ],
)
def test_blank_and_edge_values_are_read(values: dict[str, object], attribute: str, expected):
    rows = parse_columns(columns_of(**values), "test")
    assert rows.problems == []
    assert getattr(rows.filings[0], attribute) == expected


@pytest.mark.parametrize(
    ("values", "problem"),
    [
        ({"accessionNumber": None}, "row 0 accessionNumber: None is not a string"),
        ({"accessionNumber": "0000320193-25-57"}, "row 0: accessionNumber '0000320193-25-57'"),
        ({"accessionNumber": "000032019325000079"}, "accessionNumber '000032019325000079' is"),
        ({"accessionNumber": " 0000320193-25-000079"}, "is malformed"),
        ({"filingDate": ""}, "filingDate: '' is not a date"),
        ({"filingDate": None}, "filingDate: None is not a date"),
        ({"reportDate": "2025-02-30"}, "reportDate: '2025-02-30' is not a date"),
        ({"acceptanceDateTime": "yesterday"}, "acceptanceDateTime: 'yesterday' is not a timestamp"),
        ({"acceptanceDateTime": 1761890486}, "acceptanceDateTime: 1761890486 is not a timestamp"),
        ({"form": None}, "form: None is not a string"),
        ({"primaryDocument": None}, "primaryDocument: None is not a string"),
        ({"primaryDocDescription": 7}, "primaryDocDescription: 7 is not a string"),
        ({"isXBRL": 2}, "isXBRL: 2 is not 0 or 1"),
        ({"isInlineXBRL": "1"}, "isInlineXBRL: '1' is not 0 or 1"),
        ({"size": -1}, "size -1 is not a byte count"),
        ({"size": "big"}, "size 'big' is not a byte count"),
        ({"size": True}, "size True is not a byte count"),
        ({"size": 1.5}, "size 1.5 is not a byte count"),
    ],
)
def test_a_bad_value_is_a_row_problem(values: dict[str, object], problem: str):
    rows = parse_columns(columns_of(**values), "src")
    assert rows.filings == []
    (message,) = rows.problems
    assert message.startswith("src: row 0")
    assert problem in message


@pytest.mark.parametrize(
    "accession",
    ["0000320193-25-000079\n", "٠٠٠٠٣٢٠١٩٣-25-000079"],
    ids=["trailing-newline", "arabic-indic-digits"],
)
def test_an_accession_number_is_ascii_digits_only(accession: str):
    rows = parse_columns(columns_of(accessionNumber=accession), "src")
    assert rows.filings == []
    assert len(rows.problems) == 1


# -- primary_document_name --------------------------------------------------------------------


@pytest.mark.parametrize(
    "listed",
    [
        "aapl-20250329.htm",
        "0001-form10k.htm",
        "ko-20231231.htm",
        "primary_doc.xml",
        "d10k.htm",
        "Form10-K_2024.HTM",
        "a" * 196 + ".htm",  # 200 characters, the longest taken
    ],
)
def test_a_plain_name_is_fetched_as_is(listed: str):
    assert primary_document_name(listed) == (listed, None)


def test_surrounding_spaces_are_dropped():
    assert primary_document_name(" aapl-20250329.htm\n") == ("aapl-20250329.htm", None)


@pytest.mark.parametrize(
    ("listed", "raw"),
    [
        ("xslF345X05/wk-form4_1.xml", "wk-form4_1.xml"),
        ("xslF345X03/doc4.xml", "doc4.xml"),
        ("xslEFFECTX01/primary_doc.xml", "primary_doc.xml"),
        ("xsl144X01/primary_doc.xml", "primary_doc.xml"),
    ],
)
def test_an_xsl_rendition_gives_the_raw_document(listed: str, raw: str):
    name, problem = primary_document_name(listed)
    assert name == raw
    assert problem is not None
    assert "XSL" in problem
    assert repr(listed) in problem
    assert repr(raw) in problem


@pytest.mark.parametrize(
    "listed",
    [
        "../x.htm",
        "/etc/passwd",
        "a/b.htm",
        "a\\b.htm",
        "C:\\x.htm",
        "a b.htm",
        "x\x00.htm",
        "x.htm\nx",
        ".hidden.htm",
        "-x.htm",
        "a" * 296 + ".htm",  # 300 characters
        "a" * 197 + ".htm",  # 201 characters
        "..htm",  # the regex wants a letter or digit first
        "..",
        "",
        "   ",
        "xslF345X05/../../x.xml",
        "xslF345X05/",
        "xslF345X05/a/b.xml",
        "https://evil.example/x.htm",
        "x.htm?y=1",
        "aapl%2F.htm",
        "rapport-été.htm",
    ],
)
def test_a_name_that_is_not_a_plain_file_name_is_not_fetched(listed: str):
    name, problem = primary_document_name(listed)
    assert name is None
    assert problem == f"primaryDocument {listed!r} is not a plain file name; not fetched"
    assert "\n" not in problem


@pytest.mark.parametrize("name", COMPANY_FILES)
def test_every_real_in_scope_primary_document_is_fetched_as_listed(
    companies: dict[str, Submissions], name
):
    for row in select_filings(companies[name].recent.filings, FORMS, START, END):
        assert primary_document_name(row.primary_document) == (row.primary_document, None)


def test_every_real_form_345_rendition_gives_its_raw_document(companies: dict[str, Submissions]):
    renditions = [
        row.primary_document
        for company in companies.values()
        for row in company.recent.filings
        if re.match(r"xslF345X\d\d/", row.primary_document)
    ]
    assert len(renditions) > 2000
    for listed in renditions:
        name, problem = primary_document_name(listed)
        assert name == listed.split("/", 1)[1]
        assert problem is not None


@pytest.mark.parametrize(
    "listed",
    [
        "xslSCHEDULE_13G_X01/primary_doc.xml",  # Apple, Imunon, Wolfspeed, Expedia, Unicycive
        "xslSCHEDULE_13D_X01/primary_doc.xml",  # Alzamend
        "xsl1-A_X01/primary_doc.xml",  # Alzamend
    ],
)
def test_every_xsl_viewer_folder_gives_the_raw_document(listed: str):
    name, problem = primary_document_name(listed)
    assert name == "primary_doc.xml"
    assert problem is not None
    assert "XSL" in problem


@pytest.mark.parametrize("listed", ["expedia.inc..txt", "cree.inc..txt", "carbo.ceramics.inc..txt"])
def test_real_names_with_two_dots_are_plain_file_names(listed):
    assert primary_document_name(listed) == (listed, None)


def test_with_forms_only_rows_of_those_forms_are_read():
    body = (SUBMISSIONS / "CIK0000320193.json").read_bytes()
    raw = json.loads(body)["filings"]["recent"]
    forms = ("10-K", "10-Q")
    submissions = parse_submissions(body, "apple", forms=forms)
    assert len(submissions.recent.filings) == sum(form in forms for form in raw["form"])
    assert {filing.form for filing in submissions.recent.filings} == set(forms)
    # A malformed row is reported when its form is wanted, and not read when it is not.
    document = json.loads(body)
    recent = document["filings"]["recent"]
    eight_k = recent["form"].index("8-K")
    ten_q = recent["form"].index("10-Q")
    recent["filingDate"][eight_k] = "garbage"
    recent["filingDate"][ten_q] = "2024/05/01"
    rows = parse_submissions(json.dumps(document).encode(), "apple", forms=forms).recent
    assert len(rows.problems) == 1
    assert "2024/05/01" in rows.problems[0]
