"""The HTTP side of the EDGAR mirror: a threaded keep-alive server and `EdgarMirror` to run it."""

from __future__ import annotations

import contextlib
import io
import json
import logging
import random
import socket
import socketserver
import struct
import sys
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from types import TracebackType
from typing import Any

from edgar_mirror.faults import RESET, TRUNCATE, FaultInjector, FaultPlan
from edgar_mirror.policy import SecPolicy
from edgar_mirror.requestlog import RequestLog, RequestRecord
from edgar_mirror.responder import MirrorRequest, MirrorResponse, Responder

logger = logging.getLogger(__name__)

HOST = "127.0.0.1"
CONTROL_PREFIX = "/_mirror/"
# Long enough that an idle crawler keeps its pooled connections, short enough to free threads.
IDLE_TIMEOUT = 120.0
# struct linger {on, seconds}: on with 0 seconds makes close() abort with a RST.
_ABORT_ON_CLOSE = struct.pack("ii", 1, 0)


class MirrorHandler(BaseHTTPRequestHandler):
    """Answers one connection's requests through the server's `Responder`."""

    server: MirrorServer
    protocol_version = "HTTP/1.1"
    server_version = "EdgarMirror/1.0"
    # Headers and body are two writes; with Nagle on, keep-alive responses stall ~40 ms each.
    disable_nagle_algorithm = True
    timeout = IDLE_TIMEOUT

    arrival = 0.0
    wall_time = 0.0
    _stamped: _KernelStampedReader | None = None

    def version_string(self) -> str:
        """`Server:` header without the Python version."""
        return self.server_version

    def setup(self) -> None:
        """Reads the connection through `_KernelStampedReader` where the kernel stamps arrivals."""
        super().setup()
        try:
            self.connection.setsockopt(socket.SOL_SOCKET, _SO_TIMESTAMPNS, 1)
        except OSError:
            return  # not Linux: arrivals are stamped when the request line is read
        self._stamped = _KernelStampedReader(self.connection)
        # The makefile() reader holds a reference that would keep the socket open past close().
        self.rfile.close()
        self.rfile = io.BufferedReader(self._stamped)

    def parse_request(self) -> bool:
        """Stamps the arrival: when the kernel received the request line, else now (just read).

        The kernel's time is the wire's, as SEC's servers see it: a mirror starved of CPU by a
        busy machine reads its requests late, but they arrived when they arrived.
        """
        self.arrival = time.monotonic()
        self.wall_time = time.time()
        if self._stamped is not None and self._stamped.arrived is not None:
            lag = max(0.0, self.wall_time - self._stamped.arrived)
            self.arrival -= lag
            self.wall_time -= lag
        if delay := self.server.arrival_delay():
            # The network between the crawler and SEC: the request reaches "SEC" this much
            # later, and only then is it counted, answered and logged.
            self.arrival += delay
            self.wall_time += delay
            time.sleep(max(0.0, self.arrival - time.monotonic()))
        return super().parse_request()

    def do_GET(self) -> None:
        """GET a file, listing or control path."""
        self.dispatch()

    def do_HEAD(self) -> None:
        """HEAD: as GET, without the body."""
        self.dispatch()

    script_body: bytes | None = None

    def do_POST(self) -> None:
        """POST: meaningful for control paths only; the mirrored hosts answer 405."""
        self.script_body = self.read_body()
        self.dispatch()

    def dispatch(self) -> None:
        """Route to the control API or the mirrored hosts, and log the latter."""
        if self.path.startswith(CONTROL_PREFIX):
            self.write(self.control())
            return
        request = MirrorRequest(
            method=self.command,
            target=self.path,
            user_agent=self.headers.get("User-Agent"),
            accept_encoding=self.headers.get("Accept-Encoding"),
            arrival=self.arrival,
        )
        try:
            response = self.server.responder.respond(request)
        except Exception:
            # A bug in the mirror must cost one response, not the server.
            logger.exception("EDGAR mirror failed on %s %s", self.command, self.path)
            response = MirrorResponse(500, "text/plain", b"EDGAR mirror error\n")
        delay = self.server.latency + response.delay
        if delay > 0:
            time.sleep(delay)
        # Logged before the body goes out, so a client that has read a response finds it in
        # the log; a client hanging up mid-body is not worth a second record.
        self.server.log.add(
            RequestRecord(
                arrival=self.arrival,
                wall_time=self.wall_time,
                method=self.command,
                path=self.path,
                status=response.status,
                user_agent=request.user_agent,
                bytes_sent=0 if self.command == "HEAD" else len(self.body_to_send(response)),
                accept_encoding=request.accept_encoding,
                fault=response.fault,
            )
        )
        if response.fault == RESET:
            self.abort()
            return
        try:
            self.write(response)
        except OSError:
            # The client hung up mid-response; the connection is unusable either way.
            self.close_connection = True

    def control(self) -> MirrorResponse:
        """`/_mirror/requests`, `/_mirror/stats`, `/_mirror/reset` (GET or POST)."""
        name = self.path.split("?", 1)[0].removeprefix(CONTROL_PREFIX).strip("/")
        log = self.server.log
        payload: Any
        if name == "requests":
            payload = [record.as_dict() for record in log.records()]
        elif name == "stats":
            responder = self.server.responder
            payload = mirror_stats(log, responder.policy, responder.faults)
        elif name == "reset":
            log.clear()
            self.server.responder.policy.reset()
            self.server.responder.faults.reset()
            payload = {"reset": True}
        elif name == "script" and self.command == "POST":
            try:
                self.apply_script(json.loads(self.script_body or b"{}"))
            except (ValueError, TypeError) as error:
                body = json.dumps({"error": f"bad script: {error}"}).encode()
                return MirrorResponse(400, "application/json", body)
            payload = {"scripted": True}
        else:
            return MirrorResponse(404, "application/json", b'{"error": "unknown control path"}')
        return MirrorResponse(200, "application/json", json.dumps(payload).encode())

    def apply_script(self, script: object) -> None:
        """Script the SEC policy and, if the script has `"faults"`, replace the fault plan."""
        if not isinstance(script, dict):
            raise ValueError(f"a script is a JSON object, not {script!r}")
        responder = self.server.responder
        # Built first, so a bad fault plan refuses the whole script before anything changes.
        plan = FaultPlan.from_dict(script["faults"]) if "faults" in script else None
        responder.policy.configure(script)
        if plan is not None:
            responder.faults.configure(plan)

    def write(self, response: MirrorResponse) -> None:
        """Send the response (headers only for HEAD); a truncated one then closes the connection."""
        self.send_response(response.status)
        self.send_header("Content-Type", response.content_type)
        self.send_header("Content-Length", str(len(response.body)))
        for name, value in response.headers.items():
            self.send_header(name, value)
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(self.body_to_send(response))
        if response.fault == TRUNCATE:
            # Closing (with a FIN) is how the client learns the promised rest will never come.
            self.close_connection = True

    @staticmethod
    def body_to_send(response: MirrorResponse) -> bytes:
        """The body bytes that go out: all of them, or the first half for a truncation."""
        if response.fault == TRUNCATE:
            # Half is always at least one byte short of a non-empty body.
            return response.body[: len(response.body) // 2]
        return response.body

    def abort(self) -> None:
        """Reset the connection: the client gets ECONNRESET and not one byte of a response.

        Closed here rather than by socketserver, whose shutdown(SHUT_WR) would send a FIN first:
        the client would then see a clean close and, on a kept-alive connection, resend.
        """
        self.close_connection = True
        with contextlib.suppress(OSError):
            self.connection.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, _ABORT_ON_CLOSE)
        # rfile was made by makefile(), which holds the socket open past close() until it closes.
        self.rfile.close()
        self.connection.close()

    def read_body(self) -> bytes:
        """Read a request body, so the next keep-alive request starts at a request line."""
        try:
            length = int(self.headers.get("Content-Length") or 0)
        except ValueError:
            length = 0
            self.close_connection = True
        return self.rfile.read(length) if length > 0 else b""

    def log_message(self, format: str, *args: Any) -> None:
        """Silenced: a crawl makes thousands of requests; `/_mirror/requests` has them all."""


def mirror_stats(log: RequestLog, policy: SecPolicy, faults: FaultInjector) -> dict[str, Any]:
    """`/_mirror/stats`: the log's figures, the SEC policy's and the fault counts by kind."""
    return {
        **log.stats(),
        **policy.stats(),
        "faults": faults.counts(),
        "aimed_faults": faults.aimed_counts(),
    }


# Linux's SO_TIMESTAMPNS (and SCM_TIMESTAMPNS): the kernel stamps each received packet with
# CLOCK_REALTIME as a struct timespec. Python's socket module does not name it.
_SO_TIMESTAMPNS = 35
_TIMESPEC = struct.Struct("@ll")


class _KernelStampedReader(io.RawIOBase):
    """A connection's bytes, each read with the kernel's time of arrival of the data read."""

    def __init__(self, connection: socket.socket) -> None:
        super().__init__()
        self.connection = connection
        self.arrived: float | None = None  # wall-clock time the last data read arrived

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: Any) -> int:
        data, ancillary, _, _ = self.connection.recvmsg(
            len(buffer), socket.CMSG_SPACE(_TIMESPEC.size)
        )
        for level, kind, payload in ancillary:
            if level == socket.SOL_SOCKET and kind == _SO_TIMESTAMPNS:
                seconds, nanoseconds = _TIMESPEC.unpack(payload[: _TIMESPEC.size])
                self.arrived = seconds + nanoseconds / 1e9
        view = memoryview(buffer).cast("B")
        view[: len(data)] = data
        return len(data)


class MirrorServer(ThreadingHTTPServer):
    """A thread per connection, loopback only, tracking connections so `stop` can end them."""

    daemon_threads = True
    # Scrapy opens many connections at once; the default backlog of 5 drops some on a burst.
    request_queue_size = 128

    def __init__(
        self,
        responder: Responder,
        log: RequestLog,
        port: int,
        latency: float,
        arrival_delay: float = 0.0,
    ) -> None:
        self.responder = responder
        self.log = log
        self.latency = latency
        self.max_arrival_delay = arrival_delay
        # Delays drawn for the test's network, not secrets.
        self._delays = random.Random()  # noqa: S311
        self._connections: set[socket.socket] = set()
        self._connections_changed = threading.Condition()
        super().__init__((HOST, port), MirrorHandler)

    def arrival_delay(self) -> float:
        """How much later than it was received a request counts as arrived: 0..max, uniform."""
        if not self.max_arrival_delay:
            return 0.0
        return self._delays.uniform(0.0, self.max_arrival_delay)

    def server_bind(self) -> None:
        """Bind without HTTPServer's reverse DNS lookup, which can hang on an offline machine.

        The kernel stamps arrivals on the listening socket too, and a connection accepted from
        it inherits that: a request sent before the mirror got round to `accept` (a busy
        machine, a burst of new connections) is stamped when it arrived, not when it was read.
        (Stamped late, one such request made 11 arrivals of a crawl fall within 0.986 s.)
        """
        with contextlib.suppress(OSError):
            self.socket.setsockopt(socket.SOL_SOCKET, _SO_TIMESTAMPNS, 1)
        socketserver.TCPServer.server_bind(self)
        self.server_name = HOST
        self.server_port = self.server_address[1]

    def process_request_thread(self, request: Any, client_address: Any) -> None:
        """Serve one connection, keeping it known until its socket is closed."""
        with self._connections_changed:
            self._connections.add(request)
        try:
            super().process_request_thread(request, client_address)
        finally:
            with self._connections_changed:
                self._connections.discard(request)
                self._connections_changed.notify_all()

    def close_connections(self, timeout: float) -> None:
        """End open keep-alive connections and wait for their threads to close them."""
        with self._connections_changed:
            for connection in self._connections:
                # A connection the client already closed raises; it needs no shutdown then.
                with contextlib.suppress(OSError):
                    connection.shutdown(socket.SHUT_RDWR)
            self._connections_changed.wait_for(lambda: not self._connections, timeout)

    def handle_error(self, request: Any, client_address: Any) -> None:
        """Clients hanging up are routine; anything else is logged, never printed per request."""
        error = sys.exc_info()[1]
        if isinstance(error, ConnectionError | TimeoutError):
            return
        logger.exception("EDGAR mirror connection from %s failed", client_address)


class EdgarMirror:
    """A mirror of SEC EDGAR and NASDAQ Trader served from `root` on 127.0.0.1.

    `root` holds `<host>/<url path>` (e.g. `www.sec.gov/Archives/...`) and optionally `_errors/`
    with SEC's error bodies. `port` 0 picks a free port; `latency` (seconds) delays every
    response; `arrival_delay` (seconds) delays each request's arrival by a random 0..that, as
    the network does (SEC counts arrivals); `faults` makes it misbehave (see FaultPlan). The
    request log outlives `stop`, so tests can inspect it afterwards.
    """

    def __init__(
        self,
        root: Path,
        port: int = 0,
        latency: float = 0.0,
        policy: SecPolicy | None = None,
        faults: FaultPlan | None = None,
        *,
        arrival_delay: float = 0.0,
    ) -> None:
        root = Path(root)
        if not root.is_dir():
            raise FileNotFoundError(f"EDGAR mirror root is not a folder: {root}")
        if not 0 <= port <= 65535:
            raise ValueError(f"port must be 0..65535, not {port}")
        if latency < 0:
            raise ValueError(f"latency must not be negative, not {latency}")
        if arrival_delay < 0:
            raise ValueError(f"arrival_delay must not be negative, not {arrival_delay}")
        self.root = root
        self.latency = latency
        self.arrival_delay = arrival_delay
        self.policy = policy if policy is not None else SecPolicy()
        self.faults = FaultInjector(faults)
        self._requested_port = port
        self._log = RequestLog()
        self._server: MirrorServer | None = None
        self._thread: threading.Thread | None = None

    def start(self) -> EdgarMirror:
        """Bind and serve in a daemon thread; returns self."""
        if self._server is not None:
            raise RuntimeError("EDGAR mirror already started")
        server = MirrorServer(
            Responder(self.root, self.policy, self.faults),
            self._log,
            self._requested_port,
            self.latency,
            self.arrival_delay,
        )
        self._server = server
        self._thread = threading.Thread(
            target=server.serve_forever,
            kwargs={"poll_interval": 0.05},
            name=f"edgar-mirror-{server.server_port}",
            daemon=True,
        )
        self._thread.start()
        return self

    def stop(self) -> None:
        """Stop serving, end open connections and release the port. Idempotent."""
        server, thread = self._server, self._thread
        if server is None:
            return
        self._server = self._thread = None
        server.shutdown()
        server.close_connections(timeout=self.latency + 5.0)
        server.server_close()
        if thread is not None:
            thread.join()

    @property
    def port(self) -> int:
        """The bound port."""
        if self._server is None:
            raise RuntimeError("EDGAR mirror is not running")
        return self._server.server_port

    @property
    def url(self) -> str:
        """`http://127.0.0.1:PORT`, to which a host is appended: `/www.sec.gov`, ..."""
        return f"http://{HOST}:{self.port}"

    def requests(self) -> list[RequestRecord]:
        """Every request answered since start or the last reset, in arrival order."""
        return self._log.records()

    def stats(self) -> dict[str, Any]:
        """The request log's figures (1-second windows), what the SEC policy refused, faults."""
        return mirror_stats(self._log, self.policy, self.faults)

    def reset(self) -> None:
        """Clear the request log and the SEC policy's state; faults back to the initial plan."""
        self._log.clear()
        self.policy.reset()
        self.faults.reset()

    def __enter__(self) -> EdgarMirror:
        if self._server is None:
            self.start()
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        self.stop()
