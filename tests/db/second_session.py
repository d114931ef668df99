"""Tests that tests/db/test_two_sessions.py runs in pytest sessions of their own, side by side.

Not named test_*.py: the suite does not collect them; each session names its test.
"""

from __future__ import annotations

import os
import time
from pathlib import Path

from sqlalchemy import create_engine, text

from tests.faults.test_outages import pg_ctl


def signal_file(name: str) -> Path:
    return Path(os.environ["SESSION_SIGNALS"]) / name


def answers(database_url: str) -> int:
    engine = create_engine(database_url)
    try:
        with engine.connect() as conn:
            return int(conn.execute(text("SELECT count(*) FROM filings")).scalar_one())
    finally:
        engine.dispose()


def test_the_first_session_keeps_its_server_while_another_starts(database_server, database_url):
    _, data_dir = database_server
    assert data_dir is not None, "this session must run on the embedded server"
    assert answers(database_url) == 0
    signal_file("ready").touch()
    deadline = time.monotonic() + 240
    while not signal_file("go").exists():
        assert time.monotonic() < deadline, "the second session never finished"
        time.sleep(0.2)
    # The server's own user still reaches its data (pg_ctl runs as that user), and it answers.
    pg_ctl(data_dir, "status")
    assert answers(database_url) == 0


def test_a_second_session_starts_beside_it(database_url, tmp_path):
    # tmp_path makes pytest secure its temporary root again: what broke the first session.
    (tmp_path / "here").write_text("a second session")
    assert answers(database_url) == 0
