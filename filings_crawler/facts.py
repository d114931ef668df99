"""A stored filing's XBRL facts: read from the store, parsed (sec/xbrl.py), written (db/facts.py).

SEC's extracted instance (`*_htm.xml`) is read where it is stored: it is SEC's own reading of the
inline documents, and parses in half the time. Without it (XBRL_INSTANCE=skip, or SEC has none)
the inline XBRL document set gives the same facts: the primary document and the stored exhibits
that are inline XBRL (stored from the `-xbrl.zip` for that reason, see sec/plans.py).

A document that cannot be read (missing from the store, truncated, not XML, an entity bomb) is
refused for that filing alone: the reason is recorded in `filings.facts_error`, and nothing
else stops.

Used by the facts pipeline as each filing is stored, and by `scrapy facts` for the filings
stored before; both run it in a thread, never on the reactor.
"""

from __future__ import annotations

import logging

from sqlalchemy import Engine

from filings_crawler.db.facts import StoredXbrl, record_facts_error, replace_facts, stored_xbrl
from filings_crawler.sec.errors import FormatError
from filings_crawler.sec.xbrl import Facts, declares_inline_xbrl, parse_inline_set, parse_instance
from filings_crawler.storage.backends import Storage, StorageError

logger = logging.getLogger(__name__)


class Unreadable(Exception):
    """The filing's facts cannot be read; the message says why (one line).

    `lasting` is False when the store failed, not the document (a file missing, a read refused;
    a wrong STORAGE_ROOT gives that for every filing): the filing is asked again by the next
    `scrapy facts`, where a document that is not XBRL is not.
    """

    def __init__(self, reason: str, *, lasting: bool = True):
        super().__init__(reason)
        self.lasting = lasting


def read_facts(storage: Storage, stored: StoredXbrl) -> tuple[str, Facts]:
    """(the stored path read, its facts); Unreadable when neither file gives them.

    From the inline documents, the facts are those of the whole document set: the primary
    document and each stored exhibit that is inline XBRL.
    """
    if stored.instance_path:
        path = stored.instance_path
        try:
            return path, parse_instance(_stored(storage, path), path)
        except FormatError as error:
            raise Unreadable(str(error)) from error
    if stored.html_path is None:
        raise Unreadable("no XBRL instance or inline XBRL document stored")
    documents = [(_stored(storage, stored.html_path), stored.html_path)]
    for exhibit in stored.exhibit_paths:
        body = _stored(storage, exhibit)
        if declares_inline_xbrl(body):
            documents.append((body, exhibit))
    try:
        return stored.html_path, parse_inline_set(documents)
    except FormatError as error:
        raise Unreadable(str(error)) from error


def _stored(storage: Storage, path: str) -> bytes:
    try:
        body = storage.read(path)
    except StorageError as error:
        raise Unreadable(f"{path}: {error}", lasting=False) from error
    if body is None:
        raise Unreadable(f"{path}: missing from the store (scrapy verify --fix)", lasting=False)
    return body


def record_filing_facts(engine: Engine, storage: Storage, stored: StoredXbrl) -> int | str:
    """Read one stored filing's facts and record them: their count, or why they could not be."""
    try:
        path, found = read_facts(storage, stored)
    except Unreadable as error:
        with engine.begin() as conn:
            record_facts_error(
                conn,
                stored.filing_id,
                stored.instance_path or stored.html_path,
                str(error),
                lasting=error.lasting,
            )
        logger.warning(
            "%s: XBRL facts not read: %s",
            stored.accession_number,
            error,
            extra={"accession_number": stored.accession_number},
        )
        return str(error)
    with engine.begin() as conn:
        return replace_facts(conn, stored.filing_id, path, found.facts)


def record_facts_of(engine: Engine, storage: Storage, accession_number: str) -> int | str | None:
    """The facts of one filing just stored (None: it has no XBRL to read)."""
    with engine.connect() as conn:
        found = stored_xbrl(conn, unread_only=False, accessions=[accession_number])
    return record_filing_facts(engine, storage, found[0]) if found else None
