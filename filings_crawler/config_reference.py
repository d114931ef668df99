"""`.env.example` and the tables of docs/configuration.md, written from the model in config.py.

`python -m filings_crawler.config_reference` rewrites both after a setting changes; a test holds
the committed files equal to what this writes.
"""

from __future__ import annotations

import sys
from collections import defaultdict
from pathlib import Path

from filings_crawler.config import EXAMPLE_USER_AGENT, Config, as_text, extra

PROJECT_ROOT = Path(__file__).resolve().parents[1]
ENV_EXAMPLE = PROJECT_ROOT / ".env.example"
CONFIGURATION_PAGE = PROJECT_ROOT / "docs" / "configuration.md"

# The part of docs/configuration.md between these lines is written here; the rest is prose.
BEGIN = (
    "<!-- From here to the end mark: written by `python -m filings_crawler.config_reference`. -->"
)
END = "<!-- End of the written part. -->"

_ENV_HEADER = """\
# filings_crawler configuration. Copy to .env and edit; real environment variables win over this file.
# Every variable, with its default. `scrapy ... -s NAME=VALUE` overrides any of them for one job.
# The tuning settings of docs/configuration.md may be set here too; a misspelled name is refused.
"""

_VARIABLES_INTRO = """\
## Variables

What a run against SEC is about: who you are, how fast, where the data goes, what is in scope.
`.env.example` lists these.
"""

_VARIABLES_OUTRO = """
Every URL the project fetches starts from one of the three base URLs, so the whole project can run
against a mirror ([the local EDGAR mirror](mirror.md)). Jobs that send nothing to SEC (`initdb`,
`enrich`) do not need `SEC_USER_AGENT`.
"""

_TUNING_INTRO = """\
## The project's settings

The tuning settings: few runs change them. They are read like the variables (the environment,
`.env`, `-s NAME=VALUE`) and validated with them.
"""


# What the Default column says of a setting without one.
_NO_DEFAULT = defaultdict(lambda: "(none)", sec_user_agent="(none: required)")


def plain(text: str) -> str:
    """Markdown's code marks off, for a comment in `.env.example`."""
    return text.replace("`", "")


def example_value(name: str, value: str) -> str:
    if name == "SEC_USER_AGENT":
        return f'"{EXAMPLE_USER_AGENT}"'
    return f'"{value}"' if " " in value else value


def env_example() -> str:
    """The text of `.env.example`: every variable under its section, its description above it."""
    lines = [_ENV_HEADER.rstrip("\n")]
    group = None
    for name, field in Config.model_fields.items():
        if not extra(field)["group"]:
            continue
        if extra(field)["group"] != group:
            group = extra(field)["group"]
            lines += ["", f"# --- {group}"]
        lines.append(f"# {plain(field.description or '')}")
        lines.append(f"{name.upper()}={example_value(name.upper(), as_text(field.default))}")
    return "\n".join(lines) + "\n"


def table(tuning: bool) -> list[str]:
    heading = "Setting" if tuning else "Variable"
    rows = [f"| {heading} | Default | Meaning |", "| --- | --- | --- |"]
    for name, field in Config.model_fields.items():
        if bool(extra(field)["group"]) == tuning:
            continue
        shown = f"`{as_text(field.default)}`" if as_text(field.default) else _NO_DEFAULT[name]
        meaning = " ".join(part for part in (field.description, extra(field)["more"]) if part)
        meaning = meaning.replace("|", r"\|")
        rows.append(f"| `{name.upper()}` | {shown} | {meaning} |")
    return rows


def generated_part() -> str:
    """The two sections of docs/configuration.md that list the settings."""
    return "\n".join(
        [
            BEGIN,
            "",
            _VARIABLES_INTRO,
            *table(tuning=False),
            _VARIABLES_OUTRO,
            _TUNING_INTRO,
            *table(tuning=True),
            "",
            END,
        ]
    )


def configuration_page(current: str) -> str:
    """docs/configuration.md as `current`, with its written part as the model says."""
    before, rest = current.split(BEGIN, 1)
    after = rest.split(END, 1)[1]
    return before + generated_part() + after


def main() -> int:
    ENV_EXAMPLE.write_text(env_example(), encoding="utf-8")
    page = CONFIGURATION_PAGE.read_text(encoding="utf-8")
    CONFIGURATION_PAGE.write_text(configuration_page(page), encoding="utf-8")
    print(f"wrote {ENV_EXAMPLE.name} and docs/{CONFIGURATION_PAGE.name}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
