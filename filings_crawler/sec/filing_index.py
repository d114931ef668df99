"""SEC's folder listings (`index.json` of a filing or CIK folder) and the kinds of file in a filing.

`https://www.sec.gov/Archives/edgar/data/{cik}/{accession}/index.json` lists a filing folder:
`{"directory": {"item": [{"name", "type", "size", "last-modified"}, ...], "name", "parent-dir"}}`.
A CIK folder's listing has the same form, with one `folder.gif` item per filing.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from filings_crawler.sec import values
from filings_crawler.sec.errors import FormatError
from filings_crawler.sec.names import file_name_problem

# The files that make up a filing's XBRL: the taxonomy schema, its four linkbases and, for an
# inline XBRL filing, SEC's extracted instance (`{primary document stem}_htm.xml`).
XBRL_SUFFIXES = (".xsd", "_cal.xml", "_def.xml", "_lab.xml", "_pre.xml", "_htm.xml")
IMAGE_SUFFIXES = (".jpg", ".jpeg", ".png", ".gif", ".bmp", ".svg")
HTML_SUFFIXES = (".htm", ".html")
# What a filer files besides the primary document: exhibits are HTML, text or PDF.
EXHIBIT_SUFFIXES = (".htm", ".html", ".txt", ".pdf")
# Files SEC generates in every XBRL filing folder (the viewer's rendering and its data).
SEC_GENERATED_FILES = frozenset(
    {"filingsummary.xml", "metalinks.json", "financial_report.xlsx", "report.css", "show.js"}
)
# The viewer's rendered statements: R1.htm, R2.htm, ...
_VIEWER_PAGE = re.compile(r"R[0-9]+\.html?", re.IGNORECASE)
_FOLDER_TYPE = "folder.gif"


@dataclass(frozen=True)
class FolderEntry:
    """One item of a folder listing: a file (with its size when SEC gives one) or a folder."""

    name: str
    size: int | None
    is_folder: bool


@dataclass
class FolderListing:
    """The usable items of a listing, and the names refused as unsafe (with the reason)."""

    entries: list[FolderEntry] = field(default_factory=list)
    refused: list[str] = field(default_factory=list)


def parse_filing_index(body: bytes, source: str) -> FolderListing:
    """The items of an `index.json`. Malformed JSON or a missing key is a FormatError.

    A name that is not a plain file name is never an entry: it is listed in `refused`.
    """
    document = values.load_json(body, source)
    directory = document.get("directory") if isinstance(document, dict) else None
    if not isinstance(directory, dict):
        raise FormatError(source, "expected an object with a 'directory' object")
    items = directory.get("item")
    if not isinstance(items, list):
        raise FormatError(source, "'directory.item' is missing or not a list")
    listing = FolderListing()
    for index, item in enumerate(items):
        entry = _entry(item, source, f"directory.item[{index}]")
        problem = file_name_problem(entry.name)
        if problem is None:
            listing.entries.append(entry)
        else:
            listing.refused.append(f"{entry.name!r}: not a plain file name ({problem})")
    return listing


def is_xbrl_file(name: str) -> bool:
    return name.lower().endswith(XBRL_SUFFIXES)


def is_image_file(name: str) -> bool:
    return name.lower().endswith(IMAGE_SUFFIXES)


def xbrl_files(listing: FolderListing) -> list[str]:
    """The names of the XBRL files in a filing folder, sorted."""
    return sorted(e.name for e in listing.entries if not e.is_folder and is_xbrl_file(e.name))


def instance_name(primary_document: str) -> str | None:
    """SEC's name for the instance it extracts from an inline XBRL primary document.

    SEC replaces the document's last `.` with `_` and adds `.xml`: `aapl-20250329.htm` gives
    `aapl-20250329_htm.xml`. None when the primary document is not HTML (no inline XBRL).
    """
    stem, dot, suffix = primary_document.rpartition(".")
    if not dot or not stem or f".{suffix.lower()}" not in HTML_SUFFIXES:
        return None
    return f"{stem}_{suffix}.xml"


def is_exhibit(name: str, primary_document: str, accession_number: str) -> bool:
    """Whether `name` is another document the filer filed (an exhibit), not one SEC generated.

    SEC generates the folder's index pages (`-index.htm`, `-index-headers.html`), the full
    submission (`{accession number}.txt`), the viewer's `R{n}.htm` pages and its data files.
    """
    lowered = name.lower()
    if not lowered.endswith(EXHIBIT_SUFFIXES) or name == primary_document:
        return False
    if _VIEWER_PAGE.fullmatch(name) or "-index" in lowered or lowered in SEC_GENERATED_FILES:
        return False
    return lowered != f"{_dashed(accession_number)}.txt"


def _dashed(accession_number: str) -> str:
    # Folder URLs carry the accession number without dashes, the file names with them.
    digits = accession_number.replace("-", "")
    if len(digits) == 18 and digits.isdigit():
        return f"{digits[:10]}-{digits[10:12]}-{digits[12:]}"
    return accession_number


def _entry(item: object, source: str, where: str) -> FolderEntry:
    if not isinstance(item, dict):
        raise FormatError(source, f"{where} is not an object")
    name = item.get("name")
    if not isinstance(name, str):
        raise FormatError(source, f"{where} has no name")
    kind = item.get("type")
    if kind is not None and not isinstance(kind, str):
        raise FormatError(source, f"{where} ({name!r}): type {kind!r} is not text")
    return FolderEntry(
        name=name, size=_size(item.get("size"), source, where, name), is_folder=kind == _FOLDER_TYPE
    )


def _size(value: object, source: str, where: str, name: str) -> int | None:
    # SEC writes sizes as strings, "" for folders and for its own generated pages.
    if value is None or value == "":
        return None
    if isinstance(value, str) and value.isascii() and value.isdigit():
        return int(value)
    if isinstance(value, int) and not isinstance(value, bool) and value >= 0:
        return value
    raise FormatError(source, f"{where} ({name!r}): size {value!r} is not a byte count")
