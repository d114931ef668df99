"""Where each company of a run's discovery stands: the one object the scheduler, the sweep and the
end-of-crawl reconciliation ask.

A company's discovery is done when its outcome is known: its submissions were read and its
filings handed to the database pipeline, or SEC answered with a permanent error (recorded with
the reason). Never when its request was first handed out: a request that comes back for another
try (a retry after a truncated body or a reset, the same request after SEC's block page, a sweep's
re-ask) is the same company not done yet, and must reach SEC. (Keyed on "asked for", a retried
request was dropped as already done and whole companies vanished from runs that said they
succeeded.)

A transient failure (the submissions file never answered through every retry) is not done: the
company is *left*, with its reason, for the next run, and the crawl says so when it ends.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable

from filings_crawler.spiders.sweep import MAX_SWEEPS


class DiscoveryLedger:
    """This run's discovery, company by company (the scheduler's `DiscoveryLedger` protocol)."""

    def __init__(self) -> None:
        # Recorded as discovered by an earlier process of this run (a resumed run).
        self.recorded_before: set[int] = set()
        # Read in this process: its profile and filings went to the pipelines.
        self.read: set[int] = set()
        # Answered with a permanent error in this process: recorded with the reason.
        self.failed: dict[int, str] = {}
        # Not read for a transient reason (retries spent): asked again by the next run.
        self.left: dict[int, str] = {}
        self.swept: Counter[int] = Counter()

    def resumed(self, recorded: Iterable[int]) -> None:
        """These companies were recorded by the process before the stop: done in this run."""
        self.recorded_before.update(recorded)

    def is_done(self, cik: int) -> bool:
        """Whether a submissions request for `cik` would only repeat this run's finished work
        (the scheduler drops it: a killed process's frontier replays requests long done)."""
        return cik in self.recorded_before or cik in self.read or cik in self.failed

    def mark_read(self, cik: int) -> None:
        self.read.add(cik)
        self.left.pop(cik, None)

    def mark_failed(self, cik: int, reason: str, *, permanent: bool) -> None:
        """The company could not be read: for good (recorded, done) or for now (left)."""
        if cik in self.read:
            return  # another copy of its request read it: that outcome stands
        if permanent:
            self.failed[cik] = reason
            self.left.pop(cik, None)
        else:
            self.left[cik] = reason

    def has_outcome(self, cik: int) -> bool:
        """Done, or left with a reason, in this run."""
        return self.is_done(cik) or cik in self.left

    def to_sweep(self, unrecorded: Iterable[int]) -> list[int]:
        """Of the companies the database has not recorded in this run, those to ask again: the
        ones with no outcome in this process (their requests died with a killed one), each at
        most MAX_SWEEPS times. Those read here may still be in the database pipeline's buffer."""
        companies = [
            cik for cik in unrecorded if not self.has_outcome(cik) and self.swept[cik] < MAX_SWEEPS
        ]
        self.swept.update(companies)
        return companies

    def done_count(self, companies: Iterable[int]) -> int:
        """How many of `companies` have an outcome (done or left) in this run."""
        return sum(1 for cik in companies if self.has_outcome(cik))
