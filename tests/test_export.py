"""Facts as filings are stored, the Parquet export, and the DuckDB queries of docs/analysis.md, on
Apple's real filings in the sample (crawled through the local mirror)."""

from __future__ import annotations

import re
from datetime import date, timedelta
from decimal import ROUND_HALF_UP, Decimal

import duckdb
import pyarrow.parquet as pq
import pytest
from lxml import etree
from sqlalchemy import text

from tests.conftest import PROJECT_ROOT, crawl_apple, job_environment, run_scrapy
from tests.sample_files import sample_bytes

pytestmark = [pytest.mark.e2e, pytest.mark.one_database_path]

# Apple's 10-Qs whose SEC-extracted instance is in the sample.
INSTANCES = {
    "0000320193-23-000077": "www.sec.gov/Archives/edgar/data/320193/000032019323000077/aapl-20230701_htm.xml",
    "0000320193-25-000057": "www.sec.gov/Archives/edgar/data/320193/000032019325000057/aapl-20250329_htm.xml",
}
ANALYSIS = PROJECT_ROOT / "docs" / "analysis.md"


INSTANT = "{http://www.xbrl.org/2003/instance}"
DIMENSIONS = "{http://xbrl.org/2006/xbrldi}"


def independent_numbers(body: bytes) -> set[tuple[str, str, Decimal]]:
    """(concept, context, value) of every numeric fact of an instance, read plainly."""
    found = set()
    for element in etree.fromstring(body):
        if isinstance(element.tag, str) and "unitRef" in element.attrib and element.text:
            name = etree.QName(element).localname
            found.add((name, element.attrib["contextRef"], Decimal(element.text.strip())))
    return found


def independent_num_rows(body: bytes) -> set[tuple[str, int, int, str, str, str | None, Decimal]]:
    """SEC's `num` columns (tag, ddate, qtrs, uom, segments, coreg, value) of every numeric fact
    of an instance, from its contexts and units read plainly, as SEC's data sets define them."""
    root = etree.fromstring(body)
    local = lambda qname: qname.strip().rsplit(":", 1)[-1]  # noqa: E731
    # SEC's names: no Axis/Member suffix, no Statement prefix on an axis.
    axis = lambda qname: re.sub(r"^Statement(?=.)", "", local(qname).removesuffix("Axis"))  # noqa: E731
    member_name = lambda qname: local(qname).removesuffix("Member")  # noqa: E731
    contexts = {}
    for context in root.iter(f"{INSTANT}context"):
        instant = context.findtext(f".//{INSTANT}instant")
        end = date.fromisoformat((instant or context.findtext(f".//{INSTANT}endDate")).strip())
        # FSDS rounds the date to the nearest month end.
        following = (end.replace(day=28) + timedelta(days=4)).replace(day=1) - timedelta(days=1)
        previous = end.replace(day=1) - timedelta(days=1)
        rounded = following if (following - end) < (end - previous) else previous
        start = context.findtext(f".//{INSTANT}startDate")
        quarters = round((end - date.fromisoformat(start.strip())).days / 91.31) if start else 0
        members = {
            axis(member.get("dimension")): member_name(member.text)
            for member in context.iter(f"{DIMENSIONS}explicitMember")
        }
        # A typed member's value is the text of the element it holds.
        for member in context.iter(f"{DIMENSIONS}typedMember"):
            members[axis(member.get("dimension"))] = "".join(member.itertext()).strip()
        coreg = members.pop("LegalEntity", None)
        segments = "".join(f"{axis}={member};" for axis, member in sorted(members.items()))
        contexts[context.get("id")] = (int(rounded.strftime("%Y%m%d")), quarters, segments, coreg)
    units = {}
    for unit in root.iter(f"{INSTANT}unit"):
        divide = unit.find(f"{INSTANT}divide")
        parts = [unit] if divide is None else list(divide)  # numerator, denominator
        measures = [
            "*".join(local(m.text) for m in part.iter(f"{INSTANT}measure")) for part in parts
        ]
        units[unit.get("id")] = "/".join(measures)
    found = set()
    for element in root:
        if isinstance(element.tag, str) and "unitRef" in element.attrib and element.text:
            ddate, qtrs, segments, coreg = contexts[element.attrib["contextRef"]]
            uom = units[element.attrib["unitRef"]]
            tag = etree.QName(element).localname
            # FSDS keeps four decimal places (Apple's par value, $0.00001, is 0.0000 there).
            value = Decimal(element.text.strip()).quantize(Decimal("0.0001"), ROUND_HALF_UP)
            found.add((tag, ddate, qtrs, uom, segments, coreg, value))
    return found


def docs_queries() -> list[str]:
    return re.findall(r"```sql\n(.*?)```", ANALYSIS.read_text(), flags=re.S)


def test_facts_export_and_the_documented_queries(engine, database_url, mirror_url, tmp_path):
    # With SEC's instances stored (XBRL_INSTANCE=fetch): their facts are read from them.
    env = job_environment(database_url, mirror_url, tmp_path, XBRL_INSTANCE="fetch")
    crawl_apple(env, tmp_path)

    # The facts of each 10-Q with SEC's instance in the sample equal a plain reading of it.
    with engine.connect() as conn:
        for accession, instance in INSTANCES.items():
            stored = conn.execute(
                text(
                    "SELECT x.concept_name, x.context_id, x.value_numeric FROM facts x "
                    "JOIN filings f ON f.id = x.filing_id "
                    "WHERE f.accession_number = :a AND x.is_numeric AND NOT x.is_nil"
                ),
                {"a": accession},
            ).all()
            source = conn.execute(
                text("SELECT facts_source FROM filings WHERE accession_number = :a"),
                {"a": accession},
            ).scalar_one()
            assert source.endswith("/" + instance.rsplit("/", 1)[1]), accession
            assert len(stored) == len({(n, c, v) for n, c, v in stored})  # each once
            read = {(n, c, Decimal(v)) for n, c, v in stored}
            assert read == independent_numbers(sample_bytes(instance)), accession
        read = conn.execute(text("SELECT count(*) FROM filings WHERE facts_count > 0")).scalar_one()
        total = conn.execute(text("SELECT count(*) FROM facts")).scalar_one()
    assert read > len(INSTANCES)  # and from the inline documents of the others

    # The export: every fact in it, written once; a rerun writes nothing.
    out = tmp_path / "export"
    first = run_scrapy(["export", "--format", "parquet", "--out", str(out)], env, tmp_path)
    assert first.returncode == 0, first.stderr[-3000:]
    files = sorted(out.rglob("*.parquet"))
    assert {p.relative_to(out).parts[0] for p in files} == {
        "filings",
        "facts",
        "pre",
        "tag",
        "sections",
        "companies",
        "artifacts",
    }
    assert not list(out.rglob("*.part"))
    exported = sum(
        pq.read_metadata(p).num_rows for p in files if p.relative_to(out).parts[0] == "facts"
    )
    assert exported == total
    # Each instance's numbers, in SEC's `num` columns, equal a plain reading of it, row for row.
    num = [row for row in pq.read_table(out / "facts").to_pylist() if row["value"] is not None]
    for accession, instance in INSTANCES.items():
        rows = [
            (r["tag"], r["ddate"], r["qtrs"], r["uom"], r["segments"], r["coreg"], r["value"])
            for r in num
            if r["adsh"] == accession
        ]
        assert len(rows) == len(set(rows))
        assert set(rows) == independent_num_rows(sample_bytes(instance)), accession
    times = {p: p.stat().st_mtime_ns for p in files}
    again = run_scrapy(["export", "--format", "parquet", "--out", str(out)], env, tmp_path)
    assert again.returncode == 0, again.stderr[-3000:]
    assert f"files: {len(files)} unchanged" in again.stdout, again.stdout
    assert {p: p.stat().st_mtime_ns for p in out.rglob("*.parquet")} == times

    # The three queries of the docs, as written there, on this export.
    queries = docs_queries()
    assert len(queries) == 3
    results = []
    with duckdb.connect() as db:
        for query in queries:
            results.append(db.execute(query.replace("data/export", str(out))).fetchall())
    revenue, balance_sheet, coverage = results

    # A store that fails half-way (a file where the facts folder goes): exit 1 with the reason
    # last; what was written is whole, and nothing half-written is left.
    blocked = tmp_path / "blocked"
    blocked.mkdir()
    (blocked / "facts").write_text("in the way")
    stopped = run_scrapy(["export", "--format", "parquet", "--out", str(blocked)], env, tmp_path)
    assert stopped.returncode == 1, stopped.stderr[-3000:]
    last = stopped.stderr.strip().splitlines()[-1]
    assert last.startswith("filings_crawler: export stopped: cannot write 'facts/year="), last
    assert list(blocked.rglob("*.parquet"))
    for written in blocked.rglob("*.parquet"):
        pq.read_metadata(written)  # whole
    assert not [p for p in blocked.rglob("*") if p.name.startswith(".") or ".tmp" in p.name]
    # Apple's fiscal 2024 revenue, from its 10-K of 2024-11-01.
    fiscal_2024 = (
        "Apple Inc.",
        "AAPL",
        "2024",
        "RevenueFromContractWithCustomerExcludingAssessedTax",
        Decimal("391035000000"),
    )
    assert fiscal_2024 in [(n, t, fy, tag, Decimal(v)) for n, t, fy, tag, v in revenue]
    assert {tag for _, tag, _ in balance_sheet} >= {"Assets", "Liabilities", "StockholdersEquity"}
    assert ("NASDAQ", 2025) in {(exchange, int(year)) for exchange, year, _, _ in coverage}


def test_a_bad_export_request_is_one_line(engine, database_url, mirror_url, tmp_path):
    env = job_environment(database_url, mirror_url, tmp_path)
    result = run_scrapy(["export", "--format", "csv", "--out", str(tmp_path)], env, tmp_path)
    assert result.returncode != 0
    # The message itself (not a tuple's repr), after the program's name.
    last = result.stderr.strip().splitlines()[-1]
    assert last.endswith(": error: --format 'csv': the formats are parquet, fsds"), last


def test_an_export_to_a_folder_it_cannot_write_is_one_line(
    engine, database_url, mirror_url, tmp_path
):
    env = job_environment(database_url, mirror_url, tmp_path)
    result = run_scrapy(
        ["export", "--format", "parquet", "--out", "/proc/no-export"], env, tmp_path
    )
    assert result.returncode == 2, result.stderr
    [line] = result.stderr.strip().splitlines()
    assert line.startswith("filings_crawler: cannot write under /proc/no-export"), line
    assert line.endswith("nothing exported (check --out and its rights)"), line
