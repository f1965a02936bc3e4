"""Which files a run checks: paths from the command line or `include:`, minus `exclude:`.

Directories are walked in sorted order; folders that are never articles
(version control, caches, virtual environments) are skipped. Globs are
relative to the config file's folder and understand `**`.
"""

from __future__ import annotations

import os
import re
from pathlib import Path
from typing import Callable, Iterable, Iterator, Optional, Sequence

from qualitycheck.errors import UserError
from qualitycheck.paths import display_path

SKIPPED_DIRS = frozenset({".git", ".hg", ".svn", ".qualitycheck", ".venv", "venv", "node_modules", "__pycache__",
                          ".tox", ".nox", ".mypy_cache", ".pytest_cache", ".ruff_cache"})


def glob_to_regex(pattern: str) -> str:
    """Translate a glob with `**` into a regex over POSIX relative paths."""
    pattern = pattern.strip()
    anchored = pattern.startswith("./")  # `./news/` means the folder beside rules.yaml, not any `news/`
    if anchored:
        pattern = pattern[2:]
    anchored = anchored or "/" in pattern.rstrip("/")
    pattern = pattern.strip("/")
    out = []
    index = 0
    while index < len(pattern):
        char = pattern[index]
        if pattern.startswith("**/", index):
            out.append("(?:.*/)?")
            index += 3
            continue
        if pattern.startswith("**", index):
            out.append(".*")
            index += 2
            continue
        if char == "*":
            out.append("[^/]*")
        elif char == "?":
            out.append("[^/]")
        elif char == "[":
            end = pattern.find("]", index + 1)
            if end == -1:
                out.append(re.escape(char))
            else:
                out.append(pattern[index:end + 1].replace("[!", "[^"))
                index = end
        else:
            out.append(re.escape(char))
        index += 1
    body = "".join(out)
    # A pattern without a slash matches at any depth, like .gitignore; a match on a
    # folder covers everything below it.
    prefix = "" if anchored else "(?:.*/)?"
    return f"^{prefix}{body}(?:/.*)?$"


def compile_globs(patterns: Iterable[str]) -> Optional[Callable[[str], bool]]:
    """A predicate for 'this relative path matches one of `patterns`', or None without patterns."""
    patterns = list(patterns)
    if not patterns:
        return None
    return re.compile("|".join(f"(?:{glob_to_regex(p)})" for p in patterns)).match


class FileSelector:
    """Applies include/exclude globs (relative to `root`) and the known suffixes."""

    def __init__(self, root: Path, include: Sequence[str], exclude: Sequence[str], suffixes: Iterable[str]) -> None:
        self.root = root.resolve()
        self.included = compile_globs(include)
        self.excluded = compile_globs(exclude)
        self.suffixes = frozenset(s.lower() for s in suffixes)

    def relative(self, path: Path) -> str:
        return display_path(path, self.root)

    def is_excluded(self, path: Path) -> bool:
        return bool(self.excluded and self.excluded(self.relative(path)))

    def wants(self, path: Path) -> bool:
        """A file found by walking a folder: known suffix, included, not excluded."""
        if path.suffix.lower() not in self.suffixes:
            return False
        if self.included and not self.included(self.relative(path)):
            return False
        return not self.is_excluded(path)

    def walk(self, folder: Path) -> Iterator[Path]:
        """The wanted files below `folder`, in sorted order (the tests of `wants`, on strings).

        A folder's path relative to the root is worked out once and its files'
        paths are joined to it, so that a walk of a large archive builds no
        `Path` and no relative path per file it does not want.
        """
        suffixes, included, excluded = self.suffixes, self.included, self.excluded
        for dirpath, dirnames, filenames in os.walk(folder, followlinks=False):
            relative = display_path(dirpath, self.root)
            prefix = "" if relative == "." else relative + "/"
            dirnames[:] = sorted(d for d in dirnames
                                 if d not in SKIPPED_DIRS and not (excluded and excluded(prefix + d)))
            current = Path(dirpath)
            for name in sorted(filenames):
                dot = name.rfind(".")
                if dot <= 0 or name[dot:].lower() not in suffixes:
                    continue  # no suffix (a leading dot starts a name, not a suffix), or no loader reads it
                if (included and not included(prefix + name)) or (excluded and excluded(prefix + name)):
                    continue
                yield current / name

    def select(self, paths: Sequence[Path]) -> list[Path]:
        """Files named or found below `paths`, each once, sorted by display path.

        A named file is checked whatever its suffix (a missing loader is then
        reported), unless `exclude:` matches it. A path that does not exist is
        a usage error.
        """
        found: dict[str, Path] = {}
        for path in paths:
            if path.is_dir():
                for file in self.walk(path):
                    found.setdefault(display_path(file), file)
            elif path.exists() or path.is_symlink():
                if not self.is_excluded(path):
                    found.setdefault(display_path(path), path)
            else:
                raise UserError(f"{display_path(path)}: no such file or folder")
        return [found[key] for key in sorted(found)]
