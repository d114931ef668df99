"""`scrapy export --format fsds`: SEC's Financial Statement Data Sets layout, on Apple's real
filings in the sample (crawled through the local mirror), checked against plain readings of
SEC's own instances and read back by secfsdstools, a tool written for SEC's files."""

from __future__ import annotations

import csv
import io
import re
import zipfile
from decimal import Decimal

import pyarrow.parquet as pq
import pytest
from sqlalchemy import text

from filings_crawler.sec import fsds
from tests.conftest import crawl_apple, job_environment, run_scrapy
from tests.sample_files import sample_bytes
from tests.test_export import INSTANCES, independent_num_rows

pytestmark = [pytest.mark.e2e, pytest.mark.one_database_path]

Q2_2025 = "0000320193-25-000057"  # Apple's 10-Q for the quarter ended 2025-03-29


def read_table(archive: zipfile.ZipFile, table: str) -> tuple[list[str], list[dict[str, str]]]:
    body = archive.read(f"{table}.txt").decode("utf-8")
    reader = csv.reader(io.StringIO(body), delimiter="\t", quoting=csv.QUOTE_NONE)
    header, *rows = list(reader)
    return header, [dict(zip(header, row, strict=True)) for row in rows]


@pytest.fixture
def apple(engine, database_url, mirror_url, tmp_path):
    env = job_environment(database_url, mirror_url, tmp_path)
    crawl_apple(env, tmp_path)
    return env


def test_fsds_export_is_secs_layout_with_secs_rules(apple, engine, tmp_path):
    out = tmp_path / "fsds"
    first = run_scrapy(["export", "--format", "fsds", "--out", str(out)], apple, tmp_path)
    assert first.returncode == 0, first.stderr[-3000:]
    zips = sorted(out.glob("*.zip"))
    with engine.connect() as conn:
        # The sample has the linkbases of some filings only (the others' -xbrl.zip is not in it):
        # those are named, each on a line, and the rest is exported.
        without_linkbases = conn.execute(
            text(
                "SELECT accession_number FROM filings f WHERE facts_count > 0 AND NOT EXISTS ("
                " SELECT 1 FROM artifacts a WHERE a.filing_id = f.id AND a.status = 'downloaded'"
                " AND a.sec_url LIKE '%\\_pre.xml')"
            )
        ).scalars()
        named = {
            line.split()[2].rstrip(":")
            for line in first.stdout.splitlines()
            if line.strip().startswith("not exported:")
        }
        assert named == set(without_linkbases), first.stdout
        assert Q2_2025 not in named
        quarters = {
            fsds.quarter(day)
            for day in conn.execute(
                text("SELECT filing_date FROM filings WHERE facts_count > 0")
            ).scalars()
        }
    assert [p.name for p in zips] == [f"{q}.zip" for q in sorted(quarters)]

    tables: dict[str, list[dict[str, str]]] = {"sub": [], "num": [], "pre": [], "tag": []}
    columns = {"sub": fsds.SUB_COLUMNS, "num": fsds.NUM_COLUMNS, "pre": fsds.PRE_COLUMNS}
    columns["tag"] = fsds.TAG_COLUMNS
    quarter_tags: dict[str, dict[tuple[str, str], dict[str, str]]] = {}
    for path in zips:
        with zipfile.ZipFile(path) as archive:
            assert sorted(archive.namelist()) == ["num.txt", "pre.txt", "sub.txt", "tag.txt"]
            for table, expected in columns.items():
                header, rows = read_table(archive, table)
                assert tuple(header) == expected, table
                tables[table].extend(rows)
                if table == "tag":
                    # Each tag once in a quarter's file.
                    quarter_tags[path.stem] = {(r["tag"], r["version"]): r for r in rows}
                    keys = [(r["tag"], r["version"]) for r in rows]
                    assert len(keys) == len(set(keys)), path.name
    sub = {row["adsh"]: row for row in tables["sub"]}

    # The sub row, from the submissions file's profile and the cover's facts.
    q2 = sub[Q2_2025]
    assert {k: q2[k] for k in ("cik", "name", "sic", "form", "period", "fy", "fp", "filed")} == {
        "cik": "320193",
        "name": "APPLE INC.",
        "sic": "3571",
        "form": "10-Q",
        "period": "20250331",  # 2025-03-29 at the nearest month end
        "fy": "2025",
        "fp": "Q2",
        "filed": "20250502",
    }
    assert (q2["countryba"], q2["stprba"], q2["cityba"], q2["zipba"]) == (
        "US",
        "CA",
        "CUPERTINO",
        "95014",
    )
    assert (q2["bas1"], q2["baph"], q2["ein"]) == (
        "ONE APPLE PARK WAY",
        "(408) 996-1010",
        "942404110",
    )
    assert (q2["countryinc"], q2["stprinc"], q2["afs"]) == ("US", "CA", "1-LAF")
    # A 10-K's cover says whether the filer is a well-known seasoned issuer; a 10-Q's does not.
    assert q2["wksi"] == "0"
    assert {row["wksi"] for row in sub.values() if row["form"] == "10-K"} == {"1"}
    assert q2["instance"] == "aapl-20250329_htm.xml"
    assert re.fullmatch(r"2025-05-0[12] \d\d:\d\d:\d\d\.0", q2["accepted"]), q2["accepted"]
    assert (q2["prevrpt"], q2["detail"], q2["nciks"], q2["aciks"]) == ("0", "1", "1", "")
    assert q2["fye"] in ("0927", "0928")

    # num: each instance's numbers as a plain reading of SEC's instance gives them, row for row.
    for accession, instance in INSTANCES.items():
        numbers = [
            (
                r["tag"],
                int(r["ddate"]),
                int(r["qtrs"]),
                r["uom"],
                r["segments"],
                r["coreg"] or None,
                Decimal(r["value"]),
            )
            for r in tables["num"]
            if r["adsh"] == accession
        ]
        assert len(numbers) == len(set(numbers))
        assert set(numbers) == independent_num_rows(sample_bytes(instance)), accession
    num_keys = [tuple(r[c] for c in fsds.NUM_KEY) for r in tables["num"]]
    assert len(num_keys) == len(set(num_keys))  # SEC's key is unique
    assert {r["adsh"] for r in tables["num"]} == set(sub)

    # pre: the statements and cover page of the filing, with SEC's statement codes.
    pre = [r for r in tables["pre"] if r["adsh"] == Q2_2025]
    assert {r["stmt"] for r in pre} >= {"BS", "IS", "CF", "EQ", "CP"}
    assert ("BS", "Assets", "us-gaap/2024") in {(r["stmt"], r["tag"], r["version"]) for r in pre}
    assert any(r["negating"] == "1" for r in pre)
    # tag: every tag a number or a line uses is described.
    tags = {(r["tag"], r["version"]): r for r in tables["tag"]}
    assert {(r["tag"], r["version"]) for r in tables["num"]} <= set(tags)
    # The quarter of Q2_2025 has its labels (its linkbases are stored): SEC's standard label.
    assets = quarter_tags["2025q2"][("Assets", "us-gaap/2024")]
    assert (assets["custom"], assets["abstract"], assets["datatype"], assets["iord"]) == (
        "0",
        "0",
        "monetary",
        "I",
    )
    assert assets["tlabel"] == "Assets"

    # A rerun with nothing changed writes nothing.
    times = {p: p.stat().st_mtime_ns for p in zips}
    again = run_scrapy(["export", "--format", "fsds", "--out", str(out)], apple, tmp_path)
    assert again.returncode == 0, again.stderr[-3000:]
    assert f"files: {len(zips)} unchanged" in again.stdout, again.stdout
    assert {p: p.stat().st_mtime_ns for p in out.glob("*.zip")} == times

    # The Parquet export carries the same tables: SEC's columns first, the same rows.
    parquet = tmp_path / "parquet"
    written = run_scrapy(["export", "--format", "parquet", "--out", str(parquet)], apple, tmp_path)
    assert written.returncode == 0, written.stderr[-3000:]

    def as_text(value: object) -> str:
        if value is None:
            return ""
        if isinstance(value, bool):
            return "1" if value else "0"
        return str(value)

    filings = pq.read_table(parquet / "filings").to_pylist()
    same_columns = [c for c in fsds.SUB_COLUMNS if c not in ("name", "accepted", "fy")]
    assert list(pq.read_schema(next((parquet / "filings").rglob("*.parquet"))).names[:4]) == [
        "adsh",
        "cik",
        "name",
        "sic",
    ]
    for row in filings:
        if row["adsh"] in sub:
            assert {c: as_text(row[c]) for c in same_columns} == {
                c: sub[row["adsh"]][c] for c in same_columns
            }, row["adsh"]
    for table in ("pre", "num"):
        source = "facts" if table == "num" else table
        names = fsds.NUM_COLUMNS if table == "num" else fsds.PRE_COLUMNS
        rows = pq.read_table(parquet / source).to_pylist()
        if table == "num":  # the facts table holds the text facts too, and every duplicate
            rows = [r for r in rows if r["value"] is not None]
            keyed = {tuple(as_text(r[c]) for c in fsds.NUM_KEY) for r in rows}
            assert keyed == {tuple(r[c] for c in fsds.NUM_KEY) for r in tables["num"]}
        else:
            assert sorted(tuple(as_text(r[c]) for c in names) for r in rows) == sorted(
                tuple(r[c] for c in names) for r in tables["pre"]
            )
