"""The coverage page in headless Chromium with no network: its charts render and it fetches nothing."""

from __future__ import annotations

import html
import json
import re
from datetime import UTC, datetime, timedelta

import pytest
from markupsafe import escape

from filings_crawler.reports.coverage_html import CSP
from tests.browser.chromium import dump_dom, require_chromium, serve
from tests.conftest import job_environment, run_scrapy
from tests.db.test_coverage import insert_dataset, insert_run

# the page in a browser: nothing here depends on the database path
pytestmark = [pytest.mark.e2e, pytest.mark.one_database_path]

# Measured from the probe page, in the frames' own documents (same origin): each <svg>'s size and
# drawn marks, and the resources each frame fetched while loading.
PROBE = """<!doctype html><html><body>
<iframe id="page" src="/coverage.html" width="1200" height="900"></iframe>
<iframe id="open" src="/coverage-no-policy.html" width="1200" height="900"></iframe>
<script>
function visible(element) {
  const box = element.getBoundingClientRect();
  return box.width > 0 && box.height > 0;
}
function measure(frame) {
  const doc = frame.contentDocument;
  return {
    title: doc.title,
    charts: [...doc.querySelectorAll('svg')].map(svg => {
      const box = svg.getBoundingClientRect();
      return {id: svg.id, width: box.width, height: box.height,
              bars: [...svg.querySelectorAll('rect.bar')].filter(visible).length,
              points: [...svg.querySelectorAll('circle.point')].filter(visible).length,
              lines: [...svg.querySelectorAll('polyline')].filter(visible).length};
    }),
    resources: frame.contentWindow.performance.getEntriesByType('resource').map(e => e.name),
  };
}
let waiting = 2;
for (const frame of document.querySelectorAll('iframe')) {
  frame.addEventListener('load', () => {
    if (--waiting) return;
    const report = {
      page: measure(document.getElementById('page')),
      open: measure(document.getElementById('open')),
      probe: performance.getEntriesByType('resource').map(e => new URL(e.name).pathname),
    };
    const out = document.createElement('pre'); out.id = 'report';
    out.textContent = JSON.stringify(report); document.body.appendChild(out);
  });
}
</script></body></html>
"""


def insert_runs(engine) -> None:
    """Four finished crawls: two record their throughput, two what they processed, one its queue
    (the backfill's progress counts companies, so it is no point of the queue chart)."""
    start = datetime(2024, 6, 1, tzinfo=UTC)
    metadata = [
        ("tickers", {"stats": {"downloader/request_count": 2}}),
        (
            "backfill",
            {
                "stats": {"downloader/request_count": 3600, "documents/filings_processed": 40},
                "progress": {"pending": 5},  # companies: not the download queue
            },
        ),
        ("documents", {"stats": {"documents/filings_processed": 12}, "progress": {"pending": 30}}),
        ("listings_ref", {"stats": {}}),
    ]
    for day, (run_type, recorded) in enumerate(metadata):
        began = start + timedelta(days=day)
        insert_run(engine, run_type, began, began + timedelta(hours=1), recorded)


def test_the_page_renders_its_charts_offline_and_fetches_nothing(engine, database_url, tmp_path):
    require_chromium()
    insert_dataset(engine)
    insert_runs(engine)
    site = tmp_path / "site"
    env = job_environment(database_url, "http://127.0.0.1:9", tmp_path)
    result = run_scrapy(["coverage", "--html", str(site / "coverage.html")], env, tmp_path)
    assert result.returncode == 0, result.stderr[-3000:]
    page = (site / "coverage.html").read_text()
    # The page's own policy blocks any fetch (Chromium still lists a blocked one in the timings
    # today); a copy without the policy shows what the markup would fetch, whatever the browser.
    policy = f'<meta http-equiv="Content-Security-Policy" content="{escape(CSP)}">'
    assert policy in page
    (site / "coverage-no-policy.html").write_text(page.replace(policy, ""))
    (site / "probe.html").write_text(PROBE)

    with serve(site) as base:
        dom = dump_dom(f"{base}/probe.html", tmp_path / "profile")
    match = re.search(r'<pre id="report">(.*?)</pre>', dom, re.S)
    assert match, f"the page did not load: {dom[-1000:]}"
    report = json.loads(html.unescape(match.group(1)))

    assert sorted(report["probe"]) == ["/coverage-no-policy.html", "/coverage.html"]
    for frame in ("page", "open"):
        measured = report[frame]
        assert measured["title"].startswith("Dataset coverage")
        assert measured["resources"] == []
        charts = {chart.pop("id"): chart for chart in measured["charts"]}
        assert set(charts) == {
            "chart-coverage",
            "chart-throughput",
            "chart-processed",
            "chart-queue",
        }
        for chart in charts.values():
            assert chart["width"] > 0
            assert chart["height"] > 0
        # Coverage: NASDAQ 2023 complete; 2024 both parts; NYSE 2023 none complete; 2024 both.
        assert charts["chart-coverage"]["bars"] == 6
        assert charts["chart-throughput"]["bars"] == 2  # the runs that counted requests
        assert charts["chart-processed"]["bars"] == 2
        # The documents crawl's recorded queue, and today's, joined by a line.
        assert (charts["chart-queue"]["points"], charts["chart-queue"]["lines"]) == (2, 1)
