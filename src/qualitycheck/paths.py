"""Paths as reports show them: POSIX, relative to the working directory."""

from __future__ import annotations

import os
from pathlib import Path


def display_path(path: Path | str, cwd: Path | None = None) -> str:
    """`path` relative to `cwd` (default: the working directory), with forward slashes."""
    base = os.fspath(cwd) if cwd is not None else os.getcwd()
    relative = os.path.relpath(os.path.abspath(path), base)
    return relative.replace(os.sep, "/")
