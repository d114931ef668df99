"""The dataset in SEC's own layout: one zip per quarter of filing, as SEC's Financial Statement
Data Sets are published (`2025q2.zip`), each holding tab-separated `sub.txt`, `num.txt`,
`pre.txt` and `tag.txt` with their header rows. Code and tools written for SEC's files
(secfsdstools, an analyst's pandas script) read these unchanged: see docs/analysis.md.

What each table holds and where it comes from:
- `sub`, one row per filing whose facts were read: the company's profile from its submissions
  file (sic, addresses, ein, phone, former name), the cover's facts (fy, fp, afs, wksi, fye),
  `period` at the month end, `prevrpt` 1 when an amendment of the same report followed within
  the quarter, `instance` SEC's name of the XBRL instance. `detail` is 1 (every 10-K and 10-Q of
  the window is detail-tagged), `nciks` 1 and `aciks` empty: the co-registrants' CIKs are not
  in the filing's XBRL (their facts are, under `coreg`).
- `num`, the numeric facts written by sec/fsds.py's rules, one per SEC key (NUM_KEY); of two
  facts on one key (two contexts whose dates round to the same month end) the most precise.
- `pre` and `tag` from the filing's stored schema and linkbases (sec/linkbases.py). A filing
  whose linkbases are not stored has no `pre` rows; the export says which.

A quarter's zip is built in temporary files (memory stays one filing's rows, whatever the
quarter's size) and written whole through the store; its bytes depend only on the rows (fixed
member times), so a rerun with nothing changed writes nothing.
"""

from __future__ import annotations

import io
import tempfile
import zipfile
from collections.abc import Iterable, Sequence
from datetime import date
from typing import IO, Any

from sqlalchemy import Connection

from filings_crawler.db import exports as queries
from filings_crawler.export import ExportResult
from filings_crawler.fsds_rows import (
    keep_tag_rows,
    linkbase_rows,
    num_rows,
    sorted_tag_rows,
    sub_row,
)
from filings_crawler.sec import fsds
from filings_crawler.storage.backends import Storage

TABLES = {
    "sub": fsds.SUB_COLUMNS,
    "num": fsds.NUM_COLUMNS,
    "pre": fsds.PRE_COLUMNS,
    "tag": fsds.TAG_COLUMNS,
}
# Every member dated the same, so that the same rows give the same zip.
_MEMBER_TIME = (1980, 1, 1, 0, 0, 0)


def export_fsds(
    conn: Connection,
    dataset: Storage,
    out: Storage,
    *,
    exchanges: Sequence[str] | None = None,
    since: date | None = None,
) -> ExportResult:
    """Write `{quarter}.zip` under `out` for each quarter with filings in scope; the filings'
    linkbases are read from `dataset`, the project's store."""
    where, params = queries.scope(exchanges, since)
    result = ExportResult()
    for first in queries.quarters(conn, where, params):
        name = fsds.quarter(first)
        _, last = fsds.quarter_bounds(name)
        with _QuarterFiles() as files:
            # tag.txt holds each (tag, version) once in the quarter.
            tags: dict[tuple[Any, Any], list[Any]] = {}
            in_quarter = f"{where} AND f.filing_date BETWEEN :first AND :last"
            bounds = {**params, "first": first, "last": last}
            for filing in queries.sub_filings(conn, in_quarter, bounds, cutoff=last):
                files.write("sub", [sub_row(filing)])
                files.write(
                    "num", num_rows(filing["adsh"], queries.numbers(conn, filing["filing_id"]))
                )
                pre, tag = linkbase_rows(conn, dataset, filing, result.problems)
                files.write("pre", pre)
                keep_tag_rows(tags, tag)
            files.write("tag", sorted_tag_rows(tags))
            for table, count in files.counts.items():
                result.rows[table] += count
            stored = out.write(f"{name}.zip", files.zip())
        result.files[stored.outcome] += 1
    return result


class _QuarterFiles:
    """The four tables of one quarter, each in a temporary file until the zip is made."""

    def __init__(self) -> None:
        self.counts = dict.fromkeys(TABLES, 0)
        self._files: dict[str, IO[str]] = {}

    def __enter__(self) -> _QuarterFiles:
        for table, columns in TABLES.items():
            handle = tempfile.TemporaryFile("w+", encoding="utf-8", newline="")
            handle.write(fsds.tsv_line(columns))
            self._files[table] = handle
        return self

    def __exit__(self, *exc: object) -> None:
        for handle in self._files.values():
            handle.close()

    def write(self, table: str, rows: Iterable[Iterable[object]]) -> None:
        handle = self._files[table]
        for row in rows:
            handle.write(fsds.tsv_line(row))
            self.counts[table] += 1

    def zip(self) -> bytes:
        buffer = io.BytesIO()
        with zipfile.ZipFile(buffer, "w") as archive:
            for table, handle in self._files.items():
                handle.flush()
                handle.seek(0)
                member = zipfile.ZipInfo(f"{table}.txt", date_time=_MEMBER_TIME)
                member.compress_type = zipfile.ZIP_DEFLATED
                member.external_attr = 0o644 << 16
                with archive.open(member, "w") as target:
                    while chunk := handle.read(1 << 20):
                        target.write(chunk.encode("utf-8"))
        return buffer.getvalue()
