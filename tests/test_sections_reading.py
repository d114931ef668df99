"""A stored filing split into `sections` (real PostgreSQL), searched with full-text search."""

from __future__ import annotations

from datetime import date

import duckdb
from sqlalchemy import Engine, text

from filings_crawler.db.filings import upsert_filings
from filings_crawler.db.sections import search_sections, stored_primaries
from filings_crawler.derived import StoredFiles, derive_accession
from filings_crawler.export import export_parquet
from filings_crawler.sections import SECTIONS, record_filing_sections
from filings_crawler.storage.local import LocalStorage
from tests.conftest import PROJECT_ROOT
from tests.records import filing
from tests.sample_files import sample_bytes

TEN_K = "www.sec.gov/Archives/edgar/data/320193/000032019324000123/aapl-20240928.htm"
ACCESSION = "0000320193-24-000123"
PATH = "NASDAQ/aapl/2024/aapl-20240928.htm"


def stored_ten_k(engine: Engine, storage: LocalStorage, body: bytes | None) -> None:
    """Apple's 10-K of 2024 recorded as stored, with `body` as its bytes (None: not in the store)."""
    if body is not None:
        storage.write(PATH, body)
    with engine.begin() as conn:
        conn.execute(
            text("INSERT INTO companies (cik, name, exchange) VALUES (320193, 'Apple', 'NASDAQ')")
        )
        record = filing(
            320193,
            ACCESSION,
            queued=False,
            form="10-K",
            filing_date=date(2024, 11, 1),
            primary_document="aapl-20240928.htm",
        )
        upsert_filings(conn, [record])
        conn.execute(
            text(
                "INSERT INTO artifacts (filing_id, kind, sec_url, status, attempts, storage_path, "
                "sha256, bytes, downloaded_at) SELECT id, 'html', :url, 'downloaded', 1, :path, "
                ":sha, 1, now() FROM filings"
            ),
            {"url": "https://" + TEN_K, "path": PATH, "sha": "a" * 64},
        )


def test_apples_10k_is_split_once_and_found_by_a_phrase_of_its_risk_factors(engine, tmp_path):
    storage = LocalStorage(tmp_path)
    stored_ten_k(engine, storage, sample_bytes(TEN_K))
    assert (
        derive_accession(engine, SECTIONS, ACCESSION, StoredFiles(storage)) == 23
    )  # every 10-K Item printed
    with engine.connect() as conn:
        rows = conn.execute(text("SELECT item, status, words FROM sections ORDER BY item")).all()
        found, error = conn.execute(
            text("SELECT sections_found, sections_error FROM filings")
        ).one()
        assert stored_primaries(conn) == []  # split: not asked again
        [stored] = stored_primaries(conn, unsplit_only=False)
        hits = search_sections(conn, '"supply chain operations"', form="10-K", item="1A")
        elsewhere = search_sections(conn, '"supply chain operations"', item="II-1A")
    assert len(rows) == 23
    assert (found, error) == (23, None)
    assert hits[0].company == "Apple"
    assert hits[0].accession_number == ACCESSION
    assert hits[0].item == "1A"
    assert "«" in hits[0].snippet
    assert elsewhere == []
    # A rerun replaces the filing's sections: the same rows, not twice as many.
    assert record_filing_sections(engine, storage, stored) == 23
    with engine.connect() as conn:
        assert conn.execute(text("SELECT count(*) FROM sections")).scalar_one() == 23


def test_a_document_missing_from_the_store_is_left_to_be_asked_again(engine, tmp_path):
    storage = LocalStorage(tmp_path)
    stored_ten_k(engine, storage, None)
    result = derive_accession(engine, SECTIONS, ACCESSION, StoredFiles(storage))
    assert isinstance(result, str)
    assert "missing from the store" in result
    with engine.connect() as conn:
        assert len(stored_primaries(conn)) == 1
        error = conn.execute(text("SELECT sections_error FROM filings")).scalar_one()
    assert "missing from the store" in error


def test_an_empty_document_has_every_item_absent(engine, tmp_path):
    storage = LocalStorage(tmp_path)
    stored_ten_k(engine, storage, b"  ")
    assert derive_accession(engine, SECTIONS, ACCESSION, StoredFiles(storage)) == 0
    with engine.connect() as conn:
        statuses = conn.execute(text("SELECT DISTINCT status FROM sections")).scalars().all()
    assert statuses == ["absent"]


def test_the_parquet_export_holds_the_sections_and_the_documented_duckdb_query_finds_them(
    engine, tmp_path
):
    storage = LocalStorage(tmp_path / "store")
    stored_ten_k(engine, storage, sample_bytes(TEN_K))
    derive_accession(engine, SECTIONS, ACCESSION, StoredFiles(storage))
    out = tmp_path / "export"
    with engine.connect() as conn:
        result = export_parquet(conn, LocalStorage(out), dataset=storage)
    assert result.rows["sections"] == 23
    # The DuckDB query of docs/sections.md, as written there.
    docs = (PROJECT_ROOT / "docs" / "sections.md").read_text()
    [query] = [
        block.split("```", 1)[0]
        for block in docs.split("```sql")[1:]
        if "read_parquet('data/export/sections" in block.split("```", 1)[0]
    ]
    with duckdb.connect() as db:
        rows = db.execute(query.replace("data/export", str(out))).fetchall()
    assert [(adsh, name, item) for adsh, name, item, _ in rows] == [(ACCESSION, "Apple", "1A")]
