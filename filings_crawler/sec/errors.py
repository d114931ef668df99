"""The error raised when an SEC or NASDAQ Trader file is not in the format we know."""

from __future__ import annotations


class FormatError(ValueError):
    """A source file is not in the format we know: `source: what is wrong`, on one line."""

    def __init__(self, source: str, problem: str) -> None:
        self.source = source
        self.problem = problem
        # One line, so a log line or an alert carries the whole message.
        one_line = problem.replace("\r", "\\r").replace("\n", "\\n")
        super().__init__(f"{source}: {one_line}")

    def __reduce__(self) -> tuple[type[FormatError], tuple[str, str]]:
        # The default rebuilds from self.args (the message alone), which __init__ cannot take.
        return (type(self), (self.source, self.problem))
