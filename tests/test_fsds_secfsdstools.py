"""secfsdstools, a tool written for SEC's Financial Statement Data Sets, reads the FSDS export as
it reads SEC's own quarterly zips, and its standardized balance sheet, income statement and cash
flow of Apple's real filings carry the figures of the facts table.

secfsdstools needs numpy<2, which the project's pyarrow refuses, so it runs in a venv of its own
(`.venv-secfsdstools`, made once from tests/secfsdstools/requirements.txt, as a user would make
an analysis environment); the script it runs is tests/secfsdstools/standardize.py.
"""

from __future__ import annotations

import hashlib
import json
import subprocess
import sys
import zipfile
from decimal import Decimal
from pathlib import Path

import pytest
from sqlalchemy import text

from filings_crawler.sec import fsds
from tests.conftest import PROJECT_ROOT, crawl_apple, job_environment, run_scrapy

pytestmark = [pytest.mark.e2e, pytest.mark.one_database_path]

TOOL = PROJECT_ROOT / "tests" / "secfsdstools"
VENV = PROJECT_ROOT / ".venv-secfsdstools"
# Standardized positions that are one us-gaap tag as Apple files it (others are sums or choices):
# position → tag.
AS_FILED = {
    "Assets": "Assets",
    "LiabilitiesAndEquity": "LiabilitiesAndStockholdersEquity",
    "GrossProfit": "GrossProfit",
    "OperatingIncomeLoss": "OperatingIncomeLoss",
    "NetIncomeLoss": "NetIncomeLoss",
    "NetCashProvidedByUsedInOperatingActivities": "NetCashProvidedByUsedInOperatingActivities",
    "NetCashProvidedByUsedInInvestingActivities": "NetCashProvidedByUsedInInvestingActivities",
    "NetCashProvidedByUsedInFinancingActivities": "NetCashProvidedByUsedInFinancingActivities",
}
Q2_2025 = "0000320193-25-000057"


def secfsdstools_python() -> Path:
    """The venv's python, the venv made (or remade when the requirements changed) first."""
    requirements = TOOL / "requirements.txt"
    wanted = hashlib.sha256(requirements.read_bytes()).hexdigest()
    marker = VENV / "requirements.sha256"
    python = VENV / "bin" / "python"
    if not (marker.exists() and marker.read_text() == wanted and python.exists()):
        subprocess.run([sys.executable, "-m", "venv", "--clear", str(VENV)], check=True)
        subprocess.run(
            [str(python), "-m", "pip", "install", "--quiet", "-r", str(requirements)],
            check=True,
            timeout=900,
        )
        marker.write_text(wanted)
    return python


def pre_rows(path: Path) -> int:
    with zipfile.ZipFile(path) as archive:
        return archive.read("pre.txt").count(b"\n") - 1


def standardized(zips: list[Path], work: Path) -> list[dict]:
    # secfsdstools reads its configuration when imported and would download SEC's data sets
    # unless told not to: a configuration of its own, AutoUpdate off, everything under `work`.
    config = work / "secfsdstools.cfg"
    config.write_text(
        "[DEFAULT]\n"
        f"DownloadDirectory = {work}/dld\nDbDirectory = {work}/db\n"
        f"ParquetDirectory = {work}/parquet\nUserAgentEmail = test@example.com\n"
        "AutoUpdate = False\nKeepZipFiles = True\nNoParallelProcessing = True\n"
    )
    env = {"SECFSDSTOOLS_CFG": str(config), "HOME": str(work), "PATH": "/usr/bin:/bin"}
    result = subprocess.run(
        [str(secfsdstools_python()), str(TOOL / "standardize.py"), str(work), *map(str, zips)],
        env=env,
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
    )
    assert result.returncode == 0, result.stderr[-3000:]
    return [json.loads(line) for line in result.stdout.splitlines() if line.startswith("{")]


def test_secfsdstools_standardizes_the_fsds_export(engine, database_url, mirror_url, tmp_path):
    env = job_environment(database_url, mirror_url, tmp_path)
    crawl_apple(env, tmp_path)
    out = tmp_path / "fsds"
    export = run_scrapy(["export", "--format", "fsds", "--out", str(out)], env, tmp_path)
    assert export.returncode == 0, export.stderr[-3000:]
    work = tmp_path / "secfsdstools"
    work.mkdir()
    # secfsdstools presents what `pre` places on a statement; the quarters whose filings' linkbases
    # are not in the sample have no `pre` rows, and it cannot standardize them.
    with_statements = [path for path in sorted(out.glob("*.zip")) if pre_rows(path)]
    assert {path.stem for path in with_statements} >= {"2023q3", "2025q2"}
    rows = standardized(with_statements, work)

    # The facts table's undimensioned numbers, keyed as FSDS keys them.
    with engine.connect() as conn:
        facts = conn.execute(
            text(
                "SELECT f.accession_number, x.concept_name, x.period_start,"
                " coalesce(x.period_end, x.period_instant), x.value_numeric"
                " FROM facts x JOIN filings f ON f.id = x.filing_id"
                " WHERE x.is_numeric AND NOT x.is_nil AND x.dimensions = '[]'"
                " AND x.concept_name = ANY(:tags)"
            ),
            {"tags": list(AS_FILED.values())},
        ).all()
    filed = {
        (adsh, tag, fsds.ddate(start, end, None), fsds.qtrs(start, end)): Decimal(value)
        for adsh, tag, start, end, value in facts
    }
    statements = {(row["statement"], row["adsh"]) for row in rows}
    assert {("BS", Q2_2025), ("IS", Q2_2025), ("CF", Q2_2025)} <= statements
    checked = 0
    for row in rows:
        for position, tag in AS_FILED.items():
            if position in row["values"]:
                key = (row["adsh"], tag, row["ddate"], row["qtrs"])
                assert key in filed, key
                assert Decimal(str(row["values"][position])) == filed[key], key
                checked += 1
    assert checked >= 3 * len({row["adsh"] for row in rows})
