"""Synthesized index.json listings against SEC's real ones in the fixtures."""

import json
import os
import random
import re
from datetime import datetime
from pathlib import Path

import pytest

from edgar_mirror.listing import (
    SEC_TIMEZONE,
    Entry,
    data_icon,
    data_listing,
    index_listing,
    kilobytes,
    listing_style,
    render_listing,
    scan_folder,
    us_timestamp,
)

ARCHIVES = Path(__file__).parents[1] / "fixtures" / "edgar" / "www.sec.gov" / "Archives" / "edgar"


def real_items(relative: str) -> tuple[bytes, list[dict[str, str]]]:
    raw = (ARCHIVES / relative).read_bytes()
    return raw, json.loads(raw)["directory"]["item"]


def index_entries(items: list[dict[str, str]]) -> list[Entry]:
    """Entries that reproduce index-style items: sizes chosen as exact kilobytes."""
    return [
        Entry(
            name=item["name"],
            is_dir=item["type"] == "dir",
            size=int(item["size"].removesuffix(" KB") or 0) * 1024,
            modified=datetime.strptime(item["last-modified"], "%m/%d/%Y %I:%M:%S %p"),
        )
        for item in items
    ]


def data_entries(items: list[dict[str, str]]) -> list[Entry]:
    return [
        Entry(
            name=item["name"],
            is_dir=item["type"] == "folder.gif",
            size=int(item["size"] or 0),
            modified=datetime.strptime(item["last-modified"], "%Y-%m-%d %H:%M:%S"),
        )
        for item in items
    ]


def shuffled(entries: list[Entry]) -> list[Entry]:
    entries = list(entries)
    random.Random(7).shuffle(entries)
    return entries


def test_year_folder_reproduces_sec_byte_for_byte():
    raw, items = real_items("full-index/2021/index.json")
    generated = index_listing(("full-index", "2021"), shuffled(index_entries(items)))
    assert generated == raw


def test_quarter_folder_reproduces_sec_byte_for_byte():
    raw, items = real_items("full-index/2021/QTR1/index.json")
    # SEC sorts case-insensitively: company.gz, company.idx, company.Z, company.zip.
    generated = index_listing(("full-index", "2021", "QTR1"), shuffled(index_entries(items)))
    assert generated == raw


def test_filing_folder_reproduces_sec_byte_for_byte_for_real_files():
    raw, items = real_items("data/320193/000114036125000228/index.json")
    # SEC lists three generated documents (index pages, full .txt) first, with size "";
    # they do not exist as files in a mirror folder.
    virtual = re.compile(
        rb'\{"last-modified": "[^"]*","name":"[^"]*","type":"text.gif","size":""\},'
    )
    assert len(virtual.findall(raw)) == 3
    files = [item for item in items if item["size"]]
    generated = data_listing(
        ("Archives", "edgar", "data", "320193", "000114036125000228"), shuffled(data_entries(files))
    )
    assert generated == virtual.sub(b"", raw)


def test_cik_folder_matches_sec_items_name_and_empty_parent():
    raw, items = real_items("data/320193/index.json")
    generated = data_listing(("Archives", "edgar", "data", "320193"), data_entries(items))
    directory = json.loads(generated)["directory"]
    assert directory["name"] == "/Archives/edgar/data/320193"
    assert directory["parent-dir"] == ""
    # SEC orders CIK folders newest first; the mirror orders every listing by name.
    assert directory["item"] == sorted(items, key=lambda item: item["name"].casefold())
    for item in re.findall(rb"\{[^{}]*\}", raw):
        assert item in generated


def test_listing_styles():
    assert listing_style(("Archives", "edgar", "data", "320193")) == "data"
    assert listing_style(("Archives", "edgar", "data", "320193", "000032019325000057")) == "data"
    assert listing_style(("Archives", "edgar", "full-index", "2021", "QTR1")) == "index"
    assert listing_style(("Archives", "edgar", "daily-index")) == "index"
    assert listing_style(("files",)) is None
    assert render_listing(("files",), []) is None


def test_index_style_names_folder_relative_to_archives_edgar():
    body = render_listing(("Archives", "edgar", "daily-index", "2024"), [])
    assert body == b'{"directory":{"item":[],"name":"daily-index\\/2024\\/","parent-dir":"..\\/"}}'


def test_filing_folder_parent_is_its_cik_folder():
    body = render_listing(("Archives", "edgar", "data", "1", "0001"), [])
    assert json.loads(body or b"")["directory"]["parent-dir"] == "/Archives/edgar/data/1"


@pytest.mark.parametrize(
    ("size", "shown"), [(0, "0 KB"), (1, "1 KB"), (1024, "1 KB"), (1025, "2 KB"), (4096, "4 KB")]
)
def test_kilobytes_round_up(size, shown):
    assert kilobytes(Entry("f.idx", False, size, datetime(2021, 1, 1))) == shown


def test_folder_size_is_four_kilobytes():
    assert kilobytes(Entry("QTR1", True, 123, datetime(2021, 1, 1))) == "4 KB"


@pytest.mark.parametrize(
    ("name", "is_dir", "icon"),
    [
        ("000032019325000057", True, "folder.gif"),
        ("aapl-20250329.htm", False, "text.gif"),
        ("Financial_Report.xlsx", False, "text.gif"),
        ("0000320193-25-000057-xbrl.zip", False, "compressed.gif"),
        ("logo_apple.JPG", False, "image2.gif"),
        ("chart.png", False, "image2.gif"),
    ],
)
def test_data_icons(name, is_dir, icon):
    assert data_icon(Entry(name, is_dir, 0, datetime(2025, 1, 1))) == icon


def test_us_timestamp_midnight_and_noon():
    assert us_timestamp(datetime(2021, 3, 31, 0, 5, 0)) == "03/31/2021 12:05:00 AM"
    assert us_timestamp(datetime(2021, 3, 31, 12, 30, 0)) == "03/31/2021 12:30:00 PM"


def test_escapes_quotes_and_non_ascii_names():
    body = index_listing(("full-index",), [Entry('a"é.txt', False, 1, datetime(2021, 1, 1))])
    assert b'"name":"a\\"\\u00e9.txt"' in body
    assert json.loads(body)["directory"]["item"][0]["name"] == 'a"é.txt'


def test_scan_folder_skips_index_json_and_dot_files_and_uses_sec_time(tmp_path: Path):
    (tmp_path / "index.json").write_text("{}")
    (tmp_path / ".gitkeep").write_text("")
    (tmp_path / "QTR1").mkdir()
    (tmp_path / "master.idx").write_bytes(b"x" * 2048)
    moment = datetime(2021, 3, 31, 22, 11, 28, tzinfo=SEC_TIMEZONE)
    os.utime(tmp_path / "master.idx", (moment.timestamp(), moment.timestamp()))
    entries = {entry.name: entry for entry in scan_folder(tmp_path)}
    assert set(entries) == {"QTR1", "master.idx"}
    assert entries["QTR1"].is_dir
    assert entries["master.idx"] == Entry(
        "master.idx", False, 2048, datetime(2021, 3, 31, 22, 11, 28)
    )
