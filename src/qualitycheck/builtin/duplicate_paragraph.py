"""duplicate-paragraph (QC105): the same paragraph twice in one article.

Paragraphs are compared after `paragraphs.unwrap` and `paragraphs.normalize`
(wrapping, whitespace, case and punctuation folded away) through a dict of
normalized text, so the check is linear in the article's length.

A paragraph is a blank-line separated block. A block whose line breaks all
fall at sentence ends ("One paragraph per line" text, common in JSONL
records) is also compared line by line, so a repeated line-paragraph is
found there too.
"""

from __future__ import annotations

from itertools import compress
from typing import Iterator, Optional, Sequence

from qualitycheck import hookimpl
from qualitycheck.lazyre import lazy_compile
from qualitycheck.model import Document, Issue, Related, Rule, RuleContext, Severity
from qualitycheck.paragraphs import code_mask, normalize, paragraph_spans, squashed, squashed_lines, unwrap

DOCS = """\
## What it does
Reports a paragraph that repeats an earlier paragraph of the same article,
after folding wrapping, whitespace, case and punctuation, so a hard-wrapped
copy of an unwrapped paragraph still matches. Each repeat is reported,
spanning its lines, with a pointer (`related`) to the first occurrence.
Short paragraphs ("Photo: Reuters", a chant quoted twice), verse (a block
whose lines are all at most 45 characters, such as a chorus sung again) and
code blocks are not compared.

## Why is this bad?
A scraper that read a paywall teaser and then the full text, or a page's
summary and then its body, leaves the same paragraph twice; readers notice,
and a training set learns to repeat itself.

## Example
```text
The bridge will close for repairs from Monday, the transport office said.

Commuters are advised to use the ferry.

The bridge will close for repairs from Monday, the transport office said.
```
The third paragraph is reported as `paragraph repeats the one on line 1
(12 words); remove the copy`.

## Options
- `min-words` (integer, default 10): paragraphs with fewer words are not compared.
- `min-chars` (integer, default 60): paragraphs with fewer characters (after
  normalizing) are not compared.
"""

OPTIONS_SCHEMA = {
    "type": "object",
    "additionalProperties": False,
    "properties": {
        "min-words": {"type": "integer", "minimum": 1, "default": 10,
                      "description": "Shortest paragraph, in words, that is compared."},
        "min-chars": {"type": "integer", "minimum": 1, "default": 60,
                      "description": "Shortest paragraph, in characters after normalizing, that is compared."},
    },
}

_HEADING = lazy_compile(r"^ {0,3}#{1,6}(?:\s|$)")
# A block whose every line is at most this long is verse (a wrapping tool breaks prose near 55-110 columns).
_VERSE_LINE = 45
_SENTENCE_END = frozenset(".!?\u2026\"'\u201d\u2019)")


def _line_per_paragraph(lines: Sequence[str]) -> bool:
    """Whether every line of a block ends a sentence and the next starts a new one (not a wrapped paragraph)."""
    for index in range(len(lines) - 1):
        line = lines[index].rstrip()
        following = lines[index + 1].lstrip()
        if not line or line[-1] not in _SENTENCE_END or not following or following[0].islower():
            return False
    return True


def _may_repeat(lines: list[str], line_keys: list[bytes], skip: list[bool]) -> bool:
    """Whether two blocks or lines could be alike: False only when none can repeat another.

    `line_keys` are the lines' squashed forms (see `paragraphs.squashed_lines`);
    a block's is the join of its lines'. Two equal line forms may repeat, and so
    may a block of several lines whose form equals a line's or another
    block's. An empty form (no letter or digit) never makes a paragraph long
    enough to compare, so it is left out. Most articles have one-line
    paragraphs only, all different: they pass with C-level work only.
    """
    distinct = set(line_keys)
    distinct.discard(b"")
    if len(distinct) < len(line_keys) - line_keys.count(b""):
        return True  # two lines alike
    if not _has_adjacent_lines(lines):
        return False  # no block of several lines
    for start, end in paragraph_spans(lines, skip):
        if end - start > 1:
            key = b"".join(line_keys[start:end])
            if key in distinct:
                return True
            distinct.add(key)
    return False


def _has_adjacent_lines(lines: list[str]) -> bool:
    """Whether two non-blank lines follow one another."""
    filled = list(compress(range(len(lines)), map(str.strip, lines)))  # the non-blank lines' indices
    return not set(filled).isdisjoint(map((1).__add__, filled))


def _block_keys(document: Document, spans: list[tuple[int, int]], by_line: list[bool],
                per_line_keys: Optional[list[bytes]]) -> tuple[list[Optional[bytes]], list[list[bytes]]]:
    """The squashed forms (see `paragraphs.squashed`) of each block, and of its lines when it is one paragraph per
    line: (per block, None for verse; per block, its lines' or []). `per_line_keys` are the lines' forms, if known."""
    lines = document.lines
    keys: list[Optional[bytes]] = []
    line_keys: list[list[bytes]] = []
    for (start, end), per_line in zip(spans, by_line):
        if per_line_keys is None:  # not ASCII: squash each block
            block = lines[start:end]
            keys.append(None if _verse(block) else squashed(block))
            line_keys.append([squashed((line,)) for line in block] if per_line else [])
        elif end - start == 1:  # the common case: a one-line paragraph
            keys.append(per_line_keys[start])
            line_keys.append([])
        else:
            keys.append(None if _verse(lines[start:end]) else b"".join(per_line_keys[start:end]))
            line_keys.append(per_line_keys[start:end] if per_line else [])
    return keys, line_keys


def check_duplicate_paragraph(document: Document, context: RuleContext) -> Iterator[Issue]:
    """One issue per paragraph that repeats an earlier one."""
    min_words = context.options.get("min-words", 10)
    min_chars = context.options.get("min-chars", 60)
    lines = document.lines
    seen: dict[str, int] = {}  # normalized paragraph -> its first text line
    offset = document.first_line - 1

    skip = code_mask(lines, document.format == "md", document.text)
    if "#" in document.text:
        for number, line in enumerate(lines):
            if not skip[number] and line[:1] in (" ", "#") and _HEADING.match(line):
                skip[number] = True  # a heading is not part of the paragraph under it
    # Only blocks whose squashed form (see `paragraphs.squashed`) occurs twice can repeat one another,
    # so only those are normalized: the blocks compared, and the lines of blocks that may be compared
    # line by line. Most articles have no two equal squashed forms at all.
    per_line_keys = squashed_lines(document.text)
    if per_line_keys is not None and not _may_repeat(lines, per_line_keys, skip):
        return
    spans = paragraph_spans(lines, skip)
    by_line = [end - start > 1 and _line_per_paragraph(lines[start:end]) for start, end in spans]
    squashes, line_squashes = _block_keys(document, spans, by_line, per_line_keys)
    counts: dict[bytes, int] = {}
    for block_key, keys in zip(squashes, line_squashes):
        for key in keys + ([block_key] if block_key is not None else []):
            counts[key] = counts.get(key, 0) + 1

    def long_enough(block: Sequence[str]) -> Optional[tuple[str, int]]:
        """(normalized text, words) when the block is long enough to compare, else None."""
        key = normalize(unwrap(block))
        if len(key) < min_chars:
            return None
        words = key.count(" ") + 1
        return None if words < min_words else (key, words)

    def compare(first: int, last: int, block: Sequence[str], squash: Optional[bytes],
                needed: bool) -> tuple[Optional[Issue], bool]:
        """(an issue when the block repeats an earlier one, whether it is long enough to compare).

        A block that can repeat nothing is normalized only when the caller `needed` to know its length.
        """
        if squash is None:
            return None, False  # a stanza or refrain of verse: songs and poems repeat their chorus on purpose
        if counts[squash] < 2:
            return None, bool(needed and long_enough(block))
        found = long_enough(block)
        if found is None:
            return None, False
        key, words = found
        original = seen.get(key)
        if original is None:
            seen[key] = first
            return None, True
        return Issue.for_lines(
            document, first, last,
            f"paragraph repeats the one on line {original + offset} ({words} words); remove the copy",
            related=(Related(document.path, document.record, original + offset),),
        ), True

    for (start, end), per_line, squash, keys in zip(spans, by_line, squashes, line_squashes):
        issue, compared = compare(start + 1, end, lines[start:end], squash, per_line)
        if issue is not None:
            yield issue
            continue
        if not per_line or not compared:  # a block too short to compare has lines too short as well
            continue
        for number, key in zip(range(start + 1, end + 1), keys):
            issue, _ = compare(number, number, (lines[number - 1],), key, False)
            if issue is not None:
                yield issue


def _verse(block: Sequence[str]) -> bool:
    """Whether every line of a block of several lines is short, as in verse (not hard-wrapped prose)."""
    return len(block) > 1 and all(len(line.strip()) <= _VERSE_LINE for line in block)


@hookimpl
def qualitycheck_register_rules():
    return [
        Rule(
            name="duplicate-paragraph",
            code="QC105",
            summary="The same paragraph twice in one article (after unwrapping and normalizing)",
            check=check_duplicate_paragraph,
            default_severity=Severity.WARNING,
            options_schema=OPTIONS_SCHEMA,
            docs=DOCS,
        )
    ]
