"""The demo's environment file keeps every job on the mirror, and preflight leaves no folder."""

from __future__ import annotations

import os

import pytest

from edgar_mirror import demo
from filings_crawler.config import SETTING_NAMES
from tests.conftest import PROJECT_ROOT, run_scrapy


def demo_file_environment(database_url: str, **overrides: str) -> dict[str, str]:
    """A user's shell with ENV_FILE=data/demo/.env; the test server stands in for the demo's."""
    env = {k: v for k, v in os.environ.items() if k not in SETTING_NAMES}
    return {
        **env,
        "PYTHONPATH": str(PROJECT_ROOT),
        "SCRAPY_SETTINGS_MODULE": "filings_crawler.settings",
        "ENV_FILE": "data/demo/.env",
        "DATABASE_URL": database_url,
        **overrides,
    }


@pytest.fixture
def demo_folder(tmp_path, mirror_url, monkeypatch):
    monkeypatch.chdir(tmp_path)
    demo.DEMO_DIR.mkdir(parents=True)
    demo.write_env_file(mirror_url)
    return tmp_path


def test_the_demo_file_names_the_mirror_and_its_own_folders(demo_folder, mirror_url):
    text = (demo_folder / "data" / "demo" / ".env").read_text()
    assert f"SEC_WWW_BASE_URL={mirror_url}/www.sec.gov\n" in text
    assert f"SEC_DATA_BASE_URL={mirror_url}/data.sec.gov\n" in text
    assert f"NASDAQ_TRADER_BASE_URL={mirror_url}/www.nasdaqtrader.com\n" in text
    assert "LISTINGS_REF_DIR=data/demo/listings_ref\n" in text


def test_preflight_with_the_demo_file_is_ready_for_the_mirror_and_leaves_nothing(
    demo_folder, database_url, mirror_url
):
    result = run_scrapy(["preflight"], demo_file_environment(database_url), demo_folder)
    assert result.returncode == 0, result.stderr[-3000:]
    assert f"sources          {mirror_url}/www.sec.gov, {mirror_url}/data.sec.gov" in result.stdout
    assert "data/demo/listings_ref" in result.stdout
    assert result.stdout.rstrip().endswith("ready")
    # It only looked: no empty folder for `make clean-demo` to miss.
    assert not (demo_folder / "data" / "listings_ref").exists()
    assert not (demo_folder / "data" / "demo" / "listings_ref").exists()
    assert not (demo_folder / "data" / "demo" / "filings").exists()


def test_the_demo_identity_never_reaches_sec(demo_folder, database_url):
    env = demo_file_environment(database_url, SEC_DATA_BASE_URL="https://data.sec.gov")
    for job in (["preflight"], ["crawl", "tickers"]):
        result = run_scrapy(job, env, demo_folder)
        assert result.returncode == 2, result.stderr[-3000:]
        [line] = result.stderr.strip().splitlines()
        assert "is the demo's made-up identity; SEC_DATA_BASE_URL=https://data.sec.gov" in line
