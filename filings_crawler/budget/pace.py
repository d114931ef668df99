"""How fast SEC's slot may go, from what SEC answers: blocks, 429s and runs of server errors.

The window (limiter.py) says how many requests fit in a second at a given rate; this decides
the rate. It is plain code with an injectable clock, driven by the budget middleware.

What it was built against (a mirror playing SEC: a sliding one-second window, the 403 page,
then a ban), and what each rule answers:

- **After a block, the rate that was blocked is never reached again in this run.** Resuming at
  half the rate and climbing back a quarter of the limit every quiet 10 s took a crawl against
  a server that bans above 6/s straight back into the next block, 14 times over. Now the run
  remembers one step below the rate it was blocked at (`cap`) and climbs only to there.
- **The quiet time that earns a step back starts when the pause ends**, not when the block was
  seen: counted from the block, a 25 s pause was itself "quiet", and the rate went up in the
  same millisecond as the probe was answered.
- **A lone 5xx is a fault, not a signal.** SEC's servers answer an isolated 503 or 500 under
  load; halving the rate for each took 5% of 503s from 5.0 down to 0.6 requests/s and a crawl
  from 19 s to 113 s. Only a 429, or a run of server errors with nothing good between them,
  slows the slot; and once they stop the rate from before the run comes back at once.
"""

from __future__ import annotations

import time
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass

from filings_crawler.budget.limiter import Backoff, SlidingWindowLimiter, burst_of

# The slowest the slot ever goes: one request every ten seconds.
FLOOR = 0.1
# A run of server errors: this many answers in a row, each a 5xx, within ERROR_RUN_SECONDS.
ERROR_RUN = 3
ERROR_RUN_SECONDS = 5.0
# Each quiet interval gives back this share of the configured limit.
RECOVERY_STEP = 0.1


@dataclass(frozen=True)
class Slowdown:
    """What the pace did about an answer: paused this long, and goes on at this rate."""

    pause: float
    rate: float


def rate_below(rate: float) -> float:
    """The highest rate that sends fewer requests per window than `rate` does.

    At 7/s a window holds 7 requests and at 6.5/s only 6: what a server counting requests in a
    second sees is the whole number, so a step below is one request fewer per second.
    """
    if rate >= 2:
        return float(burst_of(rate) - 1)
    if rate >= 1:
        return 0.5  # one request a second becomes one every two seconds
    return max(FLOOR, rate / 2)


class Pace:
    """The SEC slot's rate: lowered by what SEC answers, raised back slowly while it is quiet."""

    def __init__(
        self,
        limiter: SlidingWindowLimiter,
        *,
        recovery_seconds: float = 10.0,
        backoff: Backoff | None = None,
        clock: Callable[[], float] = time.monotonic,
    ):
        self.limiter = limiter
        self.recovery_seconds = recovery_seconds
        self.backoff = backoff or Backoff()
        self.clock = clock
        # The highest rate for the rest of the run: the limit, until a block lowers it.
        self.cap = limiter.ceiling
        # Since when nothing slowed the slot; None while a block's probe is still unanswered.
        self.quiet_since: float | None = clock()
        # Answers to requests sent before this are part of an episode already acted on.
        self.slowed_at = float("-inf")
        self._errors: deque[float] = deque()
        # The rate a run of server errors interrupted, given back as soon as they stop.
        self._rate_before_errors: float | None = None

    @property
    def rate(self) -> float:
        return self.limiter.rate

    def blocked(self, cooldown: float) -> Slowdown:
        """SEC blocked the slot: pause for the cooldown, then probe, then go on below the rate
        that was blocked, never to reach it again in this run."""
        limiter = self.limiter
        self.cap = min(self.cap, rate_below(limiter.rate))
        limiter.rate = max(FLOOR, min(self.cap, limiter.rate / 2))
        limiter.pause(cooldown)
        limiter.start_probing()
        self.slowed_at = self.clock()
        self.quiet_since = None  # until the probe is answered
        self._rate_before_errors = None
        return Slowdown(cooldown, limiter.rate)

    def probe_answered(self) -> None:
        """SEC answered the probe after a block: requests flow again, and quiet time begins."""
        self.limiter.probe_done()
        self.quiet_since = self.clock()

    def is_same_episode(self, sent_at: float | None) -> bool:
        """Whether a request was sent before the last slow-down (its answer is old news)."""
        return sent_at is not None and sent_at < self.slowed_at

    def throttled(self, retry_after: float | None) -> Slowdown:
        """A 429: pause (Retry-After, or backoff), halve the rate; quiet time begins after it."""
        delay = self.backoff.next_delay() if retry_after is None else retry_after
        return self._slow_down(delay)

    def server_error(self) -> Slowdown | None:
        """A 5xx: retried by the caller; the slot slows only when it ends a run of them."""
        now = self.clock()
        self._errors.append(now)
        while self._errors and self._errors[0] < now - ERROR_RUN_SECONDS:
            self._errors.popleft()
        if len(self._errors) < ERROR_RUN:
            return None
        self._errors.clear()
        if self._rate_before_errors is None:
            self._rate_before_errors = self.limiter.rate
        return self._slow_down(self.backoff.next_delay())

    def answered(self) -> str | None:
        """A good answer (anything but a block, a 429 or a 5xx): ends a run of server errors, and
        may give a step of the rate back. Returns what changed, for the log."""
        self._errors.clear()
        self.backoff.reset()
        limiter = self.limiter
        now = self.clock()
        if self._rate_before_errors is not None and limiter.paused_for == 0:
            # The server errors stopped: back to where they found us, at once.
            limiter.rate = min(self.cap, self._rate_before_errors)
            self._rate_before_errors = None
            self.quiet_since = now
            return f"server errors stopped: back to {limiter.rate:.1f} requests/s"
        if (
            limiter.rate < self.cap
            and self.quiet_since is not None
            and now - self.quiet_since >= self.recovery_seconds
        ):
            limiter.rate = min(self.cap, limiter.rate + RECOVERY_STEP * limiter.ceiling)
            self.quiet_since = now
            return f"rate back up to {limiter.rate:.1f} requests/s (at most {self.cap:.1f})"
        return None

    def _slow_down(self, pause: float) -> Slowdown:
        limiter = self.limiter
        limiter.pause(pause)
        limiter.rate = max(FLOOR, min(self.cap, limiter.rate / 2))
        self.slowed_at = self.clock()
        # Quiet time starts when the pause is over, not while it lasts.
        self.quiet_since = limiter.paused_until
        return Slowdown(pause, limiter.rate)
