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

Lists come from `qualitycheck.ad_phrases`, merged with the rule's options, and
are compiled once per process per distinct set of options.
"""

from __future__ import annotations

import json
import re
import zlib
from bisect import bisect_right
from functools import lru_cache, partial
from itertools import repeat
from typing import Any, Callable, Iterator, Mapping, NamedTuple, Optional

from qualitycheck.lazyre import lazy_compile
from qualitycheck.promos import widget_lines

BLOCK, WEAK, NEUTRAL, GOOD, SEPARATOR = "B", "W", "N", "G", "X"

SHORT_WORDS = 14  # a line of at most this many words is short
_LONG_CHARACTERS = 150  # a single line this long has more than SHORT_WORDS words in any prose
_TEXT_KEEP = 300  # characters of a non-story line kept for messages and excerpts

# Cue weights; a short line needs 3 with a reader-directed cue, a long one 4 and a density of 0.08.
_W_YOU, _W_WE, _W_IMP, _W_URGE = 1.0, 0.75, 1.5, 0.5
_W_SITE_STRONG, _W_SITE_WEAK, _W_PRICE, _W_PHRASE, _W_PATTERN = 1.5, 0.75, 1.0, 3.0, 3.0
_SHORT_BLOCK, _LONG_BLOCK, _LONG_DENSITY, _LONG_WEAK = 3.0, 4.0, 0.08, 2.5
_W_BOTH = 1.0
_W_DISMISS, _W_QUESTION = 1.0, 1.0

_PRICE = lazy_compile(r"[$€£¥]\s?\d[\d,.]*|\b\d[\d,.]*\s?(?:usd|eur|gbp|dollars?|euros?|pounds?)\b")
_DIGIT = lazy_compile(r"\d")
_LABEL_STRIP = lazy_compile(r"^[\s\-*+•·▪◦‣⁃►▶▸➤→⇒»›>#|\[(]+|[\s.!?:;,*_|\])»›→>]+$")
_SENTENCE_LEAD = " \t*_\"'“‘«([-–—•·►▶▸➤→⇒»›>#"


class LineInfo(NamedTuple):
    """What ad-text keeps of one unit: a non-blank line, or the lines of one hard-wrapped sentence run."""

    number: int  # first 1-based line of Document.text
    kind: str  # B, W, N, G or X
    score: float
    short: bool
    site_voice: bool  # the publisher or its site speaks (we/our, a strong site word, a phrase)
    reported: bool  # has a reporting verb
    categories: tuple[tuple[str, float], ...]
    evidence: tuple[tuple[str, str], ...]
    hash: int
    length: int  # characters of the last line
    text: str  # kept for non-story units only
    last: int  # last 1-based line


class LineInfos(tuple):
    """A document's `LineInfo`s, as ad-text collects them: a tuple that pickles as plain tuples.

    Pickling a NamedTuple calls Python code for every item (`__getnewargs__`, then `__new__` to load);
    the collected data of every article crosses a pipe from its worker and goes into the cache, so
    the whole tuple is pickled as rows and rebuilt in C.
    """

    __slots__ = ()

    def __reduce__(self) -> tuple:
        return _line_infos, (tuple(map(tuple, self)),)


def _line_infos(rows: tuple) -> LineInfos:
    return LineInfos(map(_LINE_INFO_NEW, rows))


_LINE_INFO_NEW = partial(tuple.__new__, LineInfo)


class _Lists(NamedTuple):
    matcher: Any
    labels: Mapping[str, str]
    patterns: Optional[re.Pattern]
    pattern_categories: Mapping[str, str]


def shipped_lists() -> dict[str, Any]:
    """The lists that ship with the package (`qualitycheck.ad_phrases`), keyed as the options are."""
    from qualitycheck import ad_phrases

    return {"phrases": ad_phrases.PHRASES, "labels": ad_phrases.LABELS, "patterns": ad_phrases.PATTERNS,
            "cues": ad_phrases.CUES}


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
                      ("report", "reporting"), ("urge", "urgency"), ("dismiss", "dismissal")):
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


_last_lists: tuple[Any, Optional[_Lists]] = (None, None)


def compiled_lists(options: Mapping[str, Any]) -> _Lists:
    """Matcher, labels and patterns for these options, built once per process.

    A run passes the same options for every document, so the answer for the last options is kept
    (compared as a dict: no JSON key per document).
    """
    global _last_lists
    if _last_lists[1] is not None and _last_lists[0] == options:
        return _last_lists[1]
    keys = ("phrases", "extra-phrases", "labels", "extra-labels", "patterns", "extra-patterns")
    lists = _compile(json.dumps({k: options.get(k) for k in keys if options.get(k) is not None}, sort_keys=True))
    _last_lists = (dict(options), lists)
    return lists


class _Tally:
    """Cue counts of a line. Site words and calls to action count once per distinct word, so
    that verse or a story repeating "share" is not taken for a row of share buttons."""

    __slots__ = ("you", "we", "report", "urge", "dismiss", "phrases", "quoted", "categories", "evidence", "site",
                 "actions")

    def __init__(self) -> None:
        self.you = self.we = self.report = self.urge = self.dismiss = self.phrases = self.quoted = 0
        self.categories: dict[str, float] = {}
        self.evidence: list[tuple[str, str]] = []
        self.site: dict[str, tuple[str, bool]] = {}  # word -> (category, strong)
        self.actions: set[str] = set()

    def add_category(self, category: str, weight: float) -> None:
        self.categories[category] = self.categories.get(category, 0.0) + weight

    @property
    def imp(self) -> int:
        return len(self.actions)

    @property
    def strong(self) -> int:
        return sum(1 for _, strong in self.site.values() if strong)

    @property
    def weak(self) -> int:
        return sum(1 for _, strong in self.site.values() if not strong)

    def site_categories(self) -> dict[str, float]:
        weights = dict(self.categories)
        for category, strong in self.site.values():
            weights[category] = weights.get(category, 0.0) + (_W_SITE_STRONG if strong else _W_SITE_WEAK)
        return weights


def line_hash(line: str) -> int:
    """A stable 64-bit hash of a line, case and spacing ignored (the same in every process)."""
    lowered = line.lower()
    # Only " " is both whitespace and printable, so a printable line without double or edge spaces is
    # already single-spaced: nothing for split/join to change (and UTF-8 of ASCII is ASCII).
    if "  " not in lowered and lowered[:1] != " " != lowered[-1:] and lowered.isprintable():
        data = lowered.encode("utf-8")
    else:
        data = " ".join(lowered.split()).encode("utf-8")
    return (zlib.crc32(data) << 32) | zlib.adler32(data)


# ASCII whitespace a line can hold besides " " (line breaks end lines): `split()` would change a line with one.
_ODD_SPACES = ("\t", "\x0b", "\x0c", "\x1c", "\x1d", "\x1e", "\x1f")


def _line_hasher(text: str, lowered: str, lines: list[str], starts: list[int], spaced: bool) -> Callable[[int], int]:
    """A function from a line number to `line_hash` of that line, cheaper on ASCII text.

    Hashing a unit of the story (most lines) is most of the per-line work. In an ASCII text whose only
    whitespace is spaces and line breaks, a line without double or edge spaces is already what
    `line_hash` hashes: a slice of the text lowered once (a memoryview, no copy), with neither a
    `lower()` nor an `isprintable()` per line. Other texts and lines go the general way. `spaced` is
    False only when the text has no double space (the phrase matcher found no run of spaces).
    """
    if not text.isascii() or len(lowered) != len(text) or any(space in text for space in _ODD_SPACES):
        return lambda number: line_hash(lines[number - 1])
    view = memoryview(lowered.encode("ascii"))
    crc32, adler32 = zlib.crc32, zlib.adler32

    def hash_line(number: int) -> int:
        line = lines[number - 1]
        if line[:1] == " " or line[-1:] == " " or (spaced and "  " in line):
            return line_hash(line)
        start = starts[number - 1]
        chunk = view[start:start + len(line)]
        return (crc32(chunk) << 32) | adler32(chunk)

    return hash_line


def _in_quotes(line: str, position: int) -> bool:
    before = line[:position]
    if before.count("“") > before.count("”"):
        return True
    return before.count('"') % 2 == 1


def _sentence_start(text: str, start: int, line_start: int) -> bool:
    """True when the word at `start` begins a sentence (a line start counts unless a sentence wraps into it)."""
    i = start - 1
    while i >= line_start and text[i] in _SENTENCE_LEAD:
        i -= 1
    if i >= line_start:
        return text[i] in ".!?:;…"
    j = line_start - 1
    while j >= 0 and text[j] in " \t\r":
        j -= 1
    if j < 0 or text[j] != "\n":
        return True
    k = j - 1
    while k >= 0 and text[k] in " \t\r":
        k -= 1
    if k < 0 or text[k] == "\n":
        return True  # the previous line is blank
    previous_start = text.rfind("\n", 0, k) + 1
    if text[k] in ",;–—-":
        return False  # verse or a wrapped sentence goes on
    return not (text[k].isalnum() and k - previous_start >= 40)


# The payloads of a phrase that is only a reporting verb ("said"): most hits in news text.
_REPORT_ONLY = (("report",),)


def _tally_hits(text: str, lowered: str, starts: list[int], lines: list[str], lists: _Lists) -> tuple[
        dict[int, _Tally], set[int], bool]:
    """Cue tallies per line number, the line numbers with a reporting verb, and whether the text has
    runs of spaces (False: no line has a double space).

    Reporting verbs are most of the hits in news text and only their presence
    on a line matters: the loop keeps just their offsets, and their line
    numbers are found in one C-level pass at the end.
    """
    tallies: dict[int, _Tally] = {}
    reports: set[int] = set()
    verbs: list[int] = []  # normalized start offsets of reporting verbs
    matches, shift_at, shifts = lists.matcher.raw_hits(text, lowered)
    if shift_at:  # runs of spaces were collapsed: offsets map back (rare; the module is loaded by now)
        from qualitycheck.phrases import original_offset
    for last, (phrase, size, payloads) in matches:
        if payloads == _REPORT_ONLY:
            verbs.append(last - 1 - size)
            continue
        start, end = last - 1 - size, last - 1
        if shift_at:
            start, end = original_offset(start, shift_at, shifts), original_offset(end - 1, shift_at, shifts) + 1
        number = bisect_right(starts, start)
        tally = tallies.get(number)
        if tally is None:
            tally = tallies[number] = _Tally()
        for payload in payloads:
            kind = payload[0]
            if kind == "report":
                reports.add(number)
                continue
            line = lines[number - 1]
            if ('"' in line or "“" in line) and _in_quotes(line, start - starts[number - 1]):
                tally.quoted += 1  # quoted or mentioned, not said to the reader
                continue
            if kind == "you":
                tally.you += 1
                tally.evidence.append(("you", text[start:end]))
            elif kind == "we":
                if text[start:end] == "US":
                    continue  # the country
                tally.we += 1
                tally.evidence.append(("we", text[start:end]))
            elif kind == "imp":
                if phrase == "please" or _sentence_start(text, start, starts[number - 1]):
                    if phrase not in tally.actions:
                        tally.actions.add(phrase)
                        tally.evidence.append(("imp", text[start:end]))
            elif kind == "urge":
                tally.urge += 1
            elif kind == "dismiss":
                tally.dismiss += 1
            elif kind == "site":
                tally.site.setdefault(phrase, (payload[1], payload[2]))
            else:  # phrase
                tally.phrases += 1
                tally.add_category(payload[1], _W_PHRASE)
                tally.evidence.append(("phrase", " ".join(text[start:end].split())))
    if shift_at:
        verbs = [original_offset(offset, shift_at, shifts) for offset in verbs]
    reports.update(map(bisect_right, repeat(starts, len(verbs)), verbs))
    return tallies, reports, bool(shift_at)


_TERMINAL = tuple('.!?"”’»)…')
_CONTINUING = tuple(",;:-–—(/&")
_WRAP_LENGTH = 50


def _continues(previous: str, following: str) -> bool:
    """True when `following` carries on the sentence of `previous` (a hard-wrapped line)."""
    if previous.endswith(_TERMINAL):
        return False
    head = following[:1]
    if head in "-*+•·▪◦‣⁃►▶▸➤→#>|":
        return False
    return head.islower() or previous.endswith(_CONTINUING) or len(previous) >= _WRAP_LENGTH


# First characters of the lines that need a closer look: code fences, table rows, HTML comments.
_MARKUP_HEADS = frozenset("`~|<")


def classify_lines(text: str, lines: list[str], starts: list[int], options: Mapping[str, Any]) -> Iterator[LineInfo]:
    """A `LineInfo` for every unit of `text`: a non-blank line, or a run of lines wrapped mid-sentence."""
    lists = compiled_lists(options)
    lowered = text.lower()
    tallies, reports, spaced = _tally_hits(text, lowered, starts, lines, lists)
    widgets = widget_lines(lines, lowered)
    hash_line = _line_hasher(text, lowered, lines, starts, spaced)
    in_code = False
    unit: list[int] = []  # line numbers of the unit being built
    previous = ""  # the last line of `unit`, stripped
    for number, line in enumerate(lines, start=1):
        stripped = line.strip()
        separator = in_code or number in widgets
        if stripped[:1] in _MARKUP_HEADS:
            if stripped.startswith("<!--") and stripped.endswith("-->"):
                stripped = ""  # an HTML comment (e.g. a suppression) is invisible to readers: like a blank line
            elif stripped.startswith(("```", "~~~")):
                in_code = not in_code
                separator = True
            elif stripped[0] == "|":
                separator = True
        if unit and (separator or not stripped or not _continues(previous, stripped)):
            yield _classify(unit, lines, tallies, reports, lists, hash_line)
            unit = []
        if separator:
            yield _info(number, SEPARATOR, line, hashed=hash_line(number))
        elif stripped:
            unit.append(number)
            previous = stripped
    if unit:
        yield _classify(unit, lines, tallies, reports, lists, hash_line)


def _info(number: int, kind: str, line: str, score: float = 0.0, short: bool = True, site_voice: bool = False,
          reported: bool = False, categories: tuple = (), evidence: tuple = (), last: int = 0,
          joined: str = "", hashed: Optional[int] = None) -> LineInfo:
    joined = joined or line
    keep = "" if kind in (GOOD, SEPARATOR) else joined.strip()[:_TEXT_KEEP]
    if hashed is None:
        hashed = line_hash(joined)
    return LineInfo(number, kind, score, short, site_voice, reported, categories, evidence, hashed,
                    len(line), keep, last or number)


def _merged(numbers: list[int], tallies: dict[int, _Tally]) -> Optional[_Tally]:
    found = [tallies[n] for n in numbers if n in tallies]
    if len(found) <= 1:
        return found[0] if found else None
    merged = _Tally()
    for tally in found:
        for name in ("you", "we", "report", "urge", "dismiss", "phrases", "quoted"):
            setattr(merged, name, getattr(merged, name) + getattr(tally, name))
        for category, weight in tally.categories.items():
            merged.add_category(category, weight)
        merged.evidence.extend(e for e in tally.evidence if e[0] != "imp" or e[1].lower() not in merged.actions)
        merged.actions.update(tally.actions)
        for word, value in tally.site.items():
            merged.site.setdefault(word, value)
    return merged


def _visible(line: str) -> str:
    """A line as a reader sees it: Markdown links shown as their label."""
    return _MARKDOWN_LINK.sub(lambda m: m.group(1), line) if "](" in line else line


_BUTTON_ROW = lazy_compile(r"^(?:\[[^\[\]]{1,40}\]\s*){2,}$")  # "[ Accept all ]  [ Settings ]"
_NON_WORD_TOKEN = lazy_compile(r"(?:^|\s)[^\w\s]+(?=\s|$)")  # "·", "|", "[", "→" standing alone
_MARKDOWN_LINK = lazy_compile(r"!?\[([^\]\n]*)\]\([^)\n]*\)")


def _classify(numbers: list[int], lines: list[str], tallies: dict[int, _Tally], reports: set[int],
              lists: _Lists, hash_line: Callable[[int], int]) -> LineInfo:
    first, last = numbers[0], numbers[-1]
    last_line = lines[last - 1]
    if first == last:
        tally = tallies.get(first)
        report = first in reports
    else:
        tally = _merged(numbers, tallies)
        report = not reports.isdisjoint(numbers)
    if ((tally is None or (report and not tally.phrases)) and (last > first or len(last_line) > _LONG_CHARACTERS)):
        # No cue at all, or reported speech, in a long line or a wrapped run: story, decided cheaply.
        return _LINE_INFO_NEW((first, GOOD, 0.0, False, False, report or tally is not None, (), (),
                               hash_line(last), len(last_line), "", last))
    stripped = " ".join(_visible(lines[n - 1]).strip() for n in numbers)
    word_count = stripped.count(" ") + 1
    if "  " in stripped or _NON_WORD_TOKEN.search(stripped):
        # a row of buttons ("Print  ·  Copy link", "[ Accept ]  [ Reject ]"): separators are not words
        word_count = sum(1 for token in stripped.split() if any(c.isalnum() for c in token))
    short = word_count <= SHORT_WORDS
    label_key = " ".join(_LABEL_STRIP.sub("", stripped.lower()).split()) if word_count <= 5 else ""
    label_category = lists.labels.get(label_key) if label_key else None
    if label_category is None and stripped[:1] == "[" and _BUTTON_ROW.match(stripped):
        label_category = "site buttons"  # a row of bracketed buttons: a label each

    def info(kind: str, score: float = 0.0, **extra: Any) -> LineInfo:
        return _info(first, kind, last_line, score, short=short, last=last, joined=stripped, **extra)

    if tally is None and not report:
        if label_category:
            return info(BLOCK, _W_PHRASE, categories=((label_category, 1.0),), evidence=(("label", stripped),))
        if not short:
            return info(GOOD)
    if tally is None:
        tally = _Tally()
    if report and word_count >= 5:
        return info(GOOD, reported=True)
    evidence = list(tally.evidence)
    pattern_hits = 0
    price = False
    if short or tally.you or tally.we or tally.imp or tally.strong:
        normalized = stripped.lower()
        if lists.patterns is not None:
            for m in lists.patterns.finditer(normalized):
                pattern_hits += 1
                tally.add_category(lists.pattern_categories[m.lastgroup], _W_PATTERN)
                evidence.append(("pattern", m.group().strip()))
        m = _PRICE.search(stripped) if _DIGIT.search(stripped) else None  # a price has a digit
        if m:
            price = True
            evidence.append(("price", m.group().strip()))
    if label_category:
        tally.add_category(label_category, 1.0)
        evidence.append(("label", stripped))
    reader = tally.you + tally.we + tally.imp + pattern_hits + tally.phrases
    score = (min(tally.you, 3) * _W_YOU + min(tally.we, 4) * _W_WE + min(tally.imp, 2) * _W_IMP
             + min(tally.urge, 2) * _W_URGE
             + min(tally.strong * _W_SITE_STRONG + tally.weak * _W_SITE_WEAK, 4.5)
             + (_W_PRICE if price and (reader or tally.strong) else 0.0)
             + min(tally.phrases, 2) * _W_PHRASE + min(pattern_hits, 2) * _W_PATTERN)
    if tally.we and (tally.you or tally.imp):
        score += _W_BOTH  # the publisher speaking to the reader: "help us", "we need you"
    if tally.imp and tally.urge and word_count <= 6:
        score += _W_BOTH  # a call to action with a deadline: "Download now", "Join today"
    if tally.dismiss and word_count <= 4:
        score += _W_DISMISS  # a button that closes a pop-up: "Maybe not", "No thanks"
    if word_count <= 6 and stripped.endswith("?"):
        score += _W_QUESTION  # a question put to the reader: "Found this useful?"
    site_voice = bool(tally.we or tally.strong or tally.phrases or pattern_hits)
    about_site = tally.strong or tally.weak >= 2 or price or tally.phrases or pattern_hits
    if label_category or (short and (tally.phrases or pattern_hits)):
        kind = BLOCK
    elif short:
        if score >= _SHORT_BLOCK and reader:
            kind = BLOCK
        elif score >= 1.0 or price:
            kind = WEAK
        else:
            kind = NEUTRAL
    elif (score >= _LONG_BLOCK and score / word_count >= _LONG_DENSITY and about_site
          and (tally.you + tally.we + pattern_hits or tally.imp >= 2 or (tally.imp and tally.phrases))):
        # a long line must speak to the reader itself; a listed phrase inside a third-person sentence
        # ("sites that ask visitors to accept all cookies saw ...") is the story reporting on it, and so
        # is one verb without a listed phrase ("the routine: open a story, dismiss a cookie banner, ...")
        kind = BLOCK
    elif score >= _LONG_WEAK and reader:
        kind = WEAK
    else:
        kind = GOOD
    categories = tuple(sorted(tally.site_categories().items()))
    return info(kind, score, site_voice=site_voice, categories=categories, evidence=tuple(evidence))
