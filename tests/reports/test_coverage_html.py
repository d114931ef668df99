"""The coverage page's pure pieces: the run axis's labels, and text from outside kept text."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime, timedelta
from html.parser import HTMLParser

from filings_crawler.db.coverage import Coverage, CoverageRow, ErrorReason, RunPoint
from filings_crawler.reports.charts import run_labels
from filings_crawler.reports.coverage_html import render_page


def run(started: datetime) -> RunPoint:
    return RunPoint(1, "backfill", "succeeded", started, started, 1.0, 1, 1, 1, 1, None)


def test_runs_of_one_day_are_labelled_with_their_times():
    morning = datetime(2026, 12, 2, 9, 5, tzinfo=UTC)
    runs = [run(morning + timedelta(minutes=37 * n)) for n in range(4)]
    assert run_labels(runs) == ["09:05 UTC", "09:42 UTC", "10:19 UTC", "10:56 UTC"]


def test_runs_over_several_days_are_labelled_with_their_dates():
    runs = [run(datetime(2026, 11, day, 23, 30, tzinfo=UTC)) for day in (29, 30)]
    assert run_labels(runs) == ["2026-11-29", "2026-11-30"]


class Text(HTMLParser):
    """The page's text as a browser shows it (entities decoded), and the tags it opens."""

    def __init__(self) -> None:
        super().__init__()
        self.text: list[str] = []
        self.tags: set[str] = set()

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.add(tag)

    def handle_data(self, data: str) -> None:
        self.text.append(data)


HOSTILE = '<script>alert("x")</script> Acme & "Sons" \'Ltd\''


def test_names_from_outside_are_shown_as_text_never_run():
    # The page names no company; what it shows from outside is the exchange, a failure reason
    # (a server's text), a run's type and status, and where the database is.
    row = CoverageRow(HOSTILE, 2024, 1, 1, 2, 1, 1, 1, 1000, 1)
    total = replace(row, year=None)
    coverage = Coverage(
        exchanges=(HOSTILE,),
        targeted={HOSTILE: 1},
        rows=[row, total, replace(row, exchange=None), replace(total, exchange=None)],
        errors=[ErrorReason(HOSTILE, HOSTILE, 1), ErrorReason(None, HOSTILE, 1)],
        untargeted_filings=0,
    )
    started = datetime(2026, 12, 2, 9, 5, tzinfo=UTC)
    runs = [RunPoint(1, HOSTILE, HOSTILE, started, started, 60.0, 1, 1, 1, 1, 2)]
    page = render_page(coverage, runs, database=HOSTILE, generated_at=started)

    assert "<script" not in page.lower()
    parsed = Text()
    parsed.feed(page)
    assert "script" not in parsed.tags
    text = "".join(parsed.text)
    # Each place shows the name whole: the database, the table's block, the two error rows, the
    # runs table's type and status, the chart's exchange label and its swatch of the run type.
    assert text.count(HOSTILE) >= 8
    assert f"{HOSTILE} (companies targeted: 1)" in text
