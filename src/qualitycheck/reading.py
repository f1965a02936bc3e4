"""Turning bytes on disk into text and front matter, with a clear reason when that fails.

Shared by the built-in loaders and available to plugin loaders. Nothing here
raises for bad input: problems come back as `LoadProblem`s so the run goes on.
"""

from __future__ import annotations

import codecs
import os
import stat
from contextlib import contextmanager
from functools import lru_cache
from pathlib import Path
from typing import Any, Iterator, Optional, Union

from qualitycheck.model import LoadProblem
from qualitycheck.records import record

UNREADABLE = "unreadable-file"
METADATA = "metadata"

_BOMS = (
    (codecs.BOM_UTF32_LE, "utf-32"),
    (codecs.BOM_UTF32_BE, "utf-32"),
    (codecs.BOM_UTF8, "utf-8-sig"),
    (codecs.BOM_UTF16_LE, "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16"),
)


@contextmanager
def handed_over(path: Path, data: Optional[bytes]) -> Iterator[None]:
    """While inside, `read_text_file(path)` decodes `data` (bytes of that regular file read just now) instead
    of reading the file again: a cold file's digest and its check see the same bytes, read once."""
    global _handed_over
    _handed_over = (path, data) if data is not None else None
    try:
        yield
    finally:
        _handed_over = None


_handed_over: Optional[tuple[Path, bytes]] = None


def read_text_file(path: Path) -> Union[str, LoadProblem]:
    """The file's text, or a LoadProblem saying why it cannot be read.

    UTF-8 is expected; a byte-order mark selects UTF-8, UTF-16 or UTF-32.
    Empty files, binary files, broken links and undecodable bytes are problems.
    """
    if _handed_over is not None and _handed_over[0] is path:
        return decode(_handed_over[1])
    try:
        info = os.stat(path)
        kind = _special_file_kind(info.st_mode)
        if kind:  # opening a FIFO would block forever, and a device never ends
            return LoadProblem(UNREADABLE, f"is {kind}, not a regular file; remove it or exclude it in rules.yaml")
        data = read_file_bytes(path, info.st_size)
    except FileNotFoundError:
        if path.is_symlink():
            return LoadProblem(UNREADABLE, f"broken symbolic link to {os.readlink(path)!r}; remove it or fix its target")
        return LoadProblem(UNREADABLE, "file disappeared while checking")
    except OSError as exc:
        return LoadProblem(UNREADABLE, f"cannot read file: {exc.strerror or exc}")
    return decode(data)


def read_file_bytes(path: Union[str, Path], size_hint: int = 65536) -> bytes:
    """The whole content of a file, read with `os.open`/`os.read` (`size_hint`: its size from a stat just made).

    `open(path, "rb").read()` also creates two file objects, asks whether the
    file is a terminal and seeks twice: five system calls more than needed,
    for each of thousands of articles.
    """
    fd = os.open(path, _READ_FLAGS)
    try:
        chunks = [os.read(fd, size_hint + 1)]
        while chunks[-1]:  # a file that grew since its stat, or a size hint too small: read to the end
            chunks.append(os.read(fd, max(size_hint, 65536)))
    finally:
        os.close(fd)
    return chunks[0] if len(chunks) == 2 else b"".join(chunks)


_READ_FLAGS = os.O_RDONLY | getattr(os, "O_BINARY", 0) | getattr(os, "O_CLOEXEC", 0)


def _special_file_kind(mode: int) -> Optional[str]:
    """What a file that is not a regular file is ('a named pipe (FIFO)', ...), or None."""
    if stat.S_ISREG(mode):
        return None
    if stat.S_ISDIR(mode):
        return "a directory"
    if stat.S_ISFIFO(mode):
        return "a named pipe (FIFO)"
    if stat.S_ISSOCK(mode):
        return "a socket"
    return "a device"


def decode(data: bytes) -> Union[str, LoadProblem]:
    """Decode file bytes as described in `read_text_file`."""
    for bom, encoding in _BOMS:
        if data.startswith(bom):
            try:
                text = data.decode(encoding)
            except UnicodeDecodeError as exc:
                return LoadProblem(UNREADABLE, f"not valid {encoding.upper()} despite its byte-order mark: {exc.reason}")
            break
    else:
        if b"\x00" in data[:8192]:
            return LoadProblem(UNREADABLE, "binary file (contains NUL bytes), not text; exclude it in rules.yaml")
        try:
            text = data.decode("utf-8")
        except UnicodeDecodeError as exc:
            prefix = data[: exc.start].decode("utf-8", errors="replace")
            line = prefix.count("\n") + 1
            column = len(prefix) - (prefix.rfind("\n") + 1) + 1
            return LoadProblem(
                UNREADABLE,
                f"not valid UTF-8 (byte 0x{data[exc.start]:02x} at line {line}, column {column}); re-save the file as UTF-8",
                line=line,
                column=column,
            )
    if not text or text.isspace():
        return LoadProblem(UNREADABLE, "file is empty" if not text else "file holds only whitespace")
    return text


@record
class FrontMatter:
    """A text split into its YAML front matter and its body."""

    metadata: dict[str, Any]
    body: str
    body_first_line: int  # file line on which the body starts
    raw: Optional[str] = None  # the YAML text between the fences, if any
    problem: Optional[LoadProblem] = None


def split_front_matter(text: str) -> FrontMatter:
    """Separate a leading `---` ... `---` (or `...`) YAML block from the body.

    Text without a complete block is all body. Invalid YAML, or YAML that is
    not a mapping, gives a `metadata` problem and empty metadata; the body is
    still returned so the article is checked.
    """
    if not text.startswith("---"):
        return FrontMatter({}, text, 1)
    first_break = _line_end(text, 0)
    if first_break is None or text[:first_break[0]].rstrip() != "---":
        return FrontMatter({}, text, 1)
    position = first_break[1]
    line_number = 2
    while position < len(text):
        end = _line_end(text, position)
        line_stop, next_start = end if end else (len(text), len(text))
        line = text[position:line_stop].rstrip()
        if line in ("---", "..."):
            raw = text[first_break[1]:position]
            body = text[next_start:]
            return _parse_front_matter(raw, body, line_number + 1)
        position = next_start
        line_number += 1
    return FrontMatter({}, text, 1)


def _line_end(text: str, start: int) -> Optional[tuple[int, int]]:
    """(end of the line starting at `start`, start of the next line), or None at the end."""
    newline = text.find("\n", start)
    carriage = text.find("\r", start, newline if newline != -1 else len(text))
    if carriage != -1:
        return carriage, carriage + (2 if text.startswith("\r\n", carriage) else 1)
    if newline == -1:
        return None
    return newline, newline + 1


# Words YAML 1.1 (PyYAML) reads as booleans or null when unquoted, as keys or values.
_YAML_WORDS = frozenset("yes Yes YES no No NO true True TRUE false False FALSE on On ON off Off OFF "
                        "null Null NULL".split())


@lru_cache(maxsize=1)
def _simple_line() -> Any:
    import re

    # key: "double quoted" | 'single quoted' | a plain value that YAML can only read as a string
    # (starts with a letter, harmless characters, no ": ") | a YYYY-MM-DD date (kept as text by load_yaml)
    return re.compile(r"([A-Za-z_][A-Za-z0-9_-]*): +(?:\"([^\"\\]*)\"|'([^']*)'"
                      r"|([A-Za-z][A-Za-z0-9 _./:%?=&+~@-]*)|(\d{4}-\d{2}-\d{2}))[ ]*")


def _simple_front_matter(raw: str) -> Optional[dict[str, Any]]:
    """The mapping of front matter made only of one-line `key: value` pairs whose value YAML reads as a
    string (what most articles have), or None when anything else is there: then YAML decides.

    Gives exactly what `load_yaml` gives for such text, at a fraction of the cost.
    """
    if "\r" in raw or "\t" in raw or not raw.endswith("\n"):
        return None
    match = _simple_line().fullmatch
    metadata: dict[str, Any] = {}
    for line in raw[:-1].split("\n"):
        m = match(line)
        if m is None or not line.isprintable():
            return None
        key, double, single, plain, date = m.groups()
        if key in metadata or key in _YAML_WORDS:
            return None
        if plain is not None:
            if plain in _YAML_WORDS or ": " in plain or plain.endswith((":", " ")) or "  " in plain:
                return None
            value = plain
        else:
            value = double if double is not None else single if single is not None else date
        metadata[key] = value
    return metadata or None


def _parse_front_matter(raw: str, body: str, body_first_line: int) -> FrontMatter:
    simple = _simple_front_matter(raw)
    if simple is not None:
        return FrontMatter(simple, body, body_first_line, raw)
    from qualitycheck.yamlload import YamlError, load_yaml  # the YAML parser only for front matter that needs it

    try:
        metadata = load_yaml(raw, first_line=2) if raw.strip() else {}
    except YamlError as exc:
        problem = LoadProblem(METADATA, f"front matter: {exc.message}", line=exc.line, column=exc.column)
        return FrontMatter({}, body, body_first_line, raw, problem)
    if metadata is None:
        metadata = {}
    if not isinstance(metadata, dict):
        problem = LoadProblem(METADATA, f"front matter must be a mapping of keys to values, not a {type(metadata).__name__}",
                              line=2)
        return FrontMatter({}, body, body_first_line, raw, problem)
    return FrontMatter(metadata, body, body_first_line, raw)
