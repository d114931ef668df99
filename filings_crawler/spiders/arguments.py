"""Spider arguments (`-a name=value`): parsed and checked before a crawl starts, errors in one line."""

from __future__ import annotations

import inspect
from collections.abc import Mapping, Sequence
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


def accepted_arguments(spidercls: type) -> list[str]:
    """The `-a` names a spider takes: the named parameters of the project's `__init__`s.

    Read from the signatures, so a spider's arguments are declared once, where they are used.
    """
    names: dict[str, None] = {}
    for klass in spidercls.__mro__:
        if not klass.__module__.startswith("filings_crawler.") or "__init__" not in vars(klass):
            continue
        for parameter in inspect.signature(vars(klass)["__init__"]).parameters.values():
            if parameter.name != "self" and parameter.kind in (
                parameter.POSITIONAL_OR_KEYWORD,
                parameter.KEYWORD_ONLY,
            ):
                names[parameter.name] = None
    return sorted(names)


def check_names(spider_name: str, given: Mapping[str, object], accepted: Sequence[str]) -> None:
    """Refuse an `-a` name the spider does not take (a typo must not start a full crawl).

    Names starting with `_` are scrapyd's (`_job`, `_version`) and always accepted.
    """
    unknown = sorted(name for name in given if name not in accepted and not name.startswith("_"))
    if unknown:
        takes = f"it takes: {', '.join(accepted)}" if accepted else "it takes none"
        raise ArgumentError(
            f"{spider_name} does not take "
            + ", ".join(f"-a {name}" for name in unknown)
            + f"; {takes}"
        )
