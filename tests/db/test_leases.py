"""Leases on filings: crawls sharing SEC's budget split the documents queue, none fetched twice."""

from __future__ import annotations

import threading
from datetime import date

from sqlalchemy import Engine, text

from filings_crawler.db.documents import record_documents
from filings_crawler.db.filings import upsert_filings
from filings_crawler.db.leases import lease_document_work, release_leases, renew_leases
from filings_crawler.items import ArtifactOutcome, FilingDocuments
from filings_crawler.sec.exchanges import TARGET_EXCHANGES
from tests.records import filing

FILINGS = 30


def queue(engine: Engine) -> None:
    """A company with FILINGS filings, each with its primary document queued."""
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
                    1, f"0000000001-24-{n:06d}", queued=False, filing_date=date(2024, 1, 1 + n % 28)
                )
                for n in range(FILINGS)
            ],
        )
        conn.execute(
            text(
                "INSERT INTO artifacts (filing_id, kind, sec_url, status, attempts) "
                "SELECT id, 'html', 'https://www.sec.gov/Archives/edgar/data/1/' || "
                "replace(accession_number, '-', '') || '/doc.htm', 'pending_download', 0 "
                "FROM filings"
            )
        )


def lease(engine: Engine, owner: str, batch: int = 10, seconds: float = 600) -> list[str]:
    with engine.begin() as conn:
        work = lease_document_work(
            conn,
            owner=owner,
            seconds=seconds,
            batch=batch,
            max_attempts=3,
            exchanges=TARGET_EXCHANGES,
        )
    return [w.place.accession_number for w in work]


def test_crawls_leasing_at_once_get_different_filings(engine):
    queue(engine)
    got: dict[str, list[str]] = {}
    barrier = threading.Barrier(3)

    def worker(owner: str) -> None:
        barrier.wait()
        got[owner] = lease(engine, owner)

    threads = [threading.Thread(target=worker, args=(f"w{n}",)) for n in range(3)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    leased = [accession for accessions in got.values() for accession in accessions]
    assert len(leased) == len(set(leased)) == FILINGS
    # Nothing left for a fourth.
    assert lease(engine, "w3") == []


def test_a_lease_ends_with_its_filing_recorded_given_back_or_expired(engine):
    queue(engine)
    first = lease(engine, "a", batch=3)
    assert len(first) == 3
    # Recorded: the filing's lease ends, and it is no longer due.
    with engine.begin() as conn:
        place = lease_work_place(conn, first[0])
        record_documents(
            conn,
            [
                FilingDocuments(
                    place,
                    "xbrl_zip",
                    1,
                    outcomes=[
                        ArtifactOutcome(
                            "html", doc_url(first[0]), storage_path="x", sha256="a" * 64, size=1
                        )
                    ],
                )
            ],
            max_attempts=3,
        )
        assert renew_leases(conn, "a", 600) == 2
        assert release_leases(conn, "a") == 2
    # Given back: due again, for anyone.
    again = lease(engine, "b", batch=FILINGS)
    assert set(first[1:]) <= set(again)
    assert first[0] not in again
    # A dead crawl's leases expire: b "dies" with leases of 0 s.
    with engine.begin() as conn:
        release_leases(conn, "b")
    dead = lease(engine, "b", batch=5, seconds=0)
    assert len(dead) == 5
    assert set(dead) <= set(lease(engine, "c", batch=FILINGS))


def doc_url(accession: str) -> str:
    return f"https://www.sec.gov/Archives/edgar/data/1/{accession.replace('-', '')}/doc.htm"


def lease_work_place(conn, accession):
    from filings_crawler.db.documents import load_document_work

    [work] = [
        w for w in load_document_work(conn, max_attempts=3) if w.place.accession_number == accession
    ]
    return work.place
