"""A short list of phrases as one regular expression, for the `phrases` and `substitution` YAML rules.

The phrases are merged into one trie-shaped pattern (common prefixes
shared), so the text is scanned once however long the list is, and the
pattern has no nested repetition that could backtrack badly. Between words
any run of spaces or one line break matches (a hard-wrapped phrase is found,
one across a blank line is not), and straight and curly quotes match each
other. Unlike the Aho-Corasick matcher in `phrases.py`, made for the long
built-in lists, it can also match case-sensitively and inside words.
"""

from __future__ import annotations

import re
from typing import Iterable, Iterator, Mapping

_WHITESPACE = re.compile(r"\s+")
_QUOTES = str.maketrans({"\u2018": "'", "\u2019": "'", "\u201c": '"', "\u201d": '"'})
_ATOMS = {" ": r"(?:[^\S\r\n]+|[^\S\r\n]*(?:\r\n|\r|\n)[^\S\r\n]*)", "'": "['\u2018\u2019]", '"': '["\u201c\u201d]'}
_END = ""  # trie key marking that a phrase ends here


def normalize_phrase(text: str, ignore_case: bool = True) -> str:
    """The form phrases are compared in: whitespace collapsed, quotes straightened, maybe lower-cased."""
    text = _WHITESPACE.sub(" ", text.strip()).translate(_QUOTES)
    return text.lower() if ignore_case else text


class PhrasePattern:
    """One compiled pattern for a list of phrases; `finditer` yields (start, end, phrase)."""

    def __init__(self, phrases: Iterable[str], ignore_case: bool = True, whole_word: bool = True) -> None:
        self.ignore_case = ignore_case
        self.by_key: dict[str, str] = {}
        for phrase in phrases:
            self.by_key.setdefault(normalize_phrase(phrase, ignore_case), phrase)
        self.by_key.pop("", None)
        body = _trie_regex(_build_trie(self.by_key))
        if whole_word:
            body = rf"(?<!\w)(?:{body})(?!\w)"
        self.pattern = re.compile(body, re.IGNORECASE if ignore_case else 0)

    def finditer(self, text: str) -> Iterator[tuple[int, int, str]]:
        for match in self.pattern.finditer(text):
            key = normalize_phrase(match.group(), self.ignore_case)
            yield match.start(), match.end(), self.by_key.get(key, match.group())


def _build_trie(keys: Iterable[str]) -> dict:
    root: dict = {}
    for key in keys:
        node = root
        for char in key:
            node = node.setdefault(char, {})
        node[_END] = {}
    return root


def _trie_regex(node: Mapping[str, Mapping]) -> str:
    """A regular expression matching exactly the phrases below `node`, longest first."""
    ends_here = _END in node
    branches = [_ATOMS.get(char, re.escape(char)) + _trie_regex(child)
                for char, child in sorted(node.items()) if char != _END]
    if not branches:
        return ""
    body = branches[0] if len(branches) == 1 else "(?:" + "|".join(branches) + ")"
    if ends_here:
        return f"(?:{body})?"
    return body
