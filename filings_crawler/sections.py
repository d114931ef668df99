"""A stored 10-K or 10-Q's Items: split (sec/sections) from its stored primary document, written
(db/sections.py).

A document that cannot be split is refused for that filing alone, its reason in
`filings.sections_error`; a store that fails leaves the filing unsplit, to be asked again. Run by
the sections pipeline as each filing is stored and by `scrapy sections` for the filings stored
before (filings_crawler/derived.py).
"""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import Connection, Engine

from filings_crawler.db.sections import (
    StoredPrimary,
    record_sections_error,
    replace_sections,
    stored_primaries,
)
from filings_crawler.derived import Derivation, Files, StoredFiles, Unreadable, derive_filing
from filings_crawler.sec.sections import Section, split_document
from filings_crawler.storage.backends import Storage


def split_stored(stored: StoredPrimary, files: Files) -> list[Section]:
    """The Items of the filing's primary document; Unreadable when it cannot be split."""
    body = files.read(stored.path)
    try:
        return split_document(body, stored.form, stored.path.rsplit("/", 1)[-1])
    except (ValueError, RecursionError) as error:  # lxml: a document it cannot parse
        raise Unreadable(f"{stored.path}: not splittable ({error})") from error


def _find(
    conn: Connection,
    exchanges: Sequence[str] | None,
    again: bool,
    accessions: Sequence[str] | None,
) -> list[StoredPrimary]:
    return stored_primaries(
        conn, exchanges=exchanges, unsplit_only=not again, accessions=accessions
    )


def _record(conn: Connection, stored: StoredPrimary, found: list[Section]) -> int:
    return replace_sections(conn, stored.filing_id, found)


def _refuse(conn: Connection, stored: StoredPrimary, reason: str, lasting: bool) -> None:
    record_sections_error(conn, stored.filing_id, reason, lasting=lasting)


SECTIONS: Derivation[StoredPrimary, list[Section]] = Derivation(
    "sections", _find, split_stored, _record, _refuse
)


def record_filing_sections(engine: Engine, storage: Storage, stored: StoredPrimary) -> int | str:
    """Split one stored filing from the store and record its sections: the Items found, or why
    not."""
    return derive_filing(engine, SECTIONS, stored, StoredFiles(storage))
