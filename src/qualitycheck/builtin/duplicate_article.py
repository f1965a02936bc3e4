"""duplicate-article (QC201): the same article twice in the corpus, found in linear time.

`collect` turns each document into a `Fingerprint` (normalized word
shingles, their exact 32-bit hashes and the LSH band keys of a MinHash
signature, see `qualitycheck.shingles`). `check` buckets every document by
band key, takes the pairs that share a bucket as candidates, and confirms
each candidate exactly: the share of the smaller text's shingles that appear
in the other text (containment) must reach the threshold. Containment, not
Jaccard, because a copy with boilerplate around it or a truncated copy is
still the same article.

Both copies get a finding, each naming the other(s) in `related`: when CI
checks only the new file, the new file is the one reported; in a full run the
user sees every copy and picks the one to delete.
"""

from __future__ import annotations

from typing import Any, Iterable, Iterator, NamedTuple, Optional

from qualitycheck import hookimpl
from qualitycheck.model import CorpusEntry, Document, DocumentRef, Issue, Related, Rule, RuleContext, Severity

NAME = "duplicate-article"

DOCS = """\
## What it does
Reports each file or JSONL record that holds the same article as another one in the corpus
(everything `include:` names), naming the other copies in `related` and giving the estimated
similarity: `same article as news/2021/harbour.md (94% of this text's shingles appear there)`.

Copies are compared after normalizing: words hyphenated across a line break are joined, lines
that are only a URL or a "Related article: ..." promo are dropped, and punctuation, quote styles,
case, hard wrapping and front matter do not count. Two copies are the same article when at least
`threshold` of the shorter copy's 5-word shingles appear in the longer one (containment), so a
copy with a donation appeal around it, a changed headline or a truncated copy are found too.
Candidates come from MinHash with locality-sensitive hashing (42 bands of 3 rows), so the cost
grows linearly with the corpus; every candidate is then confirmed exactly.

Every copy gets a finding. When you check only new files (`qualitycheck check new/`), only
they are reported, and an index built with `qualitycheck index build` lets that run look up
the archive without re-reading it.

## Why is this bad?
The same story twice skews counts, search results and anything trained on the archive, and
the scraped copy usually carries debris the clean copy does not.

## Example
`news/harbour-levy.md` (the clean text) and `scraped/page-1187.txt` (the same text hard-wrapped,
with a donation appeal above it) are both reported; each names the other.

Two different articles about the same event that quote the same statement, or share one
wire-service paragraph, are not duplicates: far less than 80% of either text is shared.

## Options
- `threshold` (number, default `0.8`): the share of the shorter copy's shingles that must appear
  in the other copy. Exact copies score 1.0; different articles sharing a quote or a wire
  paragraph typically score below 0.4. Only pairs the LSH bands propose are compared: pairs
  sharing 40% of their combined shingles (Jaccard 0.4, e.g. a copy truncated to 40% of the
  original) are proposed with probability 0.94, Jaccard 0.5 with 0.995, so thresholds below
  about 0.5 do not find every pair.
- `min-words` (integer, default `40`): texts with fewer words (after normalizing) are not compared.
- `shingle-size` (integer, default `5`): words per shingle.
"""

OPTIONS_SCHEMA = {
    "type": "object",
    "additionalProperties": False,
    "properties": {
        "threshold": {"type": "number", "exclusiveMinimum": 0, "maximum": 1, "default": 0.8,
                      "description": "Share of the shorter copy's shingles that must appear in the other copy."},
        "min-words": {"type": "integer", "minimum": 1, "default": 40,
                      "description": "Texts with fewer words after normalizing are not compared."},
        "shingle-size": {"type": "integer", "minimum": 2, "maximum": 12, "default": 5,
                         "description": "Words per shingle."},
    },
}


class ArticleData(NamedTuple):
    """What `collect` keeps of a document: its fingerprint and where a finding points."""

    words: int
    shingles: bytes  # sorted distinct 32-bit shingle hashes
    bands: bytes  # LSH band keys, array('q') bytes (see qualitycheck.shingles.keys_of)
    line: int  # text line of the first non-blank line (where the finding goes)
    end_column: int
    excerpt: str
    file_line: Optional[int]  # the file line others' `related` point at


def collect_article(document: Document, context: RuleContext) -> ArticleData:
    """Fingerprint one document (see `qualitycheck.shingles`)."""
    from qualitycheck.shingles import fingerprint

    found = fingerprint(document.text, int(context.options.get("shingle-size", 5)))
    line, text = _first_text_line(document)
    if document.record_line is not None:
        file_line = document.record_line
    else:
        file_line = document.first_line + line - 1
    excerpt = text.strip()
    if len(excerpt) > 80:
        excerpt = excerpt[:79].rstrip() + "…"
    return ArticleData(found.words, found.shingles, found.bands, line, len(text) + 1, excerpt, file_line)


def _first_text_line(document: Document) -> tuple[int, str]:
    """(text line, its text) of the first non-blank line, without building the document's line table."""
    text = document.text
    if "\r" in text:
        for number, line in enumerate(document.lines, start=1):
            if line.strip():
                return number, line
        return 1, ""
    start = len(text) - len(text.lstrip())
    if start == len(text):
        return 1, ""
    line_start = text.rfind("\n", 0, start) + 1
    line_end = text.find("\n", start)
    return text.count("\n", 0, line_start) + 1, text[line_start:line_end if line_end != -1 else len(text)]


def index_settings() -> dict[str, Any]:
    """What decides the collected data besides the options (hashing parameters, rensa version), for the index."""
    from qualitycheck.shingles import settings

    return settings()


def article_index_keys(data: Any) -> Iterable[int]:
    """The LSH band keys: the index returns the documents sharing one with a target."""
    from qualitycheck.shingles import keys_of

    return keys_of(data.bands) if isinstance(data, ArticleData) else ()


class _Twin(NamedTuple):
    position: int
    own: float  # share of this text's shingles found in the twin
    other: float  # share of the twin's shingles found in this text
    identical: bool


def check_corpus(entries: list[CorpusEntry], context: RuleContext) -> Iterator[Issue]:
    """Find candidate pairs by LSH band, confirm by containment, report every copy."""
    threshold = float(context.options.get("threshold", 0.8))
    min_words = int(context.options.get("min-words", 40))
    usable = [p for p, e in enumerate(entries)
              if isinstance(e.data, ArticleData) and e.data.bands and e.data.words >= min_words]
    twins: dict[int, list[_Twin]] = {}
    sets: dict[int, frozenset[int]] = {}
    for a, b in _candidate_pairs(entries, usable):
        data_a, data_b = entries[a].data, entries[b].data
        identical = data_a.shingles == data_b.shingles
        if identical:
            own = other = 1.0
        else:
            set_a = sets.get(a) or sets.setdefault(a, _shingle_set(data_a.shingles))
            set_b = sets.get(b) or sets.setdefault(b, _shingle_set(data_b.shingles))
            shared = len(set_a & set_b)
            own, other = shared / len(set_a), shared / len(set_b)
            if max(own, other) < threshold:
                continue
        twins.setdefault(a, []).append(_Twin(b, own, other, identical))
        twins.setdefault(b, []).append(_Twin(a, other, own, identical))
    for position in sorted(twins):
        entry = entries[position]
        found = sorted(twins[position], key=lambda t: (-max(t.own, t.other), _ref_key(entries[t.position].ref)))
        yield Issue(
            message=_message(entries, found),
            line=entry.data.line,
            column=1,
            end_line=entry.data.line,
            end_column=entry.data.end_column,
            excerpt=entry.data.excerpt,
            related=tuple(Related(entries[t.position].ref.path, entries[t.position].ref.record,
                                  entries[t.position].data.file_line) for t in found),
            document=entry.ref,
        )


def _candidate_pairs(entries: list[CorpusEntry], usable: list[int]) -> list[tuple[int, int]]:
    """Pairs of positions sharing an LSH band key, at least one of them a target, each pair once.

    One band at a time, so that only one band's buckets (a dict of 8-byte keys) are held at once:
    all 42 bands of 100,000 documents in one dict would take about 600 MB.
    """
    from qualitycheck.shingles import BANDS

    blobs = [entries[position].data.bands for position in usable]
    targets = [entries[position].is_target for position in usable]
    pairs: set[tuple[int, int]] = set()
    for band in range(BANDS):
        start, stop = band * 8, band * 8 + 8
        first: dict[bytes, int] = {}
        shared: dict[bytes, list[int]] = {}
        for index, blob in enumerate(blobs):
            key = blob[start:stop]
            seen = first.setdefault(key, index)
            if seen != index:
                shared.setdefault(key, [seen]).append(index)
        for members in shared.values():
            for offset, a in enumerate(members):
                for b in members[offset + 1:]:
                    if targets[a] or targets[b]:
                        pairs.add((usable[a], usable[b]))
    return sorted(pairs)


def _shingle_set(shingles: bytes) -> frozenset[int]:
    from array import array

    return frozenset(array("I", shingles))


def _ref_key(ref: DocumentRef) -> tuple[str, str]:
    return ref.path, ref.record or ""


def _percent(share: float) -> str:
    return f"{int(share * 100 + 1e-9)}%"


def _message(entries: list[CorpusEntry], found: list[_Twin]) -> str:
    best = found[0]
    name = str(entries[best.position].ref)
    more = len(found) - 1
    if more:
        name += f" and {more} other cop{'y' if more == 1 else 'ies'}"
    if best.identical:
        detail = "identical text after normalizing"
    elif best.own >= best.other:
        detail = f"{_percent(best.own)} of this text's shingles appear there"
    else:
        detail = f"{_percent(best.other)} of its shingles appear here, {_percent(best.own)} of this text's appear there"
    return f"same article as {name} ({detail})"


@hookimpl
def qualitycheck_register_rules():
    return [
        Rule(
            name=NAME,
            code="QC201",
            summary="The same article twice in the corpus (exact or near copy, also wrapped, truncated or re-headlined)",
            check=check_corpus,
            default_severity=Severity.WARNING,
            options_schema=OPTIONS_SCHEMA,
            scope="corpus",
            collect=collect_article,
            docs=DOCS,
            index_keys=article_index_keys,
        )
    ]
