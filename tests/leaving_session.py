"""Tests that leave a process running, for tests/test_no_process_left.py to run in a session of
their own (not collected by the suite: the file name is not test_*.py)."""

from __future__ import annotations

import subprocess

LEFT: list[subprocess.Popen[bytes]] = []  # held, so Python does not warn it is still running


def test_leaves_a_process_behind():
    # Detached, as a server reparented to init would be; it carries the session's mark.
    LEFT.append(subprocess.Popen(["sleep", "120"], start_new_session=True))


def test_leaves_nothing():
    assert True
