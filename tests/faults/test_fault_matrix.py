"""Each of SEC's everyday faults on each kind of request the project sends: the stored dataset is
the same, byte for byte, as without faults.

A fault strikes the first request for every URL of every kind (the block page, the first URL of
each kind only): 503, 500, a reset connection, a truncated body, SEC's block page, an answer
slower than the download timeout. The kinds are those of the whole pipeline: SEC's ticker files,
NASDAQ Trader's listing files, the quarterly full index and past_listings' covers, the daily
index, submissions files and their pages, `-xbrl.zip`, folder listings, and each document fetched
on its own. Every crawl must finish (exit 0) with what the clean pipeline stored.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import Engine, text

from edgar_mirror import run_mirror_process
from edgar_mirror.past_universe import Universe, build
from tests.conftest import DATA_TABLES, job_environment, run_scrapy
from tests.faults.test_fault_suite import control

pytestmark = [pytest.mark.e2e, pytest.mark.one_database_path, pytest.mark.slow]

KINDS = {
    "ticker files": r"^/www\.sec\.gov/files/company_tickers",
    "listing files": r"^/www\.nasdaqtrader\.com/",
    "full index": r"^/www\.sec\.gov/Archives/edgar/full-index/",
    "daily index": r"^/www\.sec\.gov/Archives/edgar/daily-index/",
    "submissions files": r"^/data\.sec\.gov/submissions/CIK\d+\.json$",
    "submissions pages": r"^/data\.sec\.gov/submissions/CIK\d+-submissions-\d+\.json$",
    "xbrl zips": r"-xbrl\.zip$",
    "folder listings": r"^/www\.sec\.gov/Archives/edgar/data/\d+/\d+/index\.json$",
    "documents": r"^/www\.sec\.gov/Archives/edgar/data/\d+/\d+/[^/]+\.(?:htm|jpg|png|gif|xml|xsd)$",
}
# SEC's block page is SEC's: NASDAQ Trader has none.
SEC_KINDS = [kind for kind in KINDS if kind != "listing files"]
FAULTS: dict[str, dict[str, Any]] = {
    "503": {"kind": "error", "status": 503},
    "500": {"kind": "error", "status": 500},
    "reset": {"kind": "reset"},
    "truncated": {"kind": "truncate"},
    "block": {"kind": "block", "limit": 1},
    "slow": {"kind": "slow"},
}
# The constructed filers the backfill reads on top of the past universe: every documents rule
# (zip, per file, images in and out of the zip, folder listings), and a page of older filings.
CONSTRUCTED = {9999001: "CTST", 9999003: "PGD"}
SETTINGS = [
    "-s", "SEC_BLOCK_COOLDOWN=1",
    "-s", "SEC_RECOVERY_SECONDS=1",
    "-s", "SEC_MAX_BLOCKS=30",
    # A slow answer (3 s) outlasts it: the request times out and is retried.
    "-s", "DOWNLOAD_TIMEOUT=2",
]  # fmt: skip
PIPELINE = [
    ["crawl", "tickers"],
    ["crawl", "listings_ref"],
    ["crawl", "past_listings"],
    ["crawl", "backfill", "-a", "cik=" + ",".join(map(str, CONSTRUCTED))],
    ["crawl", "incremental", "-a", "until=2024-05-03", "-a", "days=3", "-a", "cik=9999001"],
]


@pytest.fixture(scope="module")
def universe(tmp_path_factory: pytest.TempPathFactory) -> Universe:
    return build(tmp_path_factory.mktemp("matrix-universe"), past=2, otc_listed=1, otc_unlisted=1)


@pytest.fixture(scope="module")
def mirror(universe: Universe) -> Iterator[str]:
    with run_mirror_process(universe.root, latency=0.005, faults={"slow_seconds": 3.0}) as url:
        yield url


def run_pipeline(engine: Engine, env: dict[str, str], where: Path) -> None:
    with engine.begin() as conn:
        conn.execute(text(f"TRUNCATE {', '.join(DATA_TABLES)} RESTART IDENTITY CASCADE"))
    where.mkdir(parents=True, exist_ok=True)
    for step in PIPELINE:
        if step[1] == "backfill":
            with engine.begin() as conn:
                for cik, ticker in CONSTRUCTED.items():
                    conn.execute(
                        text(
                            "INSERT INTO companies (cik, name, tickers, primary_ticker, exchange) "
                            "VALUES (:cik, :ticker, ARRAY[:ticker], :ticker, 'NASDAQ')"
                        ),
                        {"cik": cik, "ticker": ticker},
                    )
        result = run_scrapy([*step, *SETTINGS], env, where)
        assert result.returncode == 0, f"{step}: {result.stderr[-3000:]}"


def stored(engine: Engine, env: dict[str, str], where: Path) -> dict[str, Any]:
    """The dataset, in what two runs must agree on: rows without their clocks, and every file."""
    queries = {
        "companies": "SELECT cik, name, tickers, primary_ticker, exchange, sec_exchanges, "
        "listed_in_past, last_error, submissions_checked_at IS NOT NULL FROM companies",
        "listings_ref": "SELECT symbol, security_name, listing_exchange, is_etf, source_file "
        "FROM listings_ref",
        "past_listings": "SELECT cik, name, exchange, symbol, accession_number, "
        "exchanges_declared, checked_at IS NOT NULL, last_error FROM past_listings",
        "filings": "SELECT accession_number, cik, form, filing_date, primary_document, "
        "fetch_path, exchanges_declared, symbols_declared, last_error FROM filings",
        "artifacts": "SELECT sec_url, kind, status, attempts, storage_path, sha256, "
        "source_sha256, bytes, last_error FROM artifacts",
        "facts": "SELECT f.accession_number, count(*) FROM facts x "
        "JOIN filings f ON f.id = x.filing_id GROUP BY 1",
    }
    with engine.connect() as conn:
        rows = {name: sorted(map(tuple, conn.execute(text(sql)))) for name, sql in queries.items()}
    files = {}
    # The raw symbol directory files, kept in LISTINGS_REF_DIR (data/listings_ref in the cwd).
    for root in (Path(env["STORAGE_ROOT"]), where / "data" / "listings_ref"):
        for path in sorted(root.rglob("*")):
            if path.is_file():
                files[f"{root.name}/{path.relative_to(root)}"] = path.read_bytes()
    return {**rows, "files": files}


@pytest.fixture(scope="module")
def reference(session_engine, database_url, mirror, tmp_path_factory) -> dict[str, Any]:
    control(mirror, "reset")
    where = tmp_path_factory.mktemp("matrix-clean")
    env = job_environment(database_url, mirror, where)
    run_pipeline(session_engine, env, where)
    clean = stored(session_engine, env, where)
    assert len(clean["filings"]) > 10
    assert any(path.startswith("listings_ref/") for path in clean["files"])
    return clean


@pytest.mark.parametrize("fault", list(FAULTS))
def test_each_fault_on_each_kind_of_request_loses_nothing(
    engine, database_url, mirror, tmp_path, reference, universe, fault
):
    kinds = SEC_KINDS if fault == "block" else list(KINDS)
    aimed = [{"path": KINDS[kind], "times": 1, **FAULTS[fault]} for kind in kinds]
    control(mirror, "reset")
    control(mirror, "script", {"faults": {"slow_seconds": 3.0, "aimed": aimed}})
    env = job_environment(database_url, mirror, tmp_path)
    run_pipeline(engine, env, tmp_path)

    struck = Counter(
        kind
        for record in control(mirror, "requests")
        if record["fault"]
        for kind, pattern in KINDS.items()
        if re.search(pattern, record["path"])
    )
    assert set(struck) == set(kinds), struck
    # The covers past_listings reads to decide (a candidate's zip or document) met it too.
    candidates = {str(f.cik) for f in universe.filers}
    assert any(
        record["fault"] and re.search(rf"/data/({'|'.join(candidates)})/", record["path"])
        for record in control(mirror, "requests")
    )
    faulted = stored(engine, env, tmp_path)
    for name in reference:
        assert faulted[name] == reference[name], name
