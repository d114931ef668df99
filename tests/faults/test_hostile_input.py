"""Hostile names and links: nothing written outside the storage root, nothing fetched off SEC."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import text

from tests.conftest import job_environment, run_scrapy
from tests.crawling import mirror_control
from tests.spiders.test_documents import artifacts_of, filing_row

pytestmark = pytest.mark.e2e


def test_a_hostile_filer_cannot_escape_or_send_the_crawler_elsewhere(
    engine, database_url, mirror_url, tmp_path
):
    with (
        engine.begin() as conn
    ):  # a ticker with a slash, a dot and a space; an exchange with a space
        conn.execute(
            text(
                "INSERT INTO companies (cik, name, tickers, primary_ticker, exchange) VALUES "
                "(9999002, 'Hostile Fixture Corp', ARRAY['HOS/T.X Y'], 'HOS/T.X Y', 'NYSE American')"
            )
        )
    work = tmp_path / "work"
    work.mkdir()
    env = job_environment(database_url, mirror_url, work)
    mirror_control(mirror_url, "reset")
    result = run_scrapy(["crawl", "backfill", "-a", "cik=9999002"], env, work)
    assert result.returncode == 0, result.stderr[-3000:]

    # Every file the crawl wrote is under STORAGE_ROOT, in the sanitised layout.
    storage = work / "filings"
    written = {p.relative_to(tmp_path) for p in tmp_path.rglob("*") if p.is_file()}
    outside = {p for p in written if not str(p).startswith(("work/filings/", "work/logs/"))}
    assert outside == set()
    assert not Path("/tmp/escaped.xsd").exists()
    assert sorted(str(p.relative_to(storage)) for p in storage.rglob("*") if p.is_file()) == [
        "NYSE_American/hos-t-x-y/2024/0009999002-24-000001_hos_g1.png",
        "NYSE_American/hos-t-x-y/2024/0009999002-24-000002_hos-20240331_g1.png",
        "NYSE_American/hos-t-x-y/2024/hos-t-x-y-20231231_10k_0009999002-24-000001.html",
        "NYSE_American/hos-t-x-y/2024/hos-t-x-y-20240331_10q_0009999002-24-000002.html",
        "NYSE_American/hos-t-x-y/2024/xbrl/0009999002-24-000001/hos-20231231.xsd",
        "NYSE_American/hos-t-x-y/2024/xbrl/0009999002-24-000002/hos-20240331.xsd",
    ]

    # Nothing was asked for but SEC's own files of this filer: no refused name, no other host.
    paths = [r["path"] for r in mirror_control(mirror_url, "requests")]
    assert all(
        p.startswith(("/www.sec.gov/Archives/edgar/data/9999002/", "/data.sec.gov/submissions/"))
        for p in paths
    ), paths
    for word in (
        "passwd",
        "escaped",
        "secret",
        "evil",
        "steal",
        "shadow",
        "nested",
        "abs_def",
        "aaaa",
    ):
        assert not any(word in p for p in paths), word

    # Each refusal is recorded on its filing.
    _, _, first_problems = filing_row(engine, "0009999002-24-000001")
    for expected in (
        "'../../../../tmp/escaped.xsd'",
        "'/etc/shadow_cal.xml'",
        "'sub/nested_lab.xml'",
        "https://evil.example/steal.png' not fetched: off-site",
        "not fetched: javascript URL",
        "'../../../../etc/passwd.png' not fetched",
    ):
        assert expected in first_problems, expected
    _, _, second_problems = filing_row(engine, "0009999002-24-000002")
    for expected in ("'../escaped_cal.xml'", "'/abs_def.xml'", "'nested/inner_pre.xml'"):
        assert expected in second_problems, expected
    assert set(artifacts_of(engine, "0009999002-24-000001")) == {
        "hos-20231231.htm",
        "hos_g1.png",
        "hos-20231231.xsd",
    }

    # The latin-1 document is stored with its own bytes (only the image link rewritten).
    html = storage / "NYSE_American/hos-t-x-y/2024/hos-t-x-y-20231231_10k_0009999002-24-000001.html"
    data = html.read_bytes()
    assert b"Caf\xe9 cr\xe8me" in data
    assert b'<img src="0009999002-24-000001_hos_g1.png">' in data
