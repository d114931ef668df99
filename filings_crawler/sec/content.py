"""Whether a downloaded body is the kind of file that was asked for, not an error page in its place.

SEC (and its CDN) answer some failures with status 200 and a page: the rate-limit block page, an
HTML error page where an image or an XBRL file should be. A file is only stored when its first
bytes fit what its name promises.
"""

from __future__ import annotations

import re

from filings_crawler.sec.block_pages import block_page_kind

KINDS = ("html", "image", "xbrl", "exhibit")

# First bytes of each image format, by the extensions SEC accepts for images.
_JPEG = ("JPEG", (b"\xff\xd8\xff",))
_PNG = ("PNG", (b"\x89PNG\r\n\x1a\n",))
_GIF = ("GIF", (b"GIF87a", b"GIF89a"))
_BMP = ("BMP", (b"BM",))
_SVG = "SVG"
_IMAGE_FAMILIES = {
    ".jpg": _JPEG,
    ".jpeg": _JPEG,
    ".png": _PNG,
    ".gif": _GIF,
    ".bmp": _BMP,
}
# Binary formats that are never markup, for a clearer reason than "does not start with <".
_BINARY_FORMATS = (
    _JPEG,
    _PNG,
    _GIF,
    ("ZIP archive", (b"PK\x03\x04", b"PK\x05\x06")),
    ("PDF", (b"%PDF-",)),
)
# What may come before the root element of a markup file: a byte order mark, whitespace, an XML
# declaration, comments, processing instructions.
_PROLOG = re.compile(rb"(?:\xef\xbb\xbf)?(?:\s++|<\?.*?\?>|<!--.*?-->)*+", re.DOTALL)
_DOCTYPE = re.compile(rb"<!DOCTYPE[^>]*+>", re.IGNORECASE)
_HTML_START = re.compile(rb"<!DOCTYPE\s+html|<html[\s>]", re.IGNORECASE)
_SVG_START = re.compile(rb"<svg[\s>/]", re.IGNORECASE)
# The root of every XBRL file: a taxonomy schema, a linkbase or an instance, with any prefix.
_XBRL_ROOT = re.compile(rb"<(?:[A-Za-z_][\w.-]*:)?(schema|linkbase|xbrl)[\s>/]")
_ROOT_NAME = re.compile(rb"<([^\s>/]{1,40})")


def content_problem(kind: str, name: str, body: bytes) -> str | None:
    """None if `body` is plausibly a file of `kind` named `name`, else a one-line reason.

    `kind` is one of KINDS: "html" (a primary document), "image", "xbrl" (a schema, linkbase or
    instance) or "exhibit" (any document a filer filed: HTML, text or PDF).
    """
    if kind not in KINDS:
        raise ValueError(f"unknown kind of content {kind!r}; expected one of {KINDS}")
    if not body:
        return "empty body"
    block = block_page_kind(body)
    if block is not None:
        return f"SEC's block page ({block}) in place of {name!r}"
    if kind == "image":
        return _image_problem(name, body)
    if kind == "html":
        return _html_problem(body)
    if kind == "xbrl":
        return _xbrl_problem(name, body)
    return None


def _image_problem(name: str, body: bytes) -> str | None:
    extension = _extension(name)
    start = _after_prolog(body)
    if _HTML_START.match(body, start):
        return f"HTML where an image ({extension or name}) was expected"
    if extension == ".svg":
        start = _after_doctype(body, start)
        return None if _SVG_START.match(body, start) else f"not an SVG image: {_opening(body)}"
    family = _IMAGE_FAMILIES.get(extension)
    if family is None:
        # No extension that names a format: any image format will do.
        if any(body.startswith(m) for _, magic in _IMAGE_FAMILIES.values() for m in magic):
            return None
        return None if _SVG_START.match(body, start) else f"not an image: {_opening(body)}"
    label, magic = family
    if body.startswith(magic):
        return None
    return f"not a {label} image ({extension}): {_opening(body)}"


def _html_problem(body: bytes) -> str | None:
    for label, magic in _BINARY_FORMATS:
        if body.startswith(magic):
            return f"{label} data where HTML was expected"
    if not body.startswith(b"<", _after_prolog(body)):
        return f"not markup: {_opening(body)}"
    return None


def _xbrl_problem(name: str, body: bytes) -> str | None:
    start = _after_prolog(body)
    if _HTML_START.match(body, start):
        return f"an HTML page where XBRL ({name}) was expected"
    if not body.startswith(b"<", start):
        return f"not XML: {_opening(body)}"
    if _XBRL_ROOT.match(body, _after_doctype(body, start)):
        return None
    root = _ROOT_NAME.match(body, start)
    shown = root.group(1).decode("latin-1") if root else "?"
    # e.g. S3's <Error><Code>NoSuchKey</Code>..., which data.sec.gov sends for a missing file.
    return f"root element <{shown}> is not an XBRL schema, linkbase or instance"


def _extension(name: str) -> str:
    stem, dot, suffix = name.rpartition(".")
    return f".{suffix.lower()}" if dot and stem else ""


def _after_prolog(body: bytes, start: int = 0) -> int:
    match = _PROLOG.match(body, start)
    return match.end() if match else start


def _after_doctype(body: bytes, start: int) -> int:
    doctype = _DOCTYPE.match(body, start)
    return _after_prolog(body, doctype.end()) if doctype else start


def _opening(body: bytes) -> str:
    """The first bytes, to show in a reason."""
    return f"starts with {body[:16]!r}"
