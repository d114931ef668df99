"""The variables the code reads, .env.example and the README table say the same thing."""

from __future__ import annotations

import re

from dotenv import dotenv_values

from filings_crawler.config import EXAMPLE_USER_AGENT, VARIABLES
from tests.conftest import PROJECT_ROOT


def test_env_example_lists_every_variable_with_its_default():
    values = dotenv_values(PROJECT_ROOT / ".env.example")
    assert set(values) == {v.name for v in VARIABLES}
    for variable in VARIABLES:
        expected = EXAMPLE_USER_AGENT if variable.name == "SEC_USER_AGENT" else variable.default
        assert values[variable.name] == expected, variable.name


def test_readme_table_lists_every_variable_with_its_default():
    readme = (PROJECT_ROOT / "README.md").read_text()
    rows = dict(re.findall(r"^\| `([A-Z0-9_]+)` \| (.+?) \|", readme, re.M))
    assert set(rows) == {v.name for v in VARIABLES}
    for variable in VARIABLES:
        shown = rows[variable.name]
        if variable.default:
            assert shown == f"`{variable.default}`", variable.name
        else:
            assert shown.startswith("(none"), variable.name


def test_readme_quick_start_is_the_two_make_commands():
    readme = (PROJECT_ROOT / "README.md").read_text()
    quick_start = readme.split("## Quick start", 1)[1].split("##", 1)[0]
    commands = re.findall(r"^make (\w+)", quick_start, re.M)
    assert commands == ["demo", "test"]
    makefile = (PROJECT_ROOT / "Makefile").read_text()
    assert re.search(r"^demo:", makefile, re.M)
    assert re.search(r"^test:", makefile, re.M)
