"""Which names from SEC, an HTML page or a zip member may become a file name in our storage."""

from __future__ import annotations

import re
from collections.abc import Callable

MAX_NAME_LENGTH = 200

# SEC's own file names use only these characters (aapl-20250329_g1.jpg, R1.htm,
# 0000320193-25-000057-xbrl.zip). Nothing else is needed, and with nothing else there is no
# separator, drive letter, control character or percent sign that a disk or S3 could read as
# more than one plain name.
_PLAIN_CHARACTERS = re.compile(r"[A-Za-z0-9._-]+")
_CONTROL = re.compile(r"[\x00-\x1f\x7f]")


def safe_file_name(name: str) -> str | None:
    """`name` if it is one plain file name, usable on disk and as an S3 key segment; else None.

    Allowed: 1 to MAX_NAME_LENGTH letters, digits, `.`, `_` and `-` (what SEC uses), not
    starting with `.` (no `.`, `..` or hidden file). Refused: everything else, so that no name
    taken from SEC's listings, a filing's HTML or a zip member can write outside the storage
    root or collide with a special name. A `..` inside a name (`expedia.inc..txt`) is harmless
    once `/` and `\\` are refused.
    """
    return name if file_name_problem(name) is None else None


def file_name_problem(name: str) -> str | None:
    """Why `name` is not a safe plain file name (see safe_file_name), or None if it is."""
    return next((problem for refuses, problem in _CHECKS if refuses(name)), None)


# In order: the first that refuses a name gives the reason.
_CHECKS: tuple[tuple[Callable[[str], bool], str], ...] = (
    (lambda name: not name, "empty name"),
    (lambda name: len(name) > MAX_NAME_LENGTH, f"longer than {MAX_NAME_LENGTH} characters"),
    (lambda name: "\x00" in name, "contains a NUL"),
    (lambda name: _CONTROL.search(name) is not None, "contains a control character"),
    (lambda name: "/" in name or "\\" in name, "contains a path separator"),
    (lambda name: name in (".", ".."), "is a relative folder name"),
    (lambda name: name.startswith("."), "starts with '.' (a hidden file)"),
    (
        lambda name: _PLAIN_CHARACTERS.fullmatch(name) is None,
        "has characters other than letters, digits, '.', '_' and '-'",
    ),
)
