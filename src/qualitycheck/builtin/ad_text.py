"""The ad-text rule (QC101): ad, donation, paywall, newsletter, cookie, share, app and comment text.

A corpus rule, because lines that a site repeats on many pages are the
strongest sign of its template and only the corpus can tell. The work is
split so that the answer does not depend on which files are targets:

- `collect` (per document, cached, in workers) classifies every line from
  its own features, in one pass of a phrase automaton over the text (see
  `qualitycheck.boilerplate`), and keeps per line only its class, score,
  evidence and a 64-bit hash of its normalized text.
- `check` counts in how many documents each line hash occurs, promotes
  short non-story lines that recur in at least `template-min-documents`
  documents (unless most of that document recurs: then it is a copy of an
  article, not a template), then joins lines into blocks with their
  neighbours as context (as jusText does) and reports each block once.

A line of boilerplate is short, speaks to the reader ("you", "your"), tells
the reader to act, names prices and counts, talks about the site (donations,
subscriptions, newsletters, cookies, sharing, apps, comments, ads), or is a
button label; a sentence of the story attributes what it says ("said",
"according to") and is long and declarative. A phrase list is the floor:
a listed phrase settles a short line, but blocks without any are found too.
"""

from __future__ import annotations

from collections import Counter
from typing import Any, Iterable, Iterator

from qualitycheck import hookimpl
from qualitycheck.boilerplate import BLOCK, GOOD, NEUTRAL, SEPARATOR, WEAK, LineInfo, LineInfos, classify_lines
from qualitycheck.model import CorpusEntry, Document, Issue, Rule, RuleContext, Severity

DOCS = """\
## What it does
Finds text a scraper kept from the web page around an article: donation and
ad-free appeals, paywall and subscription prompts, newsletter sign-ups,
cookie banners, social-share buttons, app promos, comment widgets and
advertisement labels ("Enjoying our reporting? Support us", "You have 2 free
articles left", "Accept all cookies", "Share on Facebook", "Remind me later",
"Advertisement").

It reports each contiguous block once, spanning exactly its lines. A block is
found from how boilerplate is written, not only from a phrase list: short
lines, the reader addressed as "you", calls to action, prices and counts,
words about the site (subscriptions, cookies, newsletters, apps, comments),
button labels (alone, or a row of them: "Email · Print · Copy link", "[ Accept
all ] [ Settings ]"), and no reporting verbs, with the lines around as context.
Lines that recur verbatim in many articles of the repository (a site's
template) count as strong evidence. A sentence of the story is not flagged
because it mentions "support", "subscribe", "cookies" or "download", nor a
quote of someone urging readers to act ("Stay home," the mayor urged).
"Related article:" lines and bare URLs are left to `related-article`.

## Why is this bad?
The appeal is not part of the story: it misleads readers of the archive,
pollutes search and summaries, and teaches a model trained on the text to
beg for donations.

## Example
```text
Like what you read? Keep it coming.
Chip in $5 a month and we'll keep every story free.
Not now

The city council approved the new budget on Tuesday ...
```
is reported once, on lines 1-3:
`donation appeal left from the web page (3 lines): speaks to the reader
("you", "we'll"); asks for money ("$5"); button label "Not now"`.

## Options
- `phrases` (list of strings, default: the shipped list): phrases that settle a
  short line; replaces the shipped list.
- `extra-phrases` (list of strings, default `[]`): phrases added to the list.
- `labels` (list of strings, default: the shipped list): whole-line button and
  widget labels ("Remind me later", "Advertisement"); replaces the shipped list.
- `extra-labels` (list of strings, default `[]`): labels added to the list.
- `patterns` (list of regular expressions, default: the shipped list): matched
  against lower-cased lines with whitespace collapsed ("you have 3 free
  articles left"); replaces the shipped list.
- `extra-patterns` (list of regular expressions, default `[]`): patterns added.
- `template-min-documents` (integer, default 5): a line found verbatim in at
  least this many articles counts as site template; 0 turns this off.
"""

_STRING_LIST = {"type": "array", "items": {"type": "string", "minLength": 1}}
_REGEX_LIST = {"type": "array", "items": {"type": "string", "minLength": 1, "format": "regex"}}

OPTIONS_SCHEMA = {
    "type": "object",
    "additionalProperties": False,
    "properties": {
        "phrases": {"type": ["array", "null"], "items": {"type": "string", "minLength": 1}, "default": None,
                    "description": "Phrases that settle a short line (replaces the shipped list)."},
        "extra-phrases": {**_STRING_LIST, "default": [], "description": "Phrases added to the list."},
        "labels": {"type": ["array", "null"], "items": {"type": "string", "minLength": 1}, "default": None,
                   "description": "Whole-line button and widget labels (replaces the shipped list)."},
        "extra-labels": {**_STRING_LIST, "default": [], "description": "Labels added to the list."},
        "patterns": {"type": ["array", "null"], "items": {"type": "string", "minLength": 1, "format": "regex"},
                     "default": None, "description": "Regular expressions for a line (replaces the shipped list)."},
        "extra-patterns": {**_REGEX_LIST, "default": [], "description": "Regular expressions added."},
        "template-min-documents": {"type": "integer", "minimum": 0, "default": 5,
                                   "description": "Articles a line must recur in to count as template (0: off)."},
    },
}

# A document most of whose lines recur elsewhere is a copy of an article, not a page with a template.
_COPY_SHARE = 0.5
# Cue score a run of weak lines at the top or bottom needs to count as a block.
_EDGE_EVIDENCE = 5.0
_EXCERPT_LIMIT = 200


def collect_lines(document: Document, context: RuleContext) -> tuple[LineInfo, ...]:
    """Per-line classes, evidence and hashes of one document (small and picklable)."""
    return LineInfos(classify_lines(document.text, document.lines, document.index.starts, context.options))


def check_corpus(entries: list[CorpusEntry], context: RuleContext) -> Iterator[Issue]:
    """Decide blocks for every target document, with line recurrence counted over all documents."""
    min_docs = context.options.get("template-min-documents", 5)
    counts: Counter = Counter()
    if min_docs:
        for entry in entries:
            counts.update({info.hash for info in entry.data or ()})
        if context.key_counts:  # checked against the archive index: the indexed articles' share
            counts.update({_unsigned(key): n for key, n in context.key_counts.items()})
    for entry in entries:
        if not entry.is_target or not entry.data:
            continue
        yield from _document_issues(entry, counts, min_docs)


def line_keys(data: Any) -> set[int]:
    """Index keys: the line hashes of a document (as signed 64-bit integers, what SQLite stores)."""
    return {info.hash - (1 << 64) if info.hash >= 1 << 63 else info.hash for info in data or ()}


def _unsigned(key: int) -> int:
    return key + (1 << 64) if key < 0 else key


def _document_issues(entry: CorpusEntry, counts: Counter, min_docs: int) -> Iterator[Issue]:
    infos: list[LineInfo] = list(entry.data)
    kinds = [info.kind for info in infos]
    recurring = {}
    if min_docs:
        repeats = [i for i, info in enumerate(infos) if counts[info.hash] >= min_docs]
        if repeats and len(repeats) <= _COPY_SHARE * len(infos):
            for i in repeats:
                if infos[i].kind in (WEAK, "N") and infos[i].short:
                    kinds[i] = BLOCK
                    recurring[i] = counts[infos[i].hash] - 1
    for first, last in _blocks(infos, kinds):
        yield _issue(entry, infos[first:last + 1], {i - first: n for i, n in recurring.items() if first <= i <= last})


def _blocks(infos: list[LineInfo], kinds: list[str]) -> Iterator[tuple[int, int]]:
    """(first, last) indexes of each boilerplate block, after context smoothing per segment."""
    total = len(infos)
    start = 0
    while start < total:
        if kinds[start] in (GOOD, SEPARATOR):
            start += 1
            continue
        end = start
        while end + 1 < total and kinds[end + 1] not in (GOOD, SEPARATOR):
            end += 1
        block = _smooth(infos, kinds, start, end, at_top=start == 0, at_bottom=end == total - 1)
        if block:
            yield block
        start = end + 1


def _edge_run(infos: list[LineInfo], kinds: list[str], start: int, end: int, at_top: bool,
              at_bottom: bool) -> tuple[int, int] | None:
    """A run of short weak lines at the very top or bottom that adds up to a block, or None."""
    def short_weak(i: int) -> bool:
        return kinds[i] == WEAK and infos[i].short

    if at_top and short_weak(start):
        first, last = start, start
        while last < end and short_weak(last + 1):
            last += 1
    elif at_bottom and short_weak(end):
        first, last = end, end
        while first > start and short_weak(first - 1):
            first -= 1
    else:
        return None
    run = infos[first:last + 1]
    if len(run) < 2 or sum(info.score for info in run) < _EDGE_EVIDENCE or not any(i.site_voice for i in run):
        return None
    return first, last


def _smooth(infos: list[LineInfo], kinds: list[str], start: int, end: int, at_top: bool,
            at_bottom: bool) -> tuple[int, int] | None:
    """The block inside the segment `start..end` (no story line inside), or None."""
    strong = [i for i in range(start, end + 1) if kinds[i] == BLOCK]
    if not strong:
        return _edge_run(infos, kinds, start, end, at_top, at_bottom)
    first, last = strong[0], strong[-1]
    while first > start and kinds[first - 1] == WEAK and infos[first - 1].short:
        first -= 1
    if at_bottom:
        last = end  # trailing widgets ("Read more", "Not now") under a bottom block
    else:
        while last < end and _trails(infos, kinds, last + 1):
            last += 1
    return first, last


def _trails(infos: list[LineInfo], kinds: list[str], i: int) -> bool:
    """Whether the short line `i`, under a block, belongs to it: a weak line; or the block's last line, with
    any cue at all, right under it and ending its paragraph (an appeal's sign-off such as "Every dollar goes
    to our newsroom." has only a word about the site, as the first line of the story's next paragraph may)."""
    info = infos[i]
    if not info.short:
        return False
    if kinds[i] == WEAK:
        return True
    ends_paragraph = i + 1 == len(infos) or infos[i + 1].number > info.last + 1
    return kinds[i] == NEUTRAL and info.score > 0 and info.number == infos[i - 1].last + 1 and ends_paragraph


def _issue(entry: CorpusEntry, lines: list[LineInfo], recurring: dict[int, int]) -> Issue:
    categories: Counter = Counter()
    phrases: list[str] = []
    labels: list[str] = []
    reader: list[str] = []
    actions: list[str] = []
    money: list[str] = []
    patterns: list[str] = []
    reported = False
    for info in lines:
        for category, weight in info.categories:
            categories[category] += weight
        for kind, text in info.evidence:
            target = {"phrase": phrases, "label": labels, "you": reader, "we": reader, "imp": actions,
                      "price": money, "pattern": patterns}.get(kind)
            if target is not None and text not in target:
                target.append(text)
        reported = reported or info.reported
    category = _category(categories)
    count = sum(info.last - info.number + 1 for info in lines)
    reasons = []
    if phrases:
        reasons.append("contains " + _quoted(phrases))
    if patterns:
        reasons.append(f"counts or prices put to the reader ({_quoted(patterns)})")
    if reader:
        reasons.append(f"speaks to the reader ({_quoted(reader, 3)})")
    if actions:
        reasons.append(f"calls to action ({_quoted(actions)})")
    if money and not patterns:
        reasons.append(f"asks for money ({_quoted(money)})")
    if labels:
        reasons.append(("button label " if len(labels) == 1 else "button labels ") + _quoted(labels, 3))
    if recurring:
        most = max(recurring.values())
        reasons.append(f"the same {'line is' if len(recurring) == 1 else 'lines are'} in {most} other articles "
                       f"(site template)")
    if count > 1 and not reported:
        reasons.append("no one is quoted or cited")
    if not reasons:
        reasons.append("short lines between boilerplate")
    plural = "line" if count == 1 else "lines"
    message = f"{category} left from the web page ({count} {plural}): {'; '.join(reasons[:5])}"
    first, last = lines[0], lines[-1]
    excerpt = _excerpt(lines)
    return Issue(message=message, line=first.number, column=1, end_line=last.last,
                 end_column=last.length + 1, excerpt=excerpt, document=entry.ref)


_GENERIC = ("site buttons", "site boilerplate")


def _category(categories: Counter) -> str:
    ranked = [name for name, _ in categories.most_common() if name not in _GENERIC]
    if not ranked:
        generic = [name for name, _ in categories.most_common()]
        return generic[0] if generic else "site boilerplate"
    if len(ranked) > 1 and categories[ranked[1]] >= 0.75 * categories[ranked[0]]:
        return f"{ranked[0]} and {ranked[1]}"
    return ranked[0]


def _quoted(items: Iterable[str], limit: int = 2) -> str:
    items = list(items)
    shown = ", ".join(f'"{item}"' for item in items[:limit])
    return shown + (", …" if len(items) > limit else "")


def _excerpt(lines: list[LineInfo]) -> str:
    text = "\n".join(info.text for info in lines).strip()
    if len(text) > _EXCERPT_LIMIT:
        text = text[: _EXCERPT_LIMIT - 1].rstrip() + "…"
    return text


@hookimpl
def qualitycheck_register_rules() -> list[Rule]:
    return [
        Rule(
            name="ad-text",
            code="QC101",
            summary="Ad, donation, paywall, newsletter, cookie, share, app or comment text left from the web page",
            check=check_corpus,
            collect=collect_lines,
            scope="corpus",
            default_severity=Severity.WARNING,
            options_schema=OPTIONS_SCHEMA,
            docs=DOCS,
            index_keys=line_keys,
            index_counts=True,
        )
    ]
