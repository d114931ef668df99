"""SEC's fair-access enforcement, as the mirror plays it: the rate limit, blocks and scripted answers."""

from __future__ import annotations

import bisect
import threading
from dataclasses import dataclass, field
from typing import Any

RATE_THRESHOLD_PAGE = "rate_threshold"
UNDECLARED_TOOL_PAGE = "undeclared_tool"


@dataclass(frozen=True)
class Verdict:
    """What the policy says instead of the file: a status, maybe a block page, maybe Retry-After."""

    status: int
    block_page: str | None = None
    retry_after: float | None = None


@dataclass
class ScriptedAnswers:
    """The `at`-th to `at + count - 1`-th SEC requests (1-based) get `status` (e.g. a 429 burst)."""

    at: int
    count: int
    status: int = 429
    retry_after: float | None = None


@dataclass
class ScriptedBlock:
    """From the `at`-th SEC request on, every SEC request gets a 403 block page for `seconds`."""

    at: int
    seconds: float
    page: str = RATE_THRESHOLD_PAGE


@dataclass
class SecPolicy:
    """Decides, per SEC request, whether SEC would refuse it, and keeps count of what it refused.

    With `enforce_rate`, more than that many arrivals within one second blocks the client the way
    SEC does: the rate-threshold page for `block_seconds`, extended while the client keeps
    exceeding the rate. Scripted answers and blocks come on top, triggered by request number so a
    test can place them mid-crawl.
    """

    enforce_rate: float | None = None
    block_seconds: float = 600.0
    answers: list[ScriptedAnswers] = field(default_factory=list)
    blocks: list[ScriptedBlock] = field(default_factory=list)

    def __post_init__(self) -> None:
        self._lock = threading.Lock()
        self._count = 0
        self._recent: list[float] = []
        self._blocked_until = 0.0
        self._block_page = RATE_THRESHOLD_PAGE
        self.violations = 0
        self.refused = 0

    def decide(self, arrival: float) -> Verdict | None:
        """The verdict for an SEC request arriving at `arrival` (monotonic), or None to serve it."""
        with self._lock:
            self._count += 1
            number = self._count
            over_rate = self._note_arrival(arrival)
            if over_rate:
                self.violations += 1
                self._blocked_until = max(self._blocked_until, arrival + self.block_seconds)
                self._block_page = RATE_THRESHOLD_PAGE
            for block in self.blocks:
                if number == block.at:
                    self._blocked_until = max(self._blocked_until, arrival + block.seconds)
                    self._block_page = block.page
            if arrival < self._blocked_until:
                self.refused += 1
                return Verdict(403, block_page=self._block_page)
            for answer in self.answers:
                if answer.at <= number < answer.at + answer.count:
                    self.refused += 1
                    return Verdict(answer.status, retry_after=answer.retry_after)
        return None

    def _note_arrival(self, arrival: float) -> bool:
        """Keep the last second of arrivals; whether this one takes it over the enforced rate."""
        bisect.insort(self._recent, arrival)
        while self._recent and self._recent[0] <= arrival - 1.0:
            self._recent.pop(0)
        return self.enforce_rate is not None and len(self._recent) > self.enforce_rate

    def configure(self, settings: dict[str, Any]) -> None:
        """Apply a script from the control API (`POST /_mirror/script`, a JSON object)."""
        with self._lock:
            if "enforce_rate" in settings:
                self.enforce_rate = settings["enforce_rate"]
            if "block_seconds" in settings:
                self.block_seconds = float(settings["block_seconds"])
            self.answers = [ScriptedAnswers(**a) for a in settings.get("answers", [])]
            self.blocks = [ScriptedBlock(**b) for b in settings.get("blocks", [])]

    def reset(self) -> None:
        """Forget the requests seen, the scripts and any block; the enforced rate stays."""
        with self._lock:
            self._count = 0
            self._recent.clear()
            self._blocked_until = 0.0
            self.answers = []
            self.blocks = []
            self.violations = 0
            self.refused = 0

    def stats(self) -> dict[str, Any]:
        with self._lock:
            return {
                "sec_requests": self._count,
                "rate_violations": self.violations,
                "refused": self.refused,
                "enforce_rate": self.enforce_rate,
            }
