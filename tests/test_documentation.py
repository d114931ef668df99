"""The docs say what the code does: variables, settings, jobs, pipelines, links and the README's size.

Everything here reads files and imports modules; nothing touches the network or a database.
"""

from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest
from dotenv import dotenv_values
from scrapy.settings import Settings, default_settings
from scrapy.spiderloader import get_spider_loader

from filings_crawler import settings as project_settings
from filings_crawler.config import EXAMPLE_USER_AGENT, SETTING_NAMES, VARIABLE_NAMES, Config
from filings_crawler.config_reference import configuration_page, env_example
from tests.conftest import PROJECT_ROOT

README = PROJECT_ROOT / "README.md"
DOCS = PROJECT_ROOT / "docs"
CONFIGURATION = DOCS / "configuration.md"
README_MAX_BYTES = 10 * 1024

DOC_PAGES = sorted(DOCS.glob("*.md"))
MARKDOWN_FILES = [README, *DOC_PAGES]


def table_under(path: Path, heading: str) -> list[list[str]]:
    """The body rows (cells stripped) of the first table in the section `## heading` of `path`."""
    section = re.split(r"^## ", path.read_text(encoding="utf-8"), flags=re.M)
    matches = [part for part in section if part.splitlines()[0].strip() == heading]
    assert matches, f"{path.name} has no section '## {heading}'"
    rows: list[list[str]] = []
    for line in matches[0].splitlines():
        if not line.startswith("|"):
            if rows:
                break  # the table ended
            continue
        cells = [cell.strip() for cell in line.strip().strip("|").split("|")]
        rows.append(cells)
    assert len(rows) > 2, f"no table in '## {heading}' of {path.name}"
    return rows[2:]  # after the header and its --- line


def code_name(cell: str) -> str | None:
    """`NAME` alone in a cell, or None."""
    match = re.fullmatch(r"`([^`]+)`", cell)
    return match.group(1) if match else None


def plain(text: str) -> str:
    return text.replace("`", "")


# -- .env.example and docs/configuration.md, written from config.Config ------------------------

REGENERATE = "run `python -m filings_crawler.config_reference` and commit what it writes"


def test_env_example_is_written_from_the_model():
    text = (PROJECT_ROOT / ".env.example").read_text(encoding="utf-8")
    assert text == env_example(), f".env.example is not what the model says: {REGENERATE}"


def test_env_example_lists_every_variable_with_its_default():
    # What the writer promises, read back as python-dotenv reads it.
    values = dotenv_values(PROJECT_ROOT / ".env.example")
    assert set(values) == VARIABLE_NAMES
    assert values["SEC_USER_AGENT"] == EXAMPLE_USER_AGENT
    assert values["SEC_RATE_LIMIT"] == "10"
    assert values["FILING_FORMS"] == "10-K,10-K/A,10-Q,10-Q/A"
    assert values["EMBEDDED_DB_DIR"] == "./data/postgres"


def test_configuration_page_is_written_from_the_model():
    text = CONFIGURATION.read_text(encoding="utf-8")
    assert text == configuration_page(text), f"{CONFIGURATION.name} is out of date: {REGENERATE}"


def test_configuration_lists_every_setting_with_its_default_and_meaning():
    variables = {code_name(row[0]): row for row in table_under(CONFIGURATION, "Variables")}
    tuning = {
        code_name(row[0]): row for row in table_under(CONFIGURATION, "The project's settings")
    }
    assert set(variables) == VARIABLE_NAMES
    assert set(variables) | set(tuning) == set(SETTING_NAMES)
    rows = variables | tuning
    assert rows["SEC_RATE_LIMIT"][1:] == [
        "`10`",
        "Requests per second to all SEC hosts together; 0 < value <= 10.",
    ]
    assert rows["SEC_USER_AGENT"][1] == "(none: required)"
    assert rows["STORE_EXHIBITS"][1] == "`false`"
    for field in Config.model_fields.values():
        assert field.description, field


def assigned_settings() -> set[str]:
    """The UPPERCASE names settings.py assigns itself (the project's own come in through
    `environment_settings()`)."""
    tree = ast.parse(Path(project_settings.__file__).read_text(encoding="utf-8"))
    return {
        target.id
        for node in tree.body
        if isinstance(node, ast.Assign | ast.AnnAssign)
        for target in (node.targets if isinstance(node, ast.Assign) else [node.target])
        if isinstance(target, ast.Name) and target.id.isupper()
    }


def scrapy_settings_set() -> set[str]:
    """Scrapy's own settings that settings.py sets."""
    return {name for name in assigned_settings() if hasattr(default_settings, name)}


def test_settings_py_sets_only_scrapys_settings():
    # Every setting of the project is declared in config.Config, and only there.
    assert {"BOT_NAME", "ITEM_PIPELINES", "RETRY_TIMES"} <= assigned_settings()
    assert assigned_settings() == scrapy_settings_set()
    # The project's own come from the model, as text like `-s`'s.
    assert vars(project_settings)["SEC_RATE_MARGIN"] == "0.06"


def test_configuration_names_every_scrapy_setting_the_project_sets():
    rows = table_under(CONFIGURATION, "Scrapy's settings the project sets")
    named = {name for row in rows for name in re.findall(r"`([A-Z0-9_]+)`", row[0])}
    assert scrapy_settings_set() == named


# -- README.md ------------------------------------------------------------------------------------


def test_readme_is_a_front_door():
    size = len(README.read_bytes())
    assert size <= README_MAX_BYTES, f"README.md is {size} bytes; move detail to docs/"


def test_readme_quick_start_is_the_two_make_commands():
    readme = README.read_text(encoding="utf-8")
    quick_start = readme.split("## Quick start", 1)[1].split("##", 1)[0]
    commands = re.findall(r"^make (\w+)", quick_start, re.M)
    assert commands == ["demo", "test"]
    makefile = (PROJECT_ROOT / "Makefile").read_text(encoding="utf-8")
    assert re.search(r"^demo:", makefile, re.M)
    assert re.search(r"^test:", makefile, re.M)


def jobs_table() -> list[tuple[str, str]]:
    """(command, spider or '') for each row of the README's jobs table."""
    jobs = []
    for row in table_under(README, "Running against the real SEC"):
        match = re.match(r"`scrapy (\w+)(?: (\w+))?", row[0])
        assert match, f"not a job: {row[0]}"
        command, argument = match.groups()
        jobs.append((command, argument if command == "crawl" else ""))
    return jobs


def test_readme_jobs_table_has_every_spider():
    loader = get_spider_loader(Settings({"SPIDER_MODULES": project_settings.SPIDER_MODULES}))
    spiders = set(loader.list())
    assert {"backfill", "documents", "incremental", "listings_ref", "tickers"} <= spiders
    assert {spider for command, spider in jobs_table() if command == "crawl"} == spiders


def test_readme_jobs_table_has_every_project_command():
    commands_module = PROJECT_ROOT / Path(*project_settings.COMMANDS_MODULE.split("."))
    modules = {path.stem for path in commands_module.glob("*.py") if path.stem != "__init__"}
    assert "crawl" in modules  # the project's crawl, with its checks: the crawl rows
    assert {command for command, _ in jobs_table()} == modules


# -- docs/pipelines.md ----------------------------------------------------------------------------


def test_pipelines_page_lists_the_item_pipelines_in_order():
    text = (DOCS / "pipelines.md").read_text(encoding="utf-8")
    rows = re.findall(r"^\| (\d+) \| `([\w.]+)` \|", text, re.M)
    listed = [(int(order), path) for order, path in rows]
    in_settings = sorted((order, path) for path, order in project_settings.ITEM_PIPELINES.items())
    assert len(in_settings) >= 5
    assert listed == in_settings


# -- every page -----------------------------------------------------------------------------------


def test_docs_has_the_pages_the_readme_promises():
    names = {page.name for page in DOC_PAGES}
    assert {
        "architecture.md",
        "budget.md",
        "configuration.md",
        "database.md",
        "dependencies.md",
        "discovery.md",
        "documents.md",
        "mirror.md",
        "operations.md",
        "performance.md",
        "pipelines.md",
        "reliability.md",
        "storage.md",
        "universe.md",
    } <= names


@pytest.mark.parametrize("page", DOC_PAGES, ids=lambda page: page.name)
def test_each_page_opens_with_its_title_and_what_it_is_for(page):
    lines = page.read_text(encoding="utf-8").splitlines()
    assert lines[0].startswith("# "), page.name
    assert lines[1] == "", page.name
    assert re.match(r"[A-Z]", lines[2]), f"{page.name}: no line saying what it is for"


def test_readme_links_every_docs_page():
    linked = {target for target, _ in local_links(README)}
    assert {f"docs/{page.name}" for page in DOC_PAGES} <= linked


def without_code(text: str) -> str:
    """Markdown without fenced blocks and inline code, where brackets are not links."""
    text = re.sub(r"^```.*?^```", "", text, flags=re.M | re.S)
    return re.sub(r"`[^`\n]*`", "", text)


def local_links(path: Path) -> list[tuple[str, str]]:
    """(file, anchor) of each link in `path` to something in the repository."""
    links = []
    for target in re.findall(r"\]\(([^)\s]+)\)", without_code(path.read_text(encoding="utf-8"))):
        if re.match(r"[a-z]+:", target):
            continue  # http:, https:, mailto:
        file, _, anchor = target.partition("#")
        links.append((file, anchor))
    return links


def heading_anchors(path: Path) -> set[str]:
    """GitHub's anchors for the headings of a Markdown file."""
    text = re.sub(r"^```.*?^```", "", path.read_text(encoding="utf-8"), flags=re.M | re.S)
    return {
        re.sub(r"[^\w\- ]", "", heading.strip().lower()).replace(" ", "-")
        for heading in re.findall(r"^#{1,6} (.+)$", text, re.M)
    }


@pytest.mark.parametrize("path", MARKDOWN_FILES, ids=lambda path: path.name)
def test_every_local_link_resolves(path):
    links = local_links(path)
    for file, anchor in links:
        target = (path.parent / file).resolve() if file else path
        assert target.exists(), f"{path.name} links to {file}, which does not exist"
        assert PROJECT_ROOT in target.parents or target == PROJECT_ROOT, file
        if anchor and target.suffix == ".md":
            assert anchor in heading_anchors(target), f"{path.name}: no #{anchor} in {file}"
