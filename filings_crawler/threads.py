"""Running blocking work (database, disk) off the reactor thread, from async Scrapy components."""

from __future__ import annotations

from collections.abc import Callable
from typing import ParamSpec, TypeVar

from scrapy.utils.defer import maybe_deferred_to_future
from twisted.internet.threads import deferToThread

P = ParamSpec("P")
T = TypeVar("T")


async def in_thread(function: Callable[P, T], *args: P.args, **kwargs: P.kwargs) -> T:
    """Await `function(*args, **kwargs)` run in the reactor's thread pool.

    Twisted's pool rather than asyncio's, so it works under either reactor and is sized by
    Scrapy's REACTOR_THREADPOOL_MAXSIZE.
    """
    result: T = await maybe_deferred_to_future(deferToThread(function, *args, **kwargs))
    return result
