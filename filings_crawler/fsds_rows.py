"""A stored filing's rows of SEC's four FSDS tables, from the database and the store: `sub` from
its company and cover, `num` from its facts, `pre` and `tag` from its stored schema and
linkbases. The FSDS export (fsds_export.py) and the Parquet export (export.py) both write them.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from decimal import Decimal
from typing import Any

from sqlalchemy import Connection

from filings_crawler.db import exports as queries
from filings_crawler.sec import fsds
from filings_crawler.sec.errors import FormatError
from filings_crawler.sec.filing_index import instance_name
from filings_crawler.sec.linkbases import (
    PreRow,
    TagRow,
    UsedConcept,
    presentation_rows,
    tag_rows,
)
from filings_crawler.storage.backends import Storage, StorageError


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
        instance_name(filing["primary_document"]),
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


def linkbase_rows(
    conn: Connection, dataset: Storage, filing: dict[str, Any], problems: list[str]
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
            problems.append(f"{adsh}: {path}: {error}")
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
        problems.append(f"{adsh}: no pre rows, no tag labels: its {missing} is not stored")
        tag = tag_rows(None, None, used, adsh)
    else:
        schema_name, schema = found["xsd"]
        try:
            pre = presentation_rows(
                found["pre"][1], schema, found["lab"][1], adsh=adsh, schema_name=schema_name
            )
            tag = tag_rows(schema, found["lab"][1], used, adsh, schema_name=schema_name)
        except FormatError as error:
            problems.append(f"{adsh}: no pre rows, no tag labels: {error}")
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


_TLABEL = fsds.TAG_COLUMNS.index("tlabel")


def keep_tag_rows(kept: dict[tuple[Any, Any], list[Any]], rows: Iterable[list[Any]]) -> None:
    """Add `rows` to `kept`, each (tag, version) once as in SEC's tag.txt: a row with its labels
    (read from a filing's linkbases) wins over one without."""
    for row in rows:
        known = kept.get((row[0], row[1]))
        if known is None or (known[_TLABEL] is None and row[_TLABEL] is not None):
            kept[(row[0], row[1])] = row


def sorted_tag_rows(kept: dict[tuple[Any, Any], list[Any]]) -> list[list[Any]]:
    return [kept[key] for key in sorted(kept, key=str)]
