"""Line arithmetic that matches what editors show.

Lines break on `\\r\\n`, `\\r` and `\\n` only (not on the form feeds and
Unicode separators that `str.splitlines()` also honours), so a finding's
line number is the one a user sees.
"""

from __future__ import annotations

import re
from bisect import bisect_right
from itertools import accumulate

_LINE_BREAK = re.compile(r"\r\n|\r|\n")
_PLUS_ONE = (1).__add__


def split_lines(text: str) -> list[str]:
    """Split `text` into lines without their breaks; a trailing break adds no empty line."""
    if "\r" in text:
        lines = _LINE_BREAK.split(text)
    else:
        lines = text.split("\n")
    if len(lines) > 1 and lines[-1] == "":
        lines.pop()
    return lines


class LineIndex:
    """The lines of a text and the offset each starts at, for offset <-> (line, column)."""

    __slots__ = ("text", "lines", "starts")

    def __init__(self, text: str) -> None:
        self.text = text
        self.lines = split_lines(text)
        if "\r" in text:
            starts = [0]
            starts.extend(m.end() for m in _LINE_BREAK.finditer(text))
            del starts[len(self.lines):]
        else:  # each line starts one past the end of the one before: summed in C, no loop per line here
            starts = list(accumulate(map(_PLUS_ONE, map(len, self.lines[:-1])), initial=0))
        self.starts = starts

    def position(self, offset: int) -> tuple[int, int]:
        """1-based (line, column) of character `offset`; column counts characters."""
        line = bisect_right(self.starts, offset)
        line = max(line, 1)
        return line, offset - self.starts[line - 1] + 1

    def offset(self, line: int, column: int = 1) -> int:
        """Character offset of 1-based (`line`, `column`)."""
        if line > len(self.starts):
            return len(self.text)
        return self.starts[line - 1] + column - 1

    def excerpt(self, line: int, column: int, end_line: int, end_column: int, limit: int = 200) -> str:
        """The flagged text, whitespace-trimmed and shortened to `limit` characters."""
        start = self.offset(line, column)
        end = self.offset(end_line, end_column) if end_line else start
        snippet = self.text[start:end].strip()
        if not snippet and 0 < line <= len(self.lines):
            snippet = self.lines[line - 1].strip()
        if len(snippet) > limit:
            snippet = snippet[: limit - 1].rstrip() + "…"
        return snippet
