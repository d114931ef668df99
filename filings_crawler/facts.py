"""A stored filing's XBRL facts: parsed (sec/xbrl.py) from its stored files, written (db/facts.py).

SEC's extracted instance (`*_htm.xml`) is read where it is stored: it is SEC's own reading of the
inline documents, and parses in half the time. Without it (XBRL_INSTANCE=skip, or SEC has none)
the inline XBRL document set gives the same facts: the primary document and the stored exhibits
that are inline XBRL (stored from the `-xbrl.zip` for that reason, see sec/plans.py).

A document that cannot be read (missing, truncated, not XML, an entity bomb) is refused for that
filing alone, its reason in `filings.facts_error`. Run by the facts pipeline as each filing is
stored and by `scrapy facts` for the filings stored before (filings_crawler/derived.py).
"""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import Connection, Engine

from filings_crawler.db.facts import StoredXbrl, record_facts_error, replace_facts, stored_xbrl
from filings_crawler.derived import Derivation, Files, StoredFiles, Unreadable, derive_filing
from filings_crawler.sec.errors import FormatError
from filings_crawler.sec.xbrl import Facts, declares_inline_xbrl, parse_inline_set, parse_instance
from filings_crawler.storage.backends import Storage


def read_facts(stored: StoredXbrl, files: Files) -> tuple[str, Facts]:
    """(the stored path read, its facts); Unreadable when neither file gives them.

    From the inline documents, the facts are those of the whole document set: the primary
    document and each stored exhibit that is inline XBRL.
    """
    if stored.instance_path:
        path = stored.instance_path
        try:
            return path, parse_instance(files.read(path), path)
        except FormatError as error:
            raise Unreadable(str(error)) from error
    if stored.html_path is None:
        raise Unreadable("no XBRL instance or inline XBRL document stored")
    documents = [(files.read(stored.html_path), stored.html_path)]
    for exhibit in stored.exhibit_paths:
        body = files.read(exhibit)
        if declares_inline_xbrl(body):
            documents.append((body, exhibit))
    try:
        return stored.html_path, parse_inline_set(documents)
    except FormatError as error:
        raise Unreadable(str(error)) from error


def _find(
    conn: Connection,
    exchanges: Sequence[str] | None,
    again: bool,
    accessions: Sequence[str] | None,
) -> list[StoredXbrl]:
    return stored_xbrl(conn, exchanges=exchanges, unread_only=not again, accessions=accessions)


def _record(conn: Connection, stored: StoredXbrl, read: tuple[str, Facts]) -> int:
    path, found = read
    return replace_facts(conn, stored.filing_id, path, found.facts)


def _refuse(conn: Connection, stored: StoredXbrl, reason: str, lasting: bool) -> None:
    source = stored.instance_path or stored.html_path
    record_facts_error(conn, stored.filing_id, source, reason, lasting=lasting)


FACTS: Derivation[StoredXbrl, tuple[str, Facts]] = Derivation(
    "facts", _find, read_facts, _record, _refuse
)


def record_filing_facts(engine: Engine, storage: Storage, stored: StoredXbrl) -> int | str:
    """Read one stored filing's facts from the store and record them: their count, or why not."""
    return derive_filing(engine, FACTS, stored, StoredFiles(storage))
