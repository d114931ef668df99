"""Discovery's upserts: filings, the artifact queue and company profiles, idempotent by design."""

from __future__ import annotations

from sqlalchemy import Engine, text

from filings_crawler.db.companies import upsert_profiles
from filings_crawler.db.filings import upsert_filings
from filings_crawler.items import CompanyProfile
from tests.records import filing, profile

FOLDER = "https://www.sec.gov/Archives/edgar/data"


def company(engine: Engine, cik: int, tickers: list[str], primary: str | None) -> None:
    with engine.begin() as conn:
        conn.execute(
            text(
                "INSERT INTO companies (cik, name, tickers, primary_ticker, exchange) "
                "VALUES (:cik, 'X', :tickers, :primary, 'NYSE')"
            ),
            {"cik": cik, "tickers": tickers, "primary": primary},
        )


def rows(engine: Engine, query: str) -> list:
    with engine.connect() as conn:
        return list(conn.execute(text(query)).all())


def test_a_filing_is_stored_once_and_a_rerun_changes_nothing(engine):
    company(engine, 320193, ["AAPL"], "AAPL")
    with engine.begin() as conn:
        assert upsert_filings(conn, [filing(320193)]) == 1
    stamp = rows(engine, "SELECT updated_at FROM filings")
    with engine.begin() as conn:
        assert upsert_filings(conn, [filing(320193)]) == 0
    assert rows(engine, "SELECT updated_at FROM filings") == stamp
    assert rows(engine, "SELECT count(*) FROM artifacts") == [(1,)]
    # SEC corrects a listing: the row follows, the queue does not grow.
    with engine.begin() as conn:
        assert upsert_filings(conn, [filing(320193, size_bytes=200)]) == 1
    assert rows(engine, "SELECT size_bytes FROM filings") == [(200,)]
    assert rows(engine, "SELECT count(*) FROM artifacts") == [(1,)]


def test_a_queued_artifact_keeps_its_state_when_rediscovered(engine):
    company(engine, 320193, ["AAPL"], "AAPL")
    with engine.begin() as conn:
        upsert_filings(conn, [filing(320193)])
        conn.execute(
            text(
                "UPDATE artifacts SET status = 'downloaded', storage_path = 'x', bytes = 1, "
                "sha256 = repeat('a', 64)"
            )
        )
        upsert_filings(conn, [filing(320193)])
    assert rows(engine, "SELECT status FROM artifacts") == [("downloaded",)]


def test_co_registrants_share_one_filing_owned_by_the_first(engine):
    company(engine, 1, ["ONE"], "ONE")
    company(engine, 2, ["TWO"], "TWO")
    accession = "0000000001-24-000001"
    with engine.begin() as conn:
        upsert_filings(conn, [filing(1, accession), filing(2, accession)])
        upsert_filings(conn, [filing(2, accession)])
    assert rows(engine, "SELECT accession_number, cik FROM filings") == [(accession, 1)]
    assert rows(engine, "SELECT sec_url FROM artifacts") == [
        (f"{FOLDER}/1/000000000124000001/aapl-20250329.htm",)
    ]


def test_profiles_update_metadata_and_keep_the_primary_ticker(engine):
    company(engine, 1067983, ["BRK-B", "BRK-A"], "BRK-B")
    berkshire = CompanyProfile(
        1067983,
        profile(
            name="BERKSHIRE HATHAWAY INC",
            sic="6331",
            tickers=["BRK-A", "BRK-B"],
            exchanges=["NYSE", "NYSE"],
            former_names=[{"name": "OLD NAME", "from": "1990-01-01", "to": "2000-01-01"}],
        ),
    )
    with engine.begin() as conn:
        upsert_profiles(conn, [berkshire])
    [(tickers, primary, sic, exchanges, former, exchange)] = rows(
        engine,
        "SELECT tickers, primary_ticker, sic, sec_exchanges, former_names, exchange FROM companies",
    )
    assert (tickers, primary, sic) == (["BRK-A", "BRK-B"], "BRK-B", "6331")
    assert exchanges == ["NYSE", "NYSE"]
    assert berkshire.profile is not None
    assert former == berkshire.profile.former_names
    assert exchange == "NYSE"  # the enriched exchange is not SEC's column to change
    stamp = rows(engine, "SELECT updated_at FROM companies")
    with engine.begin() as conn:
        upsert_profiles(conn, [berkshire])
    assert rows(engine, "SELECT updated_at FROM companies") == stamp

    # A primary ticker SEC no longer lists gives way to SEC's first; no tickers keeps them.
    with engine.begin() as conn:
        upsert_profiles(conn, [CompanyProfile(1067983, profile(name="B", tickers=["BRKX"]))])
    assert rows(engine, "SELECT tickers, primary_ticker FROM companies") == [(["BRKX"], "BRKX")]
    with engine.begin() as conn:
        upsert_profiles(conn, [CompanyProfile(1067983, profile(name="B", tickers=[]))])
    assert rows(engine, "SELECT tickers, primary_ticker FROM companies") == [(["BRKX"], "BRKX")]


def test_a_failed_fetch_records_the_problem_and_keeps_the_metadata(engine):
    company(engine, 320193, ["AAPL"], "AAPL")
    with engine.begin() as conn:
        upsert_profiles(conn, [CompanyProfile(320193, profile(name="Apple Inc.", sic="3571"))])
        upsert_profiles(conn, [CompanyProfile(320193, None, ["HTTP 404"])])
    assert rows(engine, "SELECT name, sic, last_error FROM companies") == [
        ("Apple Inc.", "3571", "HTTP 404")
    ]
