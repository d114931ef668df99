"""SEC EDGAR `index.json` directory listings, synthesized from a folder's contents."""

from __future__ import annotations

import json
import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, tzinfo
from pathlib import Path
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

INDEX_JSON = "index.json"

# SEC stamps listings in its own local time; UTC only where the tz database is missing.
try:
    SEC_TIMEZONE: tzinfo = ZoneInfo("America/New_York")
except ZoneInfoNotFoundError:  # pragma: no cover - depends on the machine's tzdata
    SEC_TIMEZONE = UTC

_IMAGE_SUFFIXES = frozenset({".jpg", ".jpeg", ".gif", ".png"})
_COMPRESSED_SUFFIXES = frozenset({".zip", ".gz", ".tgz", ".tar", ".z", ".bz2"})


@dataclass(frozen=True)
class Entry:
    """One file or folder of a listed folder; `modified` is naive SEC (US Eastern) time."""

    name: str
    is_dir: bool
    size: int
    modified: datetime


# The sample keeps its largest files gzip-compressed as `<name>.gz` (tests/sample_files.py);
# the mirror serves and lists such a file as `<name>` whenever `<name>` itself is absent. SEC's
# own .gz files (daily-index copies) sit beside their plain file, so they are served as they are.
STORED_GZIP = ".gz"


def stored_gzip(path: Path) -> Path | None:
    """The compressed copy the sample keeps of `path`, when it keeps only that."""
    stored = path.with_name(path.name + STORED_GZIP)
    return stored if not path.exists() and stored.is_file() else None


def scan_folder(folder: Path) -> list[Entry]:
    """Entries of `folder` as SEC would list them: no `index.json`, no dot files."""
    entries = []
    for child in folder.iterdir():
        # Dot files are checkout debris (.gitkeep), never EDGAR content.
        if child.name == INDEX_JSON or child.name.startswith("."):
            continue
        try:
            stat = child.stat()
        except OSError:
            continue  # a dangling symlink has nothing to list
        name, size = child.name, stat.st_size
        plain = child.with_name(child.name.removesuffix(STORED_GZIP))
        if plain != child and stored_gzip(plain) == child:
            name, size = plain.name, _uncompressed_size(child)
        modified = datetime.fromtimestamp(stat.st_mtime, SEC_TIMEZONE).replace(tzinfo=None)
        entries.append(Entry(name, child.is_dir(), size, modified))
    return entries


def _uncompressed_size(path: Path) -> int:
    # gzip's trailer ends with the uncompressed size, modulo 2**32 (the sample's files are far
    # smaller).
    with path.open("rb") as file:
        file.seek(-4, 2)
        return int.from_bytes(file.read(4), "little")


def listing_style(archive_parts: Sequence[str]) -> str | None:
    """Which of SEC's two listing formats a www.sec.gov folder uses, or None if SEC has none.

    `archive_parts` is the folder's URL path split on `/`, e.g. `("Archives", "edgar", "data",
    "320193")`. CIK and filing folders use the `data` style; every other folder under
    `Archives/edgar/` (full-index, daily-index, their years and quarters) the `index` style.
    """
    parts = tuple(archive_parts)
    if parts[:2] != ("Archives", "edgar"):
        return None
    if parts[:3] == ("Archives", "edgar", "data") and len(parts) > 3:
        return "data"
    return "index"


def render_listing(archive_parts: Sequence[str], entries: Iterable[Entry]) -> bytes | None:
    """The `index.json` body for a www.sec.gov folder, or None where SEC has no listing."""
    style = listing_style(archive_parts)
    if style == "data":
        return data_listing(archive_parts, entries)
    if style == "index":
        return index_listing(archive_parts[2:], entries)
    return None


def data_listing(folder_parts: Sequence[str], entries: Iterable[Entry]) -> bytes:
    """Listing of a CIK or filing folder (`/Archives/edgar/data/<cik>[/<accession>]`)."""
    name = "/" + "/".join(folder_parts)
    # SEC leaves parent-dir empty on CIK folders and names the CIK folder on filing folders.
    parent = "/" + "/".join(folder_parts[:-1]) if len(folder_parts) > 4 else ""
    # The space after "last-modified": is SEC's, and only on that key.
    items = ",".join(
        f'{{"last-modified": {_json(entry.modified.strftime("%Y-%m-%d %H:%M:%S"))}'
        f',"name":{_json(entry.name)}'
        f',"type":{_json(data_icon(entry))}'
        f',"size":{_json("" if entry.is_dir else str(entry.size))}}}'
        for entry in sort_entries(entries)
    )
    body = _directory(items, name, parent)
    # SEC's filing-folder listings (not its CIK-folder ones) open with a blank line.
    return b"\n" + body if len(folder_parts) > 4 else body


def index_listing(relative_parts: Sequence[str], entries: Iterable[Entry]) -> bytes:
    """Listing of a folder under `/Archives/edgar/` given relative to it, e.g. `full-index/2021`."""
    name = "".join(part + "/" for part in relative_parts)
    items = ",".join(
        f'{{"last-modified":{_json(us_timestamp(entry.modified))}'
        f',"name":{_json(entry.name)}'
        f',"type":{_json("dir" if entry.is_dir else "file")}'
        f',"href":{_json(entry.name + "/" if entry.is_dir else entry.name)}'
        f',"size":{_json(kilobytes(entry))}}}'
        for entry in sort_entries(entries)
    )
    return _directory(items, name, "../")


def sort_entries(entries: Iterable[Entry]) -> list[Entry]:
    """Entries by name, case-insensitively as SEC sorts filing and quarter folders."""
    return sorted(
        (entry for entry in entries if entry.name != INDEX_JSON),
        key=lambda entry: (entry.name.casefold(), entry.name),
    )


def data_icon(entry: Entry) -> str:
    """SEC's icon name that doubles as the `type` of a data-style listing item."""
    if entry.is_dir:
        return "folder.gif"
    suffix = Path(entry.name).suffix.lower()
    if suffix in _IMAGE_SUFFIXES:
        return "image2.gif"
    if suffix in _COMPRESSED_SUFFIXES:
        return "compressed.gif"
    return "text.gif"


def kilobytes(entry: Entry) -> str:
    """Index-style size: folders are a flat "4 KB"; files round up so no file shows "0 KB"."""
    if entry.is_dir:
        return "4 KB"
    return f"{math.ceil(entry.size / 1024)} KB"


def us_timestamp(moment: datetime) -> str:
    """`03/31/2021 10:11:28 PM`; AM/PM spelled out because `%p` follows the C locale."""
    meridiem = "AM" if moment.hour < 12 else "PM"
    return moment.strftime("%m/%d/%Y %I:%M:%S ") + meridiem


def _directory(items: str, name: str, parent: str) -> bytes:
    text = f'{{"directory":{{"item":[{items}],"name":{_json(name)},"parent-dir":{_json(parent)}}}}}'
    return text.encode("utf-8")


def _json(value: str) -> str:
    # SEC's encoder escapes every "/" (PHP-style); json.dumps never emits "/" inside an escape.
    return json.dumps(value).replace("/", "\\/")
