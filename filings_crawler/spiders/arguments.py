"""Spider arguments (`-a name=value`): parsed and checked before a crawl starts, errors in one line."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date


class ArgumentError(ValueError):
    """A spider argument is wrong; the message names it and says what is expected."""


def positive_int(name: str, value: object) -> int | None:
    if value is None or value == "":
        return None
    try:
        number = int(str(value))
    except ValueError:
        number = 0
    if number <= 0:
        raise ArgumentError(f"-a {name}={value!r}: expected a positive whole number")
    return number


def cik_list(name: str, value: object) -> list[int] | None:
    """`320193,789019` (zero-padded or not) as CIKs."""
    if value is None or value == "":
        return None
    ciks = []
    for part in (piece.strip() for piece in str(value).split(",")):
        if not part.isdigit() or int(part) <= 0:
            raise ArgumentError(f"-a {name}={value!r}: {part!r} is not a CIK (digits, e.g. 320193)")
        ciks.append(int(part))
    return ciks


def choices(name: str, value: object, allowed: Sequence[str]) -> list[str] | None:
    """One or more of `allowed`, comma-separated, matched without regard to case."""
    if value is None or value == "":
        return None
    by_key = {choice.casefold(): choice for choice in allowed}
    chosen = []
    for part in str(value).split(","):
        key = part.strip().replace("_", " ").casefold()
        if key not in by_key:
            raise ArgumentError(
                f"-a {name}={value!r}: {part.strip()!r} is not one of: {', '.join(allowed)}"
            )
        chosen.append(by_key[key])
    return chosen


def yes_no(name: str, value: object, default: bool) -> bool:
    if value is None or value == "":
        return default
    text = str(value).strip().lower()
    if text in ("yes", "true", "1", "on"):
        return True
    if text in ("no", "false", "0", "off"):
        return False
    raise ArgumentError(f"-a {name}={value!r}: expected yes or no")


def iso_date(name: str, value: object) -> date | None:
    if value is None or value == "":
        return None
    try:
        return date.fromisoformat(str(value))
    except ValueError:
        raise ArgumentError(f"-a {name}={value!r}: expected a date, YYYY-MM-DD") from None
