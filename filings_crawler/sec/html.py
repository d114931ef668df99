"""The images an HTML document shows (`<img src>`), found and relinked on its bytes as written.

A filing is stored byte for byte as SEC serves it, apart from its image links, so the document
is never parsed into a tree and serialized again: a small tokenizer that follows the HTML
standard's rules for tags, attributes, comments and raw text finds the byte range of each
`src` value, and only those ranges are replaced. The bytes are never decoded as a whole (SEC's
documents mix ASCII, UTF-8 and latin-1).
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from enum import Enum
from html import escape
from html import unescape as unescape_text
from html.entities import html5
from urllib.parse import unquote, urljoin, urlsplit

from filings_crawler.sec.names import safe_file_name

# Reasons an image is not fetched.
OFF_SITE = "off-site"
DATA_URI = "data URI"
JAVASCRIPT_URL = "javascript URL"
NOT_A_PLAIN_NAME = "not a plain file name"
OUTSIDE_FOLDER = "outside the filing folder"
EMPTY = "empty"


@dataclass(frozen=True)
class ImageRef:
    """One `<img src>`: the value as written (entities decoded), where it is, and what to fetch.

    `start`..`end` are the byte offsets of the value inside the document, without its quotes
    (for `<img src>` with no value, both are the offset just after the name). `url` and `name`
    are None when the image is not fetched, and `skipped` says why.
    """

    src: str
    start: int
    end: int
    url: str | None
    name: str | None
    skipped: str | None
    # How the value is written (quoted, unquoted, no value): how a new one is written instead.
    quoting: _Form = field(repr=False, compare=False)


def find_images(html: bytes, folder_url: str, allowed_prefixes: Sequence[str]) -> list[ImageRef]:
    """Every image the document shows, in document order, each resolved against the folder.

    An image is fetched only from the filing folder itself (`folder_url`, ending in `/`), or
    from the same folder under one of `allowed_prefixes` (SEC's bases, e.g.
    `https://www.sec.gov/`), and only when its file name is a plain one. `<img>` inside
    comments and inside `<script>`, `<style>` and other raw-text elements is not shown and not
    listed; neither are `data-src`, `srcset` or a `src` inside another attribute's value.
    """
    if not folder_url.endswith("/"):
        raise ValueError(f"a filing folder URL ends with '/': {folder_url!r}")
    folder = _Folder(folder_url, allowed_prefixes)
    refs = []
    for value in _src_values(html):
        src = _attribute_text(html[value.start : value.end])
        url, name, skipped = folder.locate(src)
        refs.append(ImageRef(src, value.start, value.end, url, name, skipped, value.form))
    return refs


def rewrite_images(html: bytes, replacements: Mapping[int, str]) -> bytes:
    """`html` with the `src` values starting at the given offsets replaced, all else untouched.

    Each new value is written as ASCII, HTML-escaped, in the original's quotes (in double quotes
    when the original was unquoted or had no value). An offset that is not the start of an
    `<img src>` value (an ImageRef's `start`) is a ValueError.
    """
    values = {value.start: value for value in _src_values(html)}
    unknown = sorted(set(replacements) - values.keys())
    if unknown:
        raise ValueError(f"no <img src> value starts at byte offset {unknown[0]}")
    return _splice(html, [(values[start], new_value) for start, new_value in replacements.items()])


def rewrite_found_images(html: bytes, replacements: Sequence[tuple[ImageRef, str]]) -> bytes:
    """As rewrite_images, for refs that find_images just returned for these very bytes.

    Trusts their offsets instead of reading the document again: a tokenizer pass over a 10-Q's
    inline XBRL costs about 16 ms, and the document was already read once to find the refs.
    """
    return _splice(
        html,
        [
            (_SrcValue(ref.start, ref.end, ref.quoting), new_value)
            for ref, new_value in replacements
        ],
    )


def _splice(html: bytes, replacements: Sequence[tuple[_SrcValue, str]]) -> bytes:
    pieces = []
    position = 0
    for value, new_value in sorted(replacements, key=lambda pair: pair[0].start):
        pieces += [html[position : value.start], value.form.encode(new_value)]
        position = value.end
    pieces.append(html[position:])
    return b"".join(pieces)


class _Form(Enum):
    """How an attribute value is written, which decides how a new value is written in its place."""

    QUOTED = ("", "")
    UNQUOTED = ('"', '"')
    VALUELESS = ('="', '"')

    def encode(self, value: str) -> bytes:
        before, after = self.value
        # Escaping `'` too keeps the value safe inside single quotes.
        written = escape(value, quote=True).encode("ascii", "xmlcharrefreplace")
        return before.encode() + written + after.encode()


@dataclass(frozen=True)
class _SrcValue:
    start: int
    end: int
    form: _Form


# The HTML standard's tokenizer, as regular expressions over bytes. Whitespace is its five
# ASCII characters. An attribute is a name (which may start with `=`) with an optional value,
# double-quoted, single-quoted or unquoted (which ends at whitespace or `>`). `/` between
# attributes is ignored. Groups are atomic and repeats possessive, so a tag that never ends
# costs one pass, not a backtracking search.
_ATTRIBUTE = (
    rb"(?>[\t\n\f\r /]++"
    rb"|([^\t\n\f\r />][^\t\n\f\r />=]*+)"
    rb"(?:[\t\n\f\r ]*+=[\t\n\f\r ]*+"
    rb"""(?:"([^"]*+)"|'([^']*+)'|([^\t\n\f\r >"'][^\t\n\f\r >]*+)|(?=>))"""
    rb"|(?![\t\n\f\r ]*+=)))"
)
_ATTRIBUTE_STEP = re.compile(_ATTRIBUTE)
_START_TAG = re.compile(rb"<([A-Za-z][^\t\n\f\r />]*+)((?:" + _ATTRIBUTE + rb")*+)>")
_END_TAG = re.compile(rb"</[A-Za-z][^\t\n\f\r />]*+(?:" + _ATTRIBUTE + rb")*+>")
# `<!-->` and `<!--->` are whole (empty) comments; otherwise `-->` or `--!>` ends one.
_COMMENT_REST = re.compile(rb"-?>|.*?--!?>", re.DOTALL)
# Elements whose content is text up to their end tag: an <img> written inside is not shown.
_RAW_TEXT_END = {
    name: re.compile(rb"</" + name + rb"[\t\n\f\r />]", re.IGNORECASE)
    for name in (
        b"script",
        b"style",
        b"textarea",
        b"title",
        b"xmp",
        b"iframe",
        b"noembed",
        b"noframes",
    )
}
# The HTML parser reads <image> as <img>.
_IMAGE_TAGS = (b"img", b"image")


def _src_values(html: bytes) -> Iterator[_SrcValue]:
    """The first `src` of every `<img>` tag, where HTML's tokenizer would find it."""
    position = 0
    # Each step returns where reading goes on, or -1 when the rest of the document is not
    # markup that can show an image (an unclosed comment, a tag cut off by the end).
    while position >= 0 and (opening := html.find(b"<", position)) != -1:
        following = html[opening + 1 : opening + 2]
        if following.isalpha():
            position, value = _after_start_tag(html, opening)
            if value is not None:
                yield value
        elif html.startswith(b"<!--", opening):
            position = _after_comment(html, opening)
        elif following == b"/":
            position = _after_end_tag(html, opening)
        elif following in (b"!", b"?"):
            # A DOCTYPE, CDATA section or processing instruction: a "bogus comment" to the next >.
            position = _after_bogus_comment(html, opening)
        else:
            position = opening + 1  # a `<` that starts no tag is text


def _after_start_tag(html: bytes, opening: int) -> tuple[int, _SrcValue | None]:
    tag = _START_TAG.match(html, opening)
    if tag is None:
        return -1, None  # a tag cut off by the end of the document is dropped
    name = tag.group(1).lower()
    value = _first_src(html, *tag.span(2)) if name in _IMAGE_TAGS else None
    if name == b"plaintext":
        return -1, value
    if name in _RAW_TEXT_END:
        end = _RAW_TEXT_END[name].search(html, tag.end())
        return (end.start() if end else -1), value
    return tag.end(), value


def _after_comment(html: bytes, opening: int) -> int:
    comment = _COMMENT_REST.match(html, opening + 4)
    return comment.end() if comment else -1  # an unclosed comment runs to the end


def _after_end_tag(html: bytes, opening: int) -> int:
    tag = _END_TAG.match(html, opening)
    if tag is not None:
        return tag.end()
    if html[opening + 2 : opening + 3].isalpha():
        return -1  # cut off by the end of the document
    if html.startswith(b"</>", opening):
        return opening + 3
    return _after_bogus_comment(html, opening)


def _after_bogus_comment(html: bytes, opening: int) -> int:
    close = html.find(b">", opening + 2)
    return close + 1 if close != -1 else -1


def _first_src(html: bytes, start: int, end: int) -> _SrcValue | None:
    # The first of repeated attributes wins, as in a browser.
    position = start
    while position < end:
        attribute = _ATTRIBUTE_STEP.match(html, position)
        assert attribute is not None  # the same grammar matched the whole tag
        position = attribute.end()
        name = attribute.group(1)
        if name is None or name.lower() != b"src":
            continue
        for group in (2, 3):
            if attribute.group(group) is not None:
                return _SrcValue(*attribute.span(group), _Form.QUOTED)
        if attribute.group(4) is not None:
            return _SrcValue(*attribute.span(4), _Form.UNQUOTED)
        if attribute.end() > attribute.end(1):  # `src=` then `>`: an empty unquoted value
            return _SrcValue(attribute.end(), attribute.end(), _Form.UNQUOTED)
        return _SrcValue(attribute.end(1), attribute.end(1), _Form.VALUELESS)
    return None


# A character reference: numeric, or a name with or without its `;`.
_REFERENCE = re.compile(r"&(#[0-9]+;?|#[xX][0-9A-Fa-f]+;?|[A-Za-z][A-Za-z0-9]*;?)")


def _attribute_text(raw: bytes) -> str:
    """An attribute value's text: bytes decoded, character references replaced."""
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError:
        text = raw.decode("latin-1")  # never a plain name, but still shown in reports
    return _REFERENCE.sub(_replace_reference, text)


def _replace_reference(match: re.Match[str]) -> str:
    reference = match.group(1)
    if reference.startswith("#"):
        return unescape_text(match.group(0))
    if reference.endswith(";"):
        return html5.get(reference, match.group(0))
    # In an attribute, a name without `;` is a reference only if it is one of the legacy names
    # and is not followed by `=` (so `?a=1&copy=2` in a URL stays as written).
    following = match.string[match.end() : match.end() + 1]
    if following == "=" or reference not in html5:
        return match.group(0)
    return html5[reference]


_SCHEME = re.compile(r"([A-Za-z][A-Za-z0-9+.-]*):")
# A URL parser drops tabs and newlines anywhere in a URL, and spaces and controls around it.
_URL_TABS_AND_NEWLINES = re.compile(r"[\t\n\r]")
_URL_STRIP = "".join(chr(code) for code in range(0x21))


class _Folder:
    """A filing folder, and where an image URL lands relative to it."""

    def __init__(self, folder_url: str, allowed_prefixes: Sequence[str]) -> None:
        self.url = folder_url
        self.normalized = _normalized(folder_url)
        # A prefix is a whole base ("https://www.sec.gov" must not match www.sec.gov.example).
        self.bases = [_normalized(p if p.endswith("/") else f"{p}/") for p in allowed_prefixes]
        home = urlsplit(self.normalized)
        self.bases.append(f"{home.scheme}://{home.netloc}/")
        # SEC keeps a filing at Archives/edgar/data/{cik}/{accession}/ under every base, so the
        # folder is recognised in an absolute URL on another base by that path.
        archives = self.normalized.find("/Archives/")
        self.archive_path = self.normalized[archives + 1 :] if archives != -1 else None

    def locate(self, src: str) -> tuple[str | None, str | None, str | None]:
        """(url, name, None) for an image in the folder, else (None, None, why it is skipped)."""
        target = _URL_TABS_AND_NEWLINES.sub("", src.strip(_URL_STRIP))
        skipped = _unfetchable(target)
        if skipped is not None:
            return None, None, skipped
        # Browsers read `\` as `/` in http(s) URLs: `\\host\x.jpg` is another host.
        target = target.replace("\\", "/")
        resolved = _normalized(urljoin(self.url, target))
        absolute = _SCHEME.match(target) is not None or target.startswith("//")
        if absolute and not resolved.startswith(tuple(self.bases)):
            return None, None, OFF_SITE
        rest = self._inside(resolved)
        # The rest must be one plain name: `sub/x.jpg` or `%2e%2e%2fx.jpg` are not.
        name = safe_file_name(unquote(rest)) if rest is not None else None
        if name is None:
            return None, None, OUTSIDE_FOLDER if rest is None else NOT_A_PLAIN_NAME
        return self.url + name, name, None

    def _inside(self, resolved: str) -> str | None:
        if resolved.startswith(self.normalized):
            return resolved[len(self.normalized) :]
        if self.archive_path is not None:
            for base in self.bases:
                if resolved.startswith(base + self.archive_path):
                    return resolved[len(base + self.archive_path) :]
        return None


def _unfetchable(target: str) -> str | None:
    """Why a URL is not fetched whatever the folder (no URL, or not http), else None."""
    if not target:
        return EMPTY
    scheme = _SCHEME.match(target)
    kind = scheme.group(1).lower() if scheme else "http"
    if kind == "data":
        return DATA_URI  # shown offline as it is
    if kind == "javascript":
        return JAVASCRIPT_URL
    return None if kind in ("http", "https") else OFF_SITE


def _normalized(url: str) -> str:
    """`url` without its query and fragment, with the scheme and host in lower case."""
    parts = urlsplit(url)
    return f"{parts.scheme.lower()}://{parts.netloc.lower()}{parts.path}"
