"""Faults aimed at discovery: every company read however often its submissions file fails first,
and a company whose file never answers makes the crawl say so, exit 4, and the next run finish it.

(Each retry of a submissions request was once dropped as "already discovered": whole companies
vanished from runs recorded as succeeded.)
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from sqlalchemy import Engine, text

from edgar_mirror import run_mirror_process
from tests.conftest import EDGAR_SAMPLE, job_environment, run_scrapy
from tests.faults.test_fault_suite import control
from tests.faults.test_fault_suite import universe as fault_suite_universe

# SEC's faults: what they check does not depend on the database path
pytestmark = [pytest.mark.e2e, pytest.mark.one_database_path]

# Every listed company of the sample with a submissions file, and the constructed filers (one
# with a page of older filings in the window).
COMPANIES = {
    320193: ("AAPL", "NASDAQ"),
    749647: ("IMNN", "NASDAQ"),
    789019: ("MSFT", "NASDAQ"),
    895419: ("WOLF", "NYSE"),
    1009672: ("CRR", "NYSE"),
    1324424: ("EXPE", "NASDAQ"),
    1677077: ("ALZN", "NASDAQ"),
    1766140: ("UNCY", "NASDAQ"),
    9999001: ("CTST", "NASDAQ"),
    9999002: ("HOS", "NYSE"),
    9999003: ("PGD", "NASDAQ"),
}
DISCOVER = ["crawl", "backfill", "-a", "download=no"]
SUBMISSIONS = r"^/data\.sec\.gov/submissions/CIK\d+\.json$"
PAGES = r"^/data\.sec\.gov/submissions/CIK\d+-submissions-\d+\.json$"


def universe(engine: Engine) -> None:
    fault_suite_universe(engine, COMPANIES)


def discovered(engine: Engine) -> dict[str, Any]:
    """What discovery leaves: each company's outcome and every filing recorded."""
    with engine.connect() as conn:
        companies = conn.execute(
            text(
                "SELECT cik, submissions_checked_at IS NOT NULL, last_error, name "
                "FROM companies ORDER BY cik"
            )
        ).all()
        filings = conn.execute(
            text(
                "SELECT accession_number, cik, form, filing_date, primary_document "
                "FROM filings ORDER BY accession_number"
            )
        ).all()
    return {"companies": companies, "filings": filings}


def last_run(engine: Engine) -> tuple[str, dict[str, Any]]:
    with engine.connect() as conn:
        status, metadata = conn.execute(
            text("SELECT status, metadata FROM execution_runs ORDER BY id DESC LIMIT 1")
        ).one()
    return status, metadata


@pytest.fixture(scope="module")
def mirror() -> Iterator[str]:
    with run_mirror_process(EDGAR_SAMPLE, latency=0.005) as url:
        yield url


@pytest.fixture(autouse=True)
def clean_mirror(mirror: str) -> None:
    control(mirror, "reset")


@pytest.fixture(scope="module")
def reference(session_engine, database_url, mirror, tmp_path_factory) -> dict[str, Any]:
    """Discovery through the same mirror with no fault."""
    control(mirror, "reset")
    where = tmp_path_factory.mktemp("clean")
    universe(session_engine)
    result = run_scrapy(DISCOVER, job_environment(database_url, mirror, where), where)
    assert result.returncode == 0, result.stderr[-3000:]
    clean = discovered(session_engine)
    assert len(clean["filings"]) > 50
    assert all(checked for _, checked, _, _ in clean["companies"])
    return clean


def test_every_company_is_read_however_often_its_file_fails_first(
    engine, database_url, mirror, tmp_path, reference
):
    # Each submissions file and page fails once or twice before it answers, in each of the
    # ways SEC's do: a truncated body, a reset connection, a 503, SEC's block page.
    aimed = [
        {"path": "/CIK0000320193.json$", "kind": "block", "times": 1},
        {"path": r"/CIK\d*[0-2]\.json$", "kind": "truncate", "times": 2},
        {"path": r"/CIK\d*[3-5]\.json$", "kind": "reset", "times": 2},
        {"path": r"/CIK\d*[6-8]\.json$", "kind": "error", "times": 2, "status": 503},
        {"path": r"/CIK\d*9\.json$", "kind": "error", "times": 1, "status": 500},
        {"path": PAGES, "kind": "truncate", "times": 1},
        {"path": PAGES, "kind": "reset", "times": 1},
    ]
    control(mirror, "script", {"faults": {"aimed": aimed}})
    universe(engine)
    env = job_environment(database_url, mirror, tmp_path)
    result = run_scrapy([*DISCOVER, "-s", "SEC_BLOCK_COOLDOWN=1"], env, tmp_path)
    injected = control(mirror, "stats")["aimed_faults"]
    assert result.returncode == 0, result.stderr[-3000:]
    assert sorted(injected) == sorted(f"{rule['kind']} {rule['path']}" for rule in aimed)
    assert discovered(engine) == reference
    status, metadata = last_run(engine)
    assert status == "succeeded"
    assert metadata["stats"]["backfill/submissions_fetched"] == len(COMPANIES)
    assert metadata["stats"].get("scheduler/dropped/discovered", 0) == 0


def test_a_company_whose_file_never_answers_is_left_and_the_next_run_reads_it(
    engine, database_url, mirror, tmp_path, reference
):
    control(
        mirror,
        "script",
        {"faults": {"aimed": [{"path": "/CIK0000789019.json$", "kind": "reset", "times": 99}]}},
    )
    universe(engine)
    jobdir = ["-s", f"JOBDIR={tmp_path / 'job'}"]
    env = job_environment(database_url, mirror, tmp_path)
    result = run_scrapy([*DISCOVER, *jobdir], env, tmp_path)
    assert result.returncode == 4, result.stderr[-3000:]
    last_line = result.stderr.strip().splitlines()[-1]
    assert "did not finish" in last_line
    assert "1 company still to read" in last_line
    assert "789019" in last_line
    assert "the same command continues it" in last_line
    status, metadata = last_run(engine)
    assert status == "incomplete"
    account = metadata["stats"]["reconciliation"]
    assert account["left"] == [
        {"what": "companies", "count": 1, "detail": account["left"][0]["detail"]}
    ]
    assert "789019" in account["left"][0]["detail"]
    assert account["unaccounted"] == []
    with engine.connect() as conn:
        checked, error = conn.execute(
            text("SELECT submissions_checked_at, last_error FROM companies WHERE cik = 789019")
        ).one()
    assert checked is None  # not done: asked again by the next run
    assert "submissions JSON" in error

    # SEC answers again: the same command continues the run and finishes it.
    control(mirror, "reset")
    again = run_scrapy([*DISCOVER, *jobdir], env, tmp_path)
    assert again.returncode == 0, again.stderr[-3000:]
    assert discovered(engine) == reference
    status, metadata = last_run(engine)
    assert status == "succeeded"
    # Resumed: only the company left was read again.
    assert metadata["stats"]["backfill/submissions_fetched"] == 1


def test_a_company_sec_has_no_file_for_is_recorded_with_the_reason(
    engine, database_url, mirror, tmp_path
):
    control(
        mirror,
        "script",
        {"faults": {"aimed": [{"path": "/CIK0001677077.json$", "kind": "not_found", "times": 99}]}},
    )
    universe(engine)
    env = job_environment(database_url, mirror, tmp_path)
    result = run_scrapy(DISCOVER, env, tmp_path)
    # SEC's lasting answer: accounted for, not left; the crawl finished its work.
    assert result.returncode == 0, result.stderr[-3000:]
    with engine.connect() as conn:
        checked, error = conn.execute(
            text(
                "SELECT submissions_checked_at IS NOT NULL, last_error FROM companies "
                "WHERE cik = 1677077"
            )
        ).one()
    assert checked
    assert error == "submissions JSON: HTTP 404"
    status, metadata = last_run(engine)
    assert status == "succeeded"
    assert metadata["stats"]["reconciliation"]["failed"] == {"companies": 1}


def test_a_server_that_bans_above_six_a_second_loses_no_company(
    engine, database_url, mirror, tmp_path, reference
):
    control(mirror, "script", {"enforce_rate": 6, "block_seconds": 3})
    try:
        universe(engine)
        env = job_environment(database_url, mirror, tmp_path)
        result = run_scrapy(
            [*DISCOVER, "-s", "SEC_BLOCK_COOLDOWN=4", "-s", "SEC_RECOVERY_SECONDS=1"],
            env,
            tmp_path,
        )
    finally:
        control(mirror, "script", {"enforce_rate": None})
    assert result.returncode == 0, result.stderr[-3000:]
    assert discovered(engine) == reference
    _, metadata = last_run(engine)
    assert metadata["stats"]["budget/sec/blocks"] >= 1


def seed_faults(seed: int) -> dict[str, Any]:
    """Random faults on discovery's requests: a quarter truncated, others reset or 503."""
    return {
        "seed": seed,
        "aimed": [
            {"path": SUBMISSIONS, "kind": "truncate", "rate": 0.25},
            {"path": SUBMISSIONS, "kind": "reset", "rate": 0.12},
            {"path": SUBMISSIONS, "kind": "error", "rate": 0.12, "status": 503},
            {"path": PAGES, "kind": "truncate", "rate": 0.25},
        ],
    }


@pytest.mark.parametrize("seed", range(1, 9))
def test_random_faults_on_discovery_lose_nothing_whatever_the_seed(
    engine, database_url, mirror, tmp_path, reference, seed
):
    """Property: whatever the faults, a crawl either finishes with everything, or ends with exit
    4 naming what is left, and the same command then finishes it. Never a silent gap."""
    control(mirror, "script", {"faults": seed_faults(seed)})
    universe(engine)
    jobdir = ["-s", f"JOBDIR={tmp_path / 'job'}", "-s", "RETRY_TIMES=2"]
    env = job_environment(database_url, mirror, tmp_path)
    for _attempt in range(4):
        result = run_scrapy([*DISCOVER, *jobdir], env, tmp_path)
        if result.returncode == 0:
            break
        assert result.returncode == 4, result.stderr[-3000:]
        assert "still to read" in result.stderr.strip().splitlines()[-1]
    assert result.returncode == 0, result.stderr[-3000:]
    assert discovered(engine) == reference
