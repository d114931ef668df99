"""A stored 10-K or 10-Q's Items: read from the store, split (sec/sections), written (db/sections.py).

A document that cannot be split is refused for that filing alone: the reason is recorded in
`filings.sections_error`. A store that fails (a file missing, a read refused) leaves the filing
unsplit, to be asked again by the next `scrapy sections`. Used by the sections pipeline as each
filing is stored and by `scrapy sections` for the filings stored before, in a thread.
"""

from __future__ import annotations

import logging

from sqlalchemy import Engine

from filings_crawler.db.sections import (
    StoredPrimary,
    record_sections_error,
    replace_sections,
    stored_primaries,
)
from filings_crawler.sec.sections import split_document
from filings_crawler.storage.backends import Storage, StorageError

logger = logging.getLogger(__name__)


def record_filing_sections(engine: Engine, storage: Storage, stored: StoredPrimary) -> int | str:
    """Split one stored filing and record its sections: the Items found, or why not."""
    try:
        body = storage.read(stored.path)
    except StorageError as error:
        return _refused(engine, stored, f"{stored.path}: {error}", lasting=False)
    if body is None:
        problem = f"{stored.path}: missing from the store (scrapy verify --fix)"
        return _refused(engine, stored, problem, lasting=False)
    try:
        found = split_document(body, stored.form, stored.path.rsplit("/", 1)[-1])
    except (ValueError, RecursionError) as error:  # lxml: a document it cannot parse
        return _refused(engine, stored, f"{stored.path}: not splittable ({error})", lasting=True)
    with engine.begin() as conn:
        return replace_sections(conn, stored.filing_id, found)


def record_sections_of(engine: Engine, storage: Storage, accession_number: str) -> int | str | None:
    """The sections of one filing just stored (None: not a 10-K/10-Q, or no primary stored)."""
    with engine.connect() as conn:
        found = stored_primaries(conn, unsplit_only=False, accessions=[accession_number])
    return record_filing_sections(engine, storage, found[0]) if found else None


def _refused(engine: Engine, stored: StoredPrimary, problem: str, *, lasting: bool) -> str:
    with engine.begin() as conn:
        record_sections_error(conn, stored.filing_id, problem, lasting=lasting)
    logger.warning(
        "%s: sections not split: %s",
        stored.accession_number,
        problem,
        extra={"accession_number": stored.accession_number},
    )
    return problem
