"""The related-article rule (QC103): promo lines and bare URL dumps left inside the body.

A corpus rule: `collect` finds the widget lines of one document (see
`qualitycheck.promos.find_widgets`: promo lines, labelled lists, blocks of
bare URLs), and `check` resolves them against the titles and URLs of every
article in the corpus, so that a promo naming an article of the archive
says which one. Findings do not depend on which files are targets.

A promo title and a bare URL whose slug spells the same title are one
"dead related link" (the scraper kept the widget's text and its link apart);
the finding sits on the promo line and points at the URL's line. The
opt-in HTTP check runs in `check`, once per run, over the URLs of target
documents only.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any, Iterator, Mapping, Optional

from qualitycheck import hookimpl
from qualitycheck.model import CorpusEntry, Document, Issue, Related, Rule, RuleContext, Severity
from qualitycheck.promos import Entry, Widget, find_widgets
from qualitycheck.urls import normalize_url, slug_words, words

DOCS = """\
## What it does
Finds what a related-articles widget leaves in the body of a scraped article:
promo lines ("Related article: <title>", "Read also:", "READ MORE:",
"See also", "More on this:", "Keep reading →", "Also from our health desk:",
with or without an arrow or bullet before them, in any case), a promo label
followed by a list of links or titles ("Most read", "More from the district
desk", "Elsewhere on our site" or "What other readers are reading" above two
or more bulleted headlines), and bare URLs or
blocks of URLs dumped between paragraphs. One finding per promo line, list
or URL block.

A promo title and a bare URL whose slug spells the same title are reported
once, as a dead related link, even when the URL comes much later in the text.
When a promoted title or URL names an article of the repository (its `title`
or `url` metadata), the message says so and the finding points at it.

Not flagged: a URL inside a sentence (a citation), a list of URLs introduced
by a line ending in a colon ("Sources:"), Markdown images and reference
definitions, code blocks, and "Read more about ... in [our explainer](...)"
inside a sentence.

## Why is this bad?
The promo interrupts the story, its link no longer works where the text is
read, and the title of another article ends up inside this one for search
engines, summaries and models.

## Example
```text
The council approved the budget on Tuesday.
READ MORE: Harbor dredging to start in spring

Opposition members walked out before the vote.
https://news.example.com/2021/03/04/harbor-dredging-to-start-in-spring
```
is one finding on line 2: `dead related link: promo "Harbor dredging to start in
spring" and the bare URL on line 5 (its slug spells the same title) are what is
left of a related-articles widget`.

## Options
- `title-fields` (list of strings, default `["title", "headline"]`): metadata
  fields holding an article's title, for resolving promos.
- `url-fields` (list of strings, default `["url", "link", "canonical_url"]`):
  metadata fields holding an article's URL.
- `ignore-urls` (list of regular expressions, default `[]`): bare URLs matching
  one of these (searched anywhere in the URL) are not reported, e.g. video
  embeds: `youtube\\.com/watch`.
- `check-urls` (boolean, default `false`): request each reported URL over HTTP
  and say in the message which ones are dead (404, 410, other 4xx except
  401/403/429, 5xx, unreachable, no answer).
- `url-timeout` (number, default 5): seconds to wait for each answer.
- `url-concurrency` (integer, default 4): requests in flight at a time.
- `url-cache` (string, default `.qualitycheck/url-cache.json`): file that keeps
  results, relative to the working directory; an empty string keeps none.
- `url-cache-days` (integer, default 7): days a cached result is reused.
"""

OPTIONS_SCHEMA = {
    "type": "object",
    "additionalProperties": False,
    "properties": {
        "title-fields": {"type": "array", "items": {"type": "string", "minLength": 1},
                         "default": ["title", "headline"], "description": "Metadata fields with the title."},
        "url-fields": {"type": "array", "items": {"type": "string", "minLength": 1},
                       "default": ["url", "link", "canonical_url"], "description": "Metadata fields with the URL."},
        "ignore-urls": {"type": "array", "items": {"type": "string", "minLength": 1, "format": "regex"},
                        "default": [], "description": "Regular expressions of bare URLs not to report."},
        "check-urls": {"type": "boolean", "default": False, "description": "Check reported URLs over HTTP."},
        "url-timeout": {"type": "number", "exclusiveMinimum": 0, "maximum": 120, "default": 5,
                        "description": "Seconds to wait for each HTTP answer."},
        "url-concurrency": {"type": "integer", "minimum": 1, "maximum": 32, "default": 4,
                            "description": "HTTP requests in flight at a time."},
        "url-cache": {"type": "string", "default": ".qualitycheck/url-cache.json",
                      "description": "File that keeps HTTP results ('' for none)."},
        "url-cache-days": {"type": "integer", "minimum": 0, "default": 7,
                           "description": "Days a cached HTTP result is reused."},
    },
}

_STOP_WORDS = frozenset("a an the and or of to in on at for with from by as is are be its it".split())
_EXCERPT_LIMIT = 200


def _key(tokens: list[str]) -> frozenset:
    """Content words of a title or slug, plurals folded, for comparing a title with a slug."""
    return frozenset((t[:-1] if len(t) > 3 and t.endswith("s") else t) for t in tokens
                     if t not in _STOP_WORDS and t != "s")


def _same_title(a: frozenset, b: frozenset) -> bool:
    if not a or not b:
        return False
    if a == b:
        return True
    if min(len(a), len(b)) < 3:
        return False
    return len(a & b) / len(a | b) >= 0.75


def collect_widgets(document: Document, context: RuleContext) -> dict[str, Any]:
    """The widgets of one document, with each involved line's length and text (small and picklable)."""
    lines = document.lines
    widgets = find_widgets(lines)
    filed = _filed_keys(document.metadata, context.options)
    if not widgets:
        return {"widgets": (), "lines": {}, "first_line": document.first_line, "filed": filed}
    ignore = context.options.get("ignore-urls") or []
    if ignore:
        import re

        pattern = re.compile("|".join(f"(?:{p})" for p in ignore))
        kept = []
        for widget in widgets:
            if widget.kind == "urls":
                entries = tuple(e for e in widget.entries if not pattern.search(e.url or ""))
                if not entries:
                    continue
                widget = widget._replace(first=entries[0].line, last=entries[-1].line, entries=entries)
            kept.append(widget)
        widgets = kept
    shown = {n: lines[n - 1] for w in widgets for n in range(w.first, w.last + 1)}
    return {"widgets": tuple(widgets), "lines": shown, "first_line": document.first_line, "filed": filed}


def _hash_key(kind: str, text: str) -> int:
    """A stable signed 64-bit index key for a normalized title or URL."""
    import hashlib

    digest = hashlib.blake2b(f"{kind}:{text}".encode("utf-8"), digest_size=8).digest()
    return int.from_bytes(digest, "big", signed=True)


def _title_key(key: frozenset) -> int:
    return _hash_key("t", " ".join(sorted(key)))


def _filed_keys(metadata: Mapping[str, Any], options: Mapping[str, Any]) -> tuple[int, ...]:
    """The keys `_Corpus` finds this document under: its title words, its URL, its URL's slug words."""
    title = _first_text(metadata, options.get("title-fields") or [])
    url = _first_text(metadata, options.get("url-fields") or [])
    keys = []
    if title:
        keys.append(_title_key(_key(words(title))))
    if url:
        keys.append(_hash_key("u", normalize_url(url)))
        keys.append(_title_key(_key(slug_words(url))))
    return tuple(keys)


def index_keys(data: Any) -> tuple[int, ...]:
    """Index keys a document is filed under (its title and URL, see `_filed_keys`)."""
    return tuple(data.get("filed", ())) if isinstance(data, Mapping) else ()


def lookup_keys(data: Any) -> set[int]:
    """Index keys a target looks up: those `_Corpus.resolve` may look up for its promos and URLs."""
    keys: set[int] = set()
    if not isinstance(data, Mapping):
        return keys
    for widget in data.get("widgets", ()):
        for entry in widget.entries:
            if entry.url:
                keys.add(_hash_key("u", normalize_url(entry.url)))
                keys.add(_title_key(_key(slug_words(entry.url))))
            if entry.title:
                keys.add(_title_key(_key(words(entry.title))))
    return keys


class _Corpus:
    """Titles and URLs of every article, for resolving promos.

    Articles are found under the keys `collect` already filed them under
    (`_filed_keys`: hashes of title words, URL and slug words), so building
    this costs a dict entry per key, not a normalization of every title.
    """

    def __init__(self, entries: list[CorpusEntry], options: Mapping[str, Any]) -> None:
        self.filed: dict[int, tuple[CorpusEntry, str]] = {}
        title_fields = options.get("title-fields") or []
        for entry in sorted(entries, key=lambda e: (e.ref.path, e.ref.record or "")):
            name = _first_text(entry.metadata, title_fields) or entry.ref.path
            keys = entry.data.get("filed") if isinstance(entry.data, Mapping) else None
            for key in _filed_keys(entry.metadata, options) if keys is None else keys:
                self.filed.setdefault(key, (entry, name))

    def resolve(self, entry: Entry, own: CorpusEntry) -> Optional[tuple[CorpusEntry, str]]:
        found = None
        if entry.url:
            found = self.filed.get(_hash_key("u", normalize_url(entry.url)))
            if found is None:
                key = _key(slug_words(entry.url))
                found = self.filed.get(_title_key(key)) if len(key) >= 2 else None
        if found is None and entry.title:
            key = _key(words(entry.title))
            found = self.filed.get(_title_key(key)) if len(key) >= 2 else None
        if found is not None and found[0].ref == own.ref:
            return None
        return found


def _first_text(metadata: Mapping[str, Any], fields: list[str]) -> str:
    for name in fields:
        value = metadata.get(name) if isinstance(metadata, Mapping) else None
        if isinstance(value, str) and value.strip():
            return value.strip()
    return ""


def check_corpus(entries: list[CorpusEntry], context: RuleContext) -> Iterator[Issue]:
    """Report every target document's widgets, resolved against the corpus."""
    targets = [e for e in entries if e.is_target and e.data and e.data.get("widgets")]
    if not targets:
        return
    corpus = _Corpus(entries, context.options)
    dead = _dead_urls(targets, context) if context.options.get("check-urls") else {}
    for entry in targets:
        yield from _document_issues(entry, corpus, dead)


def _dead_urls(targets: list[CorpusEntry], context: RuleContext) -> dict[str, Optional[str]]:
    from qualitycheck.urlcheck import check_urls

    options = context.options
    urls = [e.url for t in targets for w in t.data["widgets"] for e in w.entries if e.url]
    cache = options.get("url-cache") or ""
    today = context.as_of if isinstance(context.as_of, dt.date) else dt.date.today()
    return check_urls(urls, timeout=float(options.get("url-timeout", 5)), workers=int(options.get("url-concurrency", 4)),
                      cache_path=Path(cache) if cache else None, today=today,
                      max_age_days=int(options.get("url-cache-days", 7)))


def _pairs(widgets: tuple[Widget, ...]) -> dict[int, Entry]:
    """Promo line -> the bare URL entry whose slug spells its title (each URL used once)."""
    urls = [e for w in widgets if w.kind == "urls" for e in w.entries]
    if not urls:
        return {}
    keys = {e.line: _key(slug_words(e.url or "")) for e in urls}
    used: set[int] = set()
    pairs = {}
    for widget in widgets:
        if widget.kind != "promo":
            continue
        promo = widget.entries[0]
        if promo.url or not promo.title:
            continue
        title_key = _key(words(promo.title))
        for candidate in urls:
            if candidate.line not in used and _same_title(title_key, keys[candidate.line]):
                pairs[widget.first] = candidate
                used.add(candidate.line)
                break
    return pairs


def _document_issues(entry: CorpusEntry, corpus: _Corpus, dead: Mapping[str, Optional[str]]) -> Iterator[Issue]:
    widgets: tuple[Widget, ...] = entry.data["widgets"]
    shown: Mapping[int, str] = entry.data["lines"]
    pairs = _pairs(widgets)
    paired_urls = {e.line for e in pairs.values()}
    for widget in widgets:
        if widget.kind == "promo":
            yield _promo_issue(entry, widget, pairs.get(widget.first), corpus, dead, shown)
        elif widget.kind == "list":
            yield _list_issue(entry, widget, corpus, dead, shown)
        else:
            run: list[Entry] = []
            for url_entry in widget.entries:
                if url_entry.line in paired_urls:
                    if run:
                        yield _urls_issue(entry, run, corpus, dead, shown)
                    run = []
                else:
                    run.append(url_entry)
            if run:
                yield _urls_issue(entry, run, corpus, dead, shown)


def _related_to(found: Optional[tuple[CorpusEntry, str]]) -> tuple[Related, ...]:
    if found is None:
        return ()
    return (Related(found[0].ref.path, found[0].ref.record),)


def _archive_note(found: Optional[tuple[CorpusEntry, str]], what: str) -> str:
    if found is None:
        return ""
    other, name = found
    return f'; {what} names "{name}" in this archive ({other.ref})'


def _dead_note(urls: list[str], dead: Mapping[str, Optional[str]]) -> str:
    problems = [f"{url} is dead ({dead[url]})" for url in urls if dead.get(url)]
    return ("; HTTP check: " + "; ".join(problems)) if problems else ""


def _promo_issue(entry: CorpusEntry, widget: Widget, url_entry: Optional[Entry], corpus: _Corpus,
                 dead: Mapping[str, Optional[str]], shown: Mapping[int, str]) -> Issue:
    promo = widget.entries[0]
    found = corpus.resolve(promo, entry)
    related = _related_to(found)
    last = widget.last
    urls = [promo.url] if promo.url else []
    title = f'"{promo.title}"' if promo.title else "with no title"
    if url_entry is not None:
        urls.append(url_entry.url or "")
        if found is None:
            found = corpus.resolve(url_entry, entry)
            related = _related_to(found)
        if url_entry.line == widget.last + 1:
            last = url_entry.line  # the link sits right under its promo: one span
            where = "the bare URL under it"
        else:
            file_line = url_entry.line + entry.data.get("first_line", 1) - 1
            where = f"the bare URL on line {file_line}"
            related = (Related(entry.ref.path, entry.ref.record, file_line),) + related
        message = (f"dead related link: promo {title} and {where} (its slug spells the same title) are what is "
                   f"left of a related-articles widget; delete both")
    elif promo.url:
        message = f'related-article promo "{widget.label}" left in the body: {title} links to {promo.url}'
    else:
        message = (f'related-article promo "{widget.label}" left in the body: {title}; the link it stood for is '
                   f"gone")
    message += _archive_note(found, "the title" if url_entry is None and not promo.url else "it")
    message += _dead_note(urls, dead)
    return _issue(entry, widget.first, last, message, shown, related)


def _list_issue(entry: CorpusEntry, widget: Widget, corpus: _Corpus, dead: Mapping[str, Optional[str]],
                shown: Mapping[int, str]) -> Issue:
    count = len(widget.entries)
    message = (f'related-articles list "{widget.label}" left in the body ({count} '
               f"{'entry' if count == 1 else 'entries'})")
    related: tuple[Related, ...] = ()
    notes = []
    for item in widget.entries:
        found = corpus.resolve(item, entry)
        if found is not None:
            related += _related_to(found)
            notes.append(f'line {item.line} names "{found[1]}" in this archive ({found[0].ref})')
    if notes:
        message += "; " + "; ".join(notes)
    message += _dead_note([e.url for e in widget.entries if e.url], dead)
    return _issue(entry, widget.first, widget.last, message, shown, related)


def _urls_issue(entry: CorpusEntry, run: list[Entry], corpus: _Corpus, dead: Mapping[str, Optional[str]],
                shown: Mapping[int, str]) -> Issue:
    if len(run) == 1:
        message = f"bare URL left between paragraphs: {run[0].url}"
    else:
        message = f"block of {len(run)} bare URLs left between paragraphs"
    related: tuple[Related, ...] = ()
    notes = []
    for item in run:
        found = corpus.resolve(item, entry)
        if found is not None:
            related += _related_to(found)
            where = "it" if len(run) == 1 else f"line {item.line}"
            notes.append(f'{where} names "{found[1]}" in this archive ({found[0].ref})')
    if notes:
        message += "; " + "; ".join(notes)
    message += _dead_note([e.url for e in run if e.url], dead)
    return _issue(entry, run[0].line, run[-1].line, message, shown, related)


def _issue(entry: CorpusEntry, first: int, last: int, message: str, shown: Mapping[int, str],
           related: tuple[Related, ...]) -> Issue:
    text = "\n".join(shown.get(n, "") for n in range(first, last + 1)).strip()
    if len(text) > _EXCERPT_LIMIT:
        text = text[: _EXCERPT_LIMIT - 1].rstrip() + "…"
    end_column = len(shown.get(last, "")) + 1
    return Issue(message=message, line=first, column=1, end_line=last, end_column=end_column, excerpt=text,
                 related=related, document=entry.ref)


@hookimpl
def qualitycheck_register_rules() -> list[Rule]:
    return [
        Rule(
            name="related-article",
            code="QC103",
            summary="'Related article:' promo lines and bare URLs left between paragraphs",
            check=check_corpus,
            collect=collect_widgets,
            scope="corpus",
            default_severity=Severity.WARNING,
            options_schema=OPTIONS_SCHEMA,
            docs=DOCS,
            index_keys=index_keys,
            lookup_keys=lookup_keys,
        )
    ]
