"""The operator's commands on real crawled data: requeue, verify, status."""

from __future__ import annotations

import re
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest
from sqlalchemy import Engine, text

from edgar_mirror import run_mirror_process
from tests.conftest import EDGAR_SAMPLE, job_environment, run_scrapy
from tests.spiders.test_documents import add_company

pytestmark = pytest.mark.e2e


@pytest.fixture
def constructed(engine, database_url, mirror_url, tmp_path):
    """The constructed filer crawled with downloads: stored files, and failed ones to requeue."""
    add_company(engine, 9999001, "CTST")
    env = job_environment(database_url, mirror_url, tmp_path)
    result = run_scrapy(["crawl", "backfill", "-a", "cik=9999001"], env, tmp_path)
    assert result.returncode == 0, result.stderr[-3000:]
    return env


def statuses(engine: Engine) -> dict[str, tuple[str, int]]:
    with engine.connect() as conn:
        rows = conn.execute(text("SELECT sec_url, status, attempts FROM artifacts")).all()
    return {url.rsplit("/", 1)[1]: (status, attempts) for url, status, attempts in rows}


def test_requeue_puts_failed_artifacts_under_the_cap_back_in_the_queue(
    constructed, engine, tmp_path
):
    failed = {name for name, (status, _) in statuses(engine).items() if status == "failed"}
    assert failed == {"ctst-20231231_g5.jpg", "ctst-20240331_g9.png", "ctst-20240331_g4.png"}
    # SEC's 404s spent their attempts at once; two of them as a transient failure would have
    # left them instead (under the cap), and the third has used every attempt.
    assert {attempts for status, attempts in statuses(engine).values() if status == "failed"} == {3}
    with engine.begin() as conn:
        conn.execute(
            text("UPDATE artifacts SET attempts = 1 WHERE sec_url NOT LIKE '%ctst-20240331_g9.png'")
        )

    dry = run_scrapy(["requeue", "--dry-run"], constructed, tmp_path)
    assert dry.returncode == 0, dry.stderr
    assert "would requeue 2 failed artifact(s)" in dry.stdout
    assert "1 failed artifact(s) are out of attempts" in dry.stdout
    assert "HTTP 404" in dry.stdout
    assert {n for n, (s, _) in statuses(engine).items() if s == "failed"} == failed  # unchanged

    other = run_scrapy(["requeue", "--exchange", "NYSE"], constructed, tmp_path)
    assert "requeued 0 failed artifact(s)" in other.stdout

    done = run_scrapy(["requeue"], constructed, tmp_path)
    assert "requeued 2 failed artifact(s)" in done.stdout
    now = statuses(engine)
    assert now["ctst-20231231_g5.jpg"] == ("pending_download", 1)
    assert now["ctst-20240331_g4.png"] == ("pending_download", 1)
    assert now["ctst-20240331_g9.png"] == ("failed", 3)

    reset = run_scrapy(["requeue", "--reset-attempts"], constructed, tmp_path)
    assert "requeued 1 failed artifact(s)" in reset.stdout
    assert statuses(engine)["ctst-20240331_g9.png"] == ("pending_download", 0)

    bad = run_scrapy(["requeue", "--exchange", "LSE"], constructed, tmp_path)
    assert bad.returncode == 2
    assert "--exchange='LSE'" in bad.stderr


def test_verify_catches_altered_and_missing_files_and_fix_requeues_them(
    constructed, engine, tmp_path
):
    clean = run_scrapy(["verify"], constructed, tmp_path)
    assert clean.returncode == 0, clean.stderr
    assert ", 0 missing or altered" in clean.stdout

    storage = Path(constructed["STORAGE_ROOT"])
    folder = storage / "NASDAQ" / "ctst" / "2024"
    altered = folder / "0009999001-24-000001_ctst-20231231_g1.png"
    altered.write_bytes(altered.read_bytes() + b"tampered")
    missing = folder / "xbrl" / "0009999001-24-000002" / "ctst-20240331_lab.xml"
    missing.unlink()

    found = run_scrapy(["verify"], constructed, tmp_path)
    assert found.returncode == 1
    assert "altered (sha256" in found.stdout
    assert str(altered) in found.stdout
    assert f"missing: {missing}" in found.stdout
    assert ", 2 missing or altered" in found.stdout

    fixed = run_scrapy(["verify", "--fix"], constructed, tmp_path)
    assert fixed.returncode == 0
    assert "requeued 2" in fixed.stdout
    assert statuses(engine)["ctst-20231231_g1.png"][0] == "pending_download"

    documents = run_scrapy(["crawl", "documents"], constructed, tmp_path)
    assert documents.returncode == 0, documents.stderr[-3000:]
    again = run_scrapy(["verify"], constructed, tmp_path)
    assert again.returncode == 0
    assert ", 0 missing or altered" in again.stdout
    assert missing.is_file()


def test_verify_refuses_a_store_that_holds_none_or_few_of_the_recorded_files(
    constructed, engine, tmp_path
):
    before = statuses(engine)
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    wrong = run_scrapy(
        ["verify", "--fix"], {**constructed, "STORAGE_ROOT": str(elsewhere)}, tmp_path
    )
    assert wrong.returncode == 2
    assert wrong.stdout == ""  # refused before the full verify listed anything
    [line] = wrong.stderr.splitlines()
    assert f"local disk under {elsewhere} holds 0 of " in line
    assert line.endswith("(check STORAGE_ROOT and its rights)"), line
    assert statuses(engine) == before  # nothing queued again

    # The right store, having lost all its files but one: far fewer than recorded, refused too.
    storage = Path(constructed["STORAGE_ROOT"])
    files = sorted(path for path in storage.rglob("*") if path.is_file())
    with engine.connect() as conn:
        recorded = conn.execute(
            text("SELECT count(*) FROM artifacts WHERE status = 'downloaded'")
        ).scalar_one()
    assert recorded > 10
    for path in files[1:]:
        path.unlink()
    few = run_scrapy(["verify", "--fix"], constructed, tmp_path)
    assert few.returncode == 2
    assert f"holds 1 of {recorded} recorded files sampled" in few.stderr
    assert statuses(engine) == before


def test_status_shows_a_running_crawl_with_progress_and_recent_runs(engine, database_url, tmp_path):
    add_company(engine, 320193, "AAPL")
    add_company(engine, 9999001, "CTST")
    # A run that died without closing (SIGKILL): this host, a pid that is not running.
    with engine.begin() as conn:
        conn.execute(
            text(
                "INSERT INTO execution_runs (run_type, status, started_at, hostname, pid) "
                "VALUES ('documents', 'running', now() - interval '2 hours', :host, 999999)"
            ),
            {"host": socket.gethostname()},
        )
    with run_mirror_process(EDGAR_SAMPLE, latency=1.0) as slow_mirror:
        env = job_environment(database_url, slow_mirror, tmp_path)
        crawl = subprocess.Popen(
            [
                *(sys.executable, "-m", "scrapy", "crawl", "backfill"),
                *("-a", "cik=320193,9999001", "-s", "PROGRESS_INTERVAL=1"),
            ],
            env=env,
            cwd=tmp_path,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        try:
            deadline = time.monotonic() + 60
            output = ""
            while time.monotonic() < deadline and "companies " not in output:
                time.sleep(0.5)
                output = run_scrapy(["status"], env, tmp_path).stdout
            assert "#2 backfill" in output
            assert re.search(r"companies \d of 2", output), output
            assert "requests/s" in output
            assert "STALE: process 999999 is not running on this host" in output
        finally:
            crawl.send_signal(signal.SIGINT)
            crawl.wait(timeout=60)
    final = run_scrapy(["status"], env, tmp_path)
    assert final.returncode == 0
    assert (
        "#2 backfill     cancelled" in final.stdout or "#2 backfill     succeeded" in final.stdout
    )
