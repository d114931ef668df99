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
import json
import tempfile
import zipfile
from collections.abc import Iterable, Sequence
from datetime import date
from decimal import Decimal
from typing import IO, Any

from sqlalchemy import Connection

from filings_crawler.db import exports as queries
from filings_crawler.export import ExportResult
from filings_crawler.sec import fsds
from filings_crawler.sec.errors import FormatError
from filings_crawler.sec.linkbases import (
    PreRow,
    TagRow,
    UsedConcept,
    presentation_rows,
    tag_rows,
)
from filings_crawler.storage.backends import Storage, StorageError

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
            # tag.txt holds each (tag, version) once in the quarter, as SEC's does: a row with
            # its labels (read from a filing's linkbases) before one without.
            tags: dict[tuple[Any, Any], list[Any]] = {}
            for filing in queries.quarter_filings(conn, where, params, first, last):
                files.write("sub", [sub_row(filing)])
                files.write(
                    "num", num_rows(filing["adsh"], queries.numbers(conn, filing["filing_id"]))
                )
                pre, tag = _linkbase_rows(conn, dataset, filing, result)
                files.write("pre", pre)
                for row in tag:
                    known = tags.get((row[0], row[1]))
                    if known is None or (known[7] is None and row[7] is not None):
                        tags[(row[0], row[1])] = row
            files.write("tag", [tags[key] for key in sorted(tags, key=str)])
            for table, count in files.counts.items():
                result.rows[table] += count
            stored = out.write(f"{name}.zip", files.zip())
        result.files[stored.outcome] += 1
    return result


def sub_row(filing: dict[str, Any]) -> list[object]:
    """The filing's row of sub.txt, in SUB_COLUMNS' order."""
    cover = filing["cover"] if isinstance(filing["cover"], dict) else json.loads(filing["cover"])
    addresses = filing["addresses"] or {}
    business = fsds.address(addresses.get("business"))
    mailing = fsds.address(addresses.get("mailing"))
    former, changed = fsds.former_name(filing["former_names"] or [])
    fy = cover.get("DocumentFiscalYearFocus")
    report = filing["report_date"]
    return [
        filing["adsh"],
        filing["cik"],
        filing["name"].upper(),  # SEC's sub writes the conformed name, upper case
        int(filing["sic"]) if (filing["sic"] or "").isdigit() else None,
        *business[:4],
        *business[4:],
        filing["phone"],
        *mailing[:4],
        *mailing[4:],
        *fsds.incorporation(filing["state_of_incorporation"]),
        filing["ein"],
        former,
        changed,
        fsds.filer_status(cover.get("EntityFilerCategory")),
        (cover.get("EntityWellKnownSeasonedIssuer") or "").strip().lower() == "yes",
        fsds.fiscal_year_end(cover.get("CurrentFiscalYearEndDate") or filing["fiscal_year_end"]),
        filing["form"],
        fsds.yyyymmdd(fsds.month_end(report)) if report else None,
        int(fy) if fy and fy.strip().isdigit() else None,
        (cover.get("DocumentFiscalPeriodFocus") or "").strip() or None,
        fsds.yyyymmdd(filing["filing_date"]),
        fsds.accepted(filing["acceptance_datetime"]),
        bool(filing["prevrpt"]),
        True,
        fsds.instance_name(filing["primary_document"]),
        1,
        None,
    ]


def num_rows(adsh: str, facts: Iterable[dict[str, Any]]) -> list[list[object]]:
    """The filing's rows of num.txt: one per SEC key, the first fact given on each (the facts
    come most precise first)."""
    rows: dict[tuple[object, ...], list[object]] = {}
    for fact in facts:
        dimensions = [tuple(pair) for pair in json.loads(fact["dimensions"])]
        start, end = fact["period_start"], fact["period_end"] or fact["period_instant"]
        row: list[object] = [
            adsh,
            fact["concept_name"],
            fsds.version(fact["namespace"], adsh),
            fsds.ddate(start, end, None),
            fsds.qtrs(start, end),
            fact["unit"],
            fsds.segments(dimensions),
            fsds.coreg(dimensions),
            fsds.value(Decimal(fact["value_numeric"])),
            fsds.footnote(fact.get("footnote")),
        ]
        rows.setdefault(tuple(row[: len(fsds.NUM_KEY)]), row)
    return list(rows.values())


def _linkbase_rows(
    conn: Connection, dataset: Storage, filing: dict[str, Any], result: ExportResult
) -> tuple[list[list[Any]], list[list[Any]]]:
    """The filing's pre.txt and tag.txt rows, from its stored schema, `_pre.xml` and `_lab.xml`."""
    adsh = filing["adsh"]
    paths = queries.linkbases(conn, filing["filing_id"])
    found: dict[str, tuple[str, bytes]] = {}
    for sec_url, path in paths.items():
        kind = (
            "pre"
            if sec_url.endswith("_pre.xml")
            else "lab"
            if sec_url.endswith("_lab.xml")
            else "xsd"
        )
        try:
            body = dataset.read(path)
        except StorageError as error:
            result.problems.append(f"{adsh}: {path}: {error}")
            continue
        if body is not None:
            found[kind] = (sec_url.rpartition("/")[2], body)
    used = [
        UsedConcept(c["namespace"], c["concept_name"], c["is_numeric"], c["unit"], c["is_instant"])
        for c in queries.concepts(conn, filing["filing_id"])
    ]
    pre: list[PreRow] = []
    tag: list[TagRow] = []
    if set(found) != {"pre", "lab", "xsd"}:
        missing = ", ".join(sorted({"pre", "lab", "xsd"} - set(found)))
        result.problems.append(f"{adsh}: no pre rows, no tag labels: its {missing} is not stored")
        tag = tag_rows(None, None, used, adsh)
    else:
        schema_name, schema = found["xsd"]
        try:
            pre = presentation_rows(
                found["pre"][1], schema, found["lab"][1], adsh=adsh, schema_name=schema_name
            )
            tag = tag_rows(schema, found["lab"][1], used, adsh, schema_name=schema_name)
        except FormatError as error:
            result.problems.append(f"{adsh}: no pre rows, no tag labels: {error}")
            tag = tag_rows(None, None, used, adsh)
    pre_rows = [
        [adsh, r.report, r.line, r.stmt, r.inpth, r.rfile, r.tag, r.version, r.plabel, r.negating]
        for r in pre
    ]
    tag_table = [
        [t.tag, t.version, t.custom, t.abstract, t.datatype, t.iord, t.crdr, t.tlabel, t.doc]
        for t in tag
    ]
    return pre_rows, tag_table


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
