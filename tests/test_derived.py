"""The one shape of derived outputs: bytes from the item in hand, else the store; refusals kept."""

from __future__ import annotations

from sqlalchemy import text

from filings_crawler.db.sections import stored_primaries
from filings_crawler.derived import InHandFiles, StoredFiles, derive_accession, derive_stored
from filings_crawler.facts import FACTS
from filings_crawler.sections import SECTIONS
from filings_crawler.storage.local import LocalStorage
from tests.sample_files import sample_bytes
from tests.test_sections_reading import ACCESSION, PATH, TEN_K, stored_ten_k


def test_the_bytes_in_hand_are_read_and_the_store_is_not(engine, tmp_path):
    storage = LocalStorage(tmp_path)
    stored_ten_k(engine, storage, None)  # recorded as stored; the store does not have it
    files = InHandFiles({PATH: sample_bytes(TEN_K)}, storage)
    assert derive_accession(engine, SECTIONS, ACCESSION, files) == 23
    assert files.store_reads == 0
    with engine.connect() as conn:
        assert conn.execute(text("SELECT sections_found FROM filings")).scalar_one() == 23


def test_a_file_not_in_hand_is_read_from_the_store_and_counted(engine, tmp_path):
    storage = LocalStorage(tmp_path)
    stored_ten_k(engine, storage, sample_bytes(TEN_K))
    files = InHandFiles({}, storage)
    assert derive_accession(engine, SECTIONS, ACCESSION, files) == 23
    assert files.store_reads == 1


def test_a_file_neither_in_hand_nor_stored_is_asked_again_later(engine, tmp_path):
    storage = LocalStorage(tmp_path)
    stored_ten_k(engine, storage, None)
    result = derive_accession(engine, SECTIONS, ACCESSION, InHandFiles({}, storage))
    assert result == f"{PATH}: missing from the store (scrapy verify --fix)"
    with engine.connect() as conn:
        assert stored_primaries(conn)  # not lasting: still to be split
        error = conn.execute(text("SELECT sections_error FROM filings")).scalar_one()
    assert error == result


def test_the_commands_helper_reads_what_is_left_then_nothing(engine, tmp_path):
    storage = LocalStorage(tmp_path)
    stored_ten_k(engine, storage, sample_bytes(TEN_K))
    count, results = derive_stored(engine, SECTIONS, storage, exchanges=None, again=False)
    assert count == 1
    assert [(stored.accession_number, result) for stored, result in results] == [(ACCESSION, 23)]
    assert derive_stored(engine, SECTIONS, storage, exchanges=None, again=False)[0] == 0
    assert derive_stored(engine, SECTIONS, storage, exchanges=["NYSE"], again=True)[0] == 0
    # The facts of the same inline 10-K, by the same helper and the same store.
    [(_stored, facts)] = derive_stored(engine, FACTS, storage, exchanges=None, again=False)[1]
    assert isinstance(facts, int)
    assert facts > 1000
    assert StoredFiles(storage).read(PATH) == sample_bytes(TEN_K)
