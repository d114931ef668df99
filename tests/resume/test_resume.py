"""A crawl stopped by SIGTERM, or killed by SIGKILL, then restarted: it completes, nothing missing,
nothing stored fetched again."""

from __future__ import annotations

import json
import signal
import subprocess
import sys
import time
import urllib.request
from collections import Counter
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import Engine, text

from edgar_mirror import run_mirror_process
from tests.conftest import DATA_TABLES, EDGAR_SAMPLE, job_environment, run_scrapy
from tests.spiders.test_documents import add_company

pytestmark = pytest.mark.e2e

CRAWL = ["crawl", "backfill", "-a", "cik=320193,9999001"]


def requests_log(mirror_url: str) -> list[dict]:
    with urllib.request.urlopen(f"{mirror_url}/_mirror/requests", timeout=10) as response:
        return json.load(response)


def dataset(engine: Engine, storage: Path) -> dict[str, Any]:
    """What a finished crawl leaves, in a form two runs can be compared by."""
    with engine.connect() as conn:
        filings = sorted(
            conn.execute(text("SELECT accession_number, fetch_path FROM filings ORDER BY 1")).all()
        )
        artifacts = sorted(
            conn.execute(
                text(
                    "SELECT sec_url, kind, status, attempts, storage_path, sha256, bytes "
                    "FROM artifacts ORDER BY 1"
                )
            ).all()
        )
        runs = conn.execute(text("SELECT count(*) FROM execution_runs")).scalar()
    files = {
        str(path.relative_to(storage)): path.read_bytes()
        for path in sorted(storage.rglob("*"))
        if path.is_file()
    }
    return {"filings": filings, "artifacts": artifacts, "files": files, "runs": runs}


def reset(engine: Engine) -> None:
    with engine.begin() as conn:
        conn.execute(text(f"TRUNCATE {', '.join(DATA_TABLES)} RESTART IDENTITY CASCADE"))
    add_company(engine, 320193, "AAPL")
    add_company(engine, 9999001, "CTST")


def stop_after(
    command: list[str],
    env: dict[str, str],
    work: Path,
    mirror: str,
    *,
    requests: int,
    stop: signal.Signals,
) -> None:
    """Run `scrapy COMMAND` and send it `stop` once the mirror has answered `requests` requests."""
    crawl = subprocess.Popen(
        [sys.executable, "-m", "scrapy", *command],
        env=env,
        cwd=work,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline and len(requests_log(mirror)) < requests:
            time.sleep(0.05)
        assert crawl.poll() is None, "the crawl ended before it could be stopped"
        crawl.send_signal(stop)
        crawl.wait(timeout=120)
    finally:
        crawl.kill()
        crawl.wait()


def uninterrupted(engine: Engine, database_url: str, mirror_url: str, tmp_path: Path) -> dict:
    """The reference: the same crawl, start to finish, into a store of its own."""
    reset(engine)
    env = job_environment(database_url, mirror_url, tmp_path / "reference")
    (tmp_path / "reference").mkdir()
    result = run_scrapy(CRAWL, env, tmp_path / "reference")
    assert result.returncode == 0, result.stderr[-3000:]
    reference = dataset(engine, tmp_path / "reference" / "filings")
    reset(engine)
    return reference


@pytest.mark.parametrize("stop", [signal.SIGTERM, signal.SIGKILL], ids=["sigterm", "sigkill"])
def test_a_stopped_crawl_resumes_to_the_same_result(engine, database_url, tmp_path, stop):
    # A mirror slow enough (0.3 s an answer) to stop the crawl halfway.
    with run_mirror_process(EDGAR_SAMPLE, latency=0.3) as mirror:
        reference = uninterrupted(engine, database_url, mirror, tmp_path)
        urllib.request.urlopen(f"{mirror}/_mirror/reset", timeout=10).close()

        work = tmp_path / "resumed"
        work.mkdir()
        env = job_environment(database_url, mirror, work)
        command = [*CRAWL, "-s", f"JOBDIR={work / 'jobs' / 'backfill'}"]
        stop_after(command, env, work, mirror, requests=30, stop=stop)
        assert (work / "jobs" / "backfill" / "requests.seen").exists()  # a frontier was kept
        with engine.connect() as conn:
            stored_before_stop = {
                url.split("://", 1)[1]
                for url in conn.execute(
                    text("SELECT sec_url FROM artifacts WHERE status = 'downloaded'")
                ).scalars()
            }

        second = run_scrapy(command, env, work)
        assert second.returncode == 0, second.stderr[-3000:]
        log = requests_log(mirror)

    resumed = dataset(engine, work / "filings")
    # Nothing missing, nothing extra: the same filings, artifacts (status, attempts, bytes) and
    # files as the crawl that was never stopped.
    assert resumed["filings"] == reference["filings"]
    missing = set(reference["artifacts"]) - set(resumed["artifacts"])
    extra = set(resumed["artifacts"]) - set(reference["artifacts"])
    assert (missing, extra) == (set(), set())
    assert resumed["files"] == reference["files"]
    assert resumed["runs"] == 2
    # The finished crawl cleared its frontier for the next run.
    assert not (work / "jobs" / "backfill" / "requests.seen").exists()

    # No artifact downloaded twice (a document, an image, an XBRL file, or the zip that carries
    # them). After SIGTERM Scrapy finishes what is in flight, so nothing at all. After SIGKILL,
    # nothing that was stored (recorded) before the kill; the files of a filing still in
    # progress, fetched but not yet recorded, are fetched again. A chain cut short (a 404'd zip
    # whose fallback had not begun, a folder listing) is asked again: those are not artifacts.
    artifacts = {
        url.split("://", 1)[1]
        for url, _, status, *_ in resumed["artifacts"]
        if status == "downloaded"
    }
    carriers = {  # the zips that served a filing's artifacts (not a broken one, not a 404)
        f"{accession}-xbrl.zip" for accession, path in resumed["filings"] if path == "xbrl_zip"
    }
    archive = Counter(
        r["path"]
        for r in log
        if r["path"].lstrip("/") in artifacts or r["path"].rsplit("/", 1)[1] in carriers
    )
    twice = {path for path, count in archive.items() if count > 1}
    if stop == signal.SIGTERM:
        assert twice == set()
    else:
        assert {path.lstrip("/") for path in twice} & stored_before_stop == set()
    assert max(archive.values()) <= 2


def test_a_killed_discovery_resumes_without_asking_sec_again_for_what_it_recorded(
    engine, database_url, tmp_path
):
    # The sample's listed filers and 150 more without a submissions file (SEC's 404 is recorded
    # on the company too): enough companies that the kill comes mid-discovery.
    real = [320193, 789019, 1324424, 749647, 895419, 1677077, 1766140]
    ciks = real + list(range(2_000_001, 2_000_151))
    with engine.begin() as conn:
        conn.execute(text(f"TRUNCATE {', '.join(DATA_TABLES)} RESTART IDENTITY CASCADE"))
    for cik in ciks:
        add_company(engine, cik, f"T{cik}")
    work = tmp_path / "discovery"
    work.mkdir()
    with run_mirror_process(EDGAR_SAMPLE, latency=0.2) as mirror:
        env = job_environment(database_url, mirror, work)
        command = [
            "crawl",
            "backfill",
            "-a",
            "download=no",
            "-s",
            "DOWNLOAD_WORKERS=2",
            "-s",
            f"JOBDIR={work / 'jobs' / 'backfill'}",
        ]
        stop_after(command, env, work, mirror, requests=60, stop=signal.SIGKILL)
        time.sleep(1)  # what was in flight at the kill is answered (and logged) by now
        asked_before = submissions_ciks(requests_log(mirror))
        with engine.connect() as conn:
            recorded = set(
                conn.execute(
                    text("SELECT cik FROM companies WHERE submissions_checked_at IS NOT NULL")
                ).scalars()
            )
        urllib.request.urlopen(f"{mirror}/_mirror/reset", timeout=10).close()

        second = run_scrapy(command, env, work)
        assert second.returncode == 0, second.stderr[-3000:]
        log = requests_log(mirror)
        asked_again = submissions_ciks(log)

    # And nothing twice within the resumed run, though its frontier replays old requests.
    files = Counter(r["path"] for r in log if r["path"].endswith("0.json") or "CIK" in r["path"])
    assert max(files.values()) == 1, files.most_common(3)

    assert recorded, "nothing was recorded before the kill: kill later"
    assert recorded < set(ciks), "everything was recorded before the kill: kill sooner"
    # Only what was in flight or not yet written at the kill is asked again.
    assert asked_again & recorded == set()
    assert asked_again | recorded == set(ciks)
    assert asked_before & asked_again <= set(ciks) - recorded
    with engine.connect() as conn:
        unchecked = conn.execute(
            text("SELECT count(*) FROM companies WHERE submissions_checked_at IS NULL")
        ).scalar()
    assert unchecked == 0


def submissions_ciks(log: list[dict]) -> set[int]:
    """The companies whose submissions (file or page) the log asked for."""
    return {
        int(record["path"].rsplit("/CIK", 1)[1][:10])
        for record in log
        if record["path"].startswith("/data.sec.gov/submissions/CIK")
    }
