"""The data that flows through qualitycheck: documents in, issues and findings out.

Everything here is a small immutable value with no I/O, so rules can be plain
functions tested on a `Document` built from a string, and results can cross
process boundaries and be cached.
"""

from __future__ import annotations

import enum
from dataclasses import field
from functools import cached_property
from typing import Any, Callable, Iterable, Mapping, Optional

from qualitycheck.records import record
from qualitycheck.text import LineIndex


class Severity(enum.IntEnum):
    """How serious a finding is; the order matters for `--fail-on`."""

    INFO = 1
    WARNING = 2
    ERROR = 3

    def __str__(self) -> str:
        return _SEVERITY_TEXT[self]  # a dict look-up: reports call this for every finding

    @classmethod
    def parse(cls, value: str) -> "Severity":
        """`"warning"` -> `Severity.WARNING`; raises ValueError on anything else."""
        try:
            return cls[value.upper()]
        except KeyError:
            names = ", ".join(s.name.lower() for s in cls)
            raise ValueError(f"unknown severity {value!r} (expected one of: {names})") from None


_SEVERITY_TEXT = {severity: severity.name.lower() for severity in Severity}
SEVERITY_NAMES = tuple(str(s) for s in Severity)


@record
class DocumentRef:
    """Where a document lives: a file, and for multi-record files the record id."""

    path: str
    record: Optional[str] = None

    def __str__(self) -> str:
        return self.path if self.record is None else f"{self.path}#{self.record}"


@record
class Document:
    """One article: its text, its metadata and where it came from.

    `text` is the body a rule checks: for Markdown and text files it is what
    follows the front matter, for JSONL the record's text field. `first_line`
    is the file line on which `text` starts, so that rules count lines inside
    `text` (1-based) and the runner maps them to the lines an editor shows.
    `front_matter` is the raw YAML of the front matter (file lines from 2),
    kept so metadata problems can point at the key. `record_line` is the file
    line a multi-record file (JSONL) holds this record on, so that reports
    which must point at file lines (GitHub annotations, SARIF) can.
    """

    path: str
    text: str
    metadata: Mapping[str, Any] = field(default_factory=dict)
    record: Optional[str] = None
    format: str = "txt"
    first_line: int = 1
    front_matter: Optional[str] = None
    record_line: Optional[int] = None

    def text_line(self, file_line: int) -> int:
        """The `text`-relative line number of a file line (0 or less inside front matter)."""
        return file_line - self.first_line + 1

    @property
    def ref(self) -> DocumentRef:
        return DocumentRef(self.path, self.record)

    @cached_property
    def index(self) -> LineIndex:
        """Line table of `text`, built once on first use."""
        return LineIndex(self.text)

    @property
    def lines(self) -> list[str]:
        """The lines of `text` without their line breaks, split like an editor does."""
        return self.index.lines


@record
class Related:
    """Another place a finding points at, such as the first copy of a duplicate."""

    path: str
    record: Optional[str] = None
    line: Optional[int] = None

    def to_dict(self) -> dict[str, Any]:
        return {"path": self.path, "record": self.record, "line": self.line}


@record
class Fix:
    """A replacement for the flagged span; applied only when a user asks for fixes."""

    replacement: str
    description: str = ""

    def to_dict(self) -> dict[str, Any]:
        return {"replacement": self.replacement, "description": self.description}


@record
class Issue:
    """What a rule reports: a span of a document's `text` and why it is wrong.

    Lines and columns are 1-based and relative to `Document.text`; `end_column`
    is exclusive. Leave `end_line`/`end_column` unset for a whole-line issue.
    Rules never set paths, severities or codes: the runner stamps those.
    Corpus rules set `document` to say which document the issue is about.
    """

    message: str
    line: int = 1
    column: int = 1
    end_line: Optional[int] = None
    end_column: Optional[int] = None
    excerpt: Optional[str] = None
    related: tuple[Related, ...] = ()
    fix: Optional[Fix] = None
    document: Optional[DocumentRef] = None

    @classmethod
    def for_lines(cls, document: Document, first: int, last: int, message: str, **extra: Any) -> "Issue":
        """An issue covering whole lines `first`..`last` (1-based, inclusive) of `document.text`."""
        lines = document.lines
        end_column = len(lines[last - 1]) + 1 if 0 < last <= len(lines) else 1
        return cls(message=message, line=first, column=1, end_line=last, end_column=end_column, **extra)

    @classmethod
    def for_span(cls, document: Document, start: int, end: int, message: str, **extra: Any) -> "Issue":
        """An issue covering character offsets `start`..`end` (end exclusive) of `document.text`."""
        line, column = document.index.position(start)
        end_line, end_column = document.index.position(end)
        return cls(message=message, line=line, column=column, end_line=end_line, end_column=end_column, **extra)


@record
class Finding:
    """An issue placed in the repository: rule, severity and file position resolved."""

    rule: str
    code: str
    severity: Severity
    path: str
    record: Optional[str]
    line: int
    column: int
    end_line: int
    end_column: int
    message: str
    excerpt: str = ""
    related: tuple[Related, ...] = ()
    fix: Optional[Fix] = None
    record_line: Optional[int] = None  # file line of the record (JSONL); line/column are inside its text

    @property
    def sort_key(self) -> tuple:
        """Report order: by file, then by record in file order (a JSONL file's line, not its id: "r10" after
        "r9"), then by position in the text."""
        return (self.path, self.record_line or 0, self.record or "", self.line, self.column, self.rule,
                self.end_line, self.end_column, self.message)

    def to_dict(self) -> dict[str, Any]:
        return {
            "rule": self.rule,
            "code": self.code,
            "severity": str(self.severity),
            "path": self.path,
            "record": self.record,
            "line": self.line,
            "column": self.column,
            "end_line": self.end_line,
            "end_column": self.end_column,
            "message": self.message,
            "excerpt": self.excerpt,
            "related": [r.to_dict() for r in self.related],
            "fix": self.fix.to_dict() if self.fix else None,
            "record_line": self.record_line,
        }


@record
class RuleContext:
    """What a rule's check receives besides the document.

    `options` are the rule's options with the schema defaults filled in;
    `as_of` is the day date rules treat as today (from `--as-of`).
    `key_counts` is given only to a corpus rule with `index_counts` when a
    check runs against the archive index: for each key the targets look up,
    how many indexed documents outside `entries` are filed under it.
    """

    options: Mapping[str, Any]
    as_of: Any  # datetime.date; typed loosely so this module stays import-light
    key_counts: Optional[Mapping[int, int]] = None


@record
class CorpusEntry:
    """One document as a corpus rule sees it: identity, metadata and what `collect` kept."""

    ref: DocumentRef
    metadata: Mapping[str, Any]
    data: Any
    is_target: bool


DocumentCheck = Callable[[Document, RuleContext], Iterable[Issue]]
CorpusCollect = Callable[[Document, RuleContext], Any]
CorpusCheck = Callable[[list[CorpusEntry], RuleContext], Iterable[Issue]]


@record
class Rule:
    """A rule as plugins register it: data plus a check callable.

    Document rules (`scope="document"`) get `check(document, context)` and
    yield `Issue`s. Corpus rules (`scope="corpus"`) get `collect(document,
    context)` once per document, which returns something small and picklable,
    and then one `check(entries, context)` over every `CorpusEntry`; their
    issues carry `document`. The runner reports only on target documents.

    `docs` is Markdown in ruff's shape: "What it does", "Why is this bad?",
    "Example", "Options". `origin` is filled in by the plugin manager.

    `index_keys(data)` (corpus rules, optional) returns the integer keys
    (signed 64-bit) under which the archive index files a document's collected
    `data`; when checking a few files against the index, only indexed
    documents filed under a key that a target looks up are loaded as context
    (duplicate-article: its LSH band keys). `lookup_keys(data)` returns the
    keys a target looks up; it defaults to `index_keys` (related-article files
    a document under its title and URL and looks up the titles and URLs of its
    promos). With `index_counts`, the rule gets no indexed documents at all,
    only `RuleContext.key_counts`: how many indexed documents are filed under
    each looked-up key (ad-text: in how many articles a line recurs).
    Without `index_keys`, every indexed document is context for the rule.
    """

    name: str
    code: str
    summary: str
    check: Callable[..., Iterable[Issue]]
    default_severity: Severity = Severity.WARNING
    options_schema: Mapping[str, Any] = field(default_factory=lambda: {"type": "object", "properties": {}})
    scope: str = "document"
    collect: Optional[CorpusCollect] = None
    docs: str = ""
    origin: str = ""
    index_keys: Optional[Callable[[Any], Iterable[int]]] = None
    lookup_keys: Optional[Callable[[Any], Iterable[int]]] = None
    index_counts: bool = False

    def keys_looked_up(self, data: Any) -> Iterable[int]:
        """The index keys a target with collected `data` looks up (`lookup_keys`, else `index_keys`)."""
        function = self.lookup_keys or self.index_keys
        return function(data) if function is not None else ()

    def __post_init__(self) -> None:
        if self.scope not in ("document", "corpus"):
            raise ValueError(f"rule {self.name!r}: scope must be 'document' or 'corpus', not {self.scope!r}")
        if self.scope == "corpus" and self.collect is None:
            raise ValueError(f"rule {self.name!r}: a corpus rule needs a collect callable")


@record
class LoadProblem:
    """Input a loader could not turn (fully) into a document: becomes a finding of `rule`."""

    rule: str  # "unreadable-file" or "metadata"
    message: str
    line: int = 1
    column: int = 1
    record: Optional[str] = None
    record_line: Optional[int] = None  # file line of the record, for multi-record files


@record
class Loader:
    """Turns a file into documents. `load(path, display_path, options)` yields
    `Document`s and `LoadProblem`s; `options` come from `inputs.<name>` in rules.yaml."""

    name: str
    extensions: tuple[str, ...]
    load: Callable[..., Iterable[Any]]
    summary: str = ""
    options_schema: Mapping[str, Any] = field(default_factory=lambda: {"type": "object", "properties": {}})
    origin: str = ""


@record
class FormatContext:
    """How a report will be shown: `color` is true only when writing to a terminal."""

    color: bool = False


@record
class Formatter:
    """Writes a report for a reader: `write(report, stream, context)` with a `FormatContext`."""

    name: str
    write: Callable[..., None]
    summary: str = ""
    origin: str = ""
