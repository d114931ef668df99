"""How the project writes figures for people to read: durations, for now."""

from __future__ import annotations


def duration(seconds: float | None) -> str:
    """`1 h 02 min`, `3 min 05 s`, `5 s`; `?` when unknown."""
    if seconds is None:
        return "?"
    minutes, secs = divmod(int(seconds), 60)
    hours, minutes = divmod(minutes, 60)
    if hours:
        return f"{hours} h {minutes:02d} min"
    return f"{minutes} min {secs:02d} s" if minutes else f"{secs} s"
