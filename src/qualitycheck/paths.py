"""Paths as reports show them: POSIX, relative to the working directory."""

from __future__ import annotations

import os
from pathlib import Path


def display_path(path: Path | str, cwd: Path | None = None) -> str:
    """`path` relative to `cwd` (default: the working directory), with forward slashes."""
    base = os.fspath(cwd) if cwd is not None else os.getcwd()
    absolute = os.path.abspath(path)
    if absolute.startswith(base) and absolute[len(base):len(base) + 1] == os.sep and os.path.isabs(base) \
            and base == os.path.normpath(base) and base != os.sep:
        relative = absolute[len(base) + 1:]  # the common case, without relpath's cost (3x faster)
    else:
        relative = os.path.relpath(absolute, base)
    return relative.replace(os.sep, "/")
