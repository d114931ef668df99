"""SEC's `{accession number}-xbrl.zip`: a filing's documents and XBRL files in one download.

The zip is flat (one member per file of the filing folder). It comes from the network, so it is
read as untrusted: members with names that could leave the storage root are refused, and a zip
that expands beyond reason (a zip bomb) is refused as a whole.
"""

from __future__ import annotations

import io
import re
import zipfile
import zlib
from collections import Counter
from dataclasses import dataclass, field

from filings_crawler.sec.errors import FormatError
from filings_crawler.sec.names import file_name_problem

# Apple's 10-Q zip is 168 KB and expands to 2 MB; these limits are far above any real filing.
ZIP_MAX_TOTAL_BYTES = 512 * 1024 * 1024
ZIP_MAX_MEMBERS = 2000
# Real members compress about 10 to 1 (inline XBRL HTML up to ~20 to 1); a bomb, 1000 to 1.
ZIP_MAX_RATIO = 200
# Small members may compress far better than that (a run of blanks) without harm.
RATIO_MIN_BYTES = 1024 * 1024
_CHUNK_BYTES = 64 * 1024
_ENCRYPTED_FLAG = 0x1
_DRIVE = re.compile(r"[A-Za-z]:")


@dataclass
class ZipContents:
    """Member name → bytes for the members kept; the members refused, each with the reason."""

    members: dict[str, bytes] = field(default_factory=dict)
    refused: list[str] = field(default_factory=list)


def read_xbrl_zip(body: bytes, source: str, *, max_total: int = ZIP_MAX_TOTAL_BYTES) -> ZipContents:
    """The plain-named top-level members of the zip in `body`.

    A FormatError refuses the whole zip when it is not a zip, is corrupt or truncated, has a
    member that fails its CRC or is encrypted, or is too large: more than ZIP_MAX_MEMBERS
    members, more than `max_total` bytes once expanded, or a member over RATIO_MIN_BYTES that
    expands more than ZIP_MAX_RATIO times. A member whose name is not a plain file name is left
    out and listed in `refused`; folders are skipped.
    """
    try:
        archive = zipfile.ZipFile(io.BytesIO(body))
    except (zipfile.BadZipFile, zipfile.LargeZipFile, ValueError, OSError, EOFError) as exc:
        raise FormatError(source, f"not a readable zip ({exc})") from exc
    with archive:
        if len(archive.infolist()) > ZIP_MAX_MEMBERS:
            count = len(archive.infolist())
            raise _too_large(source, f"{count} members, more than {ZIP_MAX_MEMBERS}")
        infos = [info for info in archive.infolist() if not info.is_dir()]
        _check_declared(infos, source, max_total)
        contents = ZipContents()
        counts = Counter(info.orig_filename for info in infos)
        total = 0
        for info in infos:
            if info.flag_bits & _ENCRYPTED_FLAG:
                raise FormatError(source, f"member {info.orig_filename!r} is encrypted")
            problem = member_name_problem(info.orig_filename)
            if problem is None and counts[info.orig_filename] > 1:
                # Which copy SEC meant cannot be told; the file can still be fetched alone.
                problem = "appears more than once in the zip"
            if problem is not None:
                contents.refused.append(f"{info.orig_filename!r}: {problem}")
                continue
            data = _read_member(archive, info, source, max_total - total)
            total += len(data)
            contents.members[info.orig_filename] = data
    return contents


def member_name_problem(name: str) -> str | None:
    """Why a zip member's name is not a plain file name at the zip's top level, or None."""
    if "\x00" in name:
        return "contains a NUL"
    if name.startswith(("/", "\\")) or _DRIVE.match(name):
        return "is an absolute path"
    if "\\" in name:
        return "contains a backslash"
    if ".." in name.split("/"):
        return "climbs out of the folder ('..')"
    if "/" in name:
        return "is inside a folder of the zip (SEC's zips are flat)"
    return file_name_problem(name)


def _check_declared(infos: list[zipfile.ZipInfo], source: str, max_total: int) -> None:
    # The sizes the zip declares refuse an honest bomb before anything is expanded;
    # _read_member counts what is really expanded in case they lie.
    declared = sum(info.file_size for info in infos)
    if declared > max_total:
        raise _too_large(source, f"it declares {declared} bytes expanded, more than {max_total}")
    for info in infos:
        _check_ratio(info, info.file_size, source)


def _read_member(
    archive: zipfile.ZipFile, info: zipfile.ZipInfo, source: str, allowance: int
) -> bytes:
    # Read in chunks and count, so that no more than the allowance is ever held in memory.
    chunks: list[bytes] = []
    size = 0
    try:
        with archive.open(info) as stream:
            while chunk := stream.read(_CHUNK_BYTES):
                size += len(chunk)
                if size > allowance:
                    raise _too_large(source, "it expands beyond the total allowed")
                _check_ratio(info, size, source)
                chunks.append(chunk)
    except FormatError:
        raise
    except (zipfile.BadZipFile, zlib.error, EOFError, OSError, ValueError) as exc:
        raise FormatError(source, f"member {info.orig_filename!r} is corrupt ({exc})") from exc
    except (NotImplementedError, RuntimeError) as exc:
        # An unsupported compression method, or a password zipfile was not given.
        raise FormatError(source, f"member {info.orig_filename!r} cannot be read ({exc})") from exc
    return b"".join(chunks)


def _check_ratio(info: zipfile.ZipInfo, expanded: int, source: str) -> None:
    if expanded > RATIO_MIN_BYTES and expanded > ZIP_MAX_RATIO * max(info.compress_size, 1):
        raise _too_large(
            source,
            f"member {info.orig_filename!r} expands {expanded} bytes from "
            f"{info.compress_size}, more than {ZIP_MAX_RATIO} times",
        )


def _too_large(source: str, detail: str) -> FormatError:
    return FormatError(source, f"refused as too large (a zip bomb?): {detail}")
