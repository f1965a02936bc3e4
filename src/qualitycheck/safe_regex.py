"""User-written regular expressions: checked at load time, stopped when they run too long.

Patterns from rules.yaml are compiled with the `regex` module (the syntax of
Python's `re`, plus `\\p{L}` and friends) because its matcher takes a
`timeout`: a pattern that backtracks catastrophically (`(a+)+$` on a long line
of a's) is stopped and reported instead of hanging the run. At load time
`pattern_problem` rejects patterns that are invalid, that match empty text, or
that can never match (an anchor or word boundary in an impossible place).
"""

from __future__ import annotations

import time
from typing import Any, Iterator, Optional

from qualitycheck.records import record

try:  # Python 3.11+
    import re._constants as _sre
    import re._parser as _sre_parse
except ImportError:  # pragma: no cover - Python 3.9 and 3.10
    import sre_constants as _sre  # type: ignore[no-redef]
    import sre_parse as _sre_parse  # type: ignore[no-redef]

DEFAULT_TIMEOUT = 1.0  # seconds one pattern rule may spend on one document


class PatternProblem(Exception):
    """Why a pattern is rejected; `offset` is the character of the pattern to point at."""

    def __init__(self, message: str, offset: int = 0) -> None:
        super().__init__(message)
        self.message = message
        self.offset = offset


class PatternTimeout(Exception):
    """A pattern ran longer than its time limit on one text and was stopped."""


def compile_pattern(pattern: str, ignore_case: bool = False) -> Any:
    """Compile a user pattern (multi-line: `^`/`$` match at line ends) or raise PatternProblem."""
    import regex  # ~30 ms; only runs when rules.yaml defines pattern rules

    flags = regex.MULTILINE | (regex.IGNORECASE if ignore_case else 0)
    try:
        compiled = regex.compile(pattern, flags)
    except regex.error as exc:
        message, position = exc.msg, exc.pos or 0
        try:  # Python's own message points at the cause (the open bracket, not the end)
            _sre_parse.parse(pattern, flags)
        except Exception as python_error:  # noqa: BLE001
            if getattr(python_error, "pos", None) is not None:
                message, position = python_error.msg, python_error.pos
        raise PatternProblem(f"not a valid regular expression: {message}", position) from None
    problem = pattern_problem(pattern, ignore_case)
    if problem is not None:
        raise problem
    return compiled


def pattern_problem(pattern: str, ignore_case: bool = False) -> Optional[PatternProblem]:
    """Why `pattern` can never usefully match, or None.

    Checked: the empty pattern and patterns that can match empty text (they
    would flag every position); `$` or `\\Z` followed by required text (other
    than a line break after `$`); `^` or `\\A` preceded by required text;
    `\\b` between two word or two non-word characters, `\\B` between a word and
    a non-word character; and `\\b` next to punctuation at either end of the
    pattern (`U\\.S\\.\\b` never matches "U.S. " — use `(?!\\w)` instead).
    Syntax that only the `regex` module knows is not analysed further.
    """
    if pattern == "":
        return PatternProblem("the pattern is empty, so it would match everywhere", 0)
    try:
        parsed = _sre_parse.parse(pattern, _sre.SRE_FLAG_MULTILINE | (_sre.SRE_FLAG_IGNORECASE if ignore_case else 0))
    except Exception:  # noqa: BLE001 - regex-only syntax; it compiled, so nothing more to check
        return None
    if parsed.getwidth()[0] == 0:
        return PatternProblem("the pattern can match empty text, so it would flag every position; "
                              "make at least one character required", 0)
    dotall = bool(parsed.state.flags & _sre.SRE_FLAG_DOTALL)
    items = _flatten(list(parsed))
    problem = _sequence_problem(items, dotall)
    if problem is not None:
        problem.offset = _anchor_offset(pattern, items, problem.offset)
    return problem


_ANCHOR_TOKENS = {"$": "AT_END", "^": "AT_BEGINNING", "\\b": "AT_BOUNDARY", "\\B": "AT_NON_BOUNDARY",
                  "\\Z": "AT_END_STRING", "\\A": "AT_BEGINNING_STRING"}


def _anchor_offset(pattern: str, items: list, index: int) -> int:
    """Where in `pattern` the anchor `items[index]` is written (0 when that cannot be told)."""
    wanted = str(items[index][1])
    positions = []
    i, in_class = 0, False
    while i < len(pattern):
        two = pattern[i:i + 2]
        if pattern[i] == "\\":
            if not in_class and _ANCHOR_TOKENS.get(two) == wanted:
                positions.append(i)
            i += 2
            continue
        if in_class:
            in_class = pattern[i] != "]"
        elif pattern[i] == "[":
            in_class = True
            i += 1 if pattern[i + 1:i + 2] != "]" else 2  # `[]...]` holds a literal ]
            continue
        elif _ANCHOR_TOKENS.get(pattern[i]) == wanted:
            positions.append(i)
        i += 1
    seen = [k for k, (op, av) in enumerate(items) if op is _sre.AT and str(av) == wanted]
    if len(seen) == len(positions) and index in seen:
        return positions[seen.index(index)]
    return 0


# --- static analysis over the parse tree of Python's `re` -------------------------------------------

_WORD_CATEGORIES = {_sre.CATEGORY_WORD, _sre.CATEGORY_DIGIT}
_NON_WORD_CATEGORIES = {_sre.CATEGORY_NOT_WORD, _sre.CATEGORY_SPACE}


@record
class _Char:
    """What is known about one required character: is it a word char, can it be a newline."""

    word: Optional[bool]  # None: unknown
    newline: bool


def _flatten(items: list) -> list:
    """Inline groups (always required) so anchors can be compared with their neighbours."""
    flat = []
    for op, av in items:
        if op is _sre.SUBPATTERN:
            flat.extend(_flatten(list(av[-1])))
        else:
            flat.append((op, av))
    return flat


def _char(op: Any, av: Any, dotall: bool) -> Optional[_Char]:
    """The `_Char` that `op` must consume, or None when it is not one simple required character."""
    if op is _sre.LITERAL:
        c = chr(av)
        return _Char(word=c.isalnum() or c == "_", newline=c == "\n")
    if op is _sre.ANY:
        return _Char(word=None, newline=dotall)
    if op is _sre.IN:
        kinds = set()
        newline = False
        for item_op, item_av in av:
            if item_op is _sre.LITERAL:
                c = chr(item_av)
                kinds.add(c.isalnum() or c == "_")
                newline = newline or c == "\n"
            elif item_op is _sre.CATEGORY and item_av in _WORD_CATEGORIES:
                kinds.add(True)
            elif item_op is _sre.CATEGORY and item_av in _NON_WORD_CATEGORIES:
                kinds.add(False)
                newline = True
            else:
                return _Char(word=None, newline=True)
        return _Char(word=kinds.pop() if len(kinds) == 1 else None, newline=newline)
    if op in (_sre.MAX_REPEAT, _sre.MIN_REPEAT, getattr(_sre, "POSSESSIVE_REPEAT", None)):
        low, _high, body = av
        body = list(body)
        if low >= 1 and len(body) == 1:
            return _char(*body[0], dotall)
    return None


def _is_anchor(op: Any) -> bool:
    return op is _sre.AT


def _neighbour(items: list, start: int, step: int, dotall: bool) -> tuple[str, Optional[_Char]]:
    """The nearest consuming item from `start` in direction `step`: ("edge"|"char"|"unknown", char)."""
    index = start
    while 0 <= index < len(items):
        op, av = items[index]
        if not _is_anchor(op):
            char = _char(op, av, dotall)
            return ("char", char) if char is not None else ("unknown", None)
        index += step
    return "edge", None


def _sequence_problem(items: list, dotall: bool) -> Optional[PatternProblem]:
    for index, (op, av) in enumerate(items):
        if not _is_anchor(op):
            continue
        problem = _anchor_problem(items, index, av, dotall)
        if problem is not None:
            problem.offset = index  # an index into `items` until pattern_problem maps it
            return problem
    return None


def _anchor_problem(items: list, index: int, av: Any, dotall: bool) -> Optional[PatternProblem]:
    before_kind, before = _neighbour(items, index - 1, -1, dotall)
    after_kind, after = _neighbour(items, index + 1, 1, dotall)
    if av is _sre.AT_END and after is not None and not after.newline:
        return PatternProblem("'$' is followed by more required text, so the pattern can never match; "
                              "'$' only matches at the end of a line")
    if av is _sre.AT_END_STRING and after_kind != "edge" and after_kind != "unknown":
        return PatternProblem("'\\Z' is followed by more required text, so the pattern can never match")
    if av is _sre.AT_BEGINNING and before is not None and not before.newline:
        return PatternProblem("'^' is preceded by required text, so the pattern can never match; "
                              "'^' only matches at the start of a line")
    if av is _sre.AT_BEGINNING_STRING and before_kind not in ("edge", "unknown"):
        return PatternProblem("'\\A' is preceded by required text, so the pattern can never match")
    if av is _sre.AT_BOUNDARY:
        if before and after and before.word is not None and before.word == after.word:
            kind = "word" if before.word else "non-word"
            return PatternProblem(f"'\\b' stands between two {kind} characters, so the pattern can never match")
        edge_char = after if before_kind == "edge" else before if after_kind == "edge" else None
        if edge_char is not None and edge_char.word is False:
            return PatternProblem("'\\b' next to punctuation or space at the edge of the pattern only matches "
                                  "when a letter follows (or precedes) it, so a phrase such as 'U.S.' "
                                  "before a space never matches; use (?<!\\w) and (?!\\w) instead")
    if av is _sre.AT_NON_BOUNDARY:
        if before and after and None not in (before.word, after.word) and before.word != after.word:
            return PatternProblem("'\\B' stands between a word and a non-word character, "
                                  "so the pattern can never match")
    return None


# --- matching with a time limit ---------------------------------------------------------------------

class Deadline:
    """A time budget shared by every pattern of one rule on one document."""

    def __init__(self, seconds: float) -> None:
        self.seconds = seconds
        self.ends = time.monotonic() + seconds

    def remaining(self) -> float:
        return self.ends - time.monotonic()


def finditer_limited(compiled: Any, text: str, deadline: Deadline) -> Iterator[Any]:
    """`compiled.finditer(text)`, raising PatternTimeout once `deadline` has passed."""
    remaining = deadline.remaining()
    if remaining <= 0:
        raise PatternTimeout(f"stopped after {deadline.seconds:g} s")
    try:
        yield from compiled.finditer(text, timeout=remaining)
    except TimeoutError:
        raise PatternTimeout(f"stopped after {deadline.seconds:g} s") from None
