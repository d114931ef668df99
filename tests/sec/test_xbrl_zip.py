"""SEC's `-xbrl.zip` read as untrusted input: the real zip, and zips built to attack the reader."""

import hashlib
import io
import os
import zipfile

import pytest

from filings_crawler.sec import xbrl_zip
from filings_crawler.sec.errors import FormatError
from filings_crawler.sec.xbrl_zip import (
    ZIP_MAX_MEMBERS,
    ZipContents,
    member_name_problem,
    read_xbrl_zip,
)

from .conftest import EDGAR

FOLDER = EDGAR / "www.sec.gov" / "Archives" / "edgar" / "data" / "320193" / "000032019325000057"
REAL_ZIP = FOLDER / "0000320193-25-000057-xbrl.zip"
SOURCE = "0000320193-25-000057-xbrl.zip"


def _zip(members: dict[str, bytes], method: int = zipfile.ZIP_DEFLATED) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", method) as archive:
        for name, data in members.items():
            archive.writestr(zipfile.ZipInfo(name), data, compress_type=method)
    return buffer.getvalue()


def _sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def test_the_real_zip_gives_the_files_of_the_filing_folder():
    contents = read_xbrl_zip(REAL_ZIP.read_bytes(), SOURCE)
    assert contents.refused == []
    assert sorted(contents.members) == [
        "a10-qexhibit31103292025.htm",
        "a10-qexhibit31203292025.htm",
        "a10-qexhibit32103292025.htm",
        "aapl-20250329.htm",
        "aapl-20250329.xsd",
        "aapl-20250329_cal.xml",
        "aapl-20250329_def.xml",
        "aapl-20250329_g1.jpg",
        "aapl-20250329_lab.xml",
        "aapl-20250329_pre.xml",
    ]
    for name, data in contents.members.items():
        assert _sha256(data) == _sha256((FOLDER / name).read_bytes()), name
    # SEC's extracted instance is in the folder but not in the zip: it is fetched on its own.
    assert (FOLDER / "aapl-20250329_htm.xml").exists()
    assert "aapl-20250329_htm.xml" not in contents.members


def test_an_empty_zip():
    assert read_xbrl_zip(_zip({}), SOURCE) == ZipContents({}, [])


def test_stored_and_deflated_members_are_read():
    for method in (zipfile.ZIP_STORED, zipfile.ZIP_DEFLATED):
        assert read_xbrl_zip(_zip({"a.htm": b"<html/>"}, method), SOURCE).members == {
            "a.htm": b"<html/>"
        }


def test_names_that_could_leave_the_folder_are_refused_never_returned():
    long_name = "x" * 300 + ".htm"
    body = _zip(
        {
            "ok.htm": b"ok",
            "../evil.htm": b"1",
            "../../etc/passwd": b"2",
            "/etc/passwd": b"3",
            "C:/Windows/x.htm": b"4",
            "C:x.htm": b"5",
            "a\\b.htm": b"6",
            "..\\evil.htm": b"7",
            "a/../../evil.htm": b"8",
            "nested/b.htm": b"9",
            long_name: b"10",
            ".hidden": b"11",
            "a b.htm": b"12",
            "folder/": b"",  # a folder entry: skipped without a word
        }
    )
    contents = read_xbrl_zip(body, SOURCE)
    assert contents.members == {"ok.htm": b"ok"}
    assert contents.refused == [
        "'../evil.htm': climbs out of the folder ('..')",
        "'../../etc/passwd': climbs out of the folder ('..')",
        "'/etc/passwd': is an absolute path",
        "'C:/Windows/x.htm': is an absolute path",
        "'C:x.htm': is an absolute path",
        "'a\\\\b.htm': contains a backslash",
        "'..\\\\evil.htm': contains a backslash",
        "'a/../../evil.htm': climbs out of the folder ('..')",
        "'nested/b.htm': is inside a folder of the zip (SEC's zips are flat)",
        f"{long_name!r}: longer than 200 characters",
        "'.hidden': starts with '.' (a hidden file)",
        "'a b.htm': has characters other than letters, digits, '.', '_' and '-'",
    ]


def test_a_nul_in_a_member_name_is_refused():
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        # ZipInfo() cuts a name at its NUL; set the attribute to write the NUL itself.
        info = zipfile.ZipInfo("x")
        info.filename = "a.htm\x00../../evil.sh"
        archive.writestr(info, b"#!/bin/sh")
    contents = read_xbrl_zip(buffer.getvalue(), SOURCE)
    assert contents.members == {}
    assert contents.refused == ["'a.htm\\x00../../evil.sh': contains a NUL"]


def test_a_name_written_twice_is_refused_both_times():
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("a.htm", b"first")
        with pytest.warns(UserWarning, match="Duplicate name"):
            archive.writestr("a.htm", b"second")
        archive.writestr("b.htm", b"b")
    contents = read_xbrl_zip(buffer.getvalue(), SOURCE)
    assert contents.members == {"b.htm": b"b"}
    assert contents.refused == ["'a.htm': appears more than once in the zip"] * 2


@pytest.mark.parametrize(
    ("name", "problem"),
    [
        ("aapl-20250329.htm", None),
        ("../x", "climbs out of the folder ('..')"),
        ("\\x", "is an absolute path"),
        ("d:\\x", "is an absolute path"),
        ("", "empty name"),
    ],
)
def test_member_name_problem(name, problem):
    assert member_name_problem(name) == problem


def _bomb(expanded: int) -> bytes:
    """A zip of one member of `expanded` zero bytes, written in chunks (never whole in memory)."""
    buffer = io.BytesIO()
    chunk = bytes(1024 * 1024)
    with (
        zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive,
        archive.open("zeros.htm", "w") as member,
    ):
        for _ in range(expanded // len(chunk)):
            member.write(chunk)
    return buffer.getvalue()


def test_a_zip_bomb_is_refused_by_its_ratio():
    body = _bomb(8 * 1024 * 1024)  # 8 MB of zeros: about 8 KB compressed
    assert len(body) < 64 * 1024
    with pytest.raises(FormatError, match=r"refused as too large \(a zip bomb\?\).*times"):
        read_xbrl_zip(body, SOURCE)


def test_the_bytes_really_expanded_are_counted_too(monkeypatch):
    # zipfile stops at the declared size, so declared sizes are a sound first check; the count
    # of bytes read is the second, and must hold on its own.
    monkeypatch.setattr(xbrl_zip, "_check_declared", lambda *_: None)
    with pytest.raises(FormatError, match=r"refused as too large.*times"):
        read_xbrl_zip(_bomb(8 * 1024 * 1024), SOURCE)
    with pytest.raises(FormatError, match=r"refused as too large.*beyond the total allowed"):
        read_xbrl_zip(_zip({"a.htm": os.urandom(200_000)}), SOURCE, max_total=100_000)


def test_a_zip_that_expands_beyond_the_total_is_refused():
    # Incompressible data: no suspicious ratio, only too many bytes for the allowance.
    members = {f"m{index}.htm": os.urandom(40_000) for index in range(3)}
    body = _zip(members)
    assert sorted(read_xbrl_zip(body, SOURCE, max_total=120_000).members) == sorted(members)
    with pytest.raises(FormatError, match=r"refused as too large.*more than 100000"):
        read_xbrl_zip(body, SOURCE, max_total=100_000)


def test_a_zip_whose_headers_understate_its_size_stops_at_the_declared_size():
    # zipfile reads no more than the declared size; the CRC then tells the rest is missing.
    body = bytearray(_zip({"a.htm": b"<html>" + b" " * 100_000 + b"</html>"}))
    for signature in (b"PK\x03\x04", b"PK\x01\x02"):
        header = body.index(signature)
        offset = header + (22 if signature == b"PK\x03\x04" else 24)
        body[offset : offset + 4] = (10).to_bytes(4, "little")
    with pytest.raises(FormatError, match="corrupt"):
        read_xbrl_zip(bytes(body), SOURCE)


def test_too_many_members_is_refused():
    body = _zip({f"m{index}.htm": b"" for index in range(ZIP_MAX_MEMBERS + 1)})
    with pytest.raises(FormatError, match=r"refused as too large.*2001 members, more than 2000"):
        read_xbrl_zip(body, SOURCE)


def test_random_bytes_are_not_a_zip():
    with pytest.raises(FormatError, match="not a readable zip") as info:
        read_xbrl_zip(os.urandom(4096), SOURCE)
    assert info.value.source == SOURCE
    with pytest.raises(FormatError, match="not a readable zip"):
        read_xbrl_zip(b"", SOURCE)
    with pytest.raises(FormatError, match="not a readable zip"):
        read_xbrl_zip(b"<html><title>Request Rate Threshold Exceeded</title></html>", SOURCE)


@pytest.mark.parametrize("keep", [0.1, 0.5, 0.9, 0.999])
def test_a_truncated_zip_is_refused(keep):
    body = REAL_ZIP.read_bytes()
    with pytest.raises(FormatError, match="not a readable zip"):
        read_xbrl_zip(body[: int(len(body) * keep)], SOURCE)


def test_a_stored_member_with_a_flipped_byte_fails_its_crc():
    body = bytearray(_zip({"a.htm": b"<html>" + b"x" * 1000 + b"</html>"}, zipfile.ZIP_STORED))
    body[body.index(b"xxxx")] ^= 0x01
    with pytest.raises(FormatError, match=r"member 'a.htm' is corrupt \(Bad CRC-32"):
        read_xbrl_zip(bytes(body), SOURCE)


def test_the_real_zip_with_a_flipped_byte_of_compressed_data_is_refused():
    body = bytearray(REAL_ZIP.read_bytes())
    info = zipfile.ZipFile(io.BytesIO(bytes(body))).getinfo("aapl-20250329.xsd")
    # The local header is 30 bytes plus the name and extra field; the data follows.
    name_length = int.from_bytes(body[info.header_offset + 26 : info.header_offset + 28], "little")
    extra_length = int.from_bytes(body[info.header_offset + 28 : info.header_offset + 30], "little")
    data_start = info.header_offset + 30 + name_length + extra_length
    body[data_start + info.compress_size // 2] ^= 0xFF
    with pytest.raises(FormatError, match=r"member 'aapl-20250329.xsd' is corrupt"):
        read_xbrl_zip(bytes(body), SOURCE)


def test_an_encrypted_member_is_refused():
    body = bytearray(_zip({"a.htm": b"secret"}, zipfile.ZIP_STORED))
    # Set bit 0 of the general purpose flags (encrypted) in the local and central headers.
    body[body.index(b"PK\x03\x04") + 6] |= 0x01
    body[body.index(b"PK\x01\x02") + 8] |= 0x01
    with pytest.raises(FormatError, match=r"member 'a\.htm' is encrypted"):
        read_xbrl_zip(bytes(body), SOURCE)
