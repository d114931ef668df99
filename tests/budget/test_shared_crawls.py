"""Several crawls, one SEC budget through Redis: three `documents` crawls and an `incremental` at
once against the local mirror, which counts arrivals in a sliding second as SEC does."""

from __future__ import annotations

import json
import subprocess
import sys
import time
from collections import Counter
from collections.abc import Iterator
from datetime import date
from pathlib import Path
from typing import Any

import pytest
import redis
from sqlalchemy import Engine, text

from edgar_mirror import run_mirror_process
from edgar_mirror.requestlog import max_in_any_window
from filings_crawler.budget.shared import PREFIX
from tests.conftest import job_environment, run_scrapy
from tests.crawling import mirror_control
from tests.redis_server import REDIS_URL, require_redis

# The budget's keys in Redis are cleared by these tests: under pytest-xdist (--dist loadgroup)
# every test using Redis runs on one worker.
pytestmark = [pytest.mark.e2e, pytest.mark.one_database_path, pytest.mark.xdist_group("redis")]

SYNTH = Path(__file__).resolve().parents[2] / "benchmarks" / "synth.py"
DOCUMENTED = 7  # companies whose filings have folders in the universe


@pytest.fixture(scope="module")
def universe(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    """A small synthetic universe, and a day of EDGAR's daily index naming one filing of the
    last documented company (which the backfill leaves out, for the incremental to find)."""
    root = tmp_path_factory.mktemp("shared") / "mirror"
    subprocess.run(
        [
            sys.executable,
            str(SYNTH),
            "--out",
            str(root),
            "--companies",
            "300",
            "--documents-for",
            str(DOCUMENTED),
            "--seed",
            "17",
        ],
        check=True,
        stdout=subprocess.DEVNULL,
    )
    documented = sorted(
        int(path.name)
        for path in (root / "www.sec.gov/Archives/edgar/data").iterdir()
        if path.name.isdigit() and int(path.name) >= 3_000_000
    )[:DOCUMENTED]
    last = documented[-1]
    recent = json.loads((root / f"data.sec.gov/submissions/CIK{last:010d}.json").read_text())
    rows = recent["filings"]["recent"]
    accession, form, filed = next(
        (a, f, d)
        for a, f, d in zip(rows["accessionNumber"], rows["form"], rows["filingDate"], strict=True)
        if f in ("10-Q", "10-K")
        and "2024-01-01" <= d <= "2025-12-31"
        and (root / f"www.sec.gov/Archives/edgar/data/{last}/{a.replace('-', '')}").is_dir()
    )
    day = date.fromisoformat(filed)
    folder = (
        root / f"www.sec.gov/Archives/edgar/daily-index/{day.year}/QTR{(day.month - 1) // 3 + 1}"
    )
    folder.mkdir(parents=True, exist_ok=True)
    (folder / f"master.{day:%Y%m%d}.idx").write_text(
        "Description:           Daily Index of EDGAR Dissemination Feed by Company Name\n"
        f"Last Data Received:    {day:%B %d, %Y}\n"
        "Comments:              webmaster@sec.gov\n"
        "Anonymous FTP:         ftp://ftp.sec.gov/edgar/\n\n\n\n"
        "CIK|Company Name|Form Type|Date Filed|File Name\n"
        + "-" * 80
        + "\n"
        + f"{last}|{recent['name']}|{form}|{day:%Y%m%d}|edgar/data/{last}/{accession}.txt\n"
    )
    return {
        "root": root,
        "backfilled": documented[:-1],
        "found": last,
        "accession": accession,
        "day": day,
    }


@pytest.fixture
def shared(
    engine: Engine, database_url: str, universe: dict[str, Any], tmp_path: Path
) -> Iterator[tuple[str, dict[str, str]]]:
    yield from shared_budget(database_url, universe, tmp_path)


@pytest.fixture
def delayed(
    engine: Engine, database_url: str, universe: dict[str, Any], tmp_path: Path
) -> Iterator[tuple[str, dict[str, str]]]:
    """As `shared`, but across a network: each request arrives a random 0-50 ms after it left."""
    yield from shared_budget(database_url, universe, tmp_path, arrival_delay=0.05)


def shared_budget(
    database_url: str, universe: dict[str, Any], tmp_path: Path, arrival_delay: float = 0.0
) -> Iterator[tuple[str, dict[str, str]]]:
    """The mirror, enforcing SEC's limit, and the documents queue of the backfilled companies."""
    require_redis()
    client = redis.Redis.from_url(REDIS_URL)
    for key in client.scan_iter(f"{PREFIX}:*"):
        client.delete(key)
    with run_mirror_process(
        universe["root"], enforce_rate=10, arrival_delay=arrival_delay, niceness=-10
    ) as mirror:
        env = job_environment(
            database_url, mirror, tmp_path, SEC_BUDGET_URL=REDIS_URL, SEC_BLOCK_COOLDOWN="3"
        )
        for spider in ("tickers", "listings_ref"):
            result = run_scrapy(["crawl", spider], env, tmp_path)
            assert result.returncode == 0, result.stderr[-2000:]
        ciks = ",".join(map(str, universe["backfilled"]))
        result = run_scrapy(
            ["crawl", "backfill", "-a", f"cik={ciks}", "-a", "download=no"], env, tmp_path
        )
        assert result.returncode == 0, result.stderr[-2000:]
        mirror_control(mirror, "reset")
        yield mirror, env
    client.close()


def start(args: list[str], env: dict[str, str], cwd: Path, name: str) -> subprocess.Popen[str]:
    """`scrapy ARGS` in the background, its stderr in `cwd/NAME.err`."""
    with (cwd / f"{name}.err").open("w") as log:  # the child keeps its own descriptor
        return subprocess.Popen(
            [sys.executable, "-m", "scrapy", *args],
            env=env,
            cwd=cwd,
            stdout=subprocess.DEVNULL,
            stderr=log,
            text=True,
        )


def test_three_documents_crawls_and_an_incremental_share_one_budget(
    engine, shared, universe, tmp_path
):
    mirror, env = shared
    with engine.connect() as conn:
        queued = conn.execute(
            text("SELECT count(*) FROM artifacts WHERE status = 'pending_download'")
        ).scalar_one()
    assert queued > 50
    with engine.connect() as conn:
        queued_filings = conn.execute(
            text(
                "SELECT count(DISTINCT filing_id) FROM artifacts WHERE status = 'pending_download'"
            )
        ).scalar_one()
    # A block after the 120th request: every crawl must pause within a second.
    mirror_control(
        mirror, "script", {"blocks": [{"at": 120, "seconds": 1.5, "page": "rate_threshold"}]}
    )
    workers = [
        start(
            ["crawl", "documents"],
            {**env, "LOG_DIR": str(tmp_path / f"logs{n}")},
            tmp_path,
            f"documents{n}",
        )
        for n in range(3)
    ]
    time.sleep(1.0)
    day = universe["day"]
    incremental = start(
        ["crawl", "incremental", "-a", f"until={day}", "-a", "days=1"],
        {**env, "LOG_DIR": str(tmp_path / "logs-incremental")},
        tmp_path,
        "incremental",
    )
    finished: dict[str, float] = {}
    processes = {"incremental": incremental, **{f"documents{n}": p for n, p in enumerate(workers)}}
    deadline = time.monotonic() + 400
    while len(finished) < len(processes) and time.monotonic() < deadline:
        for name, process in processes.items():
            if name not in finished and process.poll() is not None:
                finished[name] = time.monotonic()
        time.sleep(0.2)
    for process in processes.values():
        if process.poll() is None:
            process.kill()
        process.wait()
    records = mirror_control(mirror, "requests")
    stats = mirror_control(mirror, "stats")

    for name, process in processes.items():
        assert process.returncode == 0, (name, (tmp_path / f"{name}.err").read_text()[-3000:])
    assert min(finished, key=finished.__getitem__) == "incremental"

    arrivals = [r["arrival"] for r in records]
    assert max_in_any_window(arrivals) <= 10
    # Besides the scripted block, no request over the limit.
    assert stats["rate_violations"] == 0
    # The block: from a second after it began until the pause (SEC_BLOCK_COOLDOWN) ended,
    # nothing arrived from any of the crawls.
    blocked = sorted(r["arrival"] for r in records if r["status"] == 403)
    began = blocked[0]
    during = [a - began for a in arrivals if began + 1.0 <= a < began + 2.9]
    assert during == [], during
    # Every file fetched once, by one crawl, and stored once.
    paths = Counter(
        r["path"] for r in records if "/Archives/edgar/data/" in r["path"] and r["status"] == 200
    )
    assert paths
    assert max(paths.values()) == 1, paths.most_common(3)
    with engine.connect() as conn:
        left = conn.execute(
            text("SELECT count(*) FROM artifacts WHERE status = 'pending_download'")
        ).scalar_one()
        leased = conn.execute(
            text("SELECT count(*) FROM filings WHERE lease_owner IS NOT NULL")
        ).scalar_one()
        found = conn.execute(
            text(
                "SELECT count(*) FROM filings WHERE accession_number = :a "
                "AND documents_fetched_at IS NOT NULL"
            ),
            {"a": universe["accession"]},
        ).scalar_one()
    assert left == 0
    assert leased == 0
    assert found == 1
    # The queue was split: each documents crawl fetched its part, through the shared budget.
    with engine.connect() as conn:
        runs = conn.execute(
            text("SELECT metadata->'stats' FROM execution_runs WHERE run_type = 'documents'")
        ).scalars()
        processed = [int(stats.get("documents/filings_processed", 0)) for stats in runs]
    assert len(processed) == 3
    assert all(count > 0 for count in processed), processed
    assert sum(processed) >= queued_filings
    # status shows the shared budget, and the breaker's lower rate that still holds.
    status = run_scrapy(["status"], env, tmp_path)
    assert status.returncode == 0, status.stderr
    shared_line = next(line for line in status.stdout.splitlines() if "Shared SEC budget" in line)
    assert f"Shared SEC budget ({REDIS_URL})" in shared_line
    assert "requests/s since a block" in shared_line


def test_three_crawls_sharing_the_budget_stay_under_the_limit_where_sec_counts(
    engine, delayed, tmp_path
):
    """SEC counts arrivals, and the network delays each request differently: sends spaced to
    the limit arrive bunched (11 in one second once, and a ten-minute block for all three)."""
    mirror, env = delayed
    workers = {
        f"documents{n}": start(
            ["crawl", "documents"],
            {**env, "LOG_DIR": str(tmp_path / f"logs{n}")},
            tmp_path,
            f"documents{n}",
        )
        for n in range(3)
    }
    for name, process in workers.items():
        try:
            process.wait(timeout=400)
        finally:
            if process.poll() is None:
                process.kill()
                process.wait()
        assert process.returncode == 0, (name, (tmp_path / f"{name}.err").read_text()[-3000:])
    records = mirror_control(mirror, "requests")
    stats = mirror_control(mirror, "stats")
    arrivals = sorted(r["arrival"] for r in records)
    assert max_in_any_window(arrivals) <= 10
    assert stats["rate_violations"] == 0
    with engine.connect() as conn:
        left = conn.execute(
            text("SELECT count(*) FROM artifacts WHERE status = 'pending_download'")
        ).scalar_one()
    assert left == 0
    steady = arrivals[len(arrivals) // 10 : -len(arrivals) // 10]
    print(
        f"three crawls, arrivals delayed 0-50 ms: {(len(steady) - 1) / (steady[-1] - steady[0]):.2f}/s"
    )
