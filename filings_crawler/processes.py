"""Processes of this machine: whether one still runs (a crawl's, a writer's of a temporary file)."""

from __future__ import annotations

import os


def is_alive(pid: int) -> bool:
    """Whether process `pid` exists (another user's counts: signal 0 is then refused, not failed)."""
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True
