"""A document rule: lines left behind where a video, gallery or social post was embedded."""

import re

from qualitycheck import Issue, Rule, Severity

# Compiled once at import: a rule must not compile patterns per document.
EMBED_LINE = re.compile(
    r"^\s*(?:\[(?:embedded content|embed|video|gallery)\]"
    r"|video player is loading\.?"
    r"|(?:click|tap) to (?:expand|open) (?:the )?gallery"
    r"|view this post on (?:instagram|facebook|x|mastodon)"
    r"|this (?:content|video) is not available in your (?:country|region|location)\.?"
    r"|image \d+ of \d+)\s*$",
    re.IGNORECASE,
)

DOCS = """\
## What it does
Flags lines that hold nothing but the leftover of embedded media, such as
`[Embedded content]`, `Video Player is loading.`, `View this post on Instagram`
or `Image 3 of 12`.

## Why is this bad?
The scraper kept the placeholder but not the media: readers see a sentence
that points at nothing.

## Example
```text
The striker scored twice before half time.
View this post on Instagram
Fans celebrated in the square until late.
```

## Options
- `extra-lines` (list of strings, default `[]`): more placeholder lines to flag,
  compared without regard to case and surrounding spaces.
"""


def check_embed_leftovers(document, context):
    """One issue per line that is only an embed placeholder."""
    extra = {line.strip().lower() for line in context.options["extra-lines"]}
    for number, line in enumerate(document.lines, start=1):
        if EMBED_LINE.match(line) or (extra and line.strip().lower() in extra):
            yield Issue.for_lines(document, number, number, f"embed placeholder {line.strip()!r} left in the text")


EMBED_LEFTOVER = Rule(
    name="embed-leftover",
    code="NR001",
    summary="A line that is only the placeholder of embedded media",
    check=check_embed_leftovers,
    default_severity=Severity.WARNING,
    options_schema={
        "type": "object",
        "additionalProperties": False,
        "properties": {
            "extra-lines": {"type": "array", "items": {"type": "string", "minLength": 1}, "default": [],
                            "description": "More placeholder lines to flag."},
        },
    },
    docs=DOCS,
)
