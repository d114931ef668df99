"""Where each kind of knowledge lives, checked: the import rules of docs/architecture.md."""

from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest

PACKAGE = Path(__file__).parents[1] / "filings_crawler"


def module_name(path: Path) -> str:
    parts = path.relative_to(PACKAGE.parent).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


MODULES = {module_name(path): path for path in sorted(PACKAGE.rglob("*.py"))}


def imports(path: Path, *, top_level_only: bool = False) -> set[str]:
    """The modules `path` imports (every import, or only those run when it is imported)."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    nodes = tree.body if top_level_only else list(ast.walk(tree))
    found: set[str] = set()
    for node in nodes:
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            found.add(node.module)
            # `from filings_crawler.db import runs` imports the module filings_crawler.db.runs.
            found.update(f"{node.module}.{alias.name}" for alias in node.names)
    return found


@pytest.mark.parametrize("module", [m for m in MODULES if m.startswith("filings_crawler.sec.")])
def test_sec_is_pure_and_imports_nothing_of_the_project(module):
    # SEC's formats and fetch plans: plain functions, tested on real saved files.
    for imported in imports(MODULES[module]):
        assert not imported.startswith(("scrapy", "twisted", "sqlalchemy", "psycopg", "boto")), (
            f"{module} imports {imported}"
        )
        if imported.startswith("filings_crawler."):
            assert imported.startswith("filings_crawler.sec"), f"{module} imports {imported}"


@pytest.mark.parametrize("module", [m for m in MODULES if m.startswith("filings_crawler.spiders.")])
def test_no_spider_talks_to_the_database(module):
    # They ask the dataset extension, which runs every query off the reactor.
    assert not {i for i in imports(MODULES[module]) if i.startswith("filings_crawler.db")}


@pytest.mark.parametrize("module", sorted(MODULES))
def test_the_product_reads_neither_the_tests_nor_the_mirror(module):
    found = imports(MODULES[module])
    assert not {i for i in found if i.startswith(("tests", "edgar_mirror"))}, module


def test_no_import_cycles():
    graph = {
        module: {
            imported
            for imported in imports(path, top_level_only=True)
            if imported in MODULES and imported != module
        }
        for module, path in MODULES.items()
    }
    visiting: list[str] = []
    done: set[str] = set()

    def visit(module: str) -> None:
        if module in done:
            return
        assert module not in visiting, " -> ".join([*visiting[visiting.index(module) :], module])
        visiting.append(module)
        for imported in sorted(graph[module]):
            visit(imported)
        visiting.pop()
        done.add(module)

    for module in sorted(graph):
        visit(module)


# SQL as text: a query (SELECT ... FROM), or a statement that changes rows.
SQL_TEXT = re.compile(
    r"\bSELECT\b[\s\S]*\bFROM\b|\bINSERT INTO\b|\bDELETE FROM\b|\bUPDATE \w+ SET\b"
)


@pytest.mark.parametrize("module", [m for m in MODULES if not m.startswith("filings_crawler.db")])
def test_sql_lives_in_db(module):
    # Queries are written in db/ (SQLAlchemy or text); the rest of the project calls them.
    tree = ast.parse(MODULES[module].read_text(encoding="utf-8"))
    texts = [
        node.value
        for node in ast.walk(tree)
        if isinstance(node, ast.Constant) and isinstance(node.value, str)
    ]
    assert not [t for t in texts if SQL_TEXT.search(t)], f"{module} holds SQL; move it to db/"
