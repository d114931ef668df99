"""A stored filing opens in a real browser with no network and shows its images."""

from __future__ import annotations

import pytest
from sqlalchemy import text

from tests.browser.chromium import image_report, require_chromium
from tests.conftest import job_environment, run_scrapy
from tests.spiders.test_documents import add_company

# the stored files in a browser: nothing here depends on the database path
pytestmark = [pytest.mark.e2e, pytest.mark.one_database_path]


def test_stored_filings_show_their_images_offline(engine, database_url, mirror_url, tmp_path):
    require_chromium()
    add_company(engine, 320193, "AAPL")
    add_company(engine, 9999001, "CTST")
    env = job_environment(database_url, mirror_url, tmp_path)
    result = run_scrapy(["crawl", "backfill", "-a", "cik=320193,9999001"], env, tmp_path)
    assert result.returncode == 0, result.stderr[-3000:]
    with engine.connect() as conn:
        pages = dict(
            conn.execute(
                text(
                    "SELECT f.accession_number, a.storage_path FROM artifacts a "
                    "JOIN filings f ON f.id = a.filing_id WHERE a.kind = 'html' AND a.status = 'downloaded'"
                )
            ).all()
        )
    storage = tmp_path / "filings"

    apple = image_report(storage, pages["0000320193-25-000057"], tmp_path / "profile-apple")
    assert apple == [{"src": "0000320193-25-000057_aapl-20250329_g1.jpg", "loaded": True}]

    constructed = image_report(storage, pages["0009999001-24-000001"], tmp_path / "profile-ctst")
    loaded = {str(image["src"]).split(",")[0]: image["loaded"] for image in constructed}
    assert loaded == {
        "0009999001-24-000001_ctst-20231231_g1.png": True,
        "0009999001-24-000001_ctst-20231231_g2.jpg": True,
        "0009999001-24-000001_ctst-20231231_g3.gif": True,
        "0009999001-24-000001_ctst-20231231_g4.png": True,
        # SEC has no such file: recorded as failed, so it cannot show.
        "0009999001-24-000001_ctst-20231231_g5.jpg": False,
        # Off-site and javascript: never fetched, and with no network they cannot load.
        "https://www.example.com/tracker.gif": False,
        "data:image/gif;base64": True,  # inline: shows without any file
        "javascript:alert(1)": False,
    }
