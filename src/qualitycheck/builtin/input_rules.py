"""Rules about the input itself: files that cannot be read, and metadata that is wrong.

`unreadable-file` findings come from the loaders (a file that is not UTF-8,
binary, empty, a broken link, a JSONL line that is not JSON); the rule is
registered so it can be listed, configured and documented like any other.
`metadata` validates front matter and JSONL fields against a JSON Schema.
"""

from __future__ import annotations

import json
import re
from functools import lru_cache
from typing import Any, Iterator

from qualitycheck import hookimpl
from qualitycheck.model import Document, Issue, Rule, RuleContext, Severity

UNREADABLE_DOCS = """\
## What it does
Reports input that cannot be turned into an article: files that are not valid
UTF-8 (a byte-order mark for UTF-8, UTF-16 or UTF-32 is honoured), binary
files, empty files, broken symbolic links, unreadable files, and JSONL lines
that are not JSON objects.

## Why is this bad?
An article that cannot be read is not checked at all, and whatever publishes
or trains on the repository will trip over it later.

## Example
A file saved as Latin-1 with `café` in it is reported as
`not valid UTF-8 (byte 0xe9 at line 3, column 4); re-save the file as UTF-8`.

## Options
None.
"""

METADATA_DOCS = """\
## What it does
Validates each article's metadata (Markdown/text front matter, or the fields of
a JSONL record other than the text) against a JSON Schema you give in
rules.yaml, and reports front matter that is not valid YAML or not a mapping,
JSONL records without a text field, and duplicate record ids.

## Why is this bad?
Rules such as `future-url` rely on the publication date, and publishing
pipelines on titles and URLs: a missing or malformed field breaks both.

## Example
```yaml
rules:
  metadata:
    options:
      schema:
        required: [title, date]
        properties:
          date: {type: string, format: date}
          url: {type: string, format: uri}
```
An article without `title` is reported as `metadata: 'title' is a required property`.

## Options
- `schema` (object, default `{}`): the JSON Schema (draft 2020-12) the metadata
  must satisfy. The empty schema accepts anything.
"""


def check_nothing(document: Document, context: RuleContext) -> Iterator[Issue]:
    """`unreadable-file` findings come from the loaders; there is nothing to check in a document."""
    return iter(())


@lru_cache(maxsize=32)
def _validator(schema_json: str):
    import jsonschema  # only runs when a schema is configured

    schema = json.loads(schema_json)
    cls = jsonschema.validators.validator_for(schema)
    format_checker = jsonschema.FormatChecker()
    # jsonschema checks "uri" only with an optional package installed; without it `format: uri`
    # would silently accept anything, so check the shape an article URL needs ourselves.
    format_checker.checks("uri")(_is_absolute_uri)
    return cls(schema, format_checker=format_checker)


def _is_absolute_uri(value: Any) -> bool:
    """True for `scheme://host/...` or `scheme:rest` without spaces (non-strings are another check's job)."""
    if not isinstance(value, str):
        return True
    from urllib.parse import urlsplit

    parts = urlsplit(value)
    return bool(re.fullmatch(r"[A-Za-z][A-Za-z0-9+.-]*", parts.scheme)) and bool(parts.netloc or parts.path) \
        and not any(char.isspace() for char in value)


def check_metadata(document: Document, context: RuleContext) -> Iterator[Issue]:
    """Validate `document.metadata` against `options.schema`; one issue per violation."""
    schema = context.options.get("schema") or {}
    if not schema:
        return
    validator = _validator(json.dumps(schema, sort_keys=True))
    for error in sorted(validator.iter_errors(dict(document.metadata)), key=lambda e: list(map(str, e.path))):
        field_path = ".".join(str(p) for p in error.path)
        where = f"{field_path}: " if field_path else ""
        line = _field_line(document, error.path[0] if error.path else None)
        yield Issue(message=f"metadata {where}{error.message}", line=line, column=1, end_line=line, end_column=1,
                    excerpt=field_path or "metadata")


def _field_line(document: Document, key: Any) -> int:
    """The text-relative line of front matter `key` (its opening fence when unknown)."""
    if document.front_matter is None:
        return 1
    for offset, line in enumerate(document.front_matter.split("\n")):
        if key is not None and line.startswith(f"{key}:"):
            return document.text_line(offset + 2)
    return document.text_line(1)


@hookimpl
def qualitycheck_register_rules():
    return [
        Rule(
            name="unreadable-file",
            code="QC001",
            summary="Input that cannot be read as an article (encoding, binary, empty, broken link, bad JSONL)",
            check=check_nothing,
            default_severity=Severity.ERROR,
            options_schema={"type": "object", "additionalProperties": False, "properties": {}},
            docs=UNREADABLE_DOCS,
        ),
        Rule(
            name="metadata",
            code="QC002",
            summary="Front matter or record fields that are invalid or fail the configured JSON Schema",
            check=check_metadata,
            default_severity=Severity.WARNING,
            options_schema={
                "type": "object",
                "additionalProperties": False,
                "properties": {
                    "schema": {"type": "object", "default": {},
                               "description": "JSON Schema the metadata must satisfy."},
                },
            },
            docs=METADATA_DOCS,
        ),
    ]
