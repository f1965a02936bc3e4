"""A file's content digest, remembered under its stat so that an unchanged file is not read again.

Cache keys are content hashes, but reading and hashing every file of a
2,000-article repository costs more than the rest of a warm run. So the
digest of a file is stored with the file's size, modification and change
times (nanoseconds) and inode; when all four are unchanged the stored
digest is used without opening the file, as git's index and ruff's cache
do with stat data.

The change time (ctime) cannot be set back by tools that preserve
modification times (`cp -p`, `touch -r`, archives), and a rewrite gives the
file a new one. Timestamps come from a coarse clock (a few milliseconds,
or a second on some file systems), so two writes close together can share
one: a digest is remembered only for a file whose ctime is at least
`SETTLE_NS` old when it is read (git's "racily clean" problem). Files
written just now are simply read again next time.
"""

from __future__ import annotations

import hashlib
import os
import stat
import time
from pathlib import Path
from typing import Mapping, NamedTuple, Optional

from qualitycheck.reading import read_file_bytes

SETTLE_NS = 2_000_000_000  # a file changed less than this long ago is not remembered


class Stamp(NamedTuple):
    """The stat data a remembered digest is valid for."""

    size: int
    mtime_ns: int
    ctime_ns: int
    inode: int


class Remembered(NamedTuple):
    """A row of the memo: which file, its stamp when read, and the digest of what was read."""

    name: str  # absolute path
    stamp: Stamp
    digest: str


def content_digest(data: bytes) -> str:
    """The hex digest that identifies a file's content."""
    return hashlib.blake2b(data, digest_size=20).hexdigest()


def memo_name(path: Path) -> str:
    """The name a file is remembered under (absolute, not resolved: a symlink is its own entry)."""
    return os.path.abspath(path)


def file_digest(path: Path, known: Mapping[str, tuple[Stamp, str]], name: Optional[str] = None) -> tuple[
        Optional[str], Optional[Remembered]]:
    """(content digest, a row to remember it by) of a regular file; (None, None) when it cannot be read.

    `known` maps `memo_name`s to what was remembered; a file whose stamp is
    unchanged is not opened, and then there is no new row. `name` is the
    file's `memo_name` when the caller has it already.
    """
    digest, row, _ = read_and_digest(path, known, name)
    return digest, row


def read_and_digest(path: Path, known: Mapping[str, tuple[Stamp, str]], name: Optional[str] = None) -> tuple[
        Optional[str], Optional[Remembered], Optional[bytes]]:
    """`file_digest` and the bytes it read (None when the file was not opened): a file about to be checked
    is then read once, and checked as it was when its digest was taken (see `reading.handed_over`)."""
    try:
        info = os.stat(path)
        if not stat.S_ISREG(info.st_mode):
            return None, None, None  # opening a FIFO blocks forever; check_file reports special files
        stamp = Stamp(info.st_size, info.st_mtime_ns, info.st_ctime_ns, info.st_ino)
        name = name or memo_name(path)
        remembered = known.get(name)
        if remembered is not None and remembered[0] == stamp:
            return remembered[1], None, None
        data = read_file_bytes(path, info.st_size)
    except OSError:
        return None, None, None  # unreadable files are not cached: check_file reports them every time
    digest = content_digest(data)
    settled = time.time_ns() - max(info.st_ctime_ns, info.st_mtime_ns) >= SETTLE_NS
    return digest, (Remembered(name, stamp, digest) if settled else None), data
