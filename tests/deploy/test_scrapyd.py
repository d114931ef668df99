"""The project deployed to a real scrapyd on loopback, its jobs scheduled there in order."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
import time
import urllib.parse
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import text

from tests.conftest import PROJECT_ROOT, job_environment
from tests.s3_fixtures import free_port

pytestmark = pytest.mark.e2e

BIN = Path(sys.executable).parent


def call(url: str, path: str, **form: str) -> dict:
    data = urllib.parse.urlencode(form).encode() if form else None
    with urllib.request.urlopen(f"{url}/{path}", data=data, timeout=30) as response:
        return json.load(response)


@pytest.fixture
def scrapyd(tmp_path: Path, database_url: str, mirror_url: str) -> Iterator[str]:
    """scrapyd on a free loopback port; its jobs get the test database and the mirror."""
    home = tmp_path / "scrapyd"
    home.mkdir()
    port = free_port()
    (home / "scrapyd.conf").write_text(
        "[scrapyd]\n"
        "bind_address = 127.0.0.1\n"
        f"http_port = {port}\n"
        f"eggs_dir = {home / 'eggs'}\n"
        f"logs_dir = {home / 'logs'}\n"
        f"dbs_dir = {home / 'dbs'}\n"
        "items_dir =\n"
        "max_proc = 1\n"
        "poll_interval = 0.5\n"
    )
    env = job_environment(database_url, mirror_url, home)
    env["PATH"] = f"{BIN}:{env['PATH']}"
    url = f"http://127.0.0.1:{port}"
    with (home / "scrapyd.out").open("wb") as output:
        server = subprocess.Popen(
            [str(BIN / "scrapyd")], cwd=home, env=env, stdout=output, stderr=output
        )
        try:
            deadline = time.monotonic() + 30
            while True:
                try:
                    if call(url, "daemonstatus.json")["status"] == "ok":
                        break
                except OSError:
                    pass
                assert server.poll() is None, (home / "scrapyd.out").read_text()[-2000:]
                assert time.monotonic() < deadline, "scrapyd did not start"
                time.sleep(0.2)
            yield url
        finally:
            server.terminate()
            server.wait(timeout=30)


def deploy(url: str, tmp_path: Path) -> None:
    """`scrapyd-deploy` from a copy of the project whose deploy target is this scrapyd."""
    project = tmp_path / "project"
    shutil.copytree(
        PROJECT_ROOT,
        project,
        ignore=shutil.ignore_patterns(
            ".venv",
            ".git",
            "data",
            "logs",
            "jobs",
            "tests",
            "__pycache__",
            "*.egg-info",
            "build",
            ".mypy_cache",
            ".ruff_cache",
            ".pytest_cache",
        ),
    )
    config = (project / "scrapy.cfg").read_text()
    (project / "scrapy.cfg").write_text(config.replace("http://127.0.0.1:6800/", f"{url}/"))
    result = subprocess.run(
        [str(BIN / "scrapyd-deploy")],
        cwd=project,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert '"status": "ok"' in result.stdout, result.stdout + result.stderr


def run_job(url: str, spider: str, **arguments: str) -> str:
    job = call(url, "schedule.json", project="filings_crawler", spider=spider, **arguments)["jobid"]
    deadline = time.monotonic() + 240
    while time.monotonic() < deadline:
        jobs = call(url, "listjobs.json?project=filings_crawler")
        if any(finished["id"] == job for finished in jobs["finished"]):
            return job
        time.sleep(0.5)
    raise AssertionError(f"scrapyd job {spider} {job} did not finish")


def test_deployed_jobs_run_in_order_on_scrapyd(scrapyd, engine, tmp_path):
    deploy(scrapyd, tmp_path)
    assert call(scrapyd, "listspiders.json?project=filings_crawler")["spiders"] == [
        "backfill",
        "documents",
        "incremental",
        "listings_ref",
        "past_listings",
        "tickers",
    ]
    jobs = {
        "tickers": run_job(scrapyd, "tickers"),
        "listings_ref": run_job(scrapyd, "listings_ref"),
        "backfill": run_job(scrapyd, "backfill", limit="3", download="no"),
    }
    with engine.connect() as conn:
        runs = conn.execute(
            text(
                "SELECT run_type, status, metadata->>'scrapyd_job', metadata->'arguments' "
                "FROM execution_runs ORDER BY id"
            )
        ).all()
        companies = conn.execute(text("SELECT count(*) FROM companies")).scalar()
        listings = conn.execute(text("SELECT count(*) FROM listings_ref")).scalar()
        reached = conn.execute(
            text("SELECT count(*) FROM companies WHERE submissions_checked_at IS NOT NULL")
        ).scalar()
    assert [(r[0], r[1], r[2]) for r in runs] == [
        (spider, "succeeded", job) for spider, job in jobs.items()
    ]
    assert runs[2][3] == {"limit": "3", "download": "no"}
    assert companies > 8000
    assert listings > 11000
    assert reached == 3  # the backfill's limit: the first three targeted companies
