"""What is derived from a stored filing (its XBRL facts, its Items): one shape for every output.

An output is a `Derivation`: the query that finds the stored filings it reads (in db/), the
reading itself (a pure function of the filing's bytes, in sec/ underneath), and how its rows and
its refusals are written. `derive_filing` runs one filing through one derivation with its bytes
from a `Files` source:

- the pipelines' source is the item in hand (`InHandFiles`): the bytes the crawl has just
  stored, so nothing is read back from the store (S3 included); a file the item does not carry
  (an exhibit stored by an earlier run) is read from the store, and counted;
- `scrapy facts` and `scrapy sections` read the store (`StoredFiles`).

Adding the next output is one pure function in sec/, one table with its `find`/`record`/`refuse`
in db/, a `Derivation` and a pipeline subclass of four lines (pipelines/derived.py).

A filing that cannot be read is refused for that filing alone: the reason is recorded with it,
nothing else stops. When the store failed rather than the document (a file missing, a read
refused: a wrong STORAGE_ROOT gives that for every filing) the refusal is not lasting, and the
next run asks the filing again.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from typing import Generic, Protocol, TypeVar

from sqlalchemy import Connection, Engine

from filings_crawler.storage.backends import Storage, StorageError

logger = logging.getLogger(__name__)

# Filings read at once by the commands: lxml parses outside the GIL for part of the work, and
# reads from the store overlap.
WORKERS = 2


class Unreadable(Exception):
    """The filing cannot be read; the message says why (one line). `lasting` is False when the
    store failed, not the document."""

    def __init__(self, reason: str, *, lasting: bool = True):
        super().__init__(reason)
        self.lasting = lasting


class Files(Protocol):
    def read(self, path: str) -> bytes:
        """The stored bytes at `path`; Unreadable (not lasting) when they cannot be had."""
        ...


class StoredFiles:
    """A filing's files read from the store."""

    def __init__(self, storage: Storage):
        self.storage = storage

    def read(self, path: str) -> bytes:
        try:
            body = self.storage.read(path)
        except StorageError as error:
            raise Unreadable(f"{path}: {error}", lasting=False) from error
        if body is None:
            raise Unreadable(f"{path}: missing from the store (scrapy verify --fix)", lasting=False)
        return body


class InHandFiles:
    """A filing's files from the item that has just stored them; the store for the rest."""

    def __init__(self, in_hand: Mapping[str, bytes], storage: Storage):
        self.in_hand = in_hand
        self.store = StoredFiles(storage)
        self.store_reads = 0  # files the item did not carry

    def read(self, path: str) -> bytes:
        body = self.in_hand.get(path)
        if body is not None:
            return body
        self.store_reads += 1
        return self.store.read(path)


class Stored(Protocol):
    """A stored filing as a derivation's query finds it."""

    @property
    def filing_id(self) -> int: ...

    @property
    def accession_number(self) -> str: ...


S = TypeVar("S", bound=Stored)
R = TypeVar("R")


@dataclass(frozen=True)
class Derivation(Generic[S, R]):
    """One output derived from stored filings."""

    name: str  # "facts", "sections": the stats' and the log's word
    # (conn, exchanges, again, accessions) -> the stored filings to read, in filing order.
    find: Callable[[Connection, Sequence[str] | None, bool, Sequence[str] | None], list[S]]
    derive: Callable[[S, Files], R]  # Unreadable when the filing cannot be read
    record: Callable[[Connection, S, R], int]  # writes the rows; their count
    refuse: Callable[[Connection, S, str, bool], None]  # (conn, stored, reason, lasting)


def derive_filing(
    engine: Engine, derivation: Derivation[S, R], stored: S, files: Files
) -> int | str:
    """One filing read and recorded: the rows' count, or the reason it could not be."""
    try:
        result = derivation.derive(stored, files)
    except Unreadable as error:
        with engine.begin() as conn:
            derivation.refuse(conn, stored, str(error), error.lasting)
        logger.warning(
            "%s: %s not read: %s",
            stored.accession_number,
            derivation.name,
            error,
            extra={"accession_number": stored.accession_number},
        )
        return str(error)
    with engine.begin() as conn:
        return derivation.record(conn, stored, result)


def derive_accession(
    engine: Engine, derivation: Derivation[S, R], accession_number: str, files: Files
) -> int | str | None:
    """The output of one filing just stored (None: the derivation has nothing of it to read)."""
    with engine.connect() as conn:
        found = derivation.find(conn, None, True, [accession_number])
    return derive_filing(engine, derivation, found[0], files) if found else None


def derive_stored(
    engine: Engine,
    derivation: Derivation[S, R],
    storage: Storage,
    *,
    exchanges: Sequence[str] | None,
    again: bool,
) -> tuple[int, Iterator[tuple[S, int | str]]]:
    """(how many filings, each filing with its result as it is read) for the commands: the
    stored filings not read yet (all of them `again`), from the store, WORKERS at a time."""
    with engine.connect() as conn:
        todo = derivation.find(conn, exchanges, again, None)
    files = StoredFiles(storage)

    def results() -> Iterator[tuple[S, int | str]]:
        with ThreadPoolExecutor(WORKERS) as pool:
            done = pool.map(lambda stored: derive_filing(engine, derivation, stored, files), todo)
            yield from zip(todo, done, strict=True)

    return len(todo), results()


def tally(
    results: Iterable[tuple[S, int | str]], say: Callable[[str], None] = print
) -> tuple[int, int, int]:
    """(filings read, rows recorded, filings refused) of a command's results; each refusal is
    said as it comes, one line with the filing and the reason."""
    read = rows = refusals = 0
    for stored, result in results:
        if isinstance(result, int):
            read += 1
            rows += result
        else:
            refusals += 1
            say(f"  {stored.accession_number}: {result}")
    return read, rows, refusals
