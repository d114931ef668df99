"""The dataset as Parquet for DuckDB, pandas, Polars and Spark: filings, facts, pre, tag,
sections, companies, artifacts.

Column names and meanings follow SEC's Financial Statement Data Sets where they overlap, so code
written for those runs on this export:

- `facts` (SEC's `num`): `adsh` (accession number), `tag` (the concept's local name), `version`
  (the taxonomy it is from, as SEC writes it, `us-gaap/2024`, or the filing's adsh for a concept of
  the company's own), `ddate` (the period's end, or the instant, rounded to the nearest month
  end as FSDS does, YYYYMMDD), `qtrs` (its length in quarters, rounded; 0 for an instant), `uom`
  (the unit: `USD`, `shares`, `USD/shares`), `segments` and `coreg` as SEC writes them
  (`Geographical=US;ProductOrService=IPhone;`, see sec/fsds.py) and `value` (four decimal places). Beside
  them the project's own columns: the concept's prefix and namespace, the value as text (text
  facts too, with `is_numeric` false), `is_nil`, the period's start and end, the dimensions as
  written, `decimals`, and the filing's CIK.
- `filings` (SEC's `sub`): SEC's columns first (`adsh`, `cik`, `name`, `sic`, the business and
  mailing addresses, `ein`, `former`, `afs`, `wksi`, `fye`, `form`, `period` (the report date
  rounded to the month end, YYYYMMDD), `fy` and `fp` (the cover's fiscal year and period focus),
  `filed` (YYYYMMDD), `prevrpt`, `instance`...; fsds_rows.py), with `accepted` the acceptance
  time as a true instant; then the point-in-time `exchange` and `ticker` (what the filing's cover
  declares, else the company's) and the project's own columns. A filing whose facts were not
  read has SEC's columns empty.
- `pre` and `tag` (SEC's tables of the same names): each statement line of a filing, and each
  tag a partition's filings use, from the stored schema and linkbases (sec/linkbases.py).
- `sections`: each 10-K and 10-Q Item (docs/sections.md): its status, heading as printed, plain
  text, word count, where it starts and ends, the document and how it was found.
- `companies` and `artifacts`: the tables as they are.

Filings, facts, pre, tag and sections are partitioned by filing year and form
(`year=2024/form_type=10-K_A/`, the form with `/` written `_`; the `form` column keeps SEC's),
artifacts by year. Every file is written
whole through the store (storage/): on disk to a temporary name, then renamed, so a reader never
takes a half-written file; on S3 in one PUT. A file whose bytes would not change is not written
again (pyarrow writes the same bytes for the same rows), so a rerun with no change rewrites
nothing.
"""

from __future__ import annotations

import io
import json
from collections import defaultdict
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from functools import partial
from typing import Any

import pyarrow as pa
import pyarrow.parquet as pq
from sqlalchemy import Connection, text

from filings_crawler.db import exports
from filings_crawler.db.exports import scope as export_scope
from filings_crawler.fsds_rows import keep_tag_rows, linkbase_rows, sorted_tag_rows, sub_row
from filings_crawler.sec import fsds
from filings_crawler.storage.backends import Storage

# Rows fetched from PostgreSQL and written as one Parquet row group at a time.
BATCH = 50_000


_TEXT, _DATE = pa.string(), pa.date32()
_INSTANT = pa.timestamp("us", tz="UTC")
# FSDS keeps `value` as DECIMAL(28,4) (sec/fsds.py rounds it); the type keeps room for more.
VALUE = pa.decimal128(38, 10)

# sub's address columns, business then mailing, as SEC's sub orders them.
_ADDRESS_COLUMNS = fsds.SUB_COLUMNS[
    fsds.SUB_COLUMNS.index("countryba") : fsds.SUB_COLUMNS.index("mas2") + 1
]
# Fixed per table: every file of a table has the same schema, whatever its rows hold (a column
# null in one partition would otherwise be typed "null" there, and readers refuse to combine).
SCHEMAS = {
    "filings": pa.schema(
        [
            ("adsh", _TEXT),
            ("cik", pa.int64()),
            ("name", _TEXT),
            ("sic", pa.int32()),
            *[(column, _TEXT) for column in _ADDRESS_COLUMNS],
            ("countryinc", _TEXT),
            ("stprinc", _TEXT),
            ("ein", _TEXT),
            ("former", _TEXT),
            ("changed", pa.int32()),
            ("afs", _TEXT),
            ("wksi", pa.bool_()),
            ("fye", _TEXT),
            ("form", _TEXT),
            ("period", pa.int32()),
            ("fy", _TEXT),
            ("fp", _TEXT),
            ("filed", pa.int32()),
            ("accepted", _INSTANT),
            ("prevrpt", pa.bool_()),
            ("detail", pa.bool_()),
            ("instance", _TEXT),
            ("nciks", pa.int32()),
            ("aciks", _TEXT),
            ("exchange", _TEXT),
            ("ticker", _TEXT),
            ("filing_date", _DATE),
            ("report_date", _DATE),
            ("primary_document", _TEXT),
            ("is_inline_xbrl", pa.bool_()),
            ("exchanges_declared", pa.list_(_TEXT)),
            ("symbols_declared", pa.list_(_TEXT)),
            ("facts_count", pa.int32()),
            ("facts_error", _TEXT),
            ("company_exchange", _TEXT),
            ("listed_in_past", pa.bool_()),
        ]
    ),
    "facts": pa.schema(
        [
            ("adsh", _TEXT),
            ("tag", _TEXT),
            ("version", _TEXT),
            ("ddate", pa.int32()),
            ("qtrs", pa.int32()),
            ("uom", _TEXT),
            ("segments", _TEXT),
            ("coreg", _TEXT),
            ("value", VALUE),
            ("cik", pa.int64()),
            ("form", _TEXT),
            ("filing_date", _DATE),
            ("concept_prefix", _TEXT),
            ("namespace", _TEXT),
            ("value_text", _TEXT),
            ("is_numeric", pa.bool_()),
            ("is_nil", pa.bool_()),
            ("period_instant", _DATE),
            ("period_start", _DATE),
            ("period_end", _DATE),
            ("dimensions", _TEXT),
            ("decimals", pa.int32()),
        ]
    ),
    "pre": pa.schema(
        [
            ("adsh", _TEXT),
            ("report", pa.int32()),
            ("line", pa.int32()),
            ("stmt", _TEXT),
            ("inpth", pa.int32()),
            ("rfile", _TEXT),
            ("tag", _TEXT),
            ("version", _TEXT),
            ("plabel", _TEXT),
            ("negating", pa.int32()),
        ]
    ),
    "tag": pa.schema(
        [
            ("tag", _TEXT),
            ("version", _TEXT),
            ("custom", pa.int32()),
            ("abstract", pa.int32()),
            ("datatype", _TEXT),
            ("iord", _TEXT),
            ("crdr", _TEXT),
            ("tlabel", _TEXT),
            ("doc", _TEXT),
        ]
    ),
    "sections": pa.schema(
        [
            ("adsh", _TEXT),
            ("cik", pa.int64()),
            ("form", _TEXT),
            ("filing_date", _DATE),
            ("item", _TEXT),
            ("status", _TEXT),
            ("heading", _TEXT),
            ("text", _TEXT),
            ("words", pa.int32()),
            ("start_offset", pa.int32()),
            ("end_offset", pa.int32()),
            ("document", _TEXT),
            ("method", _TEXT),
            ("reason", _TEXT),
        ]
    ),
    "companies": pa.schema(
        [
            ("cik", pa.int64()),
            ("name", _TEXT),
            ("tickers", pa.list_(_TEXT)),
            ("primary_ticker", _TEXT),
            ("exchange", _TEXT),
            ("listed_in_past", pa.bool_()),
            ("sec_exchanges", pa.list_(_TEXT)),
            ("entity_type", _TEXT),
            ("sic", _TEXT),
            ("sic_description", _TEXT),
            ("state_of_incorporation", _TEXT),
            ("fiscal_year_end", _TEXT),
        ]
    ),
    "artifacts": pa.schema(
        [
            ("adsh", _TEXT),
            ("filing_date", _DATE),
            ("kind", _TEXT),
            ("sec_url", _TEXT),
            ("storage_path", _TEXT),
            ("sha256", _TEXT),
            ("bytes", pa.int64()),
            ("status", _TEXT),
            ("attempts", pa.int32()),
            ("last_error", _TEXT),
            ("downloaded_at", _INSTANT),
        ]
    ),
}


@dataclass
class ExportResult:
    """What an export wrote: rows per table, and files created, replaced or left unchanged."""

    rows: dict[str, int] = field(default_factory=lambda: defaultdict(int))
    files: dict[str, int] = field(default_factory=lambda: defaultdict(int))
    # What could not be exported, one line each (the rest was).
    problems: list[str] = field(default_factory=list)


def export_parquet(
    conn: Connection,
    storage: Storage,
    *,
    dataset: Storage,
    exchanges: Sequence[str] | None = None,
    since: date | None = None,
) -> ExportResult:
    """Write the tables under `storage` (see the module's docstring); the filings' linkbases
    (for `pre` and `tag`) are read from `dataset`, the project's store."""
    where, params = export_scope(exchanges, since)
    export = _Export(conn, storage)
    partitions = conn.execute(text(exports.PARQUET_PARTITIONS.format(where=where)), params).all()
    for year, form in partitions:
        # One partition at a time, its rows in batches: memory is a batch of rows and one
        # partition's compressed bytes, whatever the size of the dataset.
        folder = f"year={year}/form_type={form.replace('/', '_')}"
        scope = f"{where} AND {exports.PARQUET_IN_YEAR} AND f.form = :form"
        scoped = {**params, "year": year, "form": form}
        # SEC's sub, pre and tag rows of the partition's filings whose facts were read.
        subs = {}
        pre: list[dict[str, Any]] = []
        tags: dict[tuple[Any, Any], list[Any]] = {}
        for filing in exports.sub_filings(conn, scope, scoped):
            subs[filing["adsh"]] = dict(zip(fsds.SUB_COLUMNS, sub_row(filing), strict=True))
            pre_rows, tag_rows = linkbase_rows(conn, dataset, filing, export.result.problems)
            pre.extend(dict(zip(fsds.PRE_COLUMNS, row, strict=True)) for row in pre_rows)
            keep_tag_rows(tags, tag_rows)
        export.file(
            "filings",
            folder,
            exports.PARQUET_FILINGS.format(where=scope),
            scoped,
            partial(fsds_filing, subs),
        )
        export.file("facts", folder, exports.PARQUET_FACTS.format(where=scope), scoped, fsds_fact)
        export.file("sections", folder, exports.PARQUET_SECTIONS.format(where=scope), scoped)
        export.rows("pre", folder, pre)
        export.rows(
            "tag",
            folder,
            [dict(zip(fsds.TAG_COLUMNS, row, strict=True)) for row in sorted_tag_rows(tags)],
        )
    export.file("companies", "", exports.PARQUET_COMPANIES.format(where=where), params)
    for year in sorted({year for year, _ in partitions}):
        scope = f"{where} AND {exports.PARQUET_IN_YEAR}"
        export.file(
            "artifacts",
            f"year={year}",
            exports.PARQUET_ARTIFACTS.format(where=scope),
            params | {"year": year},
        )
    return export.result


def fsds_filing(subs: dict[str, dict[str, Any]], row: dict[str, Any]) -> dict[str, Any]:
    """A filing with SEC's `sub` columns: `period` the report date at the nearest month end, and
    the others from its `sub` row (in `subs` by adsh; a filing whose facts were not read has
    none); `accepted` stays the true instant, `fy` the cover's text."""
    report = row["period"]
    row["period"] = fsds.yyyymmdd(fsds.month_end(report)) if report else None
    sub = subs.get(row["adsh"], {})
    for column in fsds.SUB_COLUMNS:
        if column not in row:
            row[column] = sub.get(column)
    return row


def fsds_fact(row: dict[str, Any]) -> dict[str, Any]:
    """A fact with SEC's Financial Statement Data Sets columns beside the project's own."""
    dimensions = [tuple(pair) for pair in json.loads(row["dimensions"])]
    end = row["period_end"] or row["period_instant"]
    start = row["period_start"]
    row.update(
        tag=row["concept_name"],
        version=fsds.version(row["namespace"], row["adsh"]),
        ddate=fsds.ddate(start, end, None),
        qtrs=fsds.qtrs(start, end),
        uom=row["unit"],
        segments=fsds.segments(dimensions),
        coreg=fsds.coreg(dimensions),
        value=fsds.value(None if row["value_numeric"] is None else Decimal(row["value_numeric"])),
    )
    return row


@dataclass
class _Export:
    conn: Connection
    storage: Storage
    result: ExportResult = field(default_factory=ExportResult)

    def file(
        self,
        table: str,
        folder: str,
        query: str,
        params: dict[str, Any],
        convert: Callable[[dict[str, Any]], dict[str, Any]] | None = None,
    ) -> None:
        """`{table}/{folder}/part-0.parquet`, from the rows of `query`, streamed in batches."""
        options = self.conn.execution_options(stream_results=True, yield_per=BATCH)
        rows = options.execute(text(query), params)
        schema = SCHEMAS[table]
        buffer = io.BytesIO()
        written = 0
        with pq.ParquetWriter(buffer, schema, compression="zstd") as writer:
            for batch in rows.partitions():
                records = [dict(row._mapping) for row in batch]
                if convert is not None:
                    records = [convert(record) for record in records]
                # A row group per batch: the same rows give the same bytes on every run.
                writer.write_table(pa.Table.from_pylist(records, schema=schema))
                written += len(records)
        self.result.rows[table] += written
        if written:
            self._store(table, folder, buffer.getvalue())

    def rows(self, table: str, folder: str, records: list[dict[str, Any]]) -> None:
        """`{table}/{folder}/part-0.parquet` from rows in hand (one partition's, a few thousand)."""
        if not records:
            return
        buffer = io.BytesIO()
        pq.write_table(
            pa.Table.from_pylist(records, schema=SCHEMAS[table]), buffer, compression="zstd"
        )
        self.result.rows[table] += len(records)
        self._store(table, folder, buffer.getvalue())

    def _store(self, table: str, folder: str, data: bytes) -> None:
        path = "/".join(part for part in (table, folder, "part-0.parquet") if part)
        stored = self.storage.write(path, data)
        self.result.files[stored.outcome] += 1
