"""Fault injection over real HTTP: resets, truncations, errors, delays, gzip bombs, seeds and rates."""

from __future__ import annotations

import dataclasses
import errno
import gzip
import http.client
import json
import logging
import os
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
import zlib
from collections import Counter
from collections.abc import Iterator, Sequence
from pathlib import Path
from types import TracebackType
from typing import Any

import pytest

from edgar_mirror import EdgarMirror, run_mirror_process
from edgar_mirror.__main__ import parse_args
from edgar_mirror.faults import FAULT_KINDS, FaultInjector, FaultPlan
from edgar_mirror.process import fault_options
from edgar_mirror.responder import SEC_HOSTS

FIXTURES = Path(__file__).parents[1] / "fixtures" / "edgar"
SOURCE_ROOT = Path(__file__).parents[2]
UA = "Sample Company admin@example.com"
FILING = "/www.sec.gov/Archives/edgar/data/9999001/000999900124000001"
SUBMISSIONS = "/data.sec.gov/submissions/CIK0009999001.json"
PRIMARY = f"{FILING}/ctst-20231231.htm"
IMAGE = f"{FILING}/ctst-20231231_g4.png"
EXHIBIT = f"{FILING}/ctst-ex311.htm"
NASDAQ = "/www.nasdaqtrader.com/dynamic/SymDir/nasdaqlisted.txt"
NO_FAULTS = dict.fromkeys(FAULT_KINDS, 0)


def disk(target: str) -> bytes:
    return (FIXTURES / target.lstrip("/")).read_bytes()


class Client:
    """One keep-alive connection that reconnects after a fault broke it; names each outcome.

    Outcomes: the status as text ("200", "503"), "reset" (ECONNRESET before any byte) or
    "truncate" (IncompleteRead). A clean close without a response would be "disconnected",
    which no fault should produce.
    """

    def __init__(self, port: int) -> None:
        self.connection = http.client.HTTPConnection("127.0.0.1", port, timeout=10)

    def get(self, target: str, **headers: str) -> tuple[str, bytes]:
        try:
            self.connection.request("GET", target, headers={"User-Agent": UA, **headers})
            response = self.connection.getresponse()
            return str(response.status), response.read()
        except http.client.IncompleteRead as error:
            # http.client keeps the dead socket after IncompleteRead; the next request on it
            # would fail with RemoteDisconnected.
            self.connection.close()
            return "truncate", error.partial
        except http.client.RemoteDisconnected:
            self.connection.close()
            return "disconnected", b""
        except ConnectionResetError:
            self.connection.close()
            return "reset", b""

    def __enter__(self) -> Client:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        self.connection.close()


def outcomes(port: int, targets: Sequence[str]) -> list[str]:
    with Client(port) as client:
        return [client.get(target)[0] for target in targets]


def read_to_the_end(raw: socket.socket) -> tuple[bytes, OSError | None]:
    """Everything received until the peer closes, and the error that ended it, if any."""
    received = b""
    try:
        while chunk := raw.recv(65536):
            received += chunk
    except OSError as error:
        return received, error
    return received, None


def control(url: str, name: str, payload: dict[str, Any] | None = None) -> tuple[int, Any]:
    """GET (or POST `payload` to) `/_mirror/<name>`; the status and decoded JSON."""
    data = None if payload is None else json.dumps(payload).encode()
    request = urllib.request.Request(f"{url}/_mirror/{name}", data=data)
    opener = urllib.request.build_opener(urllib.request.ProxyHandler({}))
    try:
        with opener.open(request, timeout=10) as response:
            return response.status, json.loads(response.read())
    except urllib.error.HTTPError as error:
        with error:
            return error.code, json.loads(error.read())


@pytest.fixture(scope="module")
def running() -> Iterator[EdgarMirror]:
    with EdgarMirror(FIXTURES) as mirror:
        yield mirror


@pytest.fixture
def faulty(running: EdgarMirror) -> Iterator[EdgarMirror]:
    """The shared mirror, reset; a test sets its plan with `running.faults.configure`."""
    running.reset()
    yield running
    running.faults.configure(FaultPlan())
    running.reset()


def use(mirror: EdgarMirror, **plan: Any) -> EdgarMirror:
    mirror.faults.configure(FaultPlan(**plan))
    return mirror


# --- the plan ---


def test_plan_defaults_fault_nothing_and_leave_nasdaq_alone():
    plan = FaultPlan()
    assert plan.rates() == (0, 0, 0, 0)
    assert plan.hosts == SEC_HOSTS
    assert plan.error_statuses == (500, 502, 503)
    assert plan.slow_seconds == 1.0
    assert plan.gzip_bomb_bytes == 600_000_000
    assert plan.overrides == {}


@pytest.mark.parametrize(
    ("settings", "field"),
    [
        ({"error_rate": 1.5}, "error_rate"),
        ({"reset_rate": -0.1}, "reset_rate"),
        ({"truncate_rate": "0.5"}, "truncate_rate"),
        ({"slow_rate": float("nan")}, "slow_rate"),
        ({"error_rate": 0.6, "reset_rate": 0.5}, "must not exceed 1"),
        ({"slow_seconds": -1}, "slow_seconds"),
        ({"seed": 1.5}, "seed"),
        ({"error_statuses": []}, "error_statuses"),
        ({"error_statuses": [200]}, "error_statuses"),
        ({"hosts": ["www.example.com"]}, "hosts"),
        ({"overrides": {SUBMISSIONS: "explode"}}, "overrides"),
        ({"overrides": {"data.sec.gov/x": "reset"}}, "overrides"),
        ({"gzip_bomb_bytes": 0}, "gzip_bomb_bytes"),
        ({"eror_rate": 0.1}, "eror_rate"),
    ],
)
def test_bad_plans_are_refused_naming_the_field(settings: dict[str, Any], field: str):
    with pytest.raises(ValueError, match=field):
        FaultPlan.from_dict(settings)


def test_rates_summing_to_one_through_rounding_are_accepted():
    plan = FaultPlan.from_dict({"error_rate": 0.1, "reset_rate": 0.2, "truncate_rate": 0.7})
    assert sum(plan.rates()) == pytest.approx(1)


def test_injector_repeats_its_sequence_for_a_seed_and_skips_other_hosts():
    plan = FaultPlan(seed=3, error_rate=0.25, reset_rate=0.25, truncate_rate=0.25, slow_rate=0.25)
    first, second = FaultInjector(plan), FaultInjector(plan)
    faults = [first.decide("www.sec.gov", PRIMARY) for _ in range(200)]
    # Rates summing to 1 fault every request.
    assert all(fault is not None for fault in faults)
    assert [second.decide("www.sec.gov", PRIMARY) for _ in range(200)] == faults
    other_seed = FaultInjector(dataclasses.replace(plan, seed=4))
    assert [other_seed.decide("www.sec.gov", PRIMARY) for _ in range(200)] != faults
    assert first.decide("www.nasdaqtrader.com", NASDAQ) is None
    assert sum(first.counts().values()) == 200


# --- each fault over HTTP ---


def test_reset_gives_econnreset_and_not_one_byte(
    faulty: EdgarMirror, caplog: pytest.LogCaptureFixture
):
    use(faulty, overrides={SUBMISSIONS: "reset"})
    request = f"GET {SUBMISSIONS} HTTP/1.1\r\nHost: x\r\nUser-Agent: {UA}\r\n\r\n".encode()
    with socket.create_connection(("127.0.0.1", faulty.port), timeout=10) as raw:
        raw.sendall(request)
        received, error = read_to_the_end(raw)
    # Not even a status line, and a RST rather than a FIN.
    assert received == b""
    assert isinstance(error, ConnectionResetError)

    # http.client on a kept-alive connection: the first answer is fine, the second is a reset.
    connection = http.client.HTTPConnection("127.0.0.1", faulty.port, timeout=10)
    try:
        connection.request("GET", PRIMARY, headers={"User-Agent": UA})
        assert connection.getresponse().read() == disk(PRIMARY)
        connection.request("GET", SUBMISSIONS, headers={"User-Agent": UA})
        with pytest.raises(ConnectionResetError) as caught:
            connection.getresponse()
    finally:
        connection.close()
    # Exactly ConnectionResetError: RemoteDisconnected (its subclass) would mean a clean close.
    assert type(caught.value) is ConnectionResetError
    assert caught.value.errno == errno.ECONNRESET

    resets = [record for record in faulty.requests() if record.fault == "reset"]
    assert [(r.path, r.status, r.bytes_sent) for r in resets] == [(SUBMISSIONS, 0, 0)] * 2
    assert faulty.stats()["faults"] == {**NO_FAULTS, "reset": 2}
    assert faulty.stats()["by_status"] == {"0": 2, "200": 1}
    # The server lives on and logged nothing about the deliberate resets.
    assert outcomes(faulty.port, [PRIMARY]) == ["200"]
    assert not [record for record in caplog.records if record.levelno >= logging.WARNING]


def test_truncate_sends_the_full_length_then_a_strict_prefix(
    faulty: EdgarMirror, caplog: pytest.LogCaptureFixture
):
    use(faulty, overrides={PRIMARY: "truncate"})
    whole = disk(PRIMARY)
    connection = http.client.HTTPConnection("127.0.0.1", faulty.port, timeout=10)
    try:
        connection.request("GET", PRIMARY, headers={"User-Agent": UA})
        response = connection.getresponse()
        assert response.status == 200
        assert response.getheader("Content-Length") == str(len(whole))
        with pytest.raises(http.client.IncompleteRead) as caught:
            response.read()
    finally:
        connection.close()
    partial = caught.value.partial
    assert 0 < len(partial) < len(whole)
    assert whole.startswith(partial)
    assert caught.value.expected == len(whole) - len(partial)

    # Compressed bodies are cut after compression: a prefix of the gzip stream.
    with Client(faulty.port) as client:
        outcome, partial_gzip = client.get(PRIMARY, **{"Accept-Encoding": "gzip"})
    assert outcome == "truncate"
    compressed = gzip.compress(whole, mtime=0)
    assert compressed.startswith(partial_gzip)
    assert len(partial_gzip) < len(compressed)

    records = faulty.requests()
    assert [(r.status, r.fault) for r in records] == [(200, "truncate")] * 2
    assert [r.bytes_sent for r in records] == [len(partial), len(partial_gzip)]
    assert outcomes(faulty.port, [PRIMARY, EXHIBIT]) == ["truncate", "200"]
    assert not [record for record in caplog.records if record.levelno >= logging.WARNING]


def test_error_fault_answers_5xx_and_keeps_the_connection(faulty: EdgarMirror):
    use(faulty, seed=1, error_rate=1.0)
    with Client(faulty.port) as client:
        answers = [client.get(SUBMISSIONS) for _ in range(30)]
        socket_used = client.connection.sock
        assert socket_used is not None
        client.get(SUBMISSIONS)
        assert client.connection.sock is socket_used
    assert {status for status, _ in answers} == {"500", "502", "503"}
    for status, body in answers:
        assert body.startswith(b"<html>")
        assert status.encode() in body
        assert len(body) < 200
    assert faulty.stats()["faults"] == {**NO_FAULTS, "error": 31}
    assert {r.fault for r in faulty.requests()} == {"error"}

    use(faulty, error_rate=1.0, error_statuses=(503,))
    assert set(outcomes(faulty.port, [SUBMISSIONS] * 10)) == {"503"}


def test_slow_adds_its_delay_to_the_latency():
    plan = FaultPlan(overrides={SUBMISSIONS: "slow"}, slow_seconds=0.3)
    with EdgarMirror(FIXTURES, latency=0.1, faults=plan) as mirror, Client(mirror.port) as client:
        started = time.monotonic()
        status, body = client.get(SUBMISSIONS)
        slow = time.monotonic() - started
        started = time.monotonic()
        client.get(PRIMARY)
        normal = time.monotonic() - started
        [slow_record, _] = mirror.requests()
    assert (status, body) == ("200", disk(SUBMISSIONS))
    assert slow >= 0.4
    assert 0.1 <= normal < slow
    assert slow_record.fault == "slow"


def test_not_found_override_answers_the_hosts_404(faulty: EdgarMirror):
    use(faulty, overrides={SUBMISSIONS: "not_found", IMAGE: "not_found"})
    with Client(faulty.port) as client:
        data_status, data_body = client.get(SUBMISSIONS)
        www_status, www_body = client.get(IMAGE)
    assert (data_status, www_status) == ("404", "404")
    assert b"NoSuchKey" in data_body
    assert b"Page Not Found" in www_body
    assert faulty.stats()["faults"] == {**NO_FAULTS, "not_found": 2}


def test_overrides_hit_exactly_their_path_every_time(faulty: EdgarMirror):
    use(
        faulty,
        overrides={
            IMAGE: "reset",
            PRIMARY: "truncate",
            EXHIBIT: "error",
            # Overrides name their path explicitly, so they apply on NASDAQ Trader too.
            NASDAQ: "not_found",
        },
    )
    neighbours = [SUBMISSIONS, f"{FILING}/ctst-20231231_g1.png", f"{FILING}/ctst-20231231.xsd"]
    targets = [IMAGE, PRIMARY, EXHIBIT, NASDAQ, *neighbours] * 5
    results = outcomes(faulty.port, targets)
    by_target: dict[str, set[str]] = {}
    for target, result in zip(targets, results, strict=True):
        by_target.setdefault(target, set()).add(result)
    # The error's status is drawn from error_statuses like a random error's.
    assert by_target.pop(EXHIBIT) <= {"500", "502", "503"}
    assert by_target == {
        IMAGE: {"reset"},
        PRIMARY: {"truncate"},
        NASDAQ: {"404"},
        **{target: {"200"} for target in neighbours},
    }
    assert faulty.stats()["faults"] == {
        **NO_FAULTS,
        "reset": 5,
        "truncate": 5,
        "error": 5,
        "not_found": 5,
    }
    # A query string does not hide the path from its override.
    assert outcomes(faulty.port, [f"{IMAGE}?x=1"]) == ["reset"]


def test_gzip_bomb_inflates_far_beyond_what_was_downloaded(faulty: EdgarMirror):
    size = 50_000_000
    use(faulty, overrides={IMAGE: "gzip_bomb"}, gzip_bomb_bytes=size)
    bodies = []
    # Whatever the client says it accepts, even nothing at all.
    for headers in ({"Accept-Encoding": "identity"}, {"Accept-Encoding": "gzip"}, {}):
        connection = http.client.HTTPConnection("127.0.0.1", faulty.port, timeout=30)
        try:
            connection.putrequest("GET", IMAGE, skip_accept_encoding=True)
            for name, value in {"User-Agent": UA, **headers}.items():
                connection.putheader(name, value)
            connection.endheaders()
            response = connection.getresponse()
            body = response.read()
        finally:
            connection.close()
        assert response.status == 200
        assert response.getheader("Content-Encoding") == "gzip"
        assert response.getheader("Content-Type") == "image/png"
        bodies.append(body)
    body = bodies[0]
    assert bodies == [body] * 3  # built once, then served from the cache
    assert len(body) < 1_000_000
    # The gzip trailer states the inflated size (mod 2**32) without inflating it all.
    assert int.from_bytes(body[-4:], "little") == size
    first = zlib.decompressobj(wbits=31).decompress(body, 4_000_000)
    assert first == bytes(4_000_000)
    assert size / len(body) > 500
    assert [r.bytes_sent for r in faulty.requests()] == [len(body)] * 3
    assert faulty.stats()["faults"] == {**NO_FAULTS, "gzip_bomb": 3}


# --- where faults apply ---


def test_control_paths_and_nasdaq_are_never_faulted_by_default(faulty: EdgarMirror):
    use(faulty, reset_rate=1.0)
    assert outcomes(faulty.port, [NASDAQ] * 5) == ["200"] * 5
    assert outcomes(faulty.port, [SUBMISSIONS, PRIMARY]) == ["reset", "reset"]
    for name in ("stats", "requests"):
        assert control(faulty.url, name)[0] == 200
    assert control(faulty.url, "script", {"answers": []})[0] == 200
    assert faulty.stats()["faults"] == {**NO_FAULTS, "reset": 2}
    assert control(faulty.url, "reset")[0] == 200


def test_hosts_choose_where_random_faults_fall(faulty: EdgarMirror):
    use(faulty, error_rate=1.0, hosts=frozenset({"www.nasdaqtrader.com"}))
    results = outcomes(faulty.port, [NASDAQ, SUBMISSIONS, PRIMARY])
    assert results[0] in {"500", "502", "503"}
    assert results[1:] == ["200", "200"]


def test_identity_check_and_sec_policy_win_over_faults(faulty: EdgarMirror):
    use(faulty, seed=5, error_rate=1.0)
    faulty.policy.configure({"answers": [{"at": 2, "count": 2, "status": 429}]})
    with Client(faulty.port) as client:
        undeclared, _ = client.get(SUBMISSIONS, **{"User-Agent": "Scrapy/2.19"})
        results = [client.get(SUBMISSIONS)[0] for _ in range(4)]
    assert undeclared == "403"
    assert results[1:3] == ["429", "429"]
    assert {results[0], results[3]} <= {"500", "502", "503"}
    assert faulty.stats()["faults"] == {**NO_FAULTS, "error": 2}


def test_refused_requests_take_no_draw():
    plan = FaultPlan(seed=9, error_rate=0.3, reset_rate=0.3)
    targets = [SUBMISSIONS, PRIMARY, EXHIBIT] * 20
    with EdgarMirror(FIXTURES, faults=plan) as quiet:
        expected = outcomes(quiet.port, targets)
    with EdgarMirror(FIXTURES, faults=plan) as refusing, Client(refusing.port) as client:
        results = []
        for number, target in enumerate(targets):
            if number % 7 == 0:
                assert client.get(target, **{"User-Agent": "curl/8"})[0] == "403"
            results.append(client.get(target)[0])
    assert results == expected


# --- seeds, rates, counts ---


def test_same_seed_same_faults_at_the_same_positions():
    plan = FaultPlan(
        seed=7, error_rate=0.1, reset_rate=0.1, truncate_rate=0.1, slow_rate=0.1, slow_seconds=0
    )
    targets = [SUBMISSIONS, PRIMARY, IMAGE, EXHIBIT, NASDAQ] * 60
    runs = []
    for seed in (7, 7, 8):
        with EdgarMirror(FIXTURES, faults=dataclasses.replace(plan, seed=seed)) as mirror:
            results = outcomes(mirror.port, targets)
            runs.append((results, [record.fault for record in mirror.requests()]))
    assert runs[0] == runs[1]
    assert runs[0] != runs[2]
    results, faults = runs[0]
    assert {"reset", "truncate", "200"} <= set(results)
    assert "disconnected" not in results
    assert set(faults) == {None, "error", "reset", "truncate", "slow"}


def test_rates_over_2000_requests(faulty: EdgarMirror):
    rate = 0.05
    use(
        faulty,
        seed=2024,
        error_rate=rate,
        reset_rate=rate,
        truncate_rate=rate,
        slow_rate=rate,
        slow_seconds=0,
    )
    total = 2000
    results = Counter(outcomes(faulty.port, [SUBMISSIONS, EXHIBIT] * (total // 2)))
    seen = {
        "error": results["500"] + results["502"] + results["503"],
        "reset": results["reset"],
        "truncate": results["truncate"],
        # A slow answer with no delay is only visible in the log.
        "slow": sum(record.fault == "slow" for record in faulty.requests()),
    }
    for kind, count in seen.items():
        assert abs(count / total - rate) <= 0.015, (kind, count)
    assert results["200"] == total - sum(seen.values()) + seen["slow"]
    assert faulty.stats()["faults"] == {**NO_FAULTS, **seen}
    assert faulty.stats()["requests"] == total


def test_stats_and_reset_over_http():
    plan = FaultPlan(seed=13, error_rate=0.2, reset_rate=0.2, truncate_rate=0.2)
    targets = [SUBMISSIONS, PRIMARY] * 15
    with EdgarMirror(FIXTURES, faults=plan) as mirror:
        first = outcomes(mirror.port, targets)
        status, stats = control(mirror.url, "stats")
        assert status == 200
        counted = Counter(first)
        assert stats["faults"] == {
            **NO_FAULTS,
            "error": counted["500"] + counted["502"] + counted["503"],
            "reset": counted["reset"],
            "truncate": counted["truncate"],
        }
        _, logged = control(mirror.url, "requests")
        assert [entry["fault"] for entry in logged] == [r.fault for r in mirror.requests()]
        assert {entry["status"] for entry in logged if entry["fault"] == "reset"} == {0}

        # A scripted plan lasts until the reset, which returns to the plan the mirror started
        # with, its random sequence again from the seed, and zeroes the counts.
        assert control(mirror.url, "script", {"faults": {"error_rate": 1}})[0] == 200
        assert set(outcomes(mirror.port, targets[:6])) <= {"500", "502", "503"}
        assert control(mirror.url, "reset", {})[0] == 200
        assert control(mirror.url, "stats")[1]["faults"] == NO_FAULTS
        assert mirror.faults.plan == plan
        assert outcomes(mirror.port, targets) == first


def test_script_replaces_the_plan_alongside_the_policy_keys(faulty: EdgarMirror):
    status, _ = control(
        faulty.url,
        "script",
        {
            "answers": [{"at": 1, "count": 1, "status": 429}],
            "faults": {"seed": 7, "overrides": {PRIMARY: "error"}, "gzip_bomb_bytes": 10_000},
        },
    )
    assert status == 200
    assert faulty.faults.plan == FaultPlan(
        seed=7, overrides={PRIMARY: "error"}, gzip_bomb_bytes=10_000
    )
    results = outcomes(faulty.port, [SUBMISSIONS, PRIMARY, SUBMISSIONS])
    assert results[0::2] == ["429", "200"]
    assert results[1] in {"500", "502", "503"}
    # Without "faults", a script leaves the plan as it is.
    assert control(faulty.url, "script", {"answers": []})[0] == 200
    assert faulty.faults.plan.overrides == {PRIMARY: "error"}


@pytest.mark.parametrize(
    ("faults", "field"),
    [
        ({"error_rate": 2}, "error_rate"),
        ({"error_rate": 0.5, "truncate_rate": 0.6}, "must not exceed 1"),
        ({"slow_rate": -1}, "slow_rate"),
        ({"overrides": {PRIMARY: "melt"}}, "overrides"),
        ({"bogus": 1}, "bogus"),
        ([], "faults must be an object"),
    ],
)
def test_script_with_bad_faults_is_refused_and_changes_nothing(
    faulty: EdgarMirror, faults: Any, field: str
):
    use(faulty, seed=3, reset_rate=0.1)
    before = faulty.faults.plan
    status, body = control(
        faulty.url, "script", {"answers": [{"at": 1, "count": 5}], "faults": faults}
    )
    assert status == 400
    assert field in body["error"]
    assert faulty.faults.plan == before
    assert faulty.policy.answers == []


# --- the CLI and run_mirror_process ---


def test_fault_options_rebuild_the_plan():
    plan = FaultPlan(
        seed=42,
        error_rate=0.1,
        reset_rate=0.05,
        truncate_rate=0.2,
        slow_rate=0.3,
        slow_seconds=0.25,
        error_statuses=(502, 504),
        hosts=frozenset({"data.sec.gov", "www.nasdaqtrader.com"}),
        overrides={IMAGE: "gzip_bomb", "/www.sec.gov/a=b.htm": "reset"},
        gzip_bomb_bytes=1234,
    )
    args = parse_args(["--root", str(FIXTURES), *fault_options(plan)])
    assert args.fault_plan == plan
    assert parse_args(["--root", str(FIXTURES)]).fault_plan == FaultPlan()


def test_run_mirror_process_injects_the_same_faults_as_in_process():
    faults = {"seed": 7, "error_rate": 0.2, "reset_rate": 0.2, "truncate_rate": 0.2}
    targets = [SUBMISSIONS, PRIMARY, NASDAQ] * 20
    with EdgarMirror(FIXTURES, faults=FaultPlan.from_dict(faults)) as mirror:
        expected = outcomes(mirror.port, targets)
    with run_mirror_process(FIXTURES, faults=faults) as url:
        port = int(url.rsplit(":", 1)[1])
        assert outcomes(port, targets) == expected
        _, stats = control(url, "stats")
    assert stats["faults"]["reset"] == expected.count("reset") > 0
    assert stats["faults"]["truncate"] == expected.count("truncate") > 0


def test_run_mirror_process_refuses_bad_faults_before_starting():
    with (
        pytest.raises(ValueError, match="reset_rate"),
        run_mirror_process(FIXTURES, faults={"reset_rate": 7}),
    ):
        pass


def start_cli(*args: str) -> subprocess.Popen[str]:
    env = dict(os.environ, PYTHONPATH=str(SOURCE_ROOT))
    return subprocess.Popen(
        [sys.executable, "-m", "edgar_mirror", "--root", str(FIXTURES), *args],
        stdin=subprocess.DEVNULL,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env=env,
    )


def test_cli_flags_fault_without_a_traceback():
    flags = ["--seed", "3", "--reset-rate", "0.4", "--truncate-rate", "0.4", "--error-rate", "0.2"]
    with start_cli(*flags) as child:
        assert child.stdout is not None
        url = child.stdout.readline().rsplit(" ", 1)[1].strip()
        results = outcomes(int(url.rsplit(":", 1)[1]), [SUBMISSIONS, PRIMARY] * 20)
        child.send_signal(signal.SIGTERM)
        stdout, stderr = child.communicate(timeout=10)
    assert child.returncode == 0
    assert (stdout, stderr) == ("", "")
    assert "200" not in results
    assert {"reset", "truncate"} <= set(results)


@pytest.mark.parametrize(
    ("flags", "field"),
    [
        (["--error-rate", "1.5"], "error_rate"),
        (["--reset-rate", "0.6", "--slow-rate", "0.6"], "must not exceed 1"),
        (["--fault-override", "/www.sec.gov/x=melt"], "overrides"),
    ],
)
def test_cli_bad_fault_flags_exit_2(flags: list[str], field: str):
    with start_cli(*flags) as child:
        stdout, stderr = child.communicate(timeout=10)
    assert child.returncode == 2
    assert stdout == ""
    assert field in stderr
