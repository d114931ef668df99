"""Coverage queries on a small known dataset: every count, the error reasons and the runs."""

from __future__ import annotations

import json
from datetime import UTC, date, datetime

import pytest
from sqlalchemy import Engine, text

from filings_crawler.db.coverage import (
    NO_REASON,
    CoverageRow,
    ErrorReason,
    load_coverage,
    load_run_points,
)

# (cik, exchange): NASDAQ 3 (one without filings), NYSE 2 (one without), NYSE American 1, and
# one UNKNOWN company whose filings must not count anywhere.
COMPANIES = [
    (1, "NASDAQ"),
    (2, "NASDAQ"),
    (3, "NASDAQ"),
    (4, "NYSE"),
    (5, "NYSE"),
    (7, "NYSE American"),
    (6, "UNKNOWN"),
]

D, P, F = "downloaded", "pending_download", "failed"
# A reason that names its file: counted as one reason, whatever the file.
TOO_BIG = "Cancelling download of {url}: expected response size (600 MB) larger than 512 MB"

# accession suffix → (cik, filing date, [(kind, status, bytes or error)])
FILINGS: dict[int, tuple[int, date, list[tuple[str, str, int | str | None]]]] = {
    # NASDAQ
    1: (1, date(2023, 3, 1), [("html", D, 1000), ("image", D, 200)]),  # complete
    2: (
        1,
        date(2024, 2, 1),
        [("html", D, 3000), ("image", F, "HTTP 404"), ("image", F, None), ("xbrl", P, None)],
    ),
    3: (2, date(2024, 5, 1), [("html", D, 5000)]),  # complete
    4: (2, date(2024, 8, 1), []),  # nothing queued: not complete
    # NYSE
    5: (
        4,
        date(2023, 11, 1),
        [
            ("html", F, "HTTP 503"),
            ("image", F, "HTTP 404"),
            ("image", F, "HTTP 404"),
            ("xbrl", F, TOO_BIG.format(url="https://www.sec.gov/Archives/edgar/data/4/5/a.xml")),
        ],
    ),
    6: (4, date(2024, 3, 1), [("html", D, 7000), ("image", D, 500), ("xbrl", D, 2500)]),
    7: (
        4,
        date(2024, 6, 1),
        [
            ("html", D, 4000),
            ("image", P, None),
            ("image", F, "HTTP 404"),
            ("image", F, "HTTP 503"),
            ("xbrl", F, TOO_BIG.format(url="https://www.sec.gov/Archives/edgar/data/4/7/b.xml")),
            ("exhibit", F, "connection lost"),
        ],
    ),
    # UNKNOWN: more failures than anyone, so counting them would change the top reasons.
    8: (6, date(2024, 4, 1), [("html", D, 99999), *[("image", F, "HTTP 500")] * 5]),
}


def insert_dataset(engine: Engine) -> None:
    with engine.begin() as conn:
        for cik, exchange in COMPANIES:
            conn.execute(
                text("INSERT INTO companies (cik, name, exchange) VALUES (:cik, :name, :exchange)"),
                {"cik": cik, "name": f"Company {cik}", "exchange": exchange},
            )
        for number, (cik, filed, artifacts) in FILINGS.items():
            filing_id = conn.execute(
                text(
                    "INSERT INTO filings (accession_number, cik, form, filing_date, primary_document) "
                    "VALUES (:accession, :cik, '10-K', :filed, 'doc.htm') RETURNING id"
                ),
                {"accession": f"{cik:010d}-{filed:%y}-{number:06d}", "cik": cik, "filed": filed},
            ).scalar_one()
            for index, (kind, status, value) in enumerate(artifacts):
                insert_artifact(conn, filing_id, f"{number}/{index}", kind, status, value)


def insert_artifact(conn, filing_id: int, name: str, kind: str, status: str, value) -> None:
    stored = status == D
    conn.execute(
        text(
            "INSERT INTO artifacts (filing_id, kind, sec_url, status, storage_path, sha256, "
            "bytes, last_error) VALUES (:filing_id, :kind, :url, :status, :path, :sha, :bytes, :error)"
        ),
        {
            "filing_id": filing_id,
            "kind": kind,
            "url": f"https://www.sec.gov/Archives/edgar/data/{name}",
            "status": status,
            "path": f"files/{name}" if stored else None,
            "sha": "0" * 64 if stored else None,
            "bytes": value if stored else None,
            "error": value if status == F else None,
        },
    )


@pytest.fixture
def coverage(engine):
    insert_dataset(engine)
    with engine.connect() as conn:
        return load_coverage(conn)


def test_every_number_of_every_row(coverage):
    expected = [
        # exchange, year, targeted, with filings, found, complete, pending, failed, bytes, queued
        CoverageRow("NASDAQ", 2023, 3, 1, 1, 1, 0, 0, 1200, 0),
        CoverageRow("NASDAQ", 2024, 3, 2, 3, 1, 1, 2, 8000, 1),
        CoverageRow("NASDAQ", None, 3, 2, 4, 2, 1, 2, 9200, 1),
        CoverageRow("NYSE", 2023, 2, 1, 1, 0, 0, 4, 0, 1),
        CoverageRow("NYSE", 2024, 2, 1, 2, 1, 1, 4, 14000, 1),
        CoverageRow("NYSE", None, 2, 1, 3, 1, 1, 8, 14000, 2),
        CoverageRow("NYSE American", None, 1, 0, 0, 0, 0, 0, 0, 0),
        CoverageRow("NYSE Arca", None, 0, 0, 0, 0, 0, 0, 0, 0),
        CoverageRow(None, 2023, 6, 2, 2, 1, 0, 4, 1200, 1),
        CoverageRow(None, 2024, 6, 3, 5, 2, 2, 6, 22000, 2),
        CoverageRow(None, None, 6, 3, 7, 3, 2, 10, 23200, 3),
    ]
    # In order: exchanges as TARGET_EXCHANGES lists them, then all of them; years, then the total.
    assert coverage.rows == expected
    assert coverage.block("NYSE") == expected[3:6]
    assert coverage.total("NYSE American") == expected[6]


def test_targeted_counts_and_what_is_left_out(coverage):
    assert coverage.targeted == {"NASDAQ": 3, "NYSE": 2, "NYSE American": 1, "NYSE Arca": 0}
    assert coverage.untargeted_filings == 1
    assert coverage.has_filings
    assert coverage.queue == 12


def test_completeness_is_complete_over_found(coverage):
    assert coverage.total("NASDAQ").completeness == 50.0
    assert coverage.total().completeness == pytest.approx(300 / 7)
    assert coverage.total("NYSE Arca").completeness is None


def test_top_three_error_reasons_per_exchange_and_overall(coverage):
    assert coverage.errors == [
        ErrorReason("NASDAQ", NO_REASON, 1),
        ErrorReason("NASDAQ", "HTTP 404", 1),
        ErrorReason("NYSE", "HTTP 404", 3),
        ErrorReason("NYSE", TOO_BIG.format(url="<URL>"), 2),
        ErrorReason("NYSE", "HTTP 503", 2),
        ErrorReason(None, "HTTP 404", 4),
        ErrorReason(None, TOO_BIG.format(url="<URL>"), 2),
        ErrorReason(None, "HTTP 503", 2),
    ]


def test_an_empty_database_has_a_total_row_per_exchange_and_no_filings(engine):
    with engine.connect() as conn:
        coverage = load_coverage(conn)
    assert not coverage.has_filings
    assert coverage.errors == []
    assert [row.exchange for row in coverage.rows] == [
        "NASDAQ",
        "NYSE",
        "NYSE American",
        "NYSE Arca",
        None,
    ]
    assert all(row.filings_found == 0 and row.year is None for row in coverage.rows)


def insert_run(engine, run_type, started, completed, metadata, status="succeeded"):
    duration = (completed - started).total_seconds() if completed else None
    with engine.begin() as conn:
        conn.execute(
            text(
                "INSERT INTO execution_runs (run_type, status, started_at, completed_at, "
                "duration_seconds, metadata) VALUES (:type, :status, :started, :completed, "
                ":duration, CAST(:metadata AS jsonb))"
            ),
            {
                "type": run_type,
                "status": status,
                "started": started,
                "completed": completed,
                "duration": duration,
                "metadata": json.dumps(metadata),
            },
        )


def test_runs_give_their_throughput_and_what_they_processed(engine):
    def at(day: int, hour: int) -> datetime:
        return datetime(2024, 1, day, hour, tzinfo=UTC)

    stats = {
        "downloader/request_count": 1200,
        "item_scraped_count": 50,
        "documents/filings_processed": 40,
        "database/filings/upserted": 45,
        "start_time": "2024-01-02 00:00:00",
    }
    insert_run(
        engine, "documents", at(2, 0), at(2, 1), {"stats": stats, "progress": {"pending": 17}}
    )
    # The backfill's progress counts companies left, not the download queue.
    backfill_metadata = {"stats": {"downloader/request_count": 720}, "progress": {"pending": 99}}
    insert_run(engine, "backfill", at(1, 0), at(1, 2), backfill_metadata)
    # Odd values are not numbers: a stat recorded as text, and a run closed without stats.
    insert_run(engine, "tickers", at(3, 0), at(3, 0), {"stats": {"item_scraped_count": "7"}})
    insert_run(engine, "backfill", at(4, 0), None, {}, status="running")
    with engine.connect() as conn:
        runs = load_run_points(conn)
    assert [(run.run_type, run.status) for run in runs] == [
        ("backfill", "succeeded"),
        ("documents", "succeeded"),
        ("tickers", "succeeded"),
    ]
    backfill, documents, tickers = runs
    assert (backfill.requests, backfill.requests_per_second) == (720, 0.1)
    assert (backfill.filings_processed, backfill.progress_pending) == (None, 99)
    assert backfill.filings_queued is None
    assert documents.requests_per_second == pytest.approx(1200 / 3600)
    assert (documents.items_scraped, documents.filings_processed) == (50, 40)
    assert (documents.filings_upserted, documents.filings_queued) == (45, 17)
    assert (documents.started_at, documents.completed_at) == (at(2, 0), at(2, 1))
    # A zero-second run has no rate rather than a division by zero.
    assert (tickers.items_scraped, tickers.requests_per_second) == (None, None)
