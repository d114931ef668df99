"""The coverage page's pure pieces: the run axis's labels."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from filings_crawler.db.coverage import RunPoint
from filings_crawler.reports.coverage_html import run_labels


def run(started: datetime) -> RunPoint:
    return RunPoint(1, "backfill", "succeeded", started, started, 1.0, 1, 1, 1, 1, None)


def test_runs_of_one_day_are_labelled_with_their_times():
    morning = datetime(2026, 12, 2, 9, 5, tzinfo=UTC)
    runs = [run(morning + timedelta(minutes=37 * n)) for n in range(4)]
    assert run_labels(runs) == ["09:05 UTC", "09:42 UTC", "10:19 UTC", "10:56 UTC"]


def test_runs_over_several_days_are_labelled_with_their_dates():
    runs = [run(datetime(2026, 11, day, 23, 30, tzinfo=UTC)) for day in (29, 30)]
    assert run_labels(runs) == ["2026-11-29", "2026-11-30"]
