"""Fetch plans on SEC's real answers: what a filing stores, fetches and knows missing."""

from __future__ import annotations

import zipfile
from io import BytesIO
from pathlib import Path

import pytest

from filings_crawler.sec.filing_index import FolderEntry, FolderListing
from filings_crawler.sec.html import OFF_SITE, OUTSIDE_FOLDER
from filings_crawler.sec.plans import (
    HTML,
    IMAGE,
    MISSING_FROM_FOLDER,
    XBRL,
    Fallback,
    FilingFiles,
    InHand,
    Missing,
    ToFetch,
    plan_from_files,
    plan_from_zip,
    primary_problem,
)
from filings_crawler.sec.urls import SEC
from filings_crawler.sec.xbrl_zip import read_xbrl_zip
from tests.sec.test_inline_set import EXHIBIT

DATA = (
    Path(__file__).parents[1] / "fixtures" / "edgar" / "www.sec.gov" / "Archives" / "edgar" / "data"
)
# Where a configured mirror serves SEC's files: an image linked there is SEC's too.
BASES = [SEC.www + "/", "http://127.0.0.1:8080/www.sec.gov/"]

APPLE_10Q = FilingFiles(320193, "0000320193-25-000057", "aapl-20250329.htm", True)
APPLE_10K = FilingFiles(320193, "0000320193-24-000123", "aapl-20240928.htm", True)
APPLE_FOLDER = "https://www.sec.gov/Archives/edgar/data/320193/"


def folder(files: FilingFiles) -> Path:
    return DATA / str(files.cik) / files.accession_number.replace("-", "")


def listing_of(files: FilingFiles) -> FolderListing:
    """The folder's listing, as SEC's index.json lists what the folder holds."""
    here = folder(files)
    return FolderListing([FolderEntry(p.name, p.stat().st_size, False) for p in here.iterdir()])


def summary(plan: object) -> dict[str, list[tuple[str, ...]]]:
    assert not isinstance(plan, Fallback)
    return {
        "in_hand": [(f.kind, f.name) for f in plan.in_hand],  # type: ignore[attr-defined]
        "to_fetch": [(f.kind, f.sec_url.rsplit("/", 1)[1], f.optional) for f in plan.to_fetch],  # type: ignore[attr-defined]
        "missing": [(m.kind, m.sec_url.rsplit("/", 1)[1]) for m in plan.missing],  # type: ignore[attr-defined]
    }


def test_the_urls_of_a_filing_are_secs_own():
    assert APPLE_10Q.folder == f"{APPLE_FOLDER}000032019325000057/"
    assert APPLE_10Q.zip_url == f"{APPLE_10Q.folder}0000320193-25-000057-xbrl.zip"
    assert APPLE_10Q.index_url == f"{APPLE_10Q.folder}index.json"
    assert APPLE_10Q.primary_url == f"{APPLE_10Q.folder}aapl-20250329.htm"


def test_apples_zip_gives_the_document_its_image_and_xbrl_in_one_request():
    zip_bytes = (folder(APPLE_10Q) / "0000320193-25-000057-xbrl.zip").read_bytes()
    plan = plan_from_zip(APPLE_10Q, read_xbrl_zip(zip_bytes, "zip"), image_bases=BASES)
    assert summary(plan) == {
        "in_hand": [
            (HTML, "aapl-20250329.htm"),
            (IMAGE, "aapl-20250329_g1.jpg"),
            (XBRL, "aapl-20250329.xsd"),
            (XBRL, "aapl-20250329_cal.xml"),
            (XBRL, "aapl-20250329_def.xml"),
            (XBRL, "aapl-20250329_lab.xml"),
            (XBRL, "aapl-20250329_pre.xml"),
        ],
        # The instance SEC extracts is not in the zip: one more request, and it may be absent.
        "to_fetch": [(XBRL, "aapl-20250329_htm.xml", True)],
        "missing": [],
    }
    assert not isinstance(plan, Fallback)
    assert plan.fetch_path == "xbrl_zip"
    primary = plan.in_hand[0]
    assert primary.sec_url == APPLE_10Q.primary_url
    assert primary.images is not None
    assert [ref.name for ref in primary.images] == ["aapl-20250329_g1.jpg"]


def test_exhibits_come_from_the_zip_when_asked_for():
    zip_bytes = (folder(APPLE_10Q) / "0000320193-25-000057-xbrl.zip").read_bytes()
    contents = read_xbrl_zip(zip_bytes, "zip")
    plan = plan_from_zip(APPLE_10Q, contents, image_bases=BASES, store_exhibits=True)
    assert not isinstance(plan, Fallback)
    assert [f.name for f in plan.in_hand if f.kind == "exhibit"] == [
        "a10-qexhibit31103292025.htm",
        "a10-qexhibit31203292025.htm",
        "a10-qexhibit32103292025.htm",
    ]


def test_an_inline_xbrl_exhibit_is_stored_whatever_store_exhibits_says():
    """It is part of the filing's XBRL document set (IBM's statements are in Exhibit 13); the
    certifications, plain HTML, are not stored unless asked for."""
    zip_bytes = (folder(APPLE_10Q) / "0000320193-25-000057-xbrl.zip").read_bytes()
    contents = read_xbrl_zip(zip_bytes, "zip")
    contents.members["aapl-20250329ex13.htm"] = EXHIBIT
    plan = plan_from_zip(APPLE_10Q, contents, image_bases=BASES, store_exhibits=False)
    assert not isinstance(plan, Fallback)
    assert [f.name for f in plan.in_hand if f.kind == "exhibit"] == ["aapl-20250329ex13.htm"]


@pytest.mark.parametrize(
    ("members", "reason"),
    [
        ({"aapl-20250329.xsd": b"<xsd/>"}, "xbrl zip lacks aapl-20250329.htm"),
        ({"aapl-20250329.htm": b"\x89PNG\r\n\x1a\n"}, "xbrl zip's aapl-20250329.htm: "),
    ],
)
def test_a_zip_without_a_usable_document_falls_back_to_the_files(members, reason):
    buffer = BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for name, data in members.items():
            archive.writestr(name, data)
    plan = plan_from_zip(APPLE_10Q, read_xbrl_zip(buffer.getvalue(), "zip"), image_bases=BASES)
    assert isinstance(plan, Fallback)
    assert plan.reason.startswith(reason)


def test_apples_10k_file_by_file_knows_the_image_its_folder_lacks_without_a_request():
    html = (folder(APPLE_10K) / "aapl-20240928.htm").read_bytes()
    plan = plan_from_files(APPLE_10K, html, listing_of(APPLE_10K), image_bases=BASES)
    assert summary(plan) == {
        "in_hand": [(HTML, "aapl-20240928.htm")],
        "to_fetch": [(IMAGE, "aapl-20240928_g1.jpg", False)],
        "missing": [(IMAGE, "aapl-20240928_g2.jpg")],
    }
    assert plan.missing == [
        Missing(IMAGE, f"{APPLE_10K.folder}aapl-20240928_g2.jpg", MISSING_FROM_FOLDER)
    ]


def test_file_by_file_with_the_listing_fetches_every_xbrl_file_it_names():
    html = (folder(APPLE_10Q) / "aapl-20250329.htm").read_bytes()
    plan = plan_from_files(APPLE_10Q, html, listing_of(APPLE_10Q), image_bases=BASES)
    assert summary(plan)["to_fetch"] == [
        (IMAGE, "aapl-20250329_g1.jpg", False),
        (XBRL, "aapl-20250329.xsd", False),
        (XBRL, "aapl-20250329_cal.xml", False),
        (XBRL, "aapl-20250329_def.xml", False),
        (XBRL, "aapl-20250329_htm.xml", False),
        (XBRL, "aapl-20250329_lab.xml", False),
        (XBRL, "aapl-20250329_pre.xml", False),
    ]


def test_file_by_file_without_a_listing_guesses_the_xbrl_names_each_optional():
    html = (folder(APPLE_10Q) / "aapl-20250329.htm").read_bytes()
    plan = plan_from_files(APPLE_10Q, html, None, image_bases=BASES)
    assert summary(plan)["to_fetch"] == [
        (IMAGE, "aapl-20250329_g1.jpg", False),
        (XBRL, "aapl-20250329.xsd", True),
        (XBRL, "aapl-20250329_cal.xml", True),
        (XBRL, "aapl-20250329_def.xml", True),
        (XBRL, "aapl-20250329_lab.xml", True),
        (XBRL, "aapl-20250329_pre.xml", True),
        (XBRL, "aapl-20250329_htm.xml", True),
    ]


def test_images_off_site_or_outside_the_folder_are_problems_and_never_fetched():
    html = (
        b'<html><img src="g1.jpg"><img src="https://evil.example/x.png">'
        b'<img src="../other/y.gif"><img src="data:image/png;base64,AAAA">'
        b'<img src="http://127.0.0.1:8080/www.sec.gov/Archives/edgar/data/320193/'
        b'000032019325000057/g2.jpg"></html>'
    )
    plan = plan_from_files(APPLE_10Q, html, None, image_bases=BASES)
    images = [f for f in plan.to_fetch if f.kind == IMAGE]
    # The mirror's absolute link into the folder is SEC's file: keyed by SEC's URL.
    assert images == [
        ToFetch(IMAGE, f"{APPLE_10Q.folder}g1.jpg"),
        ToFetch(IMAGE, f"{APPLE_10Q.folder}g2.jpg"),
    ]
    assert plan.skipped_images == [OFF_SITE, OUTSIDE_FOLDER]
    assert len(plan.problems) == 2
    assert all("not fetched" in problem for problem in plan.problems)


def test_a_fetched_document_that_is_not_one_is_said_so():
    assert primary_problem(b"\x89PNG\r\n\x1a\n....", APPLE_10Q) is not None
    assert primary_problem(b"<html><body>10-Q</body></html>", APPLE_10Q) is None


def test_in_hand_files_keep_their_bytes_until_stored():
    html = b"<html></html>"
    plan = plan_from_files(APPLE_10Q, html, None, image_bases=BASES)
    assert plan.in_hand == [InHand(HTML, "aapl-20250329.htm", APPLE_10Q.primary_url, html, [])]


def test_with_xbrl_instance_skip_the_zip_is_the_one_request():
    zip_bytes = (folder(APPLE_10Q) / "0000320193-25-000057-xbrl.zip").read_bytes()
    contents = read_xbrl_zip(zip_bytes, "zip")
    plan = plan_from_zip(APPLE_10Q, contents, image_bases=BASES, fetch_instance=False)
    assert not isinstance(plan, Fallback)
    assert plan.to_fetch == []
    # File by file, the instance is neither taken from the listing nor guessed.
    html = (folder(APPLE_10Q) / APPLE_10Q.primary_document).read_bytes()
    for listing in (listing_of(APPLE_10Q), None):
        plan = plan_from_files(APPLE_10Q, html, listing, image_bases=BASES, fetch_instance=False)
        assert not [f for f in plan.to_fetch if f.sec_url.endswith("_htm.xml")]
        with_instance = plan_from_files(APPLE_10Q, html, listing, image_bases=BASES)
        assert [f for f in with_instance.to_fetch if f.sec_url.endswith("_htm.xml")]
