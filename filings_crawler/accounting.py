"""A crawl's account of its own work at the end: what it set out to do, done, failed, or left.

Before a crawl says it finished, it reconciles (each spider's `reconcile()`, asked by the run
audit): every company it set out to read was read or has its problem recorded, and every
filing it recorded has its documents stored, failed with SEC's reason, or still due with one.
Work *left* (a file that did not answer through every retry) makes the run `incomplete`: the
crawl exits 4 and its last line says what is left; the same command continues it. Work that is
none of these is *unaccounted for*, a bug the crawl reports itself in the same way, never a
silent gap in a run recorded as succeeded.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Mapping
from dataclasses import asdict, dataclass, field
from datetime import datetime
from typing import Any

# How each kind of outstanding work reads on the last line: one, several, what it is.
_PHRASES = {
    "companies": ("company", "companies", "still to read"),
    "documents": ("document", "documents", "still due"),
    "index files": ("daily index file", "daily index files", "unread"),
    "filings": ("filing", "filings", "not in SEC's submissions yet"),
    "candidates": ("past-listing candidate", "past-listing candidates", "undecided"),
    "checks": ("check of the crawl's work", "checks of the crawl's work", "failed"),
}
# Examples named on the last line before "and N more".
EXAMPLES = 3


@dataclass(frozen=True)
class Outstanding:
    """Work of one kind that is not done: how much, and why (with a few examples)."""

    what: str
    count: int
    detail: str

    def phrase(self) -> str:
        one, many, state = _PHRASES.get(self.what, (self.what, self.what, "outstanding"))
        return f"{self.count} {one if self.count == 1 else many} {state} ({self.detail})"


@dataclass
class WorkAccount:
    """`done` and `failed` (SEC's lasting answers, recorded with their reasons) count work by
    kind; `left` is still due, with its reasons; `unaccounted` is a bug."""

    done: dict[str, int] = field(default_factory=dict)
    failed: dict[str, int] = field(default_factory=dict)
    left: list[Outstanding] = field(default_factory=list)
    unaccounted: list[Outstanding] = field(default_factory=list)

    @property
    def complete(self) -> bool:
        return not self.left and not self.unaccounted

    def add(self, other: WorkAccount) -> None:
        for name, count in other.done.items():
            self.done[name] = self.done.get(name, 0) + count
        for name, count in other.failed.items():
            self.failed[name] = self.failed.get(name, 0) + count
        self.left.extend(other.left)
        self.unaccounted.extend(other.unaccounted)

    def summary(self) -> str:
        """What is outstanding, in one line (empty when complete)."""
        parts = [item.phrase() for item in self.left]
        parts += [
            f"{item.phrase()}, unaccounted for: a bug, please report it"
            for item in self.unaccounted
        ]
        return "; ".join(parts)

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)


# How each kind of work done reads in the closing summary.
_DONE = {
    "companies": ("company read", "companies read"),
    "candidates": ("past-listing candidate decided", "past-listing candidates decided"),
    "documents": ("document stored", "documents stored"),
    "documents_queued": ("document queued", "documents queued"),
}


def describe_done(account: Mapping[str, Any]) -> str:
    """`11 companies read (1 failed with SEC's reason), 240 documents stored (3 failed ...)`."""
    parts = []
    for kind, count in account["done"].items():
        one, many = _DONE.get(kind, (kind, kind))
        part = f"{count:,} {one if count == 1 else many}"
        if failed := account["failed"].get(kind):
            part += f" ({failed:,} failed with SEC's reason)"
        parts.append(part)
    for kind, count in account["failed"].items():
        if kind not in account["done"]:
            parts.append(f"{count:,} {kind} failed with SEC's reason")
    return ", ".join(parts) or "nothing to do"


def examples(items: Iterable[str]) -> str:
    """`a, b, c and 4 more`."""
    items = list(items)
    shown = ", ".join(items[:EXAMPLES])
    return f"{shown} and {len(items) - EXAMPLES} more" if len(items) > EXAMPLES else shown


def by_reason(reasons: Mapping[str, int]) -> str:
    """The reasons, most frequent first, each with its count when more than one."""
    return examples(
        reason if count == 1 else f"{reason} ×{count}"
        for reason, count in Counter(reasons).most_common()
    )


def companies_account(
    targeted: Iterable[int],
    unrecorded: Iterable[int],
    *,
    failed: Iterable[int],
    left: dict[int, str],
) -> WorkAccount:
    """The companies a crawl set out to read, against what the database recorded in this run:
    read, failed (SEC's lasting answer), or, not recorded, left with the reason the crawl met or
    unaccounted for."""
    targeted, unrecorded = set(targeted), set(unrecorded)
    failed = (set(failed) & targeted) - unrecorded
    account = WorkAccount(done={"companies": len(targeted - unrecorded - failed)})
    if failed:
        account.failed["companies"] = len(failed)
    still_due = sorted(cik for cik in unrecorded if cik in left)
    lost = sorted(cik for cik in unrecorded if cik not in left)
    if still_due:
        detail = examples(f"CIK {cik}: {left[cik]}" for cik in still_due)
        account.left.append(Outstanding("companies", len(still_due), detail))
    if lost:
        detail = "never read: CIK " + examples(map(str, lost))
        account.unaccounted.append(Outstanding("companies", len(lost), detail))
    return account


@dataclass(frozen=True)
class DocumentsTally:
    """What the database says of the documents of a crawl's filings (db/documents.py)."""

    stored: int = 0
    failed: int = 0  # for good: SEC's lasting answer, or retries spent (ARTIFACT_RETRY_MAX)
    due: int = 0  # failed for now: asked again from `next_due`
    queued: int = 0  # never attempted
    leased_elsewhere: int = 0  # of the queued, those another crawl holds (a shared budget)
    due_reasons: Mapping[str, int] = field(default_factory=dict)  # last error -> documents
    next_due: datetime | None = None
    queued_filings: tuple[str, ...] = ()  # accession numbers with queued documents (not leased)


def documents_account(tally: DocumentsTally, *, fetched: bool) -> WorkAccount:
    """The documents of a crawl's filings: stored, failed, left, or (fetched by this crawl and
    still queued) unaccounted for. Without downloads (`download=no`) queued is what was asked."""
    account = WorkAccount(done={"documents": tally.stored})
    if tally.failed:
        account.failed["documents"] = tally.failed
    if tally.due:
        detail = by_reason(tally.due_reasons)
        if tally.next_due is not None:
            detail += f"; next try from {tally.next_due:%Y-%m-%d %H:%M:%S %Z}"
        account.left.append(Outstanding("documents", tally.due, detail))
    if not fetched:
        account.done["documents_queued"] = tally.queued
        return account
    if tally.leased_elsewhere:
        account.left.append(
            Outstanding("documents", tally.leased_elsewhere, "being fetched by another crawl")
        )
    if never := tally.queued - tally.leased_elsewhere:
        detail = "queued and never fetched: " + examples(tally.queued_filings)
        account.unaccounted.append(Outstanding("documents", never, detail))
    return account
