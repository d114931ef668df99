"""In-memory log of the requests the mirror answered, for tests and benchmarks."""

from __future__ import annotations

import dataclasses
import threading
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

WINDOW_SECONDS = 1.0


@dataclass(frozen=True)
class RequestRecord:
    """One answered request.

    `arrival` is `time.monotonic()` when the request line was read; on Linux that clock is
    system-wide, so it compares with the monotonic clock of a crawler in another process.
    `bytes_sent` counts the body bytes sent (compressed if gzip, 0 for HEAD); the record is
    made just before the body goes out, so a client that hung up mid-body still counts it all.
    `fault` is the injected fault's kind, if any (see FaultPlan): a reset has `status` 0 and
    no bytes, a truncation its real status and only the bytes actually sent.
    """

    arrival: float
    wall_time: float
    method: str
    path: str
    status: int
    user_agent: str | None
    bytes_sent: int
    accept_encoding: str | None = None
    fault: str | None = None

    def as_dict(self) -> dict[str, Any]:
        """JSON-ready form."""
        return dataclasses.asdict(self)


class RequestLog:
    """Thread-safe list of records; handler threads append, control calls read and clear."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._records: list[RequestRecord] = []

    def add(self, record: RequestRecord) -> None:
        """Append one record."""
        with self._lock:
            self._records.append(record)

    def records(self) -> list[RequestRecord]:
        """A copy of the records in arrival order."""
        with self._lock:
            records = list(self._records)
        # Appends happen when responses finish, so a slow response lands after a later quick one.
        return sorted(records, key=lambda record: record.arrival)

    def clear(self) -> None:
        """Forget every record."""
        with self._lock:
            self._records.clear()

    def stats(self) -> dict[str, Any]:
        """`{"requests": n, "by_status": {"200": k, ...}, "max_in_any_window": m}`."""
        records = self.records()
        by_status = Counter(str(record.status) for record in records)
        return {
            "requests": len(records),
            "by_status": dict(sorted(by_status.items())),
            "max_in_any_window": max_in_any_window(record.arrival for record in records),
        }


def max_in_any_window(arrivals: Iterable[float], window: float = WINDOW_SECONDS) -> int:
    """Most arrivals inside any half-open window `[t, t + window)`.

    Half-open so that a client pacing itself at exactly 10 requests per second counts 10, not
    11: an arrival exactly `window` after another falls into the next window. The best window
    starts at some arrival, so a two-pointer sweep over the sorted times finds it.
    """
    times = sorted(arrivals)
    best = 0
    first = 0
    for last, arrival in enumerate(times):
        while arrival - times[first] >= window:
            first += 1
        best = max(best, last - first + 1)
    return best
