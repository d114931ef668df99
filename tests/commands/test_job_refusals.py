"""Bad configuration stops a job with one line naming the variable, before any request is sent."""

from __future__ import annotations

import json
import urllib.request

import pytest

from tests.conftest import job_environment, run_scrapy

pytestmark = pytest.mark.e2e


def mirror_request_count(mirror_url: str) -> int:
    with urllib.request.urlopen(f"{mirror_url}/_mirror/stats") as response:
        return int(json.load(response)["requests"])


@pytest.mark.parametrize(
    ("overrides", "variable", "words"),
    [
        ({"SEC_USER_AGENT": ""}, "SEC_USER_AGENT", "not set"),
        ({"SEC_USER_AGENT": "Scrapy/2.19 (+https://scrapy.org)"}, "SEC_USER_AGENT", "no e-mail"),
        ({"DOWNLOAD_WORKERS": "11"}, "DOWNLOAD_WORKERS", "too high"),
        ({"SEC_RATE_LIMIT": "20"}, "SEC_RATE_LIMIT", "too high"),
        (
            {"DATABASE_URL": "postgresql://postgres@127.0.0.1:1/filings"},
            "DATABASE_URL",
            "cannot connect",
        ),
        ({"DATABASE_URL": "", "DB_HOST": "127.0.0.1", "DB_PORT": "1"}, "DB_HOST", "cannot connect"),
    ],
)
def test_a_bad_variable_stops_the_crawl_before_any_request(
    database_url, mirror_url, tmp_path, overrides, variable, words
):
    env = job_environment(database_url, mirror_url, tmp_path, **overrides)
    before = mirror_request_count(mirror_url)
    result = run_scrapy(["crawl", "tickers"], env, cwd=tmp_path)
    lines = result.stderr.strip().splitlines()
    assert result.returncode == 2, result.stderr
    assert len(lines) == 1, result.stderr
    assert lines[0].startswith(f"filings_crawler: {variable}"), lines[0]
    assert words in lines[0]
    assert mirror_request_count(mirror_url) == before
    # The job's log file has it too: a scheduled job's operator looks there first.
    [log_file] = (tmp_path / "logs").glob("tickers-*.log")
    logged = [json.loads(line) for line in log_file.read_text().splitlines()]
    assert [(entry["level"], entry["message"]) for entry in logged] == [
        ("ERROR", lines[0].removeprefix("filings_crawler: "))
    ]


def test_a_setting_given_with_dash_s_is_validated_too(database_url, mirror_url, tmp_path):
    env = job_environment(database_url, mirror_url, tmp_path)
    result = run_scrapy(["crawl", "tickers", "-s", "SEC_RATE_LIMIT=20"], env, cwd=tmp_path)
    assert result.returncode == 2
    assert result.stderr.strip() == (
        "filings_crawler: SEC_RATE_LIMIT=20 is too high: it must be <= 10 "
        "(SEC allows at most 10 requests per second)"
    )


MISSPELT = "filings_crawler: SEC_RATE_LIMT is not a setting of filings_crawler; did you mean SEC_RATE_LIMIT?"


@pytest.mark.parametrize("source", ["-s", "environment", ".env"])
def test_a_misspelled_setting_stops_the_crawl_before_any_request(
    database_url, mirror_url, tmp_path, source
):
    # Ignored, it would crawl at 10 requests per second when 5 was asked for.
    env = job_environment(database_url, mirror_url, tmp_path)
    args = ["crawl", "backfill"]
    if source == "-s":
        args += ["-s", "SEC_RATE_LIMT=5"]
    elif source == "environment":
        env["SEC_RATE_LIMT"] = "5"
    else:
        (tmp_path / "crawl.env").write_text("SEC_RATE_LIMT=5\n")
        env["ENV_FILE"] = str(tmp_path / "crawl.env")
    before = mirror_request_count(mirror_url)
    result = run_scrapy(args, env, cwd=tmp_path)
    assert result.returncode == 2, result.stderr
    assert result.stderr.strip() == MISSPELT
    assert mirror_request_count(mirror_url) == before


def test_scrapys_own_settings_are_not_taken_for_misspelled_ones(database_url, mirror_url, tmp_path):
    env = job_environment(database_url, mirror_url, tmp_path, FILINGS_TEST_MARK="x")
    settings = ["LOG_LEVEL=ERROR", "CLOSESPIDER_TIMEOUT=60", "DOWNLOAD_TIMEOUT=30"]
    args = ["crawl", "tickers", "-s", f"JOBDIR={tmp_path / 'jobs'}"]
    for setting in settings:
        args += ["-s", setting]
    result = run_scrapy(args, env, cwd=tmp_path)
    assert result.returncode == 0, result.stderr[-3000:]


def test_a_job_on_a_database_without_the_schema_says_to_run_initdb(
    mirror_url, tmp_path, database_url
):
    import psycopg
    from psycopg import sql
    from sqlalchemy.engine import make_url

    url = make_url(database_url)
    admin = url.set(drivername="postgresql", database="postgres").render_as_string(
        hide_password=False
    )
    with psycopg.connect(admin, autocommit=True) as conn:
        conn.execute(sql.SQL("DROP DATABASE IF EXISTS filings_no_schema WITH (FORCE)"))
        conn.execute(sql.SQL("CREATE DATABASE filings_no_schema"))
    try:
        bare = url.set(database="filings_no_schema").render_as_string(hide_password=False)
        env = job_environment(bare, mirror_url, tmp_path)
        result = run_scrapy(["crawl", "tickers"], env, cwd=tmp_path)
        assert result.returncode == 2
        assert "run `scrapy initdb`" in result.stderr
        # initdb makes it right, and a second initdb changes nothing.
        first = run_scrapy(["initdb"], env, cwd=tmp_path)
        second = run_scrapy(["initdb"], env, cwd=tmp_path)
        assert first.returncode == 0
        assert "applied 001_initial_schema" in first.stdout
        assert second.returncode == 0
        assert "(0 migration(s) applied)" in second.stdout
    finally:
        with psycopg.connect(admin, autocommit=True) as conn:
            conn.execute(sql.SQL("DROP DATABASE IF EXISTS filings_no_schema WITH (FORCE)"))


def test_scrapy_list_lists_the_spiders(tmp_path, database_url, mirror_url):
    env = job_environment(database_url, mirror_url, tmp_path, SEC_USER_AGENT="")
    result = run_scrapy(["list"], env, cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == [
        "backfill",
        "documents",
        "incremental",
        "listings_ref",
        "past_listings",
        "tickers",
    ]


@pytest.mark.parametrize(
    ("job", "line"),
    [
        (
            ["crawl", "backfill", "-a", "exchnage=NYSE"],
            "backfill does not take -a exchnage; it takes: cik, download, exchange, limit",
        ),
        (
            ["crawl", "documents", "-a", "limt=5"],
            "documents does not take -a limt; it takes: cik, exchange, limit",
        ),
        (
            ["crawl", "incremental", "-a", "day=3", "-a", "cik=1"],
            "incremental does not take -a day; it takes: cik, days, download, exchange, until",
        ),
        (["crawl", "tickers", "-a", "limit=5"], "tickers does not take -a limit; it takes none"),
        (
            ["crawl", "past_listings", "-a", "exchange=NYSE"],
            "past_listings does not take -a exchange; it takes none",
        ),
        (
            ["crawl", "backfil"],
            "no spider named 'backfil'; the spiders are: backfill, documents, incremental, "
            "listings_ref, past_listings, tickers",
        ),
    ],
    ids=[
        "backfill-typo",
        "documents-typo",
        "incremental-typo",
        "no-arguments",
        "past-listings-no-arguments",
        "spider-typo",
    ],
)
def test_an_unknown_name_is_refused_before_any_request(
    engine, database_url, mirror_url, tmp_path, job, line
):
    env = job_environment(database_url, mirror_url, tmp_path)
    before = mirror_request_count(mirror_url)
    result = run_scrapy(job, env, cwd=tmp_path)
    assert result.returncode == 2, result.stderr
    assert result.stderr.strip() == f"filings_crawler: {line}"
    assert mirror_request_count(mirror_url) == before


@pytest.mark.parametrize(
    "job",
    [
        ["status", "--bogus"],
        ["facts", "--agian"],
        ["export", "--format", "parquet", "--out", "out", "extra"],
        ["verify", "--fx"],
        ["initdb", "now"],
    ],
    ids=lambda job: job[0],
)
def test_a_project_command_refuses_what_it_does_not_take(database_url, mirror_url, tmp_path, job):
    env = job_environment(database_url, mirror_url, tmp_path)
    result = run_scrapy(job, env, cwd=tmp_path)
    assert result.returncode == 2, result.stderr
    name, unknown = job[0], job[-1]
    line = f"scrapy {name} does not take {unknown}; `scrapy {name} -h` lists its options"
    assert result.stderr.strip() == f"filings_crawler: {line}"
    # Into the job's log file too, and nothing else was done: no export folder.
    [log_file] = (tmp_path / "logs").glob(f"{name}-*.log")
    assert [json.loads(entry)["message"] for entry in log_file.read_text().splitlines()] == [line]
    assert not (tmp_path / "out").exists()
