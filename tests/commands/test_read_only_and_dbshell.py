"""Read-only jobs never create a database, and `scrapy dbshell` opens psql on the configured one."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path

import pytest

from tests.conftest import PROJECT_ROOT, run_scrapy

pytestmark = pytest.mark.e2e


def embedded_environment(tmp_path: Path, data_dir: Path) -> dict[str, str]:
    """A job on an embedded PostgreSQL in `data_dir` (no DATABASE_URL), nothing else set."""
    return {
        "PATH": os.environ["PATH"],
        "HOME": os.environ.get("HOME", str(tmp_path)),
        "LANG": "C.UTF-8",
        "PYTHONPATH": str(PROJECT_ROOT),
        "SCRAPY_SETTINGS_MODULE": "filings_crawler.settings",
        "ENV_FILE": "",
        "EMBEDDED_DB_DIR": str(data_dir),
        "STORAGE_ROOT": str(tmp_path / "filings"),
        "LOG_DIR": str(tmp_path / "logs"),
    }


def postgres_running_on(data_dir: Path) -> list[str]:
    """The command lines of PostgreSQL processes serving `data_dir`."""
    found = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            command = (entry / "cmdline").read_bytes().replace(b"\0", b" ").decode()
        except OSError:
            continue
        if "postgres" in command and str(data_dir) in command:
            found.append(command)
    return found


@pytest.mark.parametrize("job", [["status"], ["coverage"], ["verify"], ["dbshell", "-c", "x"]])
def test_a_read_only_job_on_no_database_says_so_and_creates_none(tmp_path, job):
    data_dir = tmp_path / "postgres"
    result = run_scrapy(job, embedded_environment(tmp_path, data_dir), tmp_path)
    assert result.returncode == 2, result.stderr
    [line] = result.stderr.strip().splitlines()
    assert line.startswith(f"filings_crawler: EMBEDDED_DB_DIR: there is no database in {data_dir}")
    assert "`scrapy initdb` creates one there" in line
    assert not data_dir.exists()


def test_dbshell_opens_psql_on_the_embedded_database_and_stops_it_after(tmp_path):
    data_dir = tmp_path / "postgres"
    env = embedded_environment(tmp_path, data_dir)
    assert run_scrapy(["initdb"], env, tmp_path).returncode == 0
    shell = subprocess.run(
        [sys.executable, "-m", "scrapy", "dbshell"],
        input="SELECT count(*) AS companies FROM companies;\n\\q\n",
        env=env,
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert shell.returncode == 0, shell.stderr
    assert shell.stdout.splitlines()[:4] == [
        f"psql on the embedded PostgreSQL in {data_dir}; \\q quits",
        " companies ",
        "-----------",
        "         0",
    ]
    # What it started, it stopped: the embedded server runs only while a job uses it.
    deadline = time.monotonic() + 10
    while postgres_running_on(data_dir) and time.monotonic() < deadline:
        time.sleep(0.2)
    assert postgres_running_on(data_dir) == []


def test_dbshell_runs_on_the_database_url_too(engine, database_url, tmp_path):
    env = {
        **embedded_environment(tmp_path, tmp_path / "unused"),
        "DATABASE_URL": database_url,
    }
    result = run_scrapy(["dbshell", "-c", "SELECT 40 + 2 AS answer"], env, tmp_path)
    assert result.returncode == 0, result.stderr
    assert " answer " in result.stdout
    assert "     42" in result.stdout
    assert not (tmp_path / "unused").exists()
