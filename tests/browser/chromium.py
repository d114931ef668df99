"""Headless Chromium (Debian's package) for the tests that must see a page: what loaded, offline."""

from __future__ import annotations

import functools
import html
import http.server
import json
import os
import re
import shutil
import subprocess
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"

# As the machine's probe starts it: without the background-networking switches Chromium tries
# Google's hosts at every start; the resolver rule makes any host but loopback unreachable, so a
# page that needed the network would show it.
FLAGS = (
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--host-resolver-rules=MAP * ~NOTFOUND, EXCLUDE 127.0.0.1",
)


def require_chromium() -> str:
    """Chromium's path; a skip where it is not installed, unless REQUIRE_CHROMIUM=1 (CI)."""
    if Path(CHROMIUM).exists():
        return CHROMIUM
    message = "Debian's chromium package is not installed (apt-get install chromium)"
    if os.environ.get("REQUIRE_CHROMIUM") == "1":
        pytest.fail(message)
    pytest.skip(message)


@contextmanager
def serve(folder: Path) -> Iterator[str]:
    """`folder` over HTTP on 127.0.0.1, so a test page and the pages it frames share an origin."""
    handler = functools.partial(QuietHandler, directory=str(folder))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()
        thread.join()


class QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: object) -> None:
        pass


def dump_dom(url: str, profile: Path, budget_ms: int = 10000) -> str:
    """The page's DOM after its scripts ran and it settled (virtual time), as Chromium prints it."""
    result = subprocess.run(
        [
            require_chromium(),
            *FLAGS,
            f"--user-data-dir={profile}",
            f"--virtual-time-budget={budget_ms}",
            "--dump-dom",
            url,
        ],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert result.returncode == 0, result.stderr[-2000:]
    return result.stdout


def image_report(root: Path, page: str, profile: Path) -> list[dict[str, object]]:
    """Every <img> of `page` (a path under `root`): its src and whether it loaded and shows."""
    probe = root / "_image_probe.html"
    probe.write_text(
        "<!doctype html><html><body>"
        f'<iframe id="page" src="/{page}" width="1200" height="800"></iframe>'
        "<script>"
        "const frame = document.getElementById('page');"
        "frame.addEventListener('load', () => {"
        "  const images = [...frame.contentDocument.querySelectorAll('img')].map(img => ({"
        "    src: img.getAttribute('src'), loaded: img.complete && img.naturalWidth > 0}));"
        "  const out = document.createElement('pre'); out.id = 'report';"
        "  out.textContent = JSON.stringify(images); document.body.appendChild(out);"
        "});"
        "</script></body></html>"
    )
    with serve(root) as base:
        dom = dump_dom(f"{base}/_image_probe.html", profile)
    match = re.search(r'<pre id="report">(.*?)</pre>', dom, re.S)
    assert match, f"the page did not load: {dom[-1000:]}"
    report: list[dict[str, object]] = json.loads(html.unescape(match.group(1)))
    return report
