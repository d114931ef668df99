"""SEC's folder listings (`index.json`) and the kinds of file in a filing, on the real listings."""

import json
import re

import pytest

from filings_crawler.sec.errors import FormatError
from filings_crawler.sec.filing_index import (
    FolderEntry,
    FolderListing,
    instance_name,
    is_exhibit,
    is_image_file,
    is_xbrl_file,
    parse_filing_index,
    xbrl_files,
)

from .conftest import EDGAR

APPLE = EDGAR / "www.sec.gov" / "Archives" / "edgar" / "data" / "320193"
# An 8-K of 2025-01-03: its primary document, its XBRL and the files SEC generates.
EIGHT_K = APPLE / "000114036125000228" / "index.json"
EIGHT_K_ACCESSION = "0001140361-25-000228"
EIGHT_K_PRIMARY = "ef20040370_8k.htm"
TEN_Q = APPLE / "000032019325000057"


@pytest.fixture(scope="module")
def eight_k() -> FolderListing:
    return parse_filing_index(EIGHT_K.read_bytes(), str(EIGHT_K))


def _listing(items: list[object]) -> bytes:
    return json.dumps({"directory": {"item": items, "name": "/x", "parent-dir": "/"}}).encode()


def test_the_real_filing_folder_listing(eight_k):
    assert eight_k.refused == []
    assert len(eight_k.entries) == 17
    by_name = {entry.name: entry for entry in eight_k.entries}
    assert by_name["0001140361-25-000228-xbrl.zip"] == FolderEntry(
        "0001140361-25-000228-xbrl.zip", 16267, is_folder=False
    )
    assert by_name["logo_apple.jpg"].size == 1264
    # SEC gives no size for its own generated pages, as for folders.
    assert by_name["0001140361-25-000228-index.html"] == FolderEntry(
        "0001140361-25-000228-index.html", None, is_folder=False
    )
    assert not any(entry.is_folder for entry in eight_k.entries)


def test_the_real_cik_folder_listing():
    path = APPLE / "index.json"
    listing = parse_filing_index(path.read_bytes(), str(path))
    assert listing.refused == []
    assert len(listing.entries) == 2114
    assert all(entry.is_folder and entry.size is None for entry in listing.entries)
    assert FolderEntry("000032019325000057", None, is_folder=True) not in listing.entries
    assert FolderEntry("000114036125000228", None, is_folder=True) in listing.entries


def test_the_xbrl_files_of_the_real_8k(eight_k):
    assert xbrl_files(eight_k) == [
        "aapl-20241230.xsd",
        "aapl-20241230_def.xml",
        "aapl-20241230_lab.xml",
        "aapl-20241230_pre.xml",
        "ef20040370_8k_htm.xml",
    ]
    assert instance_name(EIGHT_K_PRIMARY) == "ef20040370_8k_htm.xml"


def test_the_real_8k_has_no_exhibits_but_an_image(eight_k):
    names = [entry.name for entry in eight_k.entries]
    assert [n for n in names if is_exhibit(n, EIGHT_K_PRIMARY, EIGHT_K_ACCESSION)] == []
    assert [n for n in names if is_image_file(n)] == ["logo_apple.jpg"]


def test_the_real_10q_exhibits():
    names = sorted(path.name for path in TEN_Q.iterdir())
    exhibits = [n for n in names if is_exhibit(n, "aapl-20250329.htm", "0000320193-25-000057")]
    assert exhibits == [
        "a10-qexhibit31103292025.htm",
        "a10-qexhibit31203292025.htm",
        "a10-qexhibit32103292025.htm",
    ]


@pytest.mark.parametrize(
    "name",
    [
        "ef20040370_8k.htm",  # the primary document
        "R1.htm",
        "R12.htm",
        "0001140361-25-000228-index.html",
        "0001140361-25-000228-index-headers.html",
        "0001140361-25-000228.txt",  # the full submission
        "FilingSummary.xml",
        "MetaLinks.json",
        "Financial_Report.xlsx",
        "report.css",
        "Show.js",
        "logo_apple.jpg",
        "aapl-20241230.xsd",
        "0001140361-25-000228-xbrl.zip",
    ],
)
def test_files_that_are_not_exhibits(name):
    assert not is_exhibit(name, EIGHT_K_PRIMARY, EIGHT_K_ACCESSION)
    # The accession number as folder URLs write it (no dashes) names the same submission.
    assert not is_exhibit(name, EIGHT_K_PRIMARY, EIGHT_K_ACCESSION.replace("-", ""))


@pytest.mark.parametrize(
    "name", ["ex99-1.htm", "EX-10.1.HTML", "exhibit21.txt", "letter.pdf", "Rx1.htm", "R1a.htm"]
)
def test_files_that_are_exhibits(name):
    assert is_exhibit(name, EIGHT_K_PRIMARY, EIGHT_K_ACCESSION)


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("aapl-20250329.xsd", True),
        ("aapl-20250329_cal.xml", True),
        ("aapl-20250329_def.xml", True),
        ("aapl-20250329_lab.xml", True),
        ("aapl-20250329_pre.xml", True),
        ("aapl-20250329_htm.xml", True),
        ("AAPL-20250329_PRE.XML", True),
        ("FilingSummary.xml", False),
        ("aapl-20250329.htm", False),
        ("aapl-20250329_g1.jpg", False),
    ],
)
def test_xbrl_file_names(name, expected):
    assert is_xbrl_file(name) is expected


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("a.jpg", True),
        ("a.JPEG", True),
        ("a.png", True),
        ("a.gif", True),
        ("a.bmp", True),
        ("a.svg", True),
        ("a.htm", False),
        ("jpg", False),
        ("a.jpg.htm", False),
    ],
)
def test_image_file_names(name, expected):
    assert is_image_file(name) is expected


@pytest.mark.parametrize(
    ("primary", "expected"),
    [
        ("aapl-20250329.htm", "aapl-20250329_htm.xml"),
        ("form10-k.html", "form10-k_html.xml"),
        ("a.b.htm", "a.b_htm.xml"),
        ("aapl-20250329.txt", None),
        ("htm", None),
        (".htm", None),
    ],
)
def test_instance_name(primary, expected):
    assert instance_name(primary) == expected


def test_unsafe_names_are_refused_never_listed():
    body = _listing(
        [
            {"name": "../x.htm", "type": "text.gif", "size": "1"},
            {"name": "a.htm", "type": "text.gif", "size": "10"},
            {"name": ".hidden", "type": "text.gif", "size": "1"},
            {"name": "sub", "type": "folder.gif", "size": ""},
            {"name": "a b.htm", "type": "text.gif"},
        ]
    )
    listing = parse_filing_index(body, "index.json")
    assert listing.entries == [
        FolderEntry("a.htm", 10, is_folder=False),
        FolderEntry("sub", None, is_folder=True),
    ]
    assert listing.refused == [
        "'../x.htm': not a plain file name (contains a path separator)",
        "'.hidden': not a plain file name (starts with '.' (a hidden file))",
        "'a b.htm': not a plain file name "
        "(has characters other than letters, digits, '.', '_' and '-')",
    ]


def test_sizes():
    body = _listing(
        [
            {"name": "a", "size": "42"},
            {"name": "b", "size": ""},
            {"name": "c"},
            {"name": "d", "size": 7},
            {"name": "e", "size": None},
        ]
    )
    assert [e.size for e in parse_filing_index(body, "index.json").entries] == [
        42,
        None,
        None,
        7,
        None,
    ]


def test_an_empty_folder():
    assert parse_filing_index(_listing([]), "index.json") == FolderListing([], [])


@pytest.mark.parametrize(
    ("body", "problem"),
    [
        (b"{not json", "not valid JSON"),
        (b"[]", "expected an object with a 'directory' object"),
        (b'{"item": []}', "expected an object with a 'directory' object"),
        (b'{"directory": {"name": "/x"}}', "'directory.item' is missing or not a list"),
        (b'{"directory": {"item": {}}}', "'directory.item' is missing or not a list"),
        (_listing(["a.htm"]), "directory.item[0] is not an object"),
        (_listing([{"type": "text.gif", "size": "1"}]), "directory.item[0] has no name"),
        (_listing([{"name": 5}]), "directory.item[0] has no name"),
        (_listing([{"name": "a", "size": "1.5"}]), "size '1.5' is not a byte count"),
        (_listing([{"name": "a", "size": -1}]), "size -1 is not a byte count"),
        (_listing([{"name": "a", "size": True}]), "size True is not a byte count"),
        (_listing([{"name": "a", "type": 1}]), "type 1 is not text"),
    ],
)
def test_a_listing_not_in_secs_format_is_a_format_error(body, problem):
    with pytest.raises(FormatError, match=re.escape(problem)) as info:
        parse_filing_index(body, "https://www.sec.gov/Archives/x/index.json")
    assert info.value.source == "https://www.sec.gov/Archives/x/index.json"
