"""Suppressions: findings a user has chosen not to see, counted rather than lost.

Three forms, applied in this order:

1. Inline comments in an article's text (Markdown, and any other text):
   `<!-- qualitycheck: disable=ad-text -->` ... `<!-- qualitycheck: enable=ad-text -->`,
   `<!-- qualitycheck: disable-next-line=ad-text,broken-wrap -->`, and a bare
   `disable` / `enable` for every rule. Rule codes work as well as names.
2. A front-matter (or JSONL record) key, for the whole article:
   `qualitycheck: {disable: [broken-wrap]}`.
3. `per-file-ignores:` in rules.yaml, globs relative to the config file mapped
   to rule names, like ruff's.

The comments need the article's text, so `parse_suppressions` runs in
`runner.check_document` and its small, picklable result travels in the
`FileResult`; `SuppressionPolicy.apply` then filters the findings of both the
document and the corpus phase at the end of the run. A directive that
suppresses nothing, names an unknown rule or cannot be parsed becomes an
`unused-suppression` finding at the comment (or key) itself.
"""

from __future__ import annotations

import re
from bisect import bisect_right
from collections import Counter
from dataclasses import field
from typing import Any, Iterable, Iterator, Mapping, Optional, Sequence

from qualitycheck import hookimpl
from qualitycheck.model import Document, Finding, Rule, Severity
from qualitycheck.records import record

UNUSED = "unused-suppression"
METADATA_KEY = "qualitycheck"
ALL_RULES: tuple[str, ...] = ()

_COMMENT = re.compile(r"<!--\s*qualitycheck\s*:(.*?)-->")
_DIRECTIVE = re.compile(r"^\s*(disable-next-line|disable|enable)\s*(?:=\s*(.*?))?\s*$")
_METADATA_KEY_LINE = re.compile(r"^[\"']?qualitycheck[\"']?\s*:")

UNUSED_DOCS = """\
## What it does
Reports a suppression that suppresses nothing: an inline
`<!-- qualitycheck: disable=... -->` comment, a `disable-next-line` comment or
a front-matter `qualitycheck: {disable: [...]}` key under which no finding of
the named rules was found. It also reports suppressions that name a rule that
does not exist or cannot be parsed, and an `enable` comment with no `disable`
above it for it to end (a leftover of a region whose start was deleted).

A suppression naming a rule that did not run (disabled in rules.yaml, or left
out by `--select`) is not judged. `per-file-ignores` in rules.yaml are not
judged either, since a run may check only some files.

## Why is this bad?
A stale suppression hides the next real problem at that spot, and a misspelt
one silently suppresses nothing.

## Example
```markdown
<!-- qualitycheck: disable-next-line=ad-text -->
A paragraph that has no appeal in it any more.
```
is reported as `unused suppression: no 'ad-text' finding to disable on the next line`.

## Options
None. Configure or switch it off like any rule (`rules: {unused-suppression: {enabled: false}}`),
or with `per-file-ignores`.
"""


@record
class Directive:
    """One suppression as written: where it is and which rules it names (empty: all rules)."""

    kind: str  # "disable", "enable", "disable-next-line" or "metadata"
    rules: tuple[str, ...]  # as written: names or codes
    line: int  # file line
    column: int
    end_column: int
    text: str


@record
class Malformed:
    """A suppression that could not be understood; reported as `unused-suppression`."""

    line: int
    column: int
    end_column: int
    text: str
    message: str


@record
class DocumentSuppressions:
    """The suppressions of one target document, in file lines (picklable, small)."""

    path: str
    record: Optional[str]
    directives: tuple[Directive, ...] = ()
    malformed: tuple[Malformed, ...] = ()


def _split_rules(value: str) -> tuple[str, ...]:
    return tuple(part.strip() for part in value.split(",") if part.strip())


def parse_suppressions(document: Document) -> Optional[DocumentSuppressions]:
    """The inline comments and the metadata key of `document`, or None when it has neither."""
    directives: list[Directive] = []
    malformed: list[Malformed] = []
    if "qualitycheck" in document.text:
        _parse_comments(document, directives, malformed)
    if METADATA_KEY in document.metadata:
        _parse_metadata(document, directives, malformed)
    if not directives and not malformed:
        return None
    return DocumentSuppressions(document.path, document.record, tuple(directives), tuple(malformed))


def _parse_comments(document: Document, directives: list[Directive], malformed: list[Malformed]) -> None:
    shift = document.first_line - 1
    for number, line in enumerate(document.lines, start=1):
        if "qualitycheck" not in line:
            continue
        for match in _COMMENT.finditer(line):
            column, end_column = match.start() + 1, match.end() + 1
            parsed = _DIRECTIVE.match(match.group(1))
            if parsed is None or (parsed.group(2) is not None and not _split_rules(parsed.group(2))):
                malformed.append(Malformed(number + shift, column, end_column, match.group(0),
                                           f"cannot read suppression {match.group(0)!r}; expected "
                                           f"'disable', 'enable' or 'disable-next-line', optionally "
                                           f"followed by '=rule-a,rule-b'"))
                continue
            rules = _split_rules(parsed.group(2) or "")
            directives.append(Directive(parsed.group(1), rules, number + shift, column, end_column, match.group(0)))


def _parse_metadata(document: Document, directives: list[Directive], malformed: list[Malformed]) -> None:
    value = document.metadata[METADATA_KEY]
    line, text = _metadata_key_line(document)
    rules: Any = value.get("disable") if isinstance(value, Mapping) else None
    if isinstance(rules, str):
        rules = list(_split_rules(rules))
    well_formed = (isinstance(value, Mapping) and set(value) == {"disable"} and isinstance(rules, list)
                   and rules and all(isinstance(r, str) and r.strip() for r in rules))
    if not well_formed:
        malformed.append(Malformed(line, 1, 1, text, f"cannot read suppression: '{METADATA_KEY}' must be a "
                                                     f"mapping like {{disable: [rule-a, rule-b]}}"))
        return
    directives.append(Directive("metadata", tuple(r.strip() for r in rules), line, 1, 1, text))


def _metadata_key_line(document: Document) -> tuple[int, str]:
    """The file line and text of the `qualitycheck:` front-matter key (the record's first line for JSONL)."""
    if document.front_matter is None:
        import json

        return document.first_line, json.dumps({METADATA_KEY: document.metadata[METADATA_KEY]}, ensure_ascii=False, default=str)
    for offset, line in enumerate(document.front_matter.split("\n")):
        if _METADATA_KEY_LINE.match(line):
            return offset + 2, line.strip()  # the front matter starts on file line 2
    return 2, f"{METADATA_KEY}:"


@record(frozen=False)
class _Tracked:
    """A document's directives with rule names resolved and usage recorded."""

    suppressions: DocumentSuppressions
    resolved: list[tuple[Directive, tuple[str, ...]]]  # directive, canonical rule names (empty: all)
    used: list[set[str]]  # per directive: rule names it suppressed ("*" for a bare directive)
    timelines: dict[str, tuple[list[int], list[int]]] = field(default_factory=dict)

    def timeline(self, rule: str) -> tuple[list[int], list[int]]:
        """(lines, directive indexes) of the disable/enable comments that affect `rule`, in order."""
        if rule not in self.timelines:
            pairs = [(directive.line, index) for index, (directive, names) in enumerate(self.resolved)
                     if directive.kind in ("disable", "enable") and (not names or rule in names)]
            self.timelines[rule] = ([line for line, _ in pairs], [index for _, index in pairs])
        return self.timelines[rule]

    def stray_enables(self, active: frozenset[str]) -> Iterator[tuple[Directive, str]]:
        """(directive, message) for each `enable` comment that ends nothing: none of its rules is disabled there,
        by the same timelines that decide what is suppressed. Rules that did not run are not judged."""
        mentioned = {name for _, names in self.resolved for name in names}
        for index, (directive, names) in enumerate(self.resolved):
            if directive.kind != "enable":
                continue
            if not names:  # a rule no comment names ("") is disabled only by a bare `disable`
                if not any(self._disabled_before(rule, index) for rule in mentioned | {""}):
                    yield directive, "unused suppression: 'enable' with no 'disable' above it to end"
                continue
            for name in names:
                if name in active and not self._disabled_before(name, index):
                    yield directive, f"unused suppression: 'enable' of {name!r} with no 'disable' of it above"

    def _disabled_before(self, rule: str, index: int) -> bool:
        """Whether `rule` is disabled just before directive `index` (which is on its timeline)."""
        _, indexes = self.timeline(rule)
        position = indexes.index(index)
        return position > 0 and self.resolved[indexes[position - 1]][0].kind == "disable"

    def suppressor(self, finding: Finding) -> Optional[int]:
        """The index of the directive that suppresses `finding`, if any.

        The most specific wins: a `disable-next-line` comment (for a finding
        whose lines include the next one, so a span that a rule starts on the
        comment itself is covered too), then the last `disable`/`enable` comment
        at or above the finding's first line, then the metadata key.
        """
        whole_article = None
        for index, (directive, names) in enumerate(self.resolved):
            if names and finding.rule not in names:
                continue
            if directive.kind == "disable-next-line" and finding.line <= directive.line + 1 <= finding.end_line:
                return index
            if directive.kind == "metadata" and whole_article is None:
                whole_article = index
        lines, indexes = self.timeline(finding.rule)
        position = bisect_right(lines, finding.line)
        if position and self.resolved[indexes[position - 1]][0].kind == "disable":
            return indexes[position - 1]
        return whole_article


@record
class SuppressionPolicy:
    """What a run suppresses: rule names and codes it knows, and the per-file ignores of rules.yaml."""

    canonical: Mapping[str, str]  # name or upper-case code -> rule name
    active: frozenset[str]
    path_ignores: tuple[tuple[Any, frozenset[str]], ...]  # (compiled glob match, rule names)
    root: Any  # pathlib.Path of the config folder
    unused_rule: Any  # the ActiveRule of unused-suppression, or None when it does not run

    @classmethod
    def build(cls, config, registry, plan) -> "SuppressionPolicy":
        """Resolve `per-file-ignores` against the registry; unknown rules are config errors."""
        from qualitycheck.config import suggest
        from qualitycheck.discovery import compile_globs
        from qualitycheck.errors import ConfigError

        canonical = {name: name for name in registry.rules}
        canonical.update({code.upper(): name for code, name in registry.codes.items()})
        ignores = []
        for pattern, rules in (config.raw.get("per-file-ignores") or {}).items():
            names = set()
            for index, key in enumerate(rules):
                name = canonical.get(key) or canonical.get(key.upper())
                if name is None:
                    hint = suggest(key, list(registry.rules))
                    raise ConfigError(f"{config.where(('per-file-ignores', pattern, index))}: "
                                      f"unknown rule {key!r}{hint}")
                names.add(name)
            ignores.append((compile_globs([pattern]), frozenset(names)))
        return cls(canonical, frozenset(a.name for a in plan.rules), tuple(ignores), config.root,
                   plan.active(UNUSED))

    def _resolve(self, rules: Sequence[str]) -> tuple[tuple[str, ...], list[str]]:
        names, unknown = [], []
        for key in rules:
            name = self.canonical.get(key) or self.canonical.get(key.upper())
            if name:
                names.append(name)
            else:
                unknown.append(key)
        return tuple(names), unknown

    def _ignored_by_path(self, finding: Finding, cache: dict[str, frozenset[str]]) -> bool:
        if not self.path_ignores:
            return False
        if finding.path not in cache:
            from qualitycheck.paths import display_path

            relative = display_path(finding.path, self.root)
            cache[finding.path] = frozenset().union(*(names for match, names in self.path_ignores
                                                      if match(relative)))
        return finding.rule in cache[finding.path]

    def apply(self, findings: Iterable[Finding], documents: Iterable[DocumentSuppressions]
              ) -> tuple[list[Finding], dict[str, Any]]:
        """(findings kept, summary fields): suppressed findings are counted by rule."""
        tracked: dict[tuple[str, Optional[str]], _Tracked] = {}
        unused: list[Finding] = []
        for suppressions in documents:
            resolved = []
            for directive in suppressions.directives:
                names, unknown = self._resolve(directive.rules)
                for key in unknown:
                    unused.extend(self._unused(suppressions, directive, f"unknown rule {key!r} in suppression"))
                if directive.rules and not names:
                    continue
                resolved.append((directive, names))
            for problem in suppressions.malformed:
                unused.extend(self._report(suppressions, problem.line, problem.column, problem.end_column,
                                           problem.text, problem.message))
            tracked[(suppressions.path, suppressions.record)] = _Tracked(
                suppressions, resolved, [set() for _ in resolved])
        kept: list[Finding] = []
        suppressed: Counter[str] = Counter()
        path_cache: dict[str, frozenset[str]] = {}
        for finding in findings:
            document = tracked.get((finding.path, finding.record))
            index = document.suppressor(finding) if document else None
            if index is not None:
                document.used[index].add(finding.rule)
            elif not self._ignored_by_path(finding, path_cache):
                kept.append(finding)
                continue
            suppressed[finding.rule] += 1
        for document in tracked.values():
            for (directive, names), used in zip(document.resolved, document.used):
                unused.extend(self._unused_names(document.suppressions, directive, names, used))
            for directive, message in document.stray_enables(self.active):
                unused.extend(self._unused(document.suppressions, directive, message))
        for finding in unused:
            if self._ignored_by_path(finding, path_cache):
                suppressed[finding.rule] += 1
            else:
                kept.append(finding)
        summary = {"suppressed": sum(suppressed.values()), "suppressed_by_rule": dict(sorted(suppressed.items()))}
        return kept, summary

    def _unused_names(self, suppressions: DocumentSuppressions, directive: Directive, names: tuple[str, ...],
                      used: set[str]) -> Iterator[Finding]:
        if directive.kind == "enable":
            return
        where = {"metadata": "in this article", "disable-next-line": "on the next line",
                 "disable": "before the matching 'enable'"}[directive.kind]
        if not names:
            if not used:
                yield from self._unused(suppressions, directive, f"unused suppression: no finding to disable {where}")
            return
        for name in names:
            if name in self.active and name not in used:
                yield from self._unused(suppressions, directive,
                                        f"unused suppression: no {name!r} finding to disable {where}")

    def _unused(self, suppressions: DocumentSuppressions, directive: Directive, message: str) -> Iterator[Finding]:
        return self._report(suppressions, directive.line, directive.column, directive.end_column, directive.text,
                            message)

    def _report(self, suppressions: DocumentSuppressions, line: int, column: int, end_column: int, text: str,
                message: str) -> Iterator[Finding]:
        active = self.unused_rule
        if active is None:
            return iter(())
        return iter([Finding(rule=UNUSED, code=active.rule.code, severity=active.severity, path=suppressions.path,
                             record=suppressions.record, line=line, column=column, end_line=line,
                             end_column=max(end_column, column), message=message, excerpt=text)])


@hookimpl
def qualitycheck_register_rules():
    from qualitycheck.builtin.input_rules import check_nothing  # findings are made in SuppressionPolicy.apply

    return [
        Rule(
            name=UNUSED,
            code="QC003",
            summary="A suppression comment or key that suppresses nothing, or names an unknown rule",
            check=check_nothing,
            default_severity=Severity.WARNING,
            options_schema={"type": "object", "additionalProperties": False, "properties": {}},
            docs=UNUSED_DOCS,
        )
    ]
