"""One SEC budget for every crawl of a user, kept in Redis: the window, the breaker, priorities.

SEC's limit is per user, "regardless of the number of machines". With SEC_BUDGET_URL set
(`redis://host:port/db`), every crawl, on any machine, takes each SEC request's permit from one
sliding window in Redis; without it, each crawl has its own window and a PostgreSQL lock keeps a
second SEC crawl of the same database from starting (db/sec_lock.py).

One Lua script does all of a permit, atomically, on Redis's own clock (`TIME`), so machines'
clocks never matter: it drops sends older than the window, answers "wait" while the breaker is
open, and grants the permit only if the window has room (the same rule as budget/limiter.py: at
most `rate` sends in any window of 1 s + SEC_RATE_MARGIN, and sends at least half an even
interval apart).

The clock is the wire's here too. The handler asks with the connection in hand (holding its own
window's permit meanwhile, so the crawl's other requests wait for it without asking Redis) and
writes the request in the callback of the grant. A granted permit counts as sent *now* at every
later look until the request's bytes are seen leaving; then `confirm` records it from Redis's
time of the confirmation, never early. (Counted from the grant instead, a run under load saw 11
arrivals in one second: a write delayed 60 ms after its grant bunched with the next ones.)

**The breaker.** A block page or a 429 seen by any crawl opens it (`trip`): every crawl's next
permit waits until `blocked_until`, and the rate after the block (`rate_after`, below the rate
that was blocked) holds for all of them for an hour.

**Priorities.** Each crawl asks with its class: 0 for `incremental`, 1 for `documents`, 2 for the
discovery crawls. A crawl refused for lack of room marks its class as waiting; while a more
urgent class waits, a less urgent one gets a permit only while the less urgent classes together
hold fewer than a fifth of the window, so the urgent class gets at least 80%. And while a less
urgent class waits short of that fifth, the more urgent one leaves it the next slot: without this,
the urgent crawl, always asking, won the race to each free slot and the others could get almost
nothing (2 of 30 permits in one run under load).
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from typing import Any

import redis
import redis.asyncio

PREFIX = "filings_crawler:budget"
# How long the rate after a block holds for every crawl, and how long a waiting mark lasts.
RATE_AFTER_SECONDS = 3600
WAITING_MARK_MS = 250
# The share of the window kept for less urgent classes while a more urgent one waits.
LOWER_SHARE = 0.2

# Priority classes: lower is served first.
URGENT, DOCUMENTS, DISCOVERY = 0, 1, 2

# KEYS: the window (confirmed sends, scored by when they left), the breaker, the waiting marks,
# the pending permits (granted, bytes not seen leaving yet: they count as sent *now*, as in
# budget/limiter.py). ARGV: rate, margin, class, member id, waiting mark (ms), lower share.
PERMIT_SCRIPT = """
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000000 + tonumber(t[2])
local limit = tonumber(ARGV[1])
local margin = tonumber(ARGV[2])
local class = tonumber(ARGV[3])
local blocked_until = tonumber(redis.call('HGET', KEYS[2], 'blocked_until') or '0')
if blocked_until > now then
  return {0, blocked_until - now}
end
local after = tonumber(redis.call('HGET', KEYS[2], 'rate_after') or '0')
if after > 0 and after < limit then limit = after end
local burst = math.max(1, math.floor(limit + 1e-9))
local window
if limit >= 1 then window = (1 + margin) * 1000000 else window = (1 / limit + margin) * 1000000 end
local spacing = window / burst / 2
redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', now - window)
-- A permit never confirmed (its crawl died) is forgotten after 5 s, long out of any window.
redis.call('ZREMRANGEBYSCORE', KEYS[4], '-inf', now - 5000000)
local sends = redis.call('ZRANGE', KEYS[1], 0, -1, 'WITHSCORES')
local pending = redis.call('ZRANGE', KEYS[4], 0, -1)
local times = {}
for i = 2, #sends, 2 do times[#times + 1] = tonumber(sends[i]) end
for i = 1, #pending do times[#times + 1] = now end
local count = #times
local wait = 0
if count > 0 then
  wait = math.max(wait, times[count] + spacing - now)
end
if count >= burst then
  wait = math.max(wait, times[count - burst + 1] + window - now)
end
if wait <= 0 then
  local waiting = redis.call('HGETALL', KEYS[3])
  local recent = now - tonumber(ARGV[5]) * 1000
  local urgent_waits, lower_waits = false, false
  for i = 1, #waiting, 2 do
    if tonumber(waiting[i + 1]) > recent then
      if tonumber(waiting[i]) < class then urgent_waits = true end
      if tonumber(waiting[i]) > class then lower_waits = true end
    end
  end
  if urgent_waits or lower_waits then
    -- The window's sends of this class and the less urgent ones, and of the less urgent only.
    local from_here, below = 0, 0
    local members = {}
    for i = 1, #sends, 2 do members[#members + 1] = sends[i] end
    for i = 1, #pending do members[#members + 1] = pending[i] end
    for i = 1, #members do
      local c = tonumber(string.match(members[i], '^(%d+):'))
      if c >= class then from_here = from_here + 1 end
      if c > class then below = below + 1 end
    end
    local share = math.max(1, math.floor(burst * tonumber(ARGV[6])))
    if urgent_waits and from_here >= share then
      -- A more urgent class waits: this one and those below have had their share.
      wait = spacing
    elseif lower_waits and below < share then
      -- A less urgent class waits short of its share: this slot is theirs, so they are never
      -- starved by the race to the next free slot.
      wait = spacing
    end
  end
end
if wait > 0 then
  redis.call('HSET', KEYS[3], class, now)
  redis.call('PEXPIRE', KEYS[3], 10000)
  return {0, math.ceil(wait)}
end
redis.call('ZADD', KEYS[4], now, class .. ':' .. ARGV[4])
redis.call('PEXPIRE', KEYS[4], 10000)
redis.call('HDEL', KEYS[3], class)
return {1, 0}
"""

# The permit's bytes left: it counts from now (Redis's time when this arrives, never early).
CONFIRM_SCRIPT = """
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000000 + tonumber(t[2])
if redis.call('ZREM', KEYS[2], ARGV[1]) == 1 then
  redis.call('ZADD', KEYS[1], now, ARGV[1])
  redis.call('PEXPIRE', KEYS[1], 10000)
end
return 1
"""

TRIP_SCRIPT = """
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000000 + tonumber(t[2])
local until_ = now + math.floor(tonumber(ARGV[1]) * 1000000)
local current = tonumber(redis.call('HGET', KEYS[1], 'blocked_until') or '0')
if until_ > current then redis.call('HSET', KEYS[1], 'blocked_until', until_) end
local rate = tonumber(ARGV[2])
local after = tonumber(redis.call('HGET', KEYS[1], 'rate_after') or '0')
if after == 0 or rate < after then redis.call('HSET', KEYS[1], 'rate_after', ARGV[2]) end
redis.call('EXPIRE', KEYS[1], tonumber(ARGV[3]))
return 1
"""


@dataclass(frozen=True)
class Keys:
    window: str
    breaker: str
    waiting: str
    pending: str

    @classmethod
    def of(cls, source: str) -> Keys:
        parts = ("window", "breaker", "waiting", "pending")
        return cls(*(f"{PREFIX}:{source}:{part}" for part in parts))

    @property
    def all(self) -> tuple[str, ...]:
        return (self.window, self.breaker, self.waiting, self.pending)


class SharedWindow:
    """A source's window in Redis, for one crawl (asyncio client, on the crawl's reactor)."""

    def __init__(self, url: str, source: str, rate: float, margin: float, priority: int):
        self.client = redis.asyncio.Redis.from_url(url)
        self.keys = Keys.of(source)
        self.rate = rate
        self.margin = margin
        self.priority = priority
        self.permit = self.client.register_script(PERMIT_SCRIPT)
        self.confirm_script = self.client.register_script(CONFIRM_SCRIPT)
        self.trip_script = self.client.register_script(TRIP_SCRIPT)
        self.round_trips = 0
        self.granted = 0

    async def ask(self) -> tuple[float, str | None]:
        """(0, permit) when granted: the request counts as sent now until `confirm(permit)`;
        else (seconds to wait, None)."""
        self.round_trips += 1
        token = uuid.uuid4().hex
        granted, wait_us = await self.permit(
            keys=list(self.keys.all),
            args=[self.rate, self.margin, self.priority, token, WAITING_MARK_MS, LOWER_SHARE],
        )
        if granted:
            self.granted += 1
            # The member the script added to the pending set: its class, then the token.
            return 0.0, f"{self.priority}:{token}"
        return max(int(wait_us), 1) / 1_000_000, None

    async def confirm(self, permit: str) -> None:
        """The permit's request left: it counts from now (when this reaches Redis)."""
        self.round_trips += 1
        await self.confirm_script(keys=[self.keys.window, self.keys.pending], args=[permit])

    async def trip(self, pause: float, rate_after: float) -> None:
        """Every crawl pauses `pause` seconds from now, then goes at most `rate_after`."""
        self.round_trips += 1
        await self.trip_script(
            keys=[self.keys.breaker], args=[pause, rate_after, RATE_AFTER_SECONDS]
        )

    async def close(self) -> None:
        await self.client.aclose()


def check_reachable(url: str) -> str | None:
    """Why SEC_BUDGET_URL cannot be used (one line), or None when Redis answers."""
    try:
        client = redis.Redis.from_url(url, socket_connect_timeout=3, socket_timeout=3)
        try:
            client.ping()
        finally:
            client.close()
    except (redis.RedisError, ValueError) as error:
        return f"SEC_BUDGET_URL: Redis at {url} cannot be reached ({error})"
    return None


@dataclass(frozen=True)
class BudgetView:
    """What `scrapy status` shows of the shared budget."""

    sent_last_second: int
    blocked_for: float
    rate_after: float | None


def shared_view(url: str, source: str = "sec") -> BudgetView:
    """The shared window now: sends in the last second, the breaker."""
    keys = Keys.of(source)
    client = redis.Redis.from_url(url, socket_connect_timeout=3, socket_timeout=3)
    try:
        seconds, micros = client.time()
        now = seconds * 1_000_000 + micros
        sent = client.zcount(keys.window, now - 1_000_000, "+inf") + client.zcard(keys.pending)
        breaker: dict[Any, Any] = client.hgetall(keys.breaker)
    finally:
        client.close()
    blocked_until = int(breaker.get(b"blocked_until", 0))
    after = breaker.get(b"rate_after")
    return BudgetView(
        int(sent),
        max(0.0, (blocked_until - now) / 1_000_000),
        float(after) if after is not None else None,
    )
