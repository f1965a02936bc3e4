"""future-url (QC104): links whose path date is after the article's publication date.

A link to /2025/06/25/... in an article published on 2021-12-02 cannot have
existed when the article was written: a scraper or a "related articles"
widget of a later page injected it. URL dates and publication dates are read
by `qualitycheck.dates`; URLs are found by `qualitycheck.urls`.
"""

from __future__ import annotations

import datetime as dt
from typing import Any, Iterator, Mapping, Optional, Sequence

from qualitycheck import hookimpl
from qualitycheck.dates import (UrlDate, describe_gap, describe_months, find_dateline, months_between, parse_date,
                                url_path_date)
from qualitycheck.lazyre import lazy_compile
from qualitycheck.model import Document, Issue, Rule, RuleContext, Severity
from qualitycheck.urls import find_urls

DEFAULT_DATE_FIELDS = ["date", "published", "published_at", "publishedAt", "published_date", "publishedDate",
                       "date_published", "datePublished", "publication_date", "pubdate", "pub_date", "publish_date",
                       "post_date", "created", "created_at", "date_created", "dateCreated", "issued"]

DOCS = """\
## What it does
Reports a link whose path carries a date (`/2025/06/25/`, `/2025-06-25-slug`,
`/20250625/`, `/2025/jun/25/`, or a month `/2025/06/`) later than the article's publication
date. Links are found in plain text, Markdown links and `<angle brackets>`.
Only real calendar dates between 1990 and 2099 that form whole path tokens
count, so numeric ids (`/item/20251399/`, `/1234/5678/`) are ignored. A link
dated the same day as the article, or earlier, is fine; a month-only link
counts only when its whole month is after the publication month.

The publication date is, in this order: the first metadata field from
`date-fields` that holds a date (front matter, or JSONL record fields); a
dateline or byline near the top of the text (`STOCKHOLM, Dec. 2, 2021 —`,
`Published 2 December 2021`, `Updated: 2021-12-02`, `By Ana Ruiz | March 3,
2020`, `Posted 14/03/2022`; a numeric date that reads both as day/month and as
month/day counts as the later of the two; the earliest dateline when there are
several); else the date given with
`--as-of` (today by default). The message names both dates, the gap, and
where the publication date came from.

Links inside an update note (a paragraph that starts with `Update:`,
`Editor's note:`, `Correction:`, `Addendum:` and the like, or a section
under an "Updates" heading) are not reported by default: posts are edited
after publication to link to later parts of a series, and those links are
legitimate. Set `update-notes: report` to report them too.

## Why is this bad?
A link cannot exist before the page it points to. A future-dated URL is
debris a scraper picked up from a later version of the page (a "related
articles" box, a URL dump), or a sign that the publication date is wrong.

## Example
```markdown
---
date: 2021-03-04
---
The council approved the budget on Thursday.

https://news.example.org/2023/09/14/council-budget-vote-follow-up
```
is reported as `URL dated 2023-09-14 is 2 years 6 months later than the
article's publication date 2021-03-04 (from the front matter field 'date');
the link could not have existed when the article was published`.

## Options
- `date-fields` (list of strings, default `[date, published, published_at,
  publishedAt, published_date, publishedDate, date_published, datePublished,
  publication_date, pubdate, pub_date, publish_date, post_date, created,
  created_at, date_created, dateCreated, issued]`): metadata fields that may
  hold the publication date, tried in order (names match case-insensitively).
- `dateline-lines` (integer, default 12): how many non-blank lines at the top
  are searched for a dateline or byline date; 0 turns the search off.
- `update-notes` (`ignore` or `report`, default `ignore`): whether links in
  update notes and editor's notes are reported.
"""

OPTIONS_SCHEMA = {
    "type": "object",
    "additionalProperties": False,
    "properties": {
        "date-fields": {"type": "array", "items": {"type": "string", "minLength": 1},
                        "default": list(DEFAULT_DATE_FIELDS),
                        "description": "Metadata fields that may hold the publication date, in order."},
        "dateline-lines": {"type": "integer", "minimum": 0, "default": 12,
                           "description": "Non-blank lines at the top searched for a dateline or byline date."},
        "update-notes": {"enum": ["ignore", "report"], "default": "ignore",
                         "description": "Whether links in 'Update:' / 'Editor's note:' paragraphs are reported."},
    },
}

_NOTE_START = lazy_compile(
    r"^[\s*_>#\[]*(?:\(?\d{4}-\d{2}-\d{2}\)?\s*)?"
    r"(?i:(?:an?\s+)?updated?s?|editor[\u2019']?s[\u2019']?\s+note|editorial\s+note|ed\.?\s+note|note\s+from\s+the\s+editor"
    r"|corrections?|clarifications?|addend(?:um|a)|postscript|p\.\s?s\.)"
    r"(?:\s*\([^)\n]{0,40}\)|\s+(?:on|from|at|in)\s+[^:\n]{1,40}?|\s+\d[^:\n]{0,30}?)?"
    r"[*_\]]*\s*(?:[:\u2013\u2014.]|-\s)"
)
_DATE_HINT = lazy_compile(r"[/_.-](?:19|20)\d\d(?:[/_.-](?:\d|[A-Za-z]{3}/\d)|\d{4}|\d\d/)")  # where a URL path date may be
_UPDATES_HEADING = lazy_compile(r"^\s{0,3}#{1,6}\s+.*\b(?i:updates?|editor[\u2019']?s\s+notes?|corrections?|addend(?:um|a))\b")
_HEADING = lazy_compile(r"^\s{0,3}#{1,6}\s")


def update_note_lines(lines: Sequence[str]) -> list[bool]:
    """For each line, whether it is part of an update or editor's note.

    A note runs from a line that starts with its label ("Update:", "UPDATE
    (June 2025):", "Editor's note:", "Correction:", "Addendum:") to the end of
    that paragraph; under a heading such as "## Updates" it runs to the next
    heading.
    """
    mask = [False] * len(lines)
    in_paragraph_note = False
    in_section_note = False
    for i, line in enumerate(lines):
        if _HEADING.match(line):
            in_section_note = bool(_UPDATES_HEADING.match(line))
            in_paragraph_note = False
            mask[i] = in_section_note
            continue
        if not line.strip():
            in_paragraph_note = False
            continue
        if not in_paragraph_note and _NOTE_START.match(line):
            in_paragraph_note = True
        mask[i] = in_paragraph_note or in_section_note
    return mask


def publication_date(document: Document, fields: Sequence[str], dateline_lines: int) -> Optional[
        tuple[dt.date, str]]:
    """(publication date, where it came from) from metadata or a dateline, or None."""
    metadata: Mapping[str, Any] = document.metadata or {}
    if metadata:
        lowered = {str(key).lower(): key for key in metadata}
        for name in fields:
            key = name if name in metadata else lowered.get(name.lower())
            if key is None:
                continue
            found = parse_date(metadata[key])
            if found:
                where = "record" if document.format == "jsonl" else "front matter"
                return found, f"from the {where} field '{key}'"
    if dateline_lines > 0:
        dateline = find_dateline(document.lines, dateline_lines)
        if dateline:
            found, line = dateline
            return found, f"from the dateline on line {line + document.first_line - 1}"
    return None


def _dated_urls(text: str) -> Iterator[tuple[int, int, UrlDate]]:
    """(start, end, path date) of each URL in `text` whose path holds a date.

    Only the lines where something date-like follows a slash are searched for
    URLs (a URL never spans lines), which keeps the cost low on long articles
    without links.
    """
    done = -1
    for hint in _DATE_HINT.finditer(text):
        if hint.start() < done:
            continue
        start = text.rfind("\n", 0, hint.start()) + 1
        end = text.find("\n", hint.end())
        if end < 0:
            end = len(text)
        done = end
        for url_start, url_end, url in find_urls(text[start:end]):
            found = url_path_date(url)
            if found is not None:
                yield start + url_start, start + url_end, found


def _is_later(url_date: UrlDate, published: dt.date) -> bool:
    if url_date.month_only:
        return (url_date.date.year, url_date.date.month) > (published.year, published.month)
    return url_date.date > published


def check_future_url(document: Document, context: RuleContext) -> Iterator[Issue]:
    """One issue per link dated after the publication date."""
    text = document.text
    if "/" not in text:
        return
    options = context.options
    dated = list(_dated_urls(text))
    if not dated:
        return
    source = publication_date(document, options.get("date-fields", DEFAULT_DATE_FIELDS),
                              options.get("dateline-lines", 12))
    if source is None:
        source = (context.as_of, "from --as-of, as the article has no date field or dateline")
    published, where = source
    notes: Optional[list[bool]] = None
    for start, end, url_date in dated:
        if not _is_later(url_date, published):
            continue
        if options.get("update-notes", "ignore") == "ignore":
            if notes is None:
                notes = update_note_lines(document.lines)
            line = document.index.position(start)[0]
            if notes[line - 1]:
                continue
        if url_date.month_only:
            gap = describe_months(months_between(published.replace(day=1), url_date.date))
        else:
            gap = describe_gap(published, url_date.date)
        message = (f"URL dated {url_date} is {gap} later than the article's publication date "
                   f"{published.isoformat()} ({where}); the link could not have existed when the article "
                   f"was published")
        yield Issue.for_span(document, start, end, message)


@hookimpl
def qualitycheck_register_rules():
    return [
        Rule(
            name="future-url",
            code="QC104",
            summary="A link whose path date is after the article's publication date",
            check=check_future_url,
            default_severity=Severity.WARNING,
            options_schema=OPTIONS_SCHEMA,
            docs=DOCS,
        )
    ]
