"""SEC's submissions JSON (data.sec.gov/submissions/CIK##########.json and its `filings.files` pages).

A company's file has its metadata and `filings.recent`: up to about 1,000 filings as parallel
arrays (column `accessionNumber`, column `form`, ...). Older filings are in pages named in
`filings.files`, each with the same columns and a `filingFrom`..`filingTo` range, so a crawl
only needs the pages whose range meets its window.
"""

from __future__ import annotations

import re
from collections.abc import Collection, Iterable, Sequence
from dataclasses import dataclass, field, fields
from datetime import date, datetime
from typing import Any

from filings_crawler.sec import values
from filings_crawler.sec.errors import FormatError

# The columns a filing needs; SEC adds others (act, fileNumber, items, ...) that we do not keep.
REQUIRED_COLUMNS = (
    "accessionNumber",
    "filingDate",
    "reportDate",
    "acceptanceDateTime",
    "form",
    "primaryDocument",
    "primaryDocDescription",
    "isXBRL",
    "isInlineXBRL",
    "size",
)

ACCESSION_NUMBER = re.compile(r"[0-9]{10}-[0-9]{2}-[0-9]{6}")
# SEC's form 3/4/5 viewer renditions: "xslF345X05/wk-form4_1.xml" is the raw wk-form4_1.xml
# shown through an XSL stylesheet. The filed document is the raw one.
XSL_VIEWER_PREFIX = re.compile(r"^xsl[A-Za-z0-9_-]+/")
# A primary document is one file name in the filing folder; anything else is not fetched. No
# separator and no leading dot, so no name can climb out of the folder ("a..txt" is harmless).
SAFE_DOCUMENT_NAME = re.compile(r"[A-Za-z0-9][A-Za-z0-9._-]{0,199}")


@dataclass(frozen=True)
class FilingRow:
    """One filing as the submissions JSON lists it."""

    accession_number: str
    form: str
    filing_date: date
    report_date: date | None
    acceptance_datetime: datetime | None
    primary_document: str
    primary_doc_description: str | None
    is_xbrl: bool
    is_inline_xbrl: bool
    size_bytes: int | None


@dataclass(frozen=True)
class PageRef:
    """A `filings.files` entry: an older page of the company's filings."""

    name: str
    filing_count: int
    filing_from: date
    filing_to: date

    def overlaps(self, start: date, end: date) -> bool:
        return self.filing_from <= end and self.filing_to >= start


@dataclass
class Rows:
    """The filings read from one list of columns, and the rows that could not be read."""

    filings: list[FilingRow] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)


@dataclass
class Profile:
    """What a submissions file says about the company itself, its filings aside."""

    name: str
    entity_type: str | None
    sic: str | None
    sic_description: str | None
    state_of_incorporation: str | None
    fiscal_year_end: str | None
    tickers: list[str]
    exchanges: list[str]
    former_names: list[dict[str, Any]]
    # What SEC's data sets' `sub` carries besides (ein, baph, the addresses' columns); keyword
    # only, so the filings' fields of Submissions can follow without defaults.
    ein: str | None = field(default=None, kw_only=True)
    phone: str | None = field(default=None, kw_only=True)
    addresses: dict[str, dict[str, Any]] = field(default_factory=dict, kw_only=True)


@dataclass
class Submissions(Profile):
    """A company's submissions file: its profile, recent filings and older pages."""

    cik: int
    recent: Rows
    pages: list[PageRef]

    @property
    def profile(self) -> Profile:
        """The company's profile alone, without the filings (what an item carries on)."""
        return Profile(**{f.name: getattr(self, f.name) for f in fields(Profile)})


def parse_submissions(
    body: bytes, source: str, *, forms: Collection[str] | None = None
) -> Submissions:
    """The company file. Malformed JSON, a missing key or a wrong type is a FormatError.

    With `forms`, only rows of those forms are read into filings (see parse_columns).
    """
    document = values.load_json(body, source)
    if not isinstance(document, dict):
        raise FormatError(source, f"expected a JSON object, got {type(document).__name__}")
    filings = _member(document, "filings", dict, source)
    return Submissions(
        cik=values.cik(_member(document, "cik", (str, int), source), source, "cik"),
        name=values.text(_member(document, "name", str, source), source, "name").strip(),
        entity_type=_optional_text(document, "entityType", source),
        sic=_optional_text(document, "sic", source),
        sic_description=_optional_text(document, "sicDescription", source),
        state_of_incorporation=_optional_text(document, "stateOfIncorporation", source),
        fiscal_year_end=_optional_text(document, "fiscalYearEnd", source),
        tickers=_text_list(document, "tickers", source),
        exchanges=_text_list(document, "exchanges", source),
        former_names=_former_names(document, source),
        ein=_optional_text(document, "ein", source),
        phone=_optional_text(document, "phone", source),
        addresses=_addresses(document, source),
        recent=parse_columns(
            _member(filings, "recent", dict, source), f"{source} filings.recent", forms=forms
        ),
        pages=[
            _page_ref(entry, source, index)
            for index, entry in enumerate(_member(filings, "files", list, source))
        ],
    )


def parse_submissions_page(
    body: bytes, source: str, *, forms: Collection[str] | None = None
) -> Rows:
    """A `filings.files` page: the same columns as `filings.recent`, at the top level."""
    document = values.load_json(body, source)
    if not isinstance(document, dict):
        raise FormatError(source, f"expected a JSON object, got {type(document).__name__}")
    return parse_columns(document, source, forms=forms)


def parse_columns(
    columns: dict[str, Any], source: str, *, forms: Collection[str] | None = None
) -> Rows:
    """Filings from SEC's parallel arrays.

    Arrays of unequal length cannot be lined up, so the whole list is refused (FormatError). A
    single row with a bad value is left out and described in `problems`; the others are kept.
    With `forms`, rows of other forms are skipped unread: a company lists five to ten times
    more 8-Ks, Form 4s and the like than the filings in scope, and reading every row was most
    of the cost of a submissions file. Dates are not used to skip a row, so a malformed date
    in an in-scope form is still reported.
    """
    missing = [name for name in REQUIRED_COLUMNS if name not in columns]
    if missing:
        raise FormatError(source, f"column {missing[0]!r} is missing")
    arrays = {name: columns[name] for name in REQUIRED_COLUMNS}
    for name, array in arrays.items():
        if not isinstance(array, list):
            raise FormatError(source, f"column {name!r} is {type(array).__name__}, not a list")
    lengths = {len(array) for array in arrays.values()}
    if len(lengths) > 1:
        sizes = ", ".join(f"{name} {len(array)}" for name, array in arrays.items())
        raise FormatError(source, f"columns have unequal lengths ({sizes})")
    rows = Rows()
    indexes: Iterable[int] = range(lengths.pop() if lengths else 0)
    if forms is not None:
        wanted = set(forms)
        form_column = arrays["form"]
        indexes = [
            i
            for i in indexes
            if isinstance(form_column[i], str) and form_column[i].strip() in wanted
        ]
    for index in indexes:
        try:
            rows.filings.append(
                _filing_row({n: a[index] for n, a in arrays.items()}, source, index)
            )
        except FormatError as error:
            rows.problems.append(str(error))
    return rows


def in_scope(form: str, filed: date, forms: Collection[str], start: date, end: date) -> bool:
    """Whether a filing is in scope: one of `forms` (exactly as SEC names them), filed in
    [start, end]. The one rule, for a submissions row and an index line alike."""
    return form in forms and start <= filed <= end


def select_filings(
    filings: Iterable[FilingRow], forms: Sequence[str], start: date, end: date
) -> list[FilingRow]:
    """The filings in scope (`in_scope`)."""
    wanted = set(forms)
    return [f for f in filings if in_scope(f.form, f.filing_date, wanted, start, end)]


def primary_document_name(listed: str) -> tuple[str | None, str | None]:
    """The file to fetch for a listed primaryDocument, and a problem to report (or None).

    An XSL viewer prefix is dropped (the raw document is the filed one) and reported; a name
    that is not a plain file name in the filing folder gives no file to fetch.
    """
    name = listed.strip()
    problem = None
    if XSL_VIEWER_PREFIX.match(name):
        raw = XSL_VIEWER_PREFIX.sub("", name, count=1)
        problem = f"primaryDocument {listed!r} names SEC's XSL viewer rendition; using {raw!r}"
        name = raw
    if not SAFE_DOCUMENT_NAME.fullmatch(name):
        return None, f"primaryDocument {listed!r} is not a plain file name; not fetched"
    return name, problem


def _filing_row(row: dict[str, Any], source: str, index: int) -> FilingRow:
    where = f"row {index}"
    accession = values.text(row["accessionNumber"], source, f"{where} accessionNumber")
    if not ACCESSION_NUMBER.fullmatch(accession):
        raise FormatError(source, f"{where}: accessionNumber {accession!r} is malformed")
    where = f"row {index} ({accession})"
    size = row["size"]
    if size is not None and (not isinstance(size, int) or isinstance(size, bool) or size < 0):
        raise FormatError(source, f"{where}: size {size!r} is not a byte count")
    description = row["primaryDocDescription"]
    filing_date = values.iso_date(row["filingDate"], source, f"{where} filingDate")
    assert filing_date is not None
    return FilingRow(
        accession_number=accession,
        form=values.text(row["form"], source, f"{where} form").strip(),
        filing_date=filing_date,
        report_date=values.iso_date(
            row["reportDate"], source, f"{where} reportDate", optional=True
        ),
        acceptance_datetime=values.timestamp(
            row["acceptanceDateTime"], source, f"{where} acceptanceDateTime"
        ),
        primary_document=values.text(row["primaryDocument"], source, f"{where} primaryDocument"),
        primary_doc_description=(
            values.text(description, source, f"{where} primaryDocDescription").strip() or None
            if description is not None
            else None
        ),
        is_xbrl=values.flag(row["isXBRL"], source, f"{where} isXBRL"),
        is_inline_xbrl=values.flag(row["isInlineXBRL"], source, f"{where} isInlineXBRL"),
        size_bytes=size,
    )


def _member(document: dict[str, Any], key: str, kind: Any, source: str) -> Any:
    if key not in document:
        raise FormatError(source, f"key {key!r} is missing")
    value = document[key]
    if not isinstance(value, kind):
        raise FormatError(source, f"{key!r} is {type(value).__name__}, not the expected type")
    return value


def _optional_text(document: dict[str, Any], key: str, source: str) -> str | None:
    value = document.get(key)
    if value is None:
        return None
    if isinstance(value, int | float) and not isinstance(value, bool):
        value = str(value)  # an SIC code written as a number
    return values.text(value, source, key).strip() or None


def _text_list(document: dict[str, Any], key: str, source: str) -> list[str]:
    value = document.get(key) or []
    if not isinstance(value, list):
        raise FormatError(source, f"{key!r} is {type(value).__name__}, not a list")
    return [values.text(item, source, key).strip() for item in value if item is not None]


def _former_names(document: dict[str, Any], source: str) -> list[dict[str, Any]]:
    value = document.get("formerNames") or []
    if not isinstance(value, list) or not all(isinstance(item, dict) for item in value):
        raise FormatError(source, "'formerNames' is not a list of objects")
    return value


def _addresses(document: dict[str, Any], source: str) -> dict[str, dict[str, Any]]:
    """The business and mailing addresses as SEC gives them (street1, city, stateOrCountry...)."""
    value = document.get("addresses") or {}
    if not isinstance(value, dict) or not all(
        isinstance(item, dict) for item in value.values() if item is not None
    ):
        raise FormatError(source, "'addresses' is not an object of addresses")
    return {kind: address for kind, address in value.items() if address}


def _page_ref(entry: object, source: str, index: int) -> PageRef:
    where = f"filings.files[{index}]"
    if not isinstance(entry, dict):
        raise FormatError(source, f"{where} is not an object")
    name = values.text(entry.get("name"), source, f"{where} name")
    if not re.fullmatch(r"CIK[0-9]{10}-submissions-[0-9]{3}\.json", name):
        raise FormatError(source, f"{where}: page name {name!r} is not SEC's form")
    count = entry.get("filingCount", 0)
    start = values.iso_date(entry.get("filingFrom"), source, f"{where} filingFrom")
    end = values.iso_date(entry.get("filingTo"), source, f"{where} filingTo")
    assert start is not None
    assert end is not None
    return PageRef(name, count if isinstance(count, int) else 0, start, end)
