"""The EDGAR mirror over real HTTP: in-process `EdgarMirror` and the CLI in a child process."""

import gzip
import http.client
import json
import os
import signal
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from datetime import datetime
from email.message import Message
from email.utils import formatdate
from pathlib import Path
from urllib.parse import urlsplit

import pytest

from edgar_mirror import EdgarMirror, MirrorStartError, run_mirror_process
from edgar_mirror.listing import SEC_TIMEZONE
from edgar_mirror.responder import Responder

FIXTURES = Path(__file__).parents[1] / "fixtures" / "edgar"
SOURCE_ROOT = Path(__file__).parents[2]
UA = "Sample Company admin@example.com"
FILING = "www.sec.gov/Archives/edgar/data/320193/000032019325000057"
SUBMISSIONS = "data.sec.gov/submissions/CIK0000320193.json"
NASDAQ = "www.nasdaqtrader.com/dynamic/SymDir/nasdaqlisted.txt"

# Never route 127.0.0.1 through a proxy from the environment.
OPENER = urllib.request.build_opener(urllib.request.ProxyHandler({}))


@pytest.fixture(scope="module")
def mirror() -> Iterator[EdgarMirror]:
    with EdgarMirror(FIXTURES) as running:
        yield running


@pytest.fixture
def fresh(mirror: EdgarMirror) -> EdgarMirror:
    mirror.reset()
    return mirror


def fetch(
    url: str, *, user_agent: str | None = UA, method: str = "GET", **headers: str
) -> tuple[int, Message, bytes]:
    request = urllib.request.Request(url, method=method)
    if user_agent is not None:
        request.add_header("User-Agent", user_agent)
    for name, value in headers.items():
        request.add_header(name.replace("_", "-"), value)
    try:
        with OPENER.open(request, timeout=10) as response:
            return response.status, response.headers, response.read()
    except urllib.error.HTTPError as error:
        with error:
            return error.code, error.headers, error.read()


def raw_request(
    base: str, method: str, target: str, headers: dict[str, str] | None = None
) -> tuple[int, http.client.HTTPMessage, bytes]:
    """A request sent exactly as given: no path normalisation, no default headers."""
    parts = urlsplit(base)
    connection = http.client.HTTPConnection(parts.hostname or "", parts.port, timeout=10)
    try:
        connection.putrequest(method, target, skip_host=False, skip_accept_encoding=True)
        for name, value in (headers or {}).items():
            connection.putheader(name, value)
        connection.endheaders()
        response = connection.getresponse()
        return response.status, response.headers, response.read()
    finally:
        connection.close()


def disk(relative: str) -> bytes:
    return (FIXTURES / relative).read_bytes()


def test_binds_loopback_only(mirror: EdgarMirror):
    assert mirror.url == f"http://127.0.0.1:{mirror.port}"
    assert mirror.port > 0


def test_missing_root_is_refused(tmp_path: Path):
    with pytest.raises(FileNotFoundError, match="missing"):
        EdgarMirror(tmp_path / "missing")


def test_serves_file_byte_identical(mirror: EdgarMirror):
    status, headers, body = fetch(f"{mirror.url}/{SUBMISSIONS}")
    assert status == 200
    assert body == disk(SUBMISSIONS)
    # Exactly, with no charset: data.sec.gov sends JSON that way.
    assert headers["Content-Type"] == "application/json"
    assert headers["Content-Length"] == str(len(body))
    assert "Content-Encoding" not in headers
    mtime = (FIXTURES / SUBMISSIONS).stat().st_mtime
    assert headers["Last-Modified"] == formatdate(mtime, usegmt=True)


def test_query_string_is_ignored(mirror: EdgarMirror):
    status, _, body = fetch(f"{mirror.url}/{SUBMISSIONS}?x=1")
    assert status == 200
    assert body == disk(SUBMISSIONS)


@pytest.mark.parametrize(
    ("relative", "content_type"),
    [
        ("www.sec.gov/files/company_tickers.json", "application/json"),
        (f"{FILING}/aapl-20250329.htm", "text/html"),
        (f"{FILING}/FilingSummary.xml", "application/xml"),
        (f"{FILING}/aapl-20250329.xsd", "application/xml"),
        (f"{FILING}/0000320193-25-000057-xbrl.zip", "application/zip"),
        (f"{FILING}/aapl-20250329_g1.jpg", "image/jpeg"),
        (NASDAQ, "text/plain"),
    ],
)
def test_content_types(mirror: EdgarMirror, relative: str, content_type: str):
    status, headers, body = fetch(f"{mirror.url}/{relative}")
    assert status == 200
    assert headers["Content-Type"] == content_type
    assert body == disk(relative)


def test_gzip_when_accepted(mirror: EdgarMirror):
    relative = f"{FILING}/aapl-20250329.htm"
    status, headers, body = fetch(f"{mirror.url}/{relative}", accept_encoding="gzip, deflate, br")
    assert status == 200
    assert headers["Content-Encoding"] == "gzip"
    assert headers["Content-Length"] == str(len(body))
    assert len(body) < len(disk(relative))
    assert gzip.decompress(body) == disk(relative)


def test_identity_when_gzip_not_accepted(mirror: EdgarMirror):
    relative = f"{FILING}/aapl-20250329.htm"
    for accept in ("identity", "gzip;q=0", "br"):
        _, headers, body = fetch(f"{mirror.url}/{relative}", accept_encoding=accept)
        assert "Content-Encoding" not in headers
        assert body == disk(relative)


def test_archives_and_images_are_never_gzipped(mirror: EdgarMirror):
    for name in ("0000320193-25-000057-xbrl.zip", "aapl-20250329_g1.jpg"):
        relative = f"{FILING}/{name}"
        _, headers, body = fetch(f"{mirror.url}/{relative}", accept_encoding="gzip")
        assert "Content-Encoding" not in headers
        assert body == disk(relative)


@pytest.mark.parametrize("user_agent", ["Scrapy/2.19 (+https://scrapy.org)", "", None])
@pytest.mark.parametrize("relative", [SUBMISSIONS, f"{FILING}/aapl-20250329.htm"])
def test_sec_hosts_refuse_undeclared_tools(mirror: EdgarMirror, user_agent, relative):
    headers = {} if user_agent is None else {"User-Agent": user_agent}
    status, response_headers, body = raw_request(mirror.url, "GET", f"/{relative}", headers)
    assert status == 403
    assert response_headers["Content-Type"] == "text/html"
    assert body == disk("_errors/SEC.AutomatedTool.html")


def test_declared_user_agent_is_served(mirror: EdgarMirror):
    status, _, _ = fetch(f"{mirror.url}/{SUBMISSIONS}", user_agent=UA)
    assert status == 200


@pytest.mark.parametrize("user_agent", ["Scrapy/2.19", None])
def test_nasdaqtrader_does_not_check_identity(mirror: EdgarMirror, user_agent):
    headers = {} if user_agent is None else {"User-Agent": user_agent}
    status, _, body = raw_request(mirror.url, "GET", f"/{NASDAQ}", headers)
    assert status == 200
    assert body == disk(NASDAQ)


def test_data_host_404_is_s3_xml(mirror: EdgarMirror):
    status, headers, body = fetch(f"{mirror.url}/data.sec.gov/submissions/CIK0000000001.json")
    assert status == 404
    assert headers["Content-Type"] == "application/xml"
    assert body == disk("_errors/data.sec.gov/submissions/CIK-000000001.json.404.xml")


@pytest.mark.parametrize(
    "target",
    [
        "/www.sec.gov/Archives/edgar/data/320193/000032019325000057/nope.htm",
        "/www.sec.gov/Archives/edgar/data/320193/000032019325000057",
        "/www.sec.gov/",
        "/www.nasdaqtrader.com/dynamic/SymDir/nope.txt",
        "/www.example.com/index.html",
        "/_errors/SEC.AutomatedTool.html",
        "/_mirror",
        "/",
    ],
)
def test_other_404s_are_html(mirror: EdgarMirror, target):
    status, headers, body = fetch(f"{mirror.url}{target}")
    assert status == 404
    assert headers["Content-Type"] == "text/html"
    assert b"Not Found" in body


@pytest.mark.parametrize(
    "target",
    [
        "/www.sec.gov/../../etc/passwd",
        "/www.sec.gov/../../../../../../../../etc/passwd",
        "/../etc/passwd",
        "/www.sec.gov/%2e%2e/%2e%2e/%2e%2e/%2e%2e/%2e%2e/%2e%2e/etc/passwd",
        "/www.sec.gov/%2E%2E%2F%2E%2E%2F%2E%2E%2F%2E%2E%2F%2E%2E%2Fetc%2Fpasswd",
        "/www.sec.gov/..%2f_errors/SEC.AutomatedTool.html",
        "/www.sec.gov/../_errors/SEC.AutomatedTool.html",
        "/www.sec.gov/files/company_tickers.json%00.html",
        "/www.sec.gov/%ff%fe",
        "/www.sec.gov//etc/passwd",
    ],
)
def test_traversal_never_escapes_root(mirror: EdgarMirror, target):
    status, _, body = raw_request(mirror.url, "GET", target, {"User-Agent": UA})
    assert status == 404
    assert b"root:" not in body
    assert b"Undeclared Automated Tool" not in body


def test_symlink_out_of_root_is_not_followed(tmp_path: Path):
    outside = tmp_path / "secret.txt"
    outside.write_text("secret")
    root = tmp_path / "root"
    (root / "www.nasdaqtrader.com").mkdir(parents=True)
    (root / "www.nasdaqtrader.com" / "link.txt").symlink_to(outside)
    with EdgarMirror(root) as running:
        status, _, body = fetch(f"{running.url}/www.nasdaqtrader.com/link.txt")
    assert status == 404
    assert b"secret" not in body


def test_filing_folder_index_json_is_synthesized(mirror: EdgarMirror):
    status, headers, raw = fetch(f"{mirror.url}/{FILING}/index.json")
    assert status == 200
    assert headers["Content-Type"] == "application/json"
    assert b'"name":"\\/Archives\\/edgar\\/data\\/320193\\/000032019325000057"' in raw
    directory = json.loads(raw)["directory"]
    assert directory["parent-dir"] == "/Archives/edgar/data/320193"
    items = {item["name"]: item for item in directory["item"]}
    assert list(items) == sorted(items, key=str.casefold)
    assert "index.json" not in items
    htm = items["aapl-20250329.htm"]
    assert htm["type"] == "text.gif"
    assert htm["size"] == str((FIXTURES / FILING / "aapl-20250329.htm").stat().st_size)
    assert list(htm) == ["last-modified", "name", "type", "size"]
    datetime.strptime(htm["last-modified"], "%Y-%m-%d %H:%M:%S")
    assert items["0000320193-25-000057-xbrl.zip"]["type"] == "compressed.gif"
    assert items["aapl-20250329_g1.jpg"]["type"] == "image2.gif"


def test_cik_folder_real_index_json_is_served_unchanged(mirror: EdgarMirror):
    for relative in (
        "www.sec.gov/Archives/edgar/data/320193/index.json",
        "www.sec.gov/Archives/edgar/data/320193/000114036125000228/index.json",
        "www.sec.gov/Archives/edgar/full-index/2021/QTR1/index.json",
    ):
        status, _, body = fetch(f"{mirror.url}/{relative}")
        assert status == 200
        assert body == disk(relative)


@pytest.mark.parametrize(
    "target",
    [
        "/www.sec.gov/files/index.json",
        "/www.sec.gov/Archives/edgar/data/999999/index.json",
        "/www.nasdaqtrader.com/dynamic/SymDir/index.json",
    ],
)
def test_index_json_only_for_existing_archive_folders(mirror: EdgarMirror, target):
    status, _, _ = fetch(f"{mirror.url}{target}")
    assert status == 404


def sec_time(moment: datetime) -> float:
    return moment.replace(tzinfo=SEC_TIMEZONE).timestamp()


def set_mtime(path: Path, timestamp: float) -> None:
    os.utime(path, (timestamp, timestamp))


def test_quarter_and_year_folder_index_json_in_temp_root(tmp_path: Path):
    year = tmp_path / "www.sec.gov" / "Archives" / "edgar" / "full-index" / "2021"
    quarter = year / "QTR1"
    quarter.mkdir(parents=True)
    (quarter / "master.idx").write_bytes(b"m" * 3000)
    (quarter / "company.Z").write_bytes(b"c" * 1024)
    set_mtime(quarter / "master.idx", sec_time(datetime(2021, 3, 31, 22, 9, 17)))
    set_mtime(quarter / "company.Z", sec_time(datetime(2021, 3, 31, 10, 11, 23)))
    set_mtime(quarter, sec_time(datetime(2021, 9, 25, 3, 40, 8)))
    with EdgarMirror(tmp_path) as running:
        _, _, quarter_listing = fetch(
            f"{running.url}/www.sec.gov/Archives/edgar/full-index/2021/QTR1/index.json"
        )
        _, _, year_listing = fetch(
            f"{running.url}/www.sec.gov/Archives/edgar/full-index/2021/index.json"
        )
    assert quarter_listing == (
        b'{"directory":{"item":['
        b'{"last-modified":"03\\/31\\/2021 10:11:23 AM","name":"company.Z","type":"file",'
        b'"href":"company.Z","size":"1 KB"},'
        b'{"last-modified":"03\\/31\\/2021 10:09:17 PM","name":"master.idx","type":"file",'
        b'"href":"master.idx","size":"3 KB"}'
        b'],"name":"full-index\\/2021\\/QTR1\\/","parent-dir":"..\\/"}}'
    )
    assert year_listing == (
        b'{"directory":{"item":['
        b'{"last-modified":"09\\/25\\/2021 03:40:08 AM","name":"QTR1","type":"dir",'
        b'"href":"QTR1\\/","size":"4 KB"}'
        b'],"name":"full-index\\/2021\\/","parent-dir":"..\\/"}}'
    )


def test_minimal_root_falls_back_to_builtin_error_bodies(tmp_path: Path):
    (tmp_path / "data.sec.gov").mkdir()
    with EdgarMirror(tmp_path) as running:
        forbidden = fetch(f"{running.url}/data.sec.gov/x.json", user_agent="curl/8")
        missing = fetch(f"{running.url}/data.sec.gov/x.json")
    assert forbidden[0] == 403
    assert b"Undeclared Automated Tool" in forbidden[2]
    assert missing[0] == 404
    assert missing[1]["Content-Type"] == "application/xml"
    assert b"NoSuchKey" in missing[2]


def test_head_sends_headers_only(mirror: EdgarMirror):
    relative = f"{FILING}/aapl-20250329.htm"
    status, headers, body = fetch(f"{mirror.url}/{relative}", method="HEAD")
    assert status == 200
    assert body == b""
    assert headers["Content-Length"] == str(len(disk(relative)))
    _, gzip_headers, _ = fetch(f"{mirror.url}/{relative}", method="HEAD", accept_encoding="gzip")
    _, _, gzip_body = fetch(f"{mirror.url}/{relative}", accept_encoding="gzip")
    assert gzip_headers["Content-Length"] == str(len(gzip_body))


def test_post_to_a_mirrored_host_is_405(mirror: EdgarMirror):
    status, headers, _ = fetch(f"{mirror.url}/{SUBMISSIONS}", method="POST")
    assert status == 405
    assert headers["Allow"] == "GET, HEAD"


def test_keep_alive_serves_several_requests_on_one_connection(fresh: EdgarMirror):
    connection = http.client.HTTPConnection("127.0.0.1", fresh.port, timeout=10)
    try:
        bodies = []
        sockets = []
        for relative in (SUBMISSIONS, f"{FILING}/FilingSummary.xml", SUBMISSIONS):
            connection.request("GET", f"/{relative}", headers={"User-Agent": UA})
            response = connection.getresponse()
            bodies.append(response.read())
            assert not response.will_close
            sockets.append(connection.sock)
        assert sockets[0] is not None
        assert sockets[0] is sockets[1] is sockets[2]
        assert bodies[0] == bodies[2] == disk(SUBMISSIONS)
    finally:
        connection.close()
    assert fresh.stats()["requests"] == 3


def test_latency_delays_each_response():
    with EdgarMirror(FIXTURES, latency=0.25) as slow:
        started = time.monotonic()
        status, _, _ = fetch(f"{slow.url}/{SUBMISSIONS}")
        elapsed = time.monotonic() - started
    assert status == 200
    assert elapsed >= 0.25


def test_request_log_and_stats(fresh: EdgarMirror):
    for _ in range(4):
        fetch(f"{fresh.url}/{SUBMISSIONS}")
    fetch(f"{fresh.url}/{SUBMISSIONS}", user_agent="Scrapy/2.19")
    _, headers, raw = fetch(f"{fresh.url}/_mirror/stats")
    assert headers["Content-Type"] == "application/json"
    assert json.loads(raw) == {
        "requests": 5,
        "by_status": {"200": 4, "403": 1},
        "max_in_any_window": 5,
        # The request without a declared User-Agent is refused before the SEC policy sees it.
        "sec_requests": 4,
        "rate_violations": 0,
        "refused": 0,
        "enforce_rate": None,
        "faults": {
            "error": 0,
            "reset": 0,
            "truncate": 0,
            "slow": 0,
            "gzip_bomb": 0,
            "not_found": 0,
            "block": 0,
        },
        "aimed_faults": {},
    }
    assert fresh.stats() == json.loads(raw)
    _, _, raw_requests = fetch(f"{fresh.url}/_mirror/requests")
    logged = json.loads(raw_requests)
    assert len(logged) == 5  # control requests are not logged
    first = logged[0]
    assert set(first) == {
        "arrival",
        "wall_time",
        "method",
        "path",
        "status",
        "user_agent",
        "bytes_sent",
        "accept_encoding",
        "fault",
    }
    assert first["fault"] is None
    assert first["method"] == "GET"
    assert first["path"] == f"/{SUBMISSIONS}"
    assert first["status"] == 200
    assert first["user_agent"] == UA
    assert first["bytes_sent"] == len(disk(SUBMISSIONS))
    assert logged[-1]["status"] == 403
    assert abs(first["wall_time"] - time.time()) < 60
    assert [record.as_dict() for record in fresh.requests()] == logged
    arrivals = [record["arrival"] for record in logged]
    assert arrivals == sorted(arrivals)
    assert time.monotonic() - arrivals[0] < 60


def test_reset_by_post_and_get(fresh: EdgarMirror):
    fetch(f"{fresh.url}/{SUBMISSIONS}")
    status, _, _ = fetch(f"{fresh.url}/_mirror/reset", method="POST")
    assert status == 200
    assert fresh.stats()["requests"] == 0
    fetch(f"{fresh.url}/{SUBMISSIONS}")
    fetch(f"{fresh.url}/_mirror/reset")
    assert fresh.requests() == []
    assert fetch(f"{fresh.url}/_mirror/nope")[0] == 404


def test_head_is_logged_with_no_body_bytes(fresh: EdgarMirror):
    fetch(f"{fresh.url}/{SUBMISSIONS}", method="HEAD")
    [record] = fresh.requests()
    assert (record.method, record.status, record.bytes_sent) == ("HEAD", 200, 0)


def test_a_failing_response_does_not_kill_the_server(
    monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
):
    def broken(self, request):
        raise RuntimeError("boom")

    with EdgarMirror(FIXTURES) as running:
        with monkeypatch.context() as patch:
            patch.setattr(Responder, "route", broken)
            status, _, _ = fetch(f"{running.url}/{SUBMISSIONS}")
        assert status == 500
        assert "boom" in caplog.text
        assert fetch(f"{running.url}/{SUBMISSIONS}")[0] == 200
        assert running.stats()["by_status"] == {"200": 1, "500": 1}


def test_stop_ends_idle_keep_alive_connections():
    running = EdgarMirror(FIXTURES).start()
    connection = http.client.HTTPConnection("127.0.0.1", running.port, timeout=10)
    try:
        connection.request("GET", f"/{SUBMISSIONS}", headers={"User-Agent": UA})
        connection.getresponse().read()
        started = time.monotonic()
        running.stop()
        assert time.monotonic() - started < 3
    finally:
        connection.close()
    running.stop()  # idempotent


# --- the CLI, in a child process ---


def test_run_mirror_process_serves_the_root():
    with run_mirror_process(FIXTURES) as url:
        assert url.startswith("http://127.0.0.1:")
        status, _, body = fetch(f"{url}/{SUBMISSIONS}")
        assert status == 200
        assert body == disk(SUBMISSIONS)
        assert json.loads(fetch(f"{url}/_mirror/stats")[2])["requests"] == 1


def test_run_mirror_process_reports_a_dead_child(tmp_path: Path):
    missing = tmp_path / "nowhere"
    with (
        pytest.raises(MirrorStartError, match="root folder not found") as caught,
        run_mirror_process(missing),
    ):
        pass
    assert str(missing) in str(caught.value)
    assert "exit code 2" in str(caught.value)


def start_cli(*args: str) -> subprocess.Popen[str]:
    env = dict(os.environ, PYTHONPATH=str(SOURCE_ROOT))
    return subprocess.Popen(
        [sys.executable, "-m", "edgar_mirror", *args],
        stdin=subprocess.DEVNULL,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env=env,
    )


@pytest.mark.parametrize("signum", [signal.SIGTERM, signal.SIGINT])
def test_cli_prints_its_url_and_exits_cleanly_on_signal(signum):
    with start_cli("--root", str(FIXTURES), "--port", "0", "--latency-ms", "0") as child:
        assert child.stdout is not None
        line = child.stdout.readline()
        assert line.startswith(f"EDGAR mirror serving {FIXTURES.resolve()} at http://127.0.0.1:")
        url = line.rsplit(" ", 1)[1].strip()
        assert fetch(f"{url}/{SUBMISSIONS}")[0] == 200
        child.send_signal(signum)
        stdout, stderr = child.communicate(timeout=10)
    assert child.returncode == 0, stderr
    assert stdout == ""
    assert stderr == ""


def test_cli_missing_root_exits_2_with_one_line(tmp_path: Path):
    missing = tmp_path / "nowhere"
    with start_cli("--root", str(missing)) as child:
        stdout, stderr = child.communicate(timeout=10)
    assert child.returncode == 2
    assert stdout == ""
    assert stderr.count("\n") == 1
    assert str(missing) in stderr


KO_10K = "www.sec.gov/Archives/edgar/data/21344/000002134424000009/ko-20231231.htm"


def test_a_file_the_sample_keeps_compressed_is_served_and_listed_as_the_original(fresh):
    from tests.sample_files import sample_bytes

    assert not (FIXTURES / KO_10K).exists()
    original = sample_bytes(KO_10K)
    status, headers, body = fetch(f"{fresh.url}/{KO_10K}")
    assert (status, headers["Content-Type"], body) == (200, "text/html", original)
    # To a client that accepts gzip, the stored compressed bytes themselves.
    status, headers, body = fetch(f"{fresh.url}/{KO_10K}", Accept_Encoding="gzip")
    assert headers["Content-Encoding"] == "gzip"
    assert gzip.decompress(body) == original
    folder = KO_10K.rsplit("/", 1)[0]
    _, _, listing = fetch(f"{fresh.url}/{folder}/index.json")
    items = {item["name"]: item["size"] for item in json.loads(listing)["directory"]["item"]}
    assert items["ko-20231231.htm"] == str(len(original))
    assert "ko-20231231.htm.gz" not in items
    # SEC's own .gz files, beside their plain file, stay what they are.
    status, _, body = fetch(
        f"{fresh.url}/www.sec.gov/Archives/edgar/daily-index/2024/QTR2/master.20240501.idx.gz"
    )
    assert status == 200
    assert body[:2] == b"\x1f\x8b"


def test_an_arrival_is_when_the_kernel_received_it_not_when_the_mirror_read_it(fresh):
    # The mirror is starved (here: its one handler thread is busy) while a request waits in the
    # socket; its arrival is still the moment it came in.
    import socket

    with socket.create_connection(("127.0.0.1", fresh.port)) as connection:
        first = f"GET /{SUBMISSIONS} HTTP/1.1\r\nHost: x\r\nUser-Agent: {UA}\r\n\r\n"
        fresh.latency = 0.0
        slow_server = fresh._server
        assert slow_server is not None
        slow_server.latency = 0.5  # the handler sleeps before answering the first request
        sent = time.monotonic()
        connection.sendall(first.encode())
        time.sleep(0.1)
        second_sent = time.monotonic()
        connection.sendall(first.encode())  # arrives while the handler is asleep
        time.sleep(1.5)
        slow_server.latency = 0.0
    arrivals = [record.arrival for record in fresh.requests()]
    assert len(arrivals) == 2
    assert arrivals[0] == pytest.approx(sent, abs=0.02)
    # Read at least 0.4 s later, when the first answer was out; stamped when it came in.
    assert arrivals[1] == pytest.approx(second_sent, abs=0.02)
