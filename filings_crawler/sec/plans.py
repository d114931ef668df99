"""A filing's fetch plan: what to store and what to fetch next, given what SEC answered.

A filing's documents come one of two ways. For an inline-XBRL filing SEC publishes
`{accession}-xbrl.zip`: the primary HTML, its images and the XBRL schema and linkbases in one
compressed request instead of about nine (`plan_from_zip`); what the zip lacks is fetched on
its own: SEC's extracted `_htm.xml` instance, an image not in it. Filings without a zip, or whose
zip is missing or broken, go file by file: the folder's `index.json`, the primary HTML, then each
file (`plan_from_files`). Both end in one plan (`_plan`): the files in hand to store, the files
still to fetch (some optional: a 404 there means SEC has none), the files known missing without
spending a request, and the problems met on the way.

Pure: no Scrapy, no database. Every key is the file's URL on SEC itself (sec/urls.py).
"""

from __future__ import annotations

from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass, field

from filings_crawler.sec.content import content_problem
from filings_crawler.sec.filing_index import (
    XBRL_SUFFIXES,
    FolderListing,
    instance_name,
    is_exhibit,
    is_xbrl_file,
)
from filings_crawler.sec.html import ImageRef, find_images
from filings_crawler.sec.urls import SEC
from filings_crawler.sec.xbrl import declares_inline_xbrl
from filings_crawler.sec.xbrl_zip import ZipContents

# What the dataset stores of a filing, by kind of file.
HTML, IMAGE, XBRL, EXHIBIT = "html", "image", "xbrl", "exhibit"
ZIP_PATH, PER_FILE_PATH = "xbrl_zip", "per_file"
# Why an image the document shows is not fetched, when that is no problem worth recording.
_QUIET_SKIPS = frozenset({"data URI"})
MISSING_FROM_FOLDER = "not in the filing folder (index.json); SEC does not have it"


@dataclass(frozen=True)
class FilingFiles:
    """What a plan needs to know of a filing: where its folder is, and its primary document."""

    cik: int
    accession_number: str
    primary_document: str
    is_inline_xbrl: bool

    @property
    def folder(self) -> str:
        """The filing's folder on SEC, ending in `/`."""
        return SEC.filing_folder(self.cik, self.accession_number)

    def url(self, name: str) -> str:
        return self.folder + name

    @property
    def zip_url(self) -> str:
        return self.url(f"{self.accession_number}-xbrl.zip")

    @property
    def index_url(self) -> str:
        return self.url("index.json")

    @property
    def primary_url(self) -> str:
        return self.url(self.primary_document)


@dataclass
class InHand:
    """A file already in hand (a zip member, or the primary document fetched), to store."""

    kind: str
    name: str
    sec_url: str
    data: bytes | None = field(repr=False)
    # For the primary document: the images found in it, so its links are rewritten at the
    # offsets found, without reading the document again.
    images: list[ImageRef] | None = field(default=None, repr=False)


@dataclass(frozen=True)
class ToFetch:
    """A file still to fetch. `optional`: SEC may not have it, and a 404 is no failure."""

    kind: str
    sec_url: str
    optional: bool = False


@dataclass(frozen=True)
class Missing:
    """A file the document needs that SEC does not have, known without a request."""

    kind: str
    sec_url: str
    reason: str


@dataclass
class DocumentsPlan:
    fetch_path: str
    in_hand: list[InHand] = field(default_factory=list)
    to_fetch: list[ToFetch] = field(default_factory=list)
    missing: list[Missing] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)
    # Why images were not fetched (off-site, outside the folder, ...), one entry per image.
    skipped_images: list[str] = field(default_factory=list)


@dataclass(frozen=True)
class Fallback:
    """The zip cannot be used: fetch file by file instead, for this reason."""

    reason: str


def plan_from_zip(
    filing: FilingFiles,
    contents: ZipContents,
    *,
    image_bases: Sequence[str],
    store_exhibits: bool = False,
    fetch_instance: bool = True,
) -> DocumentsPlan | Fallback:
    """The plan from SEC's `-xbrl.zip`, or Fallback when it lacks a usable primary document."""
    html = contents.members.get(filing.primary_document)
    if html is None:
        return Fallback(f"xbrl zip lacks {filing.primary_document}")
    if problem := content_problem(HTML, filing.primary_document, html):
        return Fallback(f"xbrl zip's {filing.primary_document}: {problem}")
    plan = _plan(
        filing,
        html,
        ZIP_PATH,
        in_hand=contents.members,
        listed=None,
        image_bases=image_bases,
        store_exhibits=store_exhibits,
    )
    plan.problems[:0] = [f"xbrl zip member refused: {reason}" for reason in contents.refused]
    instance = instance_name(filing.primary_document)
    if fetch_instance and instance and instance not in contents.members:
        # SEC extracts the instance from the inline document; the zip does not carry it.
        plan.to_fetch.append(ToFetch(XBRL, filing.url(instance), optional=True))
    return plan


def plan_from_files(
    filing: FilingFiles,
    html: bytes,
    listing: FolderListing | None,
    *,
    image_bases: Sequence[str],
    store_exhibits: bool = False,
    fetch_instance: bool = True,
) -> DocumentsPlan:
    """The plan from the primary document fetched on its own, and the folder's listing if any.

    Without a listing, an inline filing's XBRL files are guessed from its primary document's
    name (each may be absent: optional).
    """
    listed = (
        None
        if listing is None
        else {
            entry.name
            for entry in listing.entries
            if not entry.is_folder and (fetch_instance or not entry.name.endswith("_htm.xml"))
        }
    )
    plan = _plan(
        filing,
        html,
        PER_FILE_PATH,
        in_hand={},
        listed=listed,
        image_bases=image_bases,
        store_exhibits=store_exhibits,
    )
    if listing is not None:
        plan.problems[:0] = [f"index.json entry refused: {reason}" for reason in listing.refused]
    elif filing.is_inline_xbrl:
        stem = filing.primary_document.rsplit(".", 1)[0]
        guesses = [stem + suffix for suffix in XBRL_SUFFIXES if suffix != "_htm.xml"]
        if fetch_instance:
            guesses.append(instance_name(filing.primary_document) or "")
        plan.to_fetch += [
            ToFetch(XBRL, filing.url(name), optional=True) for name in guesses if name
        ]
    return plan


def primary_problem(html: bytes, filing: FilingFiles) -> str | None:
    """Why a fetched primary document is not one (a block page, an image, nothing), or None."""
    return content_problem(HTML, filing.primary_document, html)


def _plan(
    filing: FilingFiles,
    html: bytes,
    fetch_path: str,
    *,
    in_hand: Mapping[str, bytes],
    listed: Collection[str] | None,
    image_bases: Sequence[str],
    store_exhibits: bool,
) -> DocumentsPlan:
    """The primary document in hand; then each image it shows and each XBRL (and exhibit) file
    of the folder: from what is in hand, else to fetch, else (not listed) missing."""
    plan = DocumentsPlan(fetch_path)
    images = find_images(html, filing.folder, image_bases)
    plan.in_hand.append(InHand(HTML, filing.primary_document, filing.primary_url, html, images))
    shown: dict[str, str] = {}
    for ref in images:
        if ref.name is not None and ref.url is not None:
            shown.setdefault(ref.name, ref.url)
        elif ref.skipped not in _QUIET_SKIPS:
            plan.problems.append(f"image {ref.src[:200]!r} not fetched: {ref.skipped}")
            plan.skipped_images.append(str(ref.skipped))
    for name, url in shown.items():
        if name in in_hand:
            plan.in_hand.append(InHand(IMAGE, name, url, in_hand[name]))
        elif listed is not None and name not in listed:
            plan.missing.append(Missing(IMAGE, url, MISSING_FROM_FOLDER))
        else:
            plan.to_fetch.append(ToFetch(IMAGE, url))
    for name in sorted(in_hand.keys() | set(listed or ())):
        kind = file_kind(name, filing, store_exhibits=store_exhibits, body=in_hand.get(name))
        if kind is None:
            continue
        if name in in_hand:
            plan.in_hand.append(InHand(kind, name, filing.url(name), in_hand[name]))
        else:
            plan.to_fetch.append(ToFetch(kind, filing.url(name)))
    return plan


def file_kind(
    name: str, filing: FilingFiles, *, store_exhibits: bool, body: bytes | None = None
) -> str | None:
    """What a file of the filing is to the dataset: xbrl, an exhibit (if asked for), or None.

    An exhibit that is inline XBRL (`body` in hand, from the zip) is part of the filing's XBRL
    document set, its facts the filing's (IBM's statements are in Exhibit 13): it is stored
    whatever `store_exhibits` says.
    """
    if name == filing.primary_document:
        return None
    if is_xbrl_file(name):
        return XBRL
    if is_exhibit(name, filing.primary_document, filing.accession_number) and (
        store_exhibits or (body is not None and declares_inline_xbrl(body))
    ):
        return EXHIBIT
    return None
