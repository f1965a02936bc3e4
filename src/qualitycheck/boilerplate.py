"""Classify each line of an article as site boilerplate or story, from its own features.

Used by the ad-text rule's `collect`. One Aho-Corasick pass over the text
finds the listed phrases and the cue words at once (second person, the
publisher's "we", calls to action, reporting verbs, words about the site);
the hits are tallied per line, and each non-blank line gets a class:

- `B` boilerplate on its own: a listed phrase or pattern on a short line, a
  button label alone on a line, or enough reader-directed cues;
- `W` weak: some cues, boilerplate only next to `B` lines;
- `N` neutral: short lines without cues (headings, captions, list items);
- `G` story: reported speech, or a long line without enough cues;
- `X` separator: related-article promos and bare URLs (another rule's),
  code blocks and table rows.

Lists come from `data/ad_phrases.yaml`, merged with the rule's options, and
are compiled once per process per distinct set of options.
"""

from __future__ import annotations

import hashlib
import json
import re
from bisect import bisect_right
from functools import lru_cache
from importlib import resources
from typing import Any, Iterator, Mapping, NamedTuple, Optional

from qualitycheck.promos import widget_lines

BLOCK, WEAK, NEUTRAL, GOOD, SEPARATOR = "B", "W", "N", "G", "X"

SHORT_WORDS = 14  # a line of at most this many words is short
_TEXT_KEEP = 300  # characters of a non-story line kept for messages and excerpts

# Cue weights; a short line needs 3 with a reader-directed cue, a long one 4 and a density of 0.08.
_W_YOU, _W_WE, _W_IMP, _W_URGE = 1.0, 0.75, 1.5, 0.5
_W_SITE_STRONG, _W_SITE_WEAK, _W_PRICE, _W_PHRASE, _W_PATTERN = 1.5, 0.75, 1.0, 3.0, 3.0
_SHORT_BLOCK, _LONG_BLOCK, _LONG_DENSITY, _LONG_WEAK = 3.0, 4.0, 0.08, 2.5

_PRICE = re.compile(r"[$€£¥]\s?\d[\d,.]*|\b\d[\d,.]*\s?(?:usd|eur|gbp|dollars?|euros?|pounds?)\b")
_LABEL_STRIP = re.compile(r"^[\s\-*+•·▪◦‣⁃►▶▸➤→⇒»›>#|\[(]+|[\s.!?:;,*_|\])»›→>]+$")
_SENTENCE_LEAD = " \t*_\"'“‘«([-–—•·►▶▸➤→⇒»›>#"


class LineInfo(NamedTuple):
    """What ad-text keeps of one non-blank line."""

    number: int  # 1-based line of Document.text
    kind: str  # B, W, N, G or X
    score: float
    short: bool
    site_voice: bool  # the publisher or its site speaks (we/our, a strong site word, a phrase)
    reported: bool  # has a reporting verb
    categories: tuple[tuple[str, float], ...]
    evidence: tuple[tuple[str, str], ...]
    hash: int
    length: int
    text: str  # kept for non-story lines only


class _Lists(NamedTuple):
    matcher: Any
    labels: Mapping[str, str]
    patterns: Optional[re.Pattern]
    pattern_categories: Mapping[str, str]


@lru_cache(maxsize=1)
def shipped_lists() -> dict[str, Any]:
    """The YAML lists that ship with the package (read once)."""
    import yaml

    text = resources.files("qualitycheck").joinpath("data/ad_phrases.yaml").read_text(encoding="utf-8")
    return yaml.safe_load(text)


def _categorized(shipped: Mapping[str, list[str]], replace: Optional[list[str]], extra: list[str]) -> list[
        tuple[str, str]]:
    if replace is not None:
        items = [(item, "site boilerplate") for item in replace]
    else:
        items = [(item, category) for category, entries in shipped.items() for item in entries]
    return items + [(item, "site boilerplate") for item in extra]


@lru_cache(maxsize=8)
def _compile(options_key: str) -> _Lists:
    from qualitycheck.phrases import PhraseMatcher

    options = json.loads(options_key)
    data = shipped_lists()
    cues = data["cues"]
    entries: list[tuple[str, tuple]] = []
    for phrase, category in _categorized(data["phrases"], options.get("phrases"), options.get("extra-phrases", [])):
        entries.append((phrase, ("phrase", category)))
    for kind, key in (("you", "second-person"), ("we", "first-person-plural"), ("imp", "imperative"),
                      ("report", "reporting"), ("urge", "urgency")):
        entries.extend((word, (kind,)) for word in cues[key])
    for category, strengths in cues["site"].items():
        for strength, words in strengths.items():
            entries.extend((word, ("site", category, strength == "strong")) for word in words)
    labels = {}
    for label, category in _categorized(data["labels"], options.get("labels"), options.get("extra-labels", [])):
        labels[" ".join(label.lower().split())] = category
    pattern_items = _categorized(data["patterns"], options.get("patterns"), options.get("extra-patterns", []))
    pattern_categories = {f"p{i}": category for i, (_, category) in enumerate(pattern_items)}
    combined = "|".join(f"(?P<p{i}>{pattern})" for i, (pattern, _) in enumerate(pattern_items))
    return _Lists(PhraseMatcher(entries), labels, re.compile(combined) if combined else None, pattern_categories)


def compiled_lists(options: Mapping[str, Any]) -> _Lists:
    """Matcher, labels and patterns for these options, built once per process."""
    keys = ("phrases", "extra-phrases", "labels", "extra-labels", "patterns", "extra-patterns")
    return _compile(json.dumps({k: options.get(k) for k in keys if options.get(k) is not None}, sort_keys=True))


class _Tally:
    __slots__ = ("you", "we", "imp", "report", "urge", "strong", "weak", "phrases", "quoted", "categories",
                 "evidence")

    def __init__(self) -> None:
        self.you = self.we = self.imp = self.report = self.urge = self.strong = self.weak = 0
        self.phrases = self.quoted = 0
        self.categories: dict[str, float] = {}
        self.evidence: list[tuple[str, str]] = []

    def add_category(self, category: str, weight: float) -> None:
        self.categories[category] = self.categories.get(category, 0.0) + weight


def line_hash(line: str) -> int:
    """A stable 64-bit hash of a line, case and spacing ignored (the same in every process)."""
    normalized = " ".join(line.lower().split())
    return int.from_bytes(hashlib.blake2b(normalized.encode("utf-8"), digest_size=8).digest(), "big")


def _in_quotes(line: str, position: int) -> bool:
    before = line[:position]
    if before.count("“") > before.count("”"):
        return True
    return before.count('"') % 2 == 1


def _sentence_start(text: str, start: int, line_start: int) -> bool:
    i = start - 1
    while i >= line_start and text[i] in _SENTENCE_LEAD:
        i -= 1
    return i < line_start or text[i] in ".!?:;…"


def _tally_hits(text: str, starts: list[int], lines: list[str], lists: _Lists) -> dict[int, _Tally]:
    tallies: dict[int, _Tally] = {}
    for match in lists.matcher.find(text):
        number = bisect_right(starts, match.start)
        tally = tallies.get(number)
        if tally is None:
            tally = tallies[number] = _Tally()
        payload = match.payload
        kind = payload[0]
        if kind == "report":
            tally.report += 1
            continue
        line_start = starts[number - 1]
        if _in_quotes(lines[number - 1], match.start - line_start):
            tally.quoted += 1  # quoted or mentioned, not said to the reader
            continue
        if kind == "you":
            tally.you += 1
            tally.evidence.append(("you", text[match.start:match.end]))
        elif kind == "we":
            if text[match.start:match.end] == "US":
                continue  # the country
            tally.we += 1
            tally.evidence.append(("we", text[match.start:match.end]))
        elif kind == "imp":
            word = match.phrase
            if word == "please" or _sentence_start(text, match.start, starts[number - 1]):
                tally.imp += 1
                tally.evidence.append(("imp", text[match.start:match.end]))
        elif kind == "urge":
            tally.urge += 1
        elif kind == "site":
            _, category, strong = payload
            if strong:
                tally.strong += 1
            else:
                tally.weak += 1
            tally.add_category(category, _W_SITE_STRONG if strong else _W_SITE_WEAK)
        else:  # phrase
            tally.phrases += 1
            tally.add_category(payload[1], _W_PHRASE)
            tally.evidence.append(("phrase", " ".join(text[match.start:match.end].split())))
    return tallies


def classify_lines(text: str, lines: list[str], starts: list[int], options: Mapping[str, Any]) -> Iterator[LineInfo]:
    """A `LineInfo` for every non-blank line of `text`."""
    lists = compiled_lists(options)
    tallies = _tally_hits(text, starts, lines, lists)
    widgets = widget_lines(lines)
    in_code = False
    for number, line in enumerate(lines, start=1):
        stripped = line.strip()
        if not stripped:
            continue
        if stripped.startswith(("```", "~~~")):
            in_code = not in_code
            yield _info(number, SEPARATOR, line)
            continue
        if in_code or stripped.startswith("|") or number in widgets:
            yield _info(number, SEPARATOR, line)
            continue
        yield _classify(number, line, stripped, tallies.get(number), lists)


def _info(number: int, kind: str, line: str, score: float = 0.0, short: bool = True, site_voice: bool = False,
          reported: bool = False, categories: tuple = (), evidence: tuple = ()) -> LineInfo:
    keep = "" if kind in (GOOD, SEPARATOR) else line.strip()[:_TEXT_KEEP]
    return LineInfo(number, kind, score, short, site_voice, reported, categories, evidence, line_hash(line),
                    len(line), keep)


def _classify(number: int, line: str, stripped: str, tally: Optional[_Tally], lists: _Lists) -> LineInfo:
    word_count = len(stripped.split())
    short = word_count <= SHORT_WORDS
    label_key = " ".join(_LABEL_STRIP.sub("", stripped.lower()).split()) if word_count <= 5 else ""
    label_category = lists.labels.get(label_key) if label_key else None
    if tally is None:
        if label_category:
            return _info(number, BLOCK, line, _W_PHRASE, True, False, False, ((label_category, 1.0),),
                         (("label", stripped),))
        if not short:
            return _info(number, GOOD, line, short=False)
        tally = _Tally()
    if tally.report and word_count >= 5:
        return _info(number, GOOD, line, short=short, reported=True)
    evidence = list(tally.evidence)
    pattern_hits = 0
    price = False
    if short or tally.you or tally.we or tally.imp or tally.strong:
        normalized = " ".join(stripped.lower().split())
        if lists.patterns is not None:
            for m in lists.patterns.finditer(normalized):
                pattern_hits += 1
                tally.add_category(lists.pattern_categories[m.lastgroup], _W_PATTERN)
                evidence.append(("pattern", m.group().strip()))
        for m in _PRICE.finditer(stripped):
            price = True
            evidence.append(("price", m.group().strip()))
            break
    if label_category:
        tally.add_category(label_category, 1.0)
        evidence.append(("label", stripped))
    reader = tally.you + tally.we + tally.imp + pattern_hits + tally.phrases
    score = (min(tally.you, 3) * _W_YOU + min(tally.we, 4) * _W_WE + min(tally.imp, 2) * _W_IMP
             + min(tally.urge, 2) * _W_URGE
             + min(tally.strong * _W_SITE_STRONG + tally.weak * _W_SITE_WEAK, 4.5)
             + (_W_PRICE if price and (reader or tally.strong) else 0.0)
             + min(tally.phrases, 2) * _W_PHRASE + min(pattern_hits, 2) * _W_PATTERN)
    site_voice = bool(tally.we or tally.strong or tally.phrases or pattern_hits)
    if label_category or (short and (tally.phrases or pattern_hits)):
        kind = BLOCK
    elif short:
        if score >= _SHORT_BLOCK and reader:
            kind = BLOCK
        elif score >= 1.0 or price:
            kind = WEAK
        else:
            kind = NEUTRAL
    elif score >= _LONG_BLOCK and score / word_count >= _LONG_DENSITY and reader:
        kind = BLOCK
    elif score >= _LONG_WEAK and reader:
        kind = WEAK
    else:
        kind = GOOD
    categories = tuple(sorted(tally.categories.items()))
    return _info(number, kind, line, score, short, site_voice, False, categories, tuple(evidence))
