"""broken-wrap (QC102): paragraphs hard-wrapped mid-sentence, as PDF or e-mail extraction leaves them.

How a wrap is recognised (one pass over the lines, then one over the breaks):

1. Structural lines are never part of a wrap: code (fenced, or indented in
   Markdown), headings, list items, table rows and aligned columns, bare
   URLs, captions and photo credits, all-capitals lines, rules.
2. The file's line-length ceiling: a wrapping tool breaks each line just
   before a fixed width, so the lengths of lines that break mid-sentence pile
   up just under one number. That number (the largest length in the pile,
   outliers dropped) is the wrap width; without at least two such lines there
   is no width and nothing is reported.
3. A break between two prose lines is a wrap when the line is near that width
   and the next line's first word would not have fitted on it (what a greedy
   wrapper does), or when the line ends in a word broken by a hyphen
   ("inter-" / "national").
4. Consecutive wrap breaks make one wrapped paragraph. It is reported when its
   breaks mostly fall mid-sentence after a word (not after sentence punctuation,
   which is how one-sentence-per-line text looks) and its lines do not mostly
   start with capitals (verse and lyrics). A lone break (a two-line paragraph)
   needs a width that several lines of the file confirm.
"""

from __future__ import annotations

import re
from typing import Iterator, Optional

from qualitycheck import hookimpl
from qualitycheck.lazyre import lazy_compile
from qualitycheck.model import Document, Fix, Issue, Rule, RuleContext, Severity
from qualitycheck.paragraphs import code_mask, unwrap

DOCS = """\
## What it does
Finds paragraphs that are hard-wrapped mid-sentence: every line ends just
before the same width (anywhere from about 40 to 110 columns) and the sentence
runs on in the next line, sometimes with a word split by a hyphen
("inter-" / "national"). One finding per wrapped paragraph, spanning its
lines; the message gives the detected width. The fix joins the lines.

Not taken for wraps: verse and lyrics, bulleted and numbered lists, tables
and aligned columns, headings, datelines, captions, front matter, code blocks
(fenced, or indented in Markdown), the short last line of a paragraph, and a
single short paragraph.

## Why is this bad?
Text extracted from a PDF or an e-mail keeps the line breaks of the page. In
a web page, an app or a training set each paragraph then breaks at random
places, and search, sentence splitting and text-to-speech stumble over the
broken sentences and split words.

## Example
```text
The harbour authority said on Monday that the new ferry terminal would
open in the spring, two years later than planned, after inspectors found
cracks in the concrete of the main pier.
```
is reported as `paragraph hard-wrapped at about 72 columns (3 lines); join
the lines`. The same paragraph on one line is fine.

Some Markdown repositories wrap their posts on purpose, usually at 72 to 80
columns; Markdown renders such paragraphs as one. If yours does, turn the
rule off for Markdown only:
```yaml
rules:
  broken-wrap:
    options:
      formats: {md: false}
```

## Options
- `formats` (object, default `{}`): input format name (`txt`, `md`, `jsonl`, or
  a plugin loader's) to `true`/`false`; a format set to `false` is not checked.
  Every format is checked by default.
- `min-width` (integer, default 40): narrower wrap widths are not reported
  (verse and short lines stay under it). Below 55 columns (a newspaper
  column) a paragraph needs three lines or more to count.
- `max-width` (integer, default 140): wider lines are never taken for a wrap.
"""

MIN_WIDTH, MAX_WIDTH = 40, 140  # the defaults of `min-width` and `max-width`

OPTIONS_SCHEMA = {
    "type": "object",
    "additionalProperties": False,
    "properties": {
        "formats": {
            "type": "object",
            "additionalProperties": {"type": "boolean"},
            "default": {},
            "description": "Input format -> false to skip files of that format (e.g. {md: false} for Markdown "
                           "wrapped on purpose).",
        },
        "min-width": {"type": "integer", "minimum": 20, "default": MIN_WIDTH,
                      "description": "Narrowest wrap width reported."},
        "max-width": {"type": "integer", "minimum": 20, "default": MAX_WIDTH,
                      "description": "Widest line taken for a wrapped line."},
    },
}

_HEADING = lazy_compile(r"^ {0,3}#{1,6}(?:\s|$)")
_RULE_LINE = lazy_compile(r"^ {0,3}(?:[-=_*~]\s*){3,}$")
_LIST_ITEM = lazy_compile(r"^\s*(?:([-\u2013\u2014])\s|[*+\u2022\u00b7\u25aa\u25e6\u2023\u25cf\u25a0]\s|\(?\d{1,3}[.)]\s|\(?[a-zA-Z]\)\s)")
_TABLE = lazy_compile(r"^\s*\||\|.*\||\S(?: {3,}|\t)\S")
_BARE_URL = lazy_compile(r"^\s*<?(?:[a-z][a-z0-9+.-]*://|www\.)\S*>?\s*$", re.IGNORECASE)
_CAPTION = lazy_compile(
    r"\s*(?:\u00a9|[(\[]?(?i:photo(?:graph)?s?|image|picture|pictured|caption|credits?|illustration|graphic|video"
    r"|file photo|source|above|top|left|right|pictures?)\b[^:|]{0,20}[:|])"
)
_CREDIT_END = lazy_compile(r"\s[/|\u00a9]\s*[A-Z][\w.&'\u2019-]*(?:\s+[A-Z][\w.&'\u2019-]*){0,4}\s*\)?$")
_HEADER = lazy_compile(
    r"^\s*(?i:subject|from|to|cc|bcc|date|sent|reply-to|title|author|byline|source|tags?|category|section"
    r"|keywords|location|url|link|published|updated|filed|credit|photo|image|caption)\s*:\s")
_QUOTE_PREFIX = lazy_compile(r"^\s*(?:>\s?)+")
_CLOSERS = "\"'\u201d\u2019\u00bb)]*_"
_TERMINAL = frozenset(".!?\u2026")

_STRUCTURAL, _PROSE, _ISOLATED, _BLANK = 0, 1, 2, -1

# Words a sentence does not end on: a line ending in one was cut mid-sentence.
_FUNCTION_WORDS = frozenset("""
a an the of to in on at for with by from into onto upon about after before over under between through during
against among across along around toward towards without within and or but nor that which who whom whose as
than if when while where because so is are was were be been being has have had will would could should can
may might must shall do does did not no its their his her our your my this these those such some any each
every more most very both all also its than then there per via
""".split())


def _line_kind(line: str, stripped: str) -> int:
    """Whether a non-blank line can be part of a wrapped paragraph (list items are decided by the caller).

    Each pattern runs only on lines that hold the character it needs (a
    caption or header a colon, a bare URL no space), so a prose line costs a
    few substring tests, not a regular expression each.
    """
    if stripped == stripped.upper():  # no lower-case letter: ALL-CAPS headings, datelines, numbers
        return _STRUCTURAL
    first = stripped[0]
    if first in "#-=_*~<|" and (_HEADING.match(line) or _RULE_LINE.match(line) or _BARE_URL.match(line)):
        return _STRUCTURAL
    if "|" in stripped or "   " in stripped or "\t" in stripped:
        if _TABLE.search(line):
            return _STRUCTURAL
    if (first == "\u00a9" or ":" in stripped or "|" in stripped) and (
            _CAPTION.match(stripped) or _HEADER.match(stripped)):
        return _STRUCTURAL
    if " " not in stripped and _BARE_URL.match(stripped):
        return _STRUCTURAL
    if ("/" in stripped or "\u00a9" in stripped) and _CREDIT_END.search(stripped):
        return _STRUCTURAL
    return _PROSE


# What a list item's marker starts with (see _LIST_ITEM), besides a digit or a letter followed by ")".
_LIST_MARKS = "-\u2013\u2014*+\u2022\u00b7\u25aa\u25e6\u2023\u25cf\u25a0("


class _Lines:
    """Per-line facts the break decisions need, computed once per document.

    Blank, code and one-line-paragraph lines get only their kind (and length);
    the other facts are computed for the lines of blocks of several lines, the
    only ones that have a break to judge.
    """

    __slots__ = ("kind", "length", "first_word", "ends_terminal", "ends_colon", "ends_word", "ends_function",
                 "hyphen", "starts_upper", "starts_lower")

    def __init__(self, lines: list[str], markdown: bool, text: Optional[str] = None) -> None:
        n = len(lines)
        code = code_mask(lines, markdown, text)
        self.kind = kind = [_STRUCTURAL] * n
        self.length = length = [0] * n
        self.first_word = first_word = [0] * n
        self.ends_terminal = ends_terminal = [False] * n
        self.ends_word = ends_word = [False] * n
        self.ends_colon = ends_colon = [False] * n
        self.ends_function = ends_function = [False] * n
        self.hyphen = hyphen = [False] * n
        self.starts_upper = starts_upper = [False] * n
        self.starts_lower = starts_lower = [False] * n
        # blank[i + 1] is line i's; a blank line before the first and after the last
        blank = [True, *[not line or line.isspace() for line in lines], True]
        in_list = False  # inside a list item: its continuation lines are list content, not wraps
        for i, line in enumerate(lines):
            if blank[i + 1] or code[i]:
                if blank[i + 1]:
                    kind[i] = _BLANK
                in_list = False
                continue
            line = line.rstrip()
            length[i] = len(line.expandtabs()) if "\t" in line else len(line)
            if blank[i] and blank[i + 2]:
                kind[i] = _ISOLATED  # a one-line paragraph: no break to judge
                in_list = False
                continue
            lead = content = line.lstrip()
            if lead[0] == ">":
                content = _QUOTE_PREFIX.sub("", line)
                if not content:
                    continue
                content = content.strip()
            item = None
            if lead[0] in _LIST_MARKS or lead[0].isdigit() or lead[1:2] == ")":
                item = _LIST_ITEM.match(line)
                if item and item.group(1) and i and kind[i - 1] == _PROSE and not ends_terminal[i - 1] \
                        and not lines[i - 1].rstrip().endswith(":"):
                    item = None  # "- " or an en/em dash that a wrap moved to the start of the line
            if item:
                in_list = True
            if item or in_list or _line_kind(line, content) != _PROSE:
                continue  # structural: the facts below are read for prose lines only
            kind[i] = _PROSE
            space = content.find(" ")
            first_word[i] = space if space > 0 else len(content)
            first = content[0]
            starts_upper[i] = first.isupper() or (not first.isalnum() and content[1:2].isupper())
            starts_lower[i] = first.islower()
            last = content[-1]
            hyphen[i] = broken = last == "-" and len(content) >= 2 and content[-2].isalpha()  # "inter-"
            end = (content.rstrip(_CLOSERS) or content)[-1] if last in _CLOSERS else last
            ends_terminal[i] = terminal = end in _TERMINAL
            ends_colon[i] = end == ":"
            ends_word[i] = last.isalnum() or (last in _CLOSERS and not terminal) or broken
            if last.isalpha():
                ends_function[i] = content[content.rfind(" ") + 1:].lower() in _FUNCTION_WORDS

    def strong(self, breaks: list[int]) -> list[bool]:
        """For each line, whether the break after it (one of `breaks`) is plainly mid-sentence: a split word, a
        line ending in a word like "the" or "of", or a next line that starts lower-case."""
        strong = [False] * len(self.kind)
        hyphen, ends_function, starts_lower = self.hyphen, self.ends_function, self.starts_lower
        for i in breaks:
            strong[i] = hyphen[i] or ends_function[i] or starts_lower[i + 1]
        return strong


# Below this width (a newspaper column of a PDF), two lines are no evidence: verse couplets are as wide.
_NARROW = 55


def _length_floor(min_width: int) -> int:
    """The shortest line whose length is evidence of the wrap width."""
    return max(min_width - 15, 20)


def _may_have_width(lines: list[str], floor: int) -> bool:
    """Whether at least two lines could be measured for the wrap width (see `_wrap_width`).

    A measured line is at least `floor` columns long, followed by a non-blank
    line, and does not end a sentence; most articles (one paragraph per line)
    have none, and this test of the raw lines, without the per-line facts,
    lets them skip the rest.
    """
    found = 0
    for line, following in zip(lines, lines[1:]):
        if len(line) < floor and "\t" not in line:
            continue  # too short, even with tabs expanded
        if not following or following.isspace():
            continue
        line = line.rstrip()
        if (len(line.expandtabs()) if "\t" in line else len(line)) < floor:
            continue
        tail = line.rstrip(_CLOSERS) or line  # as `_Lines` computes `ends_terminal`, quote markers aside
        if tail[-1] not in _TERMINAL:
            found += 1
            if found == 2:
                return True
    return False


def _wrap_width(facts: _Lines, min_width: int, max_width: int) -> tuple[Optional[int], int]:
    """(the file's wrap width, how many lines confirm it), or (None, 0)."""
    lengths = []
    kind, length = facts.kind, facts.length
    floor = _length_floor(min_width)
    for i in range(len(kind) - 1):
        if kind[i] == _PROSE and kind[i + 1] == _PROSE and not facts.ends_terminal[i] and floor <= length[i]:
            lengths.append(length[i])
    if len(lengths) < 2:
        return None, 0
    lengths.sort()
    median = lengths[len(lengths) // 2]
    kept = [value for value in lengths if value <= median * 1.2]
    width = kept[-1]
    if not min_width <= width <= max_width:
        return None, 0
    band = max(6, round(width * 0.15))
    support = sum(1 for value in kept if value >= width - band)
    return (width, support) if support >= 2 else (None, 0)


def _fits(width: int) -> int:
    """Past this many columns, a line and the next line's first word would not have fitted at `width`: the
    width less a tolerance, because PDF text is ragged (proportional fonts fit more or fewer characters)."""
    return width - max(3, round(width * 0.08))


def _wrap_breaks(facts: _Lines, width: int) -> list[int]:
    """The lines (0-based) after which the break is where a wrapper at `width` would break, in order.

    Both lines must be prose and the first must come close to the width. A
    break mid-sentence is then a wrap (PDF text is ragged: proportional fonts
    fit more or fewer characters per line); a break after sentence
    punctuation only when the next line's first word would not have fitted,
    as a greedy wrapper decides.
    """
    kind, length, ends_terminal, first_word = facts.kind, facts.length, facts.ends_terminal, facts.first_word
    longest, shortest = width * 1.15, width * 0.72
    fits = _fits(width)
    breaks = []
    for i in range(len(kind) - 1):
        if kind[i] == _PROSE and kind[i + 1] == _PROSE and shortest <= length[i] <= longest and (
                not ends_terminal[i] or length[i] + 1 + first_word[i + 1] > fits):
            breaks.append(i)
    return breaks


def _runs(breaks: list[int]) -> Iterator[tuple[int, int]]:
    """(first, last) of each run of consecutive breaks: breaks first..last-1, so lines first..last."""
    if not breaks:
        return
    first = previous = breaks[0]
    for i in breaks[1:]:
        if i != previous + 1:
            yield first, previous + 1
            first = i
        previous = i
    yield first, previous + 1


def find_wraps(lines: list[str], markdown: bool, min_width: int = MIN_WIDTH, max_width: int = MAX_WIDTH,
               text: Optional[str] = None) -> Iterator[tuple[int, int, int]]:
    """(first line, last line, width) of each hard-wrapped paragraph; lines 1-based, inclusive.

    `text` is the joined `lines`, when the caller has it (it speeds up finding code blocks).
    """
    if not _may_have_width(lines, _length_floor(min_width)):
        return
    facts = _Lines(lines, markdown, text)
    width, support = _wrap_width(facts, min_width, max_width)
    if width is None:
        return
    breaks = _wrap_breaks(facts, width)
    strong = facts.strong(breaks)
    # A file wrapped as a whole (a PDF or e-mail extraction): many wrap breaks that mostly read on mid-sentence
    # and mostly fall after a word (not after a comma, as one-clause-per-line text does), and hardly any prose
    # line far beyond the width. There a lone two-line paragraph is enough evidence.
    total = len(breaks)
    strong_count = sum(1 for i in breaks if strong[i])
    word_ends = sum(1 for i in breaks if facts.ends_word[i])
    too_long = width * 1.3
    overlong = sum(1 for length, kind in zip(facts.length, facts.kind)
                   if length > too_long and (kind == _PROSE or kind == _ISOLATED))
    whole_file = (support >= 4 and strong_count * 5 >= total * 3 and word_ends * 2 >= total
                  and overlong * 3 <= support)
    for first, last in _runs(breaks):
        if _looks_wrapped(facts, strong, first, last, width, support, whole_file):
            yield first + 1, last + 1, width


def _looks_wrapped(facts: _Lines, strong: list[bool], first: int, last: int, width: int, support: int,
                   whole_file: bool) -> bool:
    """Whether lines `first`..`last` (0-based) read as a wrapped paragraph, not verse or one sentence per line.

    `strong` tells which breaks read on mid-sentence (see `_Lines.strong`).
    """
    count = last - first
    length, first_word, ends_terminal = facts.length, facts.first_word, facts.ends_terminal
    ends_word, starts_upper, hyphen = facts.ends_word, facts.starts_upper, facts.hyphen
    fits = _fits(width)
    strong_count = solid = word_ends = capitals = hyphens = 0
    for j in range(first, last):  # one pass over the breaks counts what the tests below weigh
        forced = length[j] + 1 + first_word[j + 1] > fits  # the next word would not have fitted
        strong_count += strong[j]
        solid += strong[j] or forced
        word_ends += ends_word[j] or (whole_file and not ends_terminal[j] and forced)
        capitals += starts_upper[j + 1]
        hyphens += hyphen[j]
    if not whole_file and (strong_count * 2 < count + (count == 1) or not ends_terminal[last]):
        # verse, lyrics, captions: lines that start capitalised, end at phrase boundaries, and a stanza
        # that does not end like a sentence
        return False
    if solid * 2 < count + (count == 1):
        return False  # breaks that neither read on mid-sentence nor are forced by the width: verse in a wrapped file
    if count == 1:  # a two-line paragraph: the break must be mid-sentence and the width confirmed elsewhere
        if width < _NARROW:
            return False  # a couplet of verse looks the same
        tight = length[first] >= fits
        return (support >= 3 and not ends_terminal[first] and (ends_word[first] or tight)
                and (ends_terminal[last] or facts.ends_colon[last]))  # and ends like a paragraph
    if word_ends * 2 < count:
        return False  # one clause per line (semantic line breaks)
    if not whole_file and count >= 2 and capitals * 4 >= count * 3 and not hyphens:
        return False  # verse: every line starts with a capital
    return True


def _joined(lines: list[str]) -> str:
    """The wrapped lines as one, keeping the first line's indentation or "> " quote markers."""
    quote = lines[0].lstrip().startswith(">") and _QUOTE_PREFIX.match(lines[0])
    if quote:
        prefix = quote.group(0)
        return prefix + unwrap([_QUOTE_PREFIX.sub("", line, count=1) for line in lines])
    first = lines[0]
    return first[: len(first) - len(first.lstrip())] + unwrap(lines)


def check_broken_wrap(document: Document, context: RuleContext) -> Iterator[Issue]:
    """One issue per hard-wrapped paragraph of `document`."""
    options = context.options
    if (options.get("formats") or {}).get(document.format, True) is False:
        return
    lines = document.lines
    markdown = document.format == "md"
    for first, last, width in find_wraps(lines, markdown, options.get("min-width", MIN_WIDTH),
                                         options.get("max-width", MAX_WIDTH), document.text):
        count = last - first + 1
        message = f"paragraph hard-wrapped at about {width} columns ({count} lines); join the lines"
        if markdown:
            message += " (if this repository wraps Markdown on purpose, set broken-wrap option formats: {md: false})"
        yield Issue.for_lines(document, first, last, message,
                              fix=Fix(_joined(lines[first - 1:last]), "join the wrapped lines into one"))


@hookimpl
def qualitycheck_register_rules():
    return [
        Rule(
            name="broken-wrap",
            code="QC102",
            summary="A paragraph hard-wrapped mid-sentence (PDF or e-mail extraction)",
            check=check_broken_wrap,
            default_severity=Severity.WARNING,
            options_schema=OPTIONS_SCHEMA,
            docs=DOCS,
        )
    ]
