"""The documents stage's bookkeeping: what is due, and failures backing off up to the cap."""

from __future__ import annotations

from datetime import date

from sqlalchemy import Engine, text

from filings_crawler.db.documents import load_document_work, record_documents
from filings_crawler.db.filings import upsert_filings
from filings_crawler.items import ArtifactOutcome, FilingDocuments
from filings_crawler.storage.layout import FilingPlace
from tests.records import filing

URL = "https://www.sec.gov/Archives/edgar/data/1/000000000124000001/"
ACCESSION = "0000000001-24-000001"


def setup_filing(engine: Engine) -> FilingPlace:
    with engine.begin() as conn:
        conn.execute(
            text(
                "INSERT INTO companies (cik, name, tickers, primary_ticker, exchange) "
                "VALUES (1, 'One', ARRAY['ONE'], 'ONE', 'NYSE')"
            )
        )
        upsert_filings(
            conn,
            [
                filing(
                    1,
                    ACCESSION,
                    form="10-K",
                    filing_date=date(2024, 3, 1),
                    report_date=date(2023, 12, 31),
                    primary_document="one-10k.htm",
                    primary_doc_description=None,
                    size_bytes=None,
                )
            ],
        )
    return FilingPlace(
        "NYSE", "ONE", 1, ACCESSION, "10-K", date(2024, 3, 1), date(2023, 12, 31), "one-10k.htm"
    )


def record(
    engine: Engine, place: FilingPlace, *outcomes: ArtifactOutcome, path: str | None = "xbrl_zip"
) -> None:
    documents = FilingDocuments(place, fetch_path=path, requests=1, outcomes=list(outcomes))
    with engine.begin() as conn:
        record_documents(conn, [documents], max_attempts=3)


def due(engine: Engine, max_attempts: int = 3) -> list:
    with engine.connect() as conn:
        return load_document_work(conn, max_attempts=max_attempts)


def artifact(engine: Engine, name: str):
    with engine.connect() as conn:
        return conn.execute(
            text(
                "SELECT status, attempts, last_error, next_attempt_at - now() AS wait "
                "FROM artifacts WHERE sec_url = :url"
            ),
            {"url": URL + name},
        ).one()


def test_a_queued_filing_is_due_whole_until_its_document_is_stored(engine):
    place = setup_filing(engine)
    [work] = due(engine)
    assert (work.full, work.place.accession_number) == (True, ACCESSION)
    record(
        engine,
        place,
        ArtifactOutcome("html", URL + "one-10k.htm", "p/one.html", "a" * 64, "b" * 64, 10),
        ArtifactOutcome("image", URL + "one_g1.jpg", error="HTTP 500"),
    )
    # Now only the failed image is due, and only once its back-off has passed.
    assert due(engine) == []
    with engine.begin() as conn:
        conn.execute(text("UPDATE artifacts SET next_attempt_at = now() - interval '1 second'"))
    [work] = due(engine)
    assert (work.full, [a.sec_url for a in work.retries]) == (False, [URL + "one_g1.jpg"])


def test_failures_back_off_exponentially_and_stop_at_the_cap(engine):
    place = setup_filing(engine)
    waits = []
    for attempt in range(1, 4):
        record(
            engine,
            place,
            ArtifactOutcome("html", URL + "one-10k.htm", error=f"HTTP 503 #{attempt}"),
        )
        status, attempts, error, wait = artifact(engine, "one-10k.htm")
        assert (status, attempts, error) == ("failed", attempt, f"HTTP 503 #{attempt}")
        waits.append(round(wait.total_seconds() / 60))
        with engine.begin() as conn:
            conn.execute(text("UPDATE artifacts SET next_attempt_at = now() - interval '1 second'"))
    assert waits == [1, 2, 4]
    # attempts == ARTIFACT_RETRY_MAX: no longer due; a higher cap makes it due again.
    assert due(engine, max_attempts=3) == []
    assert len(due(engine, max_attempts=4)) == 1
    # Tried again anyway (its filing fetched whole once more): the count stays at the cap.
    for outcome in (
        ArtifactOutcome("html", URL + "one-10k.htm", error="HTTP 503 #4"),
        ArtifactOutcome("html", URL + "one-10k.htm", "p/one.html", "a" * 64, "a" * 64, 10),
    ):
        record(engine, place, outcome)
        assert artifact(engine, "one-10k.htm")[1] == 3


def test_a_stored_artifact_is_never_turned_back_into_a_failure(engine):
    place = setup_filing(engine)
    record(
        engine,
        place,
        ArtifactOutcome("html", URL + "one-10k.htm", "p/one.html", "a" * 64, "a" * 64, 10),
    )
    record(engine, place, ArtifactOutcome("html", URL + "one-10k.htm", error="HTTP 500"))
    assert artifact(engine, "one-10k.htm")[:3] == ("downloaded", 1, None)


def test_an_absent_optional_file_leaves_no_artifact_and_an_unsent_one_stays_queued(engine):
    place = setup_filing(engine)
    record(
        engine,
        place,
        ArtifactOutcome("xbrl", URL + "one-10k_htm.xml", absent=True),
        ArtifactOutcome("html", URL + "one-10k.htm", attempted=False),
        ArtifactOutcome("image", URL + "one_g1.jpg", attempted=False),
    )
    with engine.connect() as conn:
        rows = conn.execute(
            text("SELECT sec_url, status, attempts FROM artifacts ORDER BY 1")
        ).all()
    # The unsent image is queued: the filing is not complete until it is stored.
    assert rows == [
        (URL + "one-10k.htm", "pending_download", 0),
        (URL + "one_g1.jpg", "pending_download", 0),
    ]
