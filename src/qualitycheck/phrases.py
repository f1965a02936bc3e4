"""Find many phrases in a text in one pass, case- and whitespace-tolerantly.

A `PhraseMatcher` holds an Aho-Corasick automaton (pyahocorasick) of
normalized phrases. `find(text)` lower-cases the text, turns every line break and punctuation
mark into a space and every run of spaces into one (a blank line stays two
spaces, so no phrase matches across paragraphs), runs the automaton once over
keys stored as " words ", so that only whole words match without a check per
hit, and maps every match back to offsets of the original text.

The automaton is built once per matcher, on first use; build matchers
lazily (e.g. behind `functools.lru_cache`) so that importing a rule costs
nothing.
"""

from __future__ import annotations

import re
from bisect import bisect_right
from typing import Any, Iterable, Iterator, NamedTuple, Optional

# A run of horizontal whitespace inside a line: the only thing a same-length translation cannot normalize.
_HORIZONTAL_RUN = re.compile(r"[^\S\r\n]{2,}")


class Match(NamedTuple):
    """A phrase found at `start`..`end` (end exclusive) of the original text."""

    start: int
    end: int
    phrase: str
    payload: Any


def normalize_phrase(phrase: str) -> str:
    """The form phrases are matched in: lower case, punctuation as spaces, single spaces ("Don't" -> "don t")."""
    return " ".join(phrase.lower().translate(_SEPARATORS).split())


def _lower_same_length(text: str) -> str:
    lowered = text.lower()
    if len(lowered) == len(text):
        return lowered
    # A few characters (such as 'İ') grow when lower-cased; keep them as they are.
    return "".join(c if len(c.lower()) != 1 else c.lower() for c in text)


def normalize_text(text: str, lowered: Optional[str] = None) -> tuple[str, list[int], list[int]]:
    """(normalized text, shift positions, cumulative shifts) for mapping offsets back.

    Every whitespace character becomes a space, so a wrapped phrase matches
    across its line break while a blank line becomes two spaces, which no
    phrase contains. Only a text with runs of spaces inside lines is rebuilt
    (runs become one space); then `shift_at[i]` is an offset of the
    normalized text from which on original offsets are `normalized + shifts[i]`.
    `lowered` is `text.lower()` when the caller has it already (same length).
    """
    if lowered is None or len(lowered) != len(text):
        lowered = _lower_same_length(text)
    if lowered.isascii():
        # An ASCII text (the common case) is translated as bytes: a table lookup per byte.
        if "  " not in lowered and "\t" not in lowered:
            return lowered.encode("ascii").translate(_ASCII_SEPARATORS).decode("ascii"), [], []
    elif "  " not in lowered and "\t" not in lowered and "\xa0" not in lowered:
        return lowered.translate(_SEPARATORS), [], []
    pieces: list[str] = []
    shift_at: list[int] = []
    shifts: list[int] = []
    last = 0
    out_len = 0
    total = 0
    for m in _HORIZONTAL_RUN.finditer(lowered):
        start, end = m.span()
        pieces.append(lowered[last:start])
        pieces.append(" ")
        out_len += start - last + 1
        last = end
        total += end - start - 1
        shift_at.append(out_len)
        shifts.append(total)
    pieces.append(lowered[last:])
    return "".join(pieces).translate(_SEPARATORS), shift_at, shifts


# Every whitespace and punctuation character becomes a space (same length, so offsets stay put).
# Keys are stored as " words " with the same translation, so the automaton only finds whole words.
_SEPARATORS = {ord(c): " " for c in "\t\n\r\x0b\x0c\x1c\x1d\x1e\x1f\x85\xa0\u1680\u2000\u2001\u2002\u2003"
                                        "\u2004\u2005\u2006\u2007\u2008\u2009\u200a\u2028\u2029\u202f\u205f\u3000"
                                        "!\"#$%&'()*+,-./:;<=>?@[\\]^_`{|}~"
                                        "“”‘’«»„‚‹›–—―‐‑…·•●▪◦‣►▶▸▹➤→⇒←|¦§¶©®™°"}


# The same translation for ASCII text as a bytes table (an ASCII character maps to an ASCII one).
_ASCII_SEPARATORS = bytes(ord(_SEPARATORS.get(i, chr(i))) if i < 128 else i for i in range(256))


def original_offset(offset: int, shift_at: list[int], shifts: list[int]) -> int:
    """The offset of the original text that normalized `offset` came from (see `normalize_text`)."""
    if not shift_at:
        return offset
    i = bisect_right(shift_at, offset)
    return offset + (shifts[i - 1] if i else 0)


_original = original_offset


class PhraseMatcher:
    """Many phrases, one pass. Payloads travel with each phrase (several per phrase are kept)."""

    def __init__(self, entries: Iterable[tuple[str, Any]]) -> None:
        table: dict[str, list[Any]] = {}
        for phrase, payload in entries:
            key = normalize_phrase(phrase)
            if key:
                table.setdefault(key, []).append(payload)
        self._table = table
        self._automaton = None

    def __len__(self) -> int:
        return len(self._table)

    def _build(self):
        import ahocorasick  # a C extension: imported when the first text is searched

        automaton = ahocorasick.Automaton()
        for key, payloads in self._table.items():
            automaton.add_word(f" {key} ", (key, len(key), tuple(payloads)))
        if len(automaton):
            automaton.make_automaton()
        self._automaton = automaton
        return automaton

    def raw_hits(self, text: str, lowered: Optional[str] = None) -> tuple[Iterator[tuple[int, tuple[str, int, tuple]]],
                                                                          list[int], list[int]]:
        """The automaton's own matches, for the hottest loops: (matches, shift_at, shifts).

        A match is `(last, (phrase, size, payloads))`; the phrase covers offsets
        `last - 1 - size` to `last - 1` of the normalized text, which `original_offset(offset,
        shift_at, shifts)` maps back (nothing to map when `shift_at` is empty, which it is when the
        text has no two spaces in a row). A caller that only needs some hits' offsets maps only those.
        `lowered` is `text.lower()` if the caller has it.
        """
        automaton = self._automaton if self._automaton is not None else self._build()
        if not text:
            return iter(()), [], []
        normalized, shift_at, shifts = normalize_text(text, lowered)
        if not len(automaton):
            return iter(()), shift_at, shifts
        return automaton.iter(f" {normalized} "), shift_at, shifts

    def hits(self, text: str) -> Iterator[tuple[int, int, str, tuple]]:
        """(start, end, phrase, payloads) of every occurrence, as `find` has them, one tuple per occurrence.

        For hot loops: no `Match` per payload, and offsets mapped back only when the text had runs of spaces.
        """
        found, shift_at, shifts = self.raw_hits(text)
        if not shift_at:
            return ((last - 1 - size, last - 1, key, payloads) for last, (key, size, payloads) in found)
        return ((_original(last - 1 - size, shift_at, shifts), _original(last - 2, shift_at, shifts) + 1, key,
                 payloads) for last, (key, size, payloads) in found)

    def find(self, text: str) -> Iterator[Match]:
        """Every whole-word occurrence of every phrase, overlapping ones included, in text order of ends."""
        automaton = self._automaton if self._automaton is not None else self._build()
        if not len(automaton) or not text:
            return
        normalized, shift_at, shifts = normalize_text(text)
        # Padded with a space at each end: a key " word " ending at padded index `last` covers
        # normalized[last - 1 - size : last - 1].
        for last, (key, size, payloads) in automaton.iter(f" {normalized} "):
            end = last - 1
            start = end - size
            if shift_at:
                original_start = _original(start, shift_at, shifts)
                original_end = _original(end - 1, shift_at, shifts) + 1
            else:
                original_start, original_end = start, end
            for payload in payloads:
                yield Match(original_start, original_end, key, payload)
