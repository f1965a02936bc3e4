"""Regular expressions compiled on first use instead of at import.

A rule module holds a few dozen patterns; compiling them all at import costs
tens of milliseconds of every run, also of a run whose results all come from
the cache and of `qualitycheck rules`, which never match anything.
`lazy_compile(pattern, flags)` returns a stand-in whose first method call
compiles the pattern and then puts the compiled pattern's bound methods on
the stand-in, so later calls cost what they cost on the pattern itself.
"""

from __future__ import annotations

import re
from typing import Any

_METHODS = ("match", "search", "fullmatch", "finditer", "findall", "sub", "subn", "split")


class LazyPattern:
    """A `re.Pattern` compiled when it is first used."""

    def __init__(self, pattern: str, flags: int = 0) -> None:
        self._source = (pattern, flags)

    def __getattr__(self, name: str) -> Any:
        if name.startswith("__") or name == "_source":
            raise AttributeError(name)
        compiled = re.compile(*self._source)
        for method in _METHODS:
            setattr(self, method, getattr(compiled, method))
        return getattr(compiled, name)

    def __repr__(self) -> str:
        return f"lazy_compile({self._source[0]!r}, {self._source[1]!r})"


def lazy_compile(pattern: str, flags: int = 0) -> LazyPattern:
    """`re.compile(pattern, flags)`, done on first use."""
    return LazyPattern(pattern, flags)
