"""Example local plugin: page markers left behind by PDF extraction.

rules.yaml loads this file through `plugins: [plugins/page_marker.py]`. It
shows the smallest complete rule: a check function, docs in ruff's shape,
an options schema with defaults, and registration through the hook.
"""

import re

from qualitycheck import Issue, Rule, Severity, hookimpl

PAGE_MARKER = re.compile(r"^\s*(?:-\s*\d{1,4}\s*-|page\s+\d{1,4}(?:\s*(?:of|/)\s*\d{1,4})?)\s*$", re.IGNORECASE)

DOCS = """\
## What it does
Flags lines that hold nothing but a page marker, such as `Page 3 of 12`,
`page 4/9` or `- 7 -`, which PDF extraction leaves between paragraphs.

## Why is this bad?
The marker is not part of the story and splits a paragraph in two.

## Example
```text
The council voted on Tuesday to close the
Page 2 of 5
library branch at the end of the year.
```

## Options
- `max-page` (integer, default 999): larger numbers are not taken for page numbers.
"""


def check_page_markers(document, context):
    """Yield one issue per line that is only a page marker."""
    limit = context.options["max-page"]
    for number, line in enumerate(document.lines, start=1):
        match = PAGE_MARKER.match(line)
        if match and all(int(n) <= limit for n in re.findall(r"\d+", line)):
            yield Issue.for_lines(document, number, number, f"page marker {line.strip()!r} left by PDF extraction")


@hookimpl
def qualitycheck_register_rules():
    return [
        Rule(
            name="page-marker",
            code="EX001",
            summary="A line that is only a page marker from a PDF ('Page 3 of 12')",
            check=check_page_markers,
            default_severity=Severity.WARNING,
            options_schema={
                "type": "object",
                "additionalProperties": False,
                "properties": {"max-page": {"type": "integer", "minimum": 1, "default": 999,
                                            "description": "Largest number taken for a page number."}},
            },
            docs=DOCS,
        )
    ]
