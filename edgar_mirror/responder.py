"""What the mirror answers to a request: the one place that decides status, headers and body."""

from __future__ import annotations

import functools
import gzip
import re
from dataclasses import dataclass, field
from email.utils import formatdate
from pathlib import Path
from urllib.parse import unquote

from edgar_mirror.faults import (
    BLOCK,
    ERROR,
    GZIP_BOMB,
    NOT_FOUND,
    RESET,
    Fault,
    FaultInjector,
    error_page,
    gzip_bomb,
)
from edgar_mirror.listing import INDEX_JSON, render_listing, scan_folder, stored_gzip
from edgar_mirror.policy import RATE_THRESHOLD_PAGE, UNDECLARED_TOOL_PAGE, SecPolicy, Verdict

SEC_HOSTS = frozenset({"www.sec.gov", "data.sec.gov"})
HOSTS = SEC_HOSTS | {"www.nasdaqtrader.com"}

AUTOMATED_TOOL_PAGE = Path("_errors/SEC.AutomatedTool.html")
RATE_EXCEEDED_PAGE = Path("_errors/rate-exceeded.html")
DATA_NOT_FOUND_BODY = Path("_errors/data.sec.gov/submissions/CIK-000000001.json.404.xml")

# As SEC sends them. JSON carries no charset: data.sec.gov sends it bare and the crawler's
# decoding depends on that. .xsd is sent as XML so it is compressed and parsed like the rest
# of the XBRL set (SEC's own type for it is not recorded in the fixtures).
CONTENT_TYPES = {
    ".json": "application/json",
    ".htm": "text/html",
    ".html": "text/html",
    ".txt": "text/plain",
    ".idx": "text/plain",
    ".xml": "application/xml",
    ".xsd": "application/xml",
    ".zip": "application/zip",
    ".jpg": "image/jpeg",
    ".jpeg": "image/jpeg",
    ".png": "image/png",
    ".gif": "image/gif",
}
DEFAULT_CONTENT_TYPE = "application/octet-stream"
_COMPRESSIBLE = frozenset({"text/html", "text/plain", "application/json", "application/xml"})

# SEC only asks that the User-Agent name a contact; any address-looking token satisfies it.
_EMAIL = re.compile(r"[^\s@<>()]+@[^\s@<>()]+\.[^\s@<>()]+")

_FALLBACK_FORBIDDEN = (
    b"<html><head><title>SEC.gov | Your Request Originates from an Undeclared Automated Tool"
    b"</title></head><body><h1>Your Request Originates from an Undeclared Automated Tool</h1>"
    b"<p>Please declare your traffic by updating your user agent to include company specific"
    b" information.</p></body></html>\n"
)
_FALLBACK_DATA_NOT_FOUND = (
    b'<?xml version="1.0" encoding="UTF-8"?>\n<Error><Code>NoSuchKey</Code>'
    b"<Message>The specified key does not exist.</Message></Error>"
)
_NOT_FOUND_PAGE = (
    b"<!DOCTYPE html>\n<html><head><title>Page Not Found | SEC.gov</title></head>"
    b"<body><h1>Page Not Found</h1></body></html>\n"
)

_FALLBACK_RATE_EXCEEDED = (
    b"<html><head><title>SEC.gov | Request Rate Threshold Exceeded</title></head><body>"
    b"<h1>You\xe2\x80\x99ve Exceeded the SEC\xe2\x80\x99s Traffic Limit</h1></body></html>\n"
)
_THROTTLED_BODY = b"<html><body><h1>Too Many Requests</h1></body></html>\n"

_NOT_ALLOWED_PAGE = b"<!DOCTYPE html>\n<html><body><h1>Method Not Allowed</h1></body></html>\n"


@dataclass(frozen=True)
class MirrorRequest:
    """The parts of an HTTP request the mirror's behaviour depends on."""

    method: str
    target: str
    user_agent: str | None = None
    accept_encoding: str | None = None
    arrival: float = 0.0


@dataclass
class MirrorResponse:
    """A complete answer; the handler writes it as is (body omitted for HEAD).

    `fault` names an injected fault. Most are already in the status and body; the handler acts
    on two that need the socket: "reset" (no response at all: status 0) and "truncate" (the
    full Content-Length, half the body, then close). `delay` comes on top of the latency.
    """

    status: int
    content_type: str
    body: bytes
    headers: dict[str, str] = field(default_factory=dict)
    # Identity of the file the body came from, so its gzip form can be cached.
    source: tuple[str, int, int] | None = None
    # The body already gzip-compressed, for a file the sample keeps compressed.
    gzipped: bytes | None = field(default=None, repr=False)
    fault: str | None = None
    delay: float = 0.0


class Responder:
    """Maps requests to responses over a mirror root laid out as `<root>/<host>/<url path>`.

    `respond` is the single decision point: scripted 429 bursts, 403 block windows and faults
    are decided there, in front of the routing, keyed on `MirrorRequest.arrival` where time
    matters.
    """

    def __init__(
        self, root: Path, policy: SecPolicy | None = None, faults: FaultInjector | None = None
    ) -> None:
        self.root = root.resolve()
        self.policy = policy if policy is not None else SecPolicy()
        self.faults = faults if faults is not None else FaultInjector()

    def respond(self, request: MirrorRequest) -> MirrorResponse:
        """The response to `request`, content-encoded as the request accepts."""
        response = self.route(request)
        return negotiate_encoding(response, request.accept_encoding)

    def route(self, request: MirrorRequest) -> MirrorResponse:
        """The identity-encoded response: identity check, SEC policy, faults, then the content."""
        if request.method not in {"GET", "HEAD"}:
            return MirrorResponse(405, "text/html", _NOT_ALLOWED_PAGE, {"Allow": "GET, HEAD"})
        parts = url_parts(request.target)
        if parts is None or parts[0] not in HOSTS:
            return self.not_found(None)
        host, path = parts[0], parts[1:]
        if host in SEC_HOSTS and (refused := self.sec_refusal(request)) is not None:
            return refused
        # Faults come after SEC's refusals, as they would in front of the real servers: SEC's
        # edge answers the 403s and 429s itself, so a refused request never reaches the origin
        # that fails; and a test that scripts a block or a 429 burst must see exactly what it
        # scripted, not a fault drawn in its place. Refused requests take no draw either, so
        # the fault sequence depends only on the requests that are served.
        fault = self.faults.decide(host, request.target)
        if fault is not None:
            return self.faulty(fault, host, path)
        return self.content(host, path)

    def content(self, host: str, path: tuple[str, ...]) -> MirrorResponse:
        """The file, the synthesized listing or the host's 404."""
        target = self.resolve(host, path)
        if target is not None and target.is_file():
            return self.file_response(target)
        if target is not None and (stored := stored_gzip(target)) is not None:
            return self.stored_gzip_response(target.name, stored)
        listing = self.listing(host, path)
        if listing is not None:
            return listing
        return self.not_found(host)

    def faulty(self, fault: Fault, host: str, path: tuple[str, ...]) -> MirrorResponse:
        """The response carrying `fault`; the handler finishes resets and truncations."""
        if fault.kind == RESET:
            # Nothing is sent, so status 0 is what the request log records.
            return MirrorResponse(0, DEFAULT_CONTENT_TYPE, b"", fault=RESET)
        if fault.kind == ERROR:
            assert fault.status is not None
            return MirrorResponse(fault.status, "text/html", error_page(fault.status), fault=ERROR)
        if fault.kind == BLOCK:
            response = self.refusal(Verdict(403, block_page=RATE_THRESHOLD_PAGE))
        elif fault.kind == NOT_FOUND:
            response = self.not_found(host)
        elif fault.kind == GZIP_BOMB:
            # Sent whatever the client accepts, as a hostile server would; negotiate_encoding
            # leaves a body that already has a Content-Encoding alone.
            name = path[-1] if path else ""
            response = MirrorResponse(
                200,
                content_type_for(name),
                gzip_bomb(self.faults.plan.gzip_bomb_bytes),
                {"Content-Encoding": "gzip"},
            )
        else:
            response = self.content(host, path)
        response.fault = fault.kind
        response.delay = fault.delay
        return response

    def resolve(self, host: str, path: tuple[str, ...]) -> Path | None:
        """The file system path for a URL path, or None if it would leave the root."""
        candidate = self.root.joinpath(host, *path).resolve()
        # resolve() follows symlinks too, so a link pointing out of the root is refused here.
        if not candidate.is_relative_to(self.root / host):
            return None
        return candidate

    def file_response(self, path: Path) -> MirrorResponse:
        """200 with the file's bytes, type and modification time."""
        stat = path.stat()
        return MirrorResponse(
            200,
            content_type_for(path.name),
            path.read_bytes(),
            {"Last-Modified": http_date(stat.st_mtime)},
            source=(str(path), stat.st_mtime_ns, stat.st_size),
        )

    def stored_gzip_response(self, name: str, stored: Path) -> MirrorResponse:
        """200 with a file kept gzip-compressed in the sample (`name.gz`): the original bytes,
        or the stored compressed ones as they are to a client that accepts gzip."""
        compressed = stored.read_bytes()
        return MirrorResponse(
            200,
            content_type_for(name),
            gzip.decompress(compressed),
            {"Last-Modified": http_date(stored.stat().st_mtime)},
            gzipped=compressed,
        )

    def listing(self, host: str, path: tuple[str, ...]) -> MirrorResponse | None:
        """A synthesized `index.json` for an existing www.sec.gov folder, if SEC would list it."""
        if host != "www.sec.gov" or not path or path[-1] != INDEX_JSON:
            return None
        folder = self.resolve(host, path[:-1])
        if folder is None or not folder.is_dir():
            return None
        body = render_listing(path[:-1], scan_folder(folder))
        if body is None:
            return None
        headers = {"Last-Modified": http_date(folder.stat().st_mtime)}
        return MirrorResponse(200, "application/json", body, headers)

    def sec_refusal(self, request: MirrorRequest) -> MirrorResponse | None:
        """What SEC answers instead of the file: undeclared tool, block or throttle; else None."""
        if not declares_contact(request.user_agent):
            return self.error_file(403, AUTOMATED_TOOL_PAGE, _FALLBACK_FORBIDDEN)
        verdict = self.policy.decide(request.arrival)
        return None if verdict is None else self.refusal(verdict)

    def refusal(self, verdict: Verdict) -> MirrorResponse:
        """SEC refusing a request: its block page, or a throttling status with Retry-After."""
        if verdict.block_page == UNDECLARED_TOOL_PAGE:
            return self.error_file(verdict.status, AUTOMATED_TOOL_PAGE, _FALLBACK_FORBIDDEN)
        if verdict.block_page is not None:
            return self.error_file(verdict.status, RATE_EXCEEDED_PAGE, _FALLBACK_RATE_EXCEEDED)
        headers = {}
        if verdict.retry_after is not None:
            headers["Retry-After"] = f"{verdict.retry_after:g}"
        return MirrorResponse(verdict.status, "text/html", _THROTTLED_BODY, headers)

    def not_found(self, host: str | None) -> MirrorResponse:
        """404 as the host sends it: S3's NoSuchKey XML on data.sec.gov, HTML elsewhere."""
        if host == "data.sec.gov":
            return self.error_file(404, DATA_NOT_FOUND_BODY, _FALLBACK_DATA_NOT_FOUND)
        return MirrorResponse(404, "text/html", _NOT_FOUND_PAGE)

    def error_file(self, status: int, relative: Path, fallback: bytes) -> MirrorResponse:
        """An error answered with SEC's recorded body from `<root>/_errors`, if the root has it."""
        path = self.root / relative
        try:
            body = path.read_bytes()
        except OSError:
            # Minimal test roots carry no _errors folder.
            body = fallback
        return MirrorResponse(status, content_type_for(relative.name), body)


def url_parts(target: str) -> tuple[str, ...] | None:
    """`/<host>/<path>` split into decoded segments, or None for anything unsafe or malformed."""
    path = target.split("?", 1)[0].split("#", 1)[0]
    if not path.startswith("/"):
        return None
    try:
        # Decoding per segment keeps an encoded "/" (%2F) from creating new segments.
        segments = tuple(unquote(segment, errors="strict") for segment in path[1:].split("/"))
    except UnicodeDecodeError:
        return None
    for segment in segments:
        if segment in {".", ".."} or "\0" in segment or "/" in segment or "\\" in segment:
            return None
    if not segments[0]:
        return None
    return tuple(segment for segment in segments if segment)


def declares_contact(user_agent: str | None) -> bool:
    """Whether a User-Agent names an e-mail address, as SEC requires of automated tools."""
    return bool(user_agent and _EMAIL.search(user_agent))


def content_type_for(name: str) -> str:
    """SEC's Content-Type for a file name."""
    suffix = Path(name).suffix.lower()
    return CONTENT_TYPES.get(suffix, DEFAULT_CONTENT_TYPE)


def accepts_gzip(accept_encoding: str | None) -> bool:
    """Whether an Accept-Encoding header allows gzip (honouring `q=0`)."""
    for coding in (accept_encoding or "").split(","):
        name, _, params = coding.partition(";")
        if name.strip().lower() not in {"gzip", "x-gzip"}:
            continue
        quality = params.strip().lower().removeprefix("q=").strip()
        try:
            return not quality or float(quality) > 0
        except ValueError:
            return False
    return False


def negotiate_encoding(response: MirrorResponse, accept_encoding: str | None) -> MirrorResponse:
    """Gzip text-like bodies for clients that accept it; archives and images go as they are."""
    if response.content_type not in _COMPRESSIBLE or "Content-Encoding" in response.headers:
        return response
    response.headers["Vary"] = "Accept-Encoding"
    if not accepts_gzip(accept_encoding):
        return response
    if response.gzipped is not None:
        response.body = response.gzipped
    elif response.source is not None:
        response.body = _gzip_file(*response.source)
    else:
        response.body = gzip.compress(response.body, mtime=0)
    response.headers["Content-Encoding"] = "gzip"
    return response


@functools.lru_cache(maxsize=64)
def _gzip_file(path: str, mtime_ns: int, size: int) -> bytes:
    # Keyed by mtime and size so an edited file is recompressed; saves ~15 ms per 1.5 MB 10-K.
    del mtime_ns, size
    return gzip.compress(Path(path).read_bytes(), mtime=0)


def http_date(timestamp: float) -> str:
    """An RFC 9110 date, e.g. for Last-Modified."""
    return formatdate(timestamp, usegmt=True)
