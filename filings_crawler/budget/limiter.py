"""The sliding-window rate limit, counted at the wire, as plain code with an injectable clock."""

from __future__ import annotations

import bisect
import math
import random
import time
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass


@dataclass(frozen=True)
class Permit:
    """Leave to send one request now; `probe` when it is the single request after a block."""

    token: int
    probe: bool


class SlidingWindowLimiter:
    """Allows at most `rate` requests in any window of one second, counting when their bytes leave.

    A fixed delay between requests cannot be both safe and full: measured against a server that
    counts arrivals in a sliding second, 0.100 s let 11 requests into one window and 0.105 s used
    only 94.5% of the budget. So this keeps the send times of the last `k` requests and lets the
    next one go only when the k-th most recent is at least `window` seconds old; then no window of
    one second can hold more than `k`. `margin` widens the window a little, because requests do
    not reach the server exactly as far apart as they left (network jitter): with it the limit
    holds despite that jitter, at the cost of margin/(1 + margin) of the budget.

    The clock is the wire's. A permit (`acquire`) is taken where the request is written, and the
    send counts from when its bytes really left (`confirm`). Until then it counts as sent *now*,
    at every look: a request that waits for the reactor, for a busy CPU or for its socket keeps
    the next one waiting too, so requests can never bunch at the server because some writes were
    delayed and others not. (Measured: counted from the permit instead, 11 consecutive requests
    arrived within 1.028-1.030 s, all of the 30 ms margin gone, and a busy machine spends more.)

    Within a window requests are also kept at least half an even interval apart, so a full
    window is never sent in one instant: a burst would put several requests on the wire before
    the first answer could say "blocked".

    A rate below 1 means one request per 1/rate seconds. The rate can be lowered and raised (the
    pace, budget/pace.py, decides); the send log is the same, so a change takes effect at once.
    After a block, `start_probing` lets exactly one request through and holds the rest until
    `probe_done`: SEC sees one request, not a queue of them, while it may still be blocking.
    """

    def __init__(
        self, rate: float, *, margin: float = 0.0, clock: Callable[[], float] = time.monotonic
    ):
        if rate <= 0:
            raise ValueError(f"rate must be > 0, got {rate}")
        self.ceiling = rate
        self.rate = rate
        self.margin = margin
        self.clock = clock
        self.paused_until = 0.0
        # When the bytes of recent requests left, oldest first (only the last few decide).
        self._sends: deque[float] = deque()
        # Permits taken whose bytes have not left yet: token -> when the permit was taken.
        self._pending: dict[int, float] = {}
        self._tokens = 0
        # Sends of the last second, to report the busiest second actually sent.
        self._last_second: deque[float] = deque()
        self.max_in_any_second = 0
        # Permits taken (less those given back unsent), and sends seen leaving: only the second
        # never goes down, so rates over an interval are read from it.
        self.total_sends = 0
        self.confirmed_sends = 0
        self.first_send: float | None = None
        self.last_send: float | None = None
        self.probing = False
        self.probe_in_flight = False

    @property
    def burst(self) -> int:
        """How many sends one window may hold."""
        return burst_of(self.rate)

    @property
    def window(self) -> float:
        return (1.0 if self.rate >= 1 else 1.0 / self.rate) + self.margin

    @property
    def min_spacing(self) -> float:
        return self.window / self.burst / 2

    def assume_full_window(self) -> None:
        """Start as if a whole window had just been sent: the first request waits one window.

        A crawl started right after another was killed cannot know what that one sent in its
        last second; counting a full window at start makes the two together safe, for about
        one second of the new crawl's time. Not counted in the statistics.
        """
        now = self.clock()
        self._sends.extend([now] * self.burst)
        self._trim()

    def wait_time(self) -> float:
        """Seconds until a request may start (0 when it may start now)."""
        now = self.clock()
        # Permits whose bytes have not left count as sent at this very moment.
        sends = [*self._sends, *([now] * len(self._pending))]
        wait = self.paused_until - now
        if sends:
            wait = max(wait, sends[-1] + self.min_spacing - now)
        if len(sends) >= self.burst:
            kth_most_recent = sends[-self.burst]
            wait = max(wait, kth_most_recent + self.window - now)
        if self.probe_in_flight:
            # Nobody else goes until the probe's answer is in; look again shortly.
            wait = max(wait, 0.05)
        return max(0.0, wait)

    def acquire(self) -> Permit:
        """Take the permit for a request written now; `confirm` it once its bytes have left."""
        now = self.clock()
        self._tokens += 1
        self._pending[self._tokens] = now
        self.total_sends += 1
        if self.first_send is None:
            self.first_send = now
        probe = False
        if self.probing:
            self.probing = False
            self.probe_in_flight = True
            probe = True
        return Permit(self._tokens, probe)

    def confirm(self, token: int, when: float | None = None) -> None:
        """The request of `token` left at `when` (default: now). Later calls change nothing.

        `when` should be read just after the bytes were handed to the kernel: a time a little
        late only makes the next request wait a little longer, never go early.
        """
        taken = self._pending.pop(token, None)
        if taken is None:
            return
        self.confirmed_sends += 1
        sent = max(taken, self.clock() if when is None else when)
        bisect.insort(self._sends, sent)
        self._trim()
        self.last_send = sent if self.last_send is None else max(self.last_send, sent)
        bisect.insort(self._last_second, sent)
        while self._last_second and self._last_second[0] <= self._last_second[-1] - 1.0:
            self._last_second.popleft()
        self.max_in_any_second = max(self.max_in_any_second, len(self._last_second))

    def release(self, permit: Permit) -> None:
        """Give back a permit whose request was not sent after all (the shared budget said
        wait): it never counted, and a probe stays to be sent."""
        if self._pending.pop(permit.token, None) is None:
            return
        self.total_sends -= 1
        if self.total_sends == 0:
            self.first_send = None
        if permit.probe:
            self.probing = True
            self.probe_in_flight = False

    @property
    def unconfirmed(self) -> int:
        """Permits whose requests have not been seen leaving yet."""
        return len(self._pending)

    def _trim(self) -> None:
        # Only the last `burst` sends decide; keep a few more in case the rate is raised.
        while len(self._sends) > max(self.burst, math.ceil(self.ceiling)) + 1:
            self._sends.popleft()

    def start_probing(self) -> None:
        """The next request is a probe: the one after it waits for `probe_done`."""
        self.probing = True
        self.probe_in_flight = False

    def probe_done(self) -> None:
        """The probe was answered (not blocked): requests flow again at the current rate."""
        self.probe_in_flight = False

    @property
    def sending_seconds(self) -> float:
        """From the first send to the last."""
        if self.first_send is None or self.last_send is None:
            return 0.0
        return max(0.0, self.last_send - self.first_send)

    def mean_rate(self) -> float:
        """Requests sent per second between the first and the last send."""
        if self.first_send is None or self.last_send is None or self.total_sends < 2:
            return 0.0
        return (self.total_sends - 1) / max(self.last_send - self.first_send, 1e-9)

    def pause(self, seconds: float) -> None:
        """No request starts for `seconds` from now (an earlier, longer pause stands)."""
        self.paused_until = max(self.paused_until, self.clock() + seconds)

    @property
    def paused_for(self) -> float:
        return max(0.0, self.paused_until - self.clock())


def burst_of(rate: float) -> int:
    """Requests one window holds at `rate` (a rate below 1 is one request per longer window)."""
    return max(1, math.floor(rate + 1e-9))


class Backoff:
    """Exponential backoff with jitter for throttling answers (429/503) without a Retry-After."""

    def __init__(
        self,
        base: float = 1.0,
        cap: float = 120.0,
        random_fraction: Callable[[], float] = random.random,
    ):
        self.base = base
        self.cap = cap
        self.random_fraction = random_fraction
        self.consecutive = 0

    def next_delay(self) -> float:
        """The pause after one more throttling answer in a row: base * 2^n, jittered by +-50%."""
        delay = min(self.cap, self.base * 2**self.consecutive)
        self.consecutive += 1
        return delay * (0.5 + self.random_fraction())

    def reset(self) -> None:
        self.consecutive = 0
