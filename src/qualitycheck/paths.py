"""Paths as reports show them: POSIX, relative to the working directory."""

from __future__ import annotations

import os
from functools import lru_cache
from pathlib import Path


@lru_cache(maxsize=32)
def _plain_base(base: str) -> bool:
    """An absolute, normalized folder other than the root: paths below it need no relpath."""
    return os.sep == "/" and os.path.isabs(base) and base == os.path.normpath(base) and base != "/"


def display_path(path: Path | str, cwd: Path | None = None) -> str:
    """`path` relative to `cwd` (default: the working directory), with forward slashes."""
    base = os.fspath(cwd) if cwd is not None else os.getcwd()
    text = os.fspath(path)
    # The common case (a file found below the base while walking it) without relpath's cost: walking a
    # 100,000-file archive calls this several times per file.
    if (text.startswith(base) and text[len(base):len(base) + 1] == "/" and "/." not in text and "//" not in text
            and not text.endswith("/") and _plain_base(base)):
        return text[len(base) + 1:]
    # A relative path given from the working directory, already normal ("articles/a.md"): itself.
    if (os.sep == "/" and text and text[0] != "/" and "//" not in text and text[-1] != "/"
            and "/." not in "/" + text and (cwd is None or base == os.getcwd())):
        return text
    relative = os.path.relpath(os.path.abspath(text), base)
    return relative.replace(os.sep, "/")
