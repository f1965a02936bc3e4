"""The result of a run: findings, errors, summary, exit code, and its JSON form.

The JSON form is versioned (`REPORT_VERSION`, bumped only on breaking
changes) and described by `schemas/report.schema.json`, shipped with the
package for consumers to validate against.
"""

from __future__ import annotations

import json
from collections import Counter
from dataclasses import field
from typing import Any, Optional

from qualitycheck import __version__
from qualitycheck.model import SEVERITY_NAMES, DocumentRef, Finding, Rule, Severity
from qualitycheck.records import record

REPORT_VERSION = 1

EXIT_CLEAN = 0
EXIT_FINDINGS = 1
EXIT_ERROR = 2


@record
class RunError:
    """A rule (or loader) that raised while checking a document; the run went on without it."""

    rule: str
    plugin: str
    path: str
    record: Optional[str]
    error: str

    def to_dict(self) -> dict[str, Any]:
        return {"rule": self.rule, "plugin": self.plugin, "path": self.path, "record": self.record,
                "error": self.error}

    def __str__(self) -> str:
        where = self.path if self.record is None else f"{self.path} (record {self.record})"
        return f"{where}: rule {self.rule!r} from {self.plugin} crashed: {self.error}"


@record
class RuleInfo:
    """A rule as the report lists it: what ran, at which severity, from where."""

    name: str
    code: str
    summary: str
    severity: Severity
    origin: str
    docs: str = field(default="", compare=False)  # Markdown, for formats that carry rule help (SARIF)

    @classmethod
    def of(cls, rule: Rule, severity: Severity) -> "RuleInfo":
        return cls(rule.name, rule.code, rule.summary, severity, rule.origin, rule.docs)

    def to_dict(self) -> dict[str, Any]:
        return {"name": self.name, "code": self.code, "summary": self.summary, "severity": str(self.severity),
                "origin": self.origin}


@record(frozen=False)
class Report:
    """Everything a formatter needs. Findings and errors are kept sorted."""

    findings: list[Finding]
    errors: list[RunError] = field(default_factory=list)
    rules: list[RuleInfo] = field(default_factory=list)
    files: int = 0
    documents: int = 0
    fail_on: Optional[Severity] = Severity.WARNING
    exit_zero: bool = False
    extra_summary: dict[str, Any] = field(default_factory=dict)
    checked: list[DocumentRef] = field(default_factory=list)  # every target document, for per-article formats

    def __post_init__(self) -> None:
        self.findings = sorted(self.findings, key=lambda f: f.sort_key)
        self.errors = sorted(self.errors, key=lambda e: (e.path, e.record or "", e.rule, e.error))

    @property
    def exit_code(self) -> int:
        """2 if anything crashed, else 1 if a finding is at or above `fail_on` (0 with exit_zero)."""
        if self.errors:
            return EXIT_ERROR
        if self.exit_zero or self.fail_on is None:
            return EXIT_CLEAN
        if any(f.severity >= self.fail_on for f in self.findings):
            return EXIT_FINDINGS
        return EXIT_CLEAN

    def by_rule(self) -> dict[str, int]:
        return dict(sorted(Counter(f.rule for f in self.findings).items()))

    def by_severity(self) -> dict[str, int]:
        counts = Counter(str(f.severity) for f in self.findings)
        return {name: counts.get(name, 0) for name in reversed(SEVERITY_NAMES)}

    def summary(self) -> dict[str, Any]:
        summary = {
            "files": self.files,
            "documents": self.documents,
            "findings": len(self.findings),
            "by_rule": self.by_rule(),
            "by_severity": self.by_severity(),
            "exit_code": self.exit_code,
        }
        summary.update(self.extra_summary)
        return summary

    def to_dict(self) -> dict[str, Any]:
        return {
            "version": REPORT_VERSION,
            "tool": {"name": "qualitycheck", "version": __version__},
            "summary": self.summary(),
            "rules": [r.to_dict() for r in self.rules],
            "findings": [f.to_dict() for f in self.findings],
            "errors": [e.to_dict() for e in self.errors],
        }


def report_schema() -> dict[str, Any]:
    """The JSON Schema of `Report.to_dict()` that the package ships."""
    from importlib import resources

    text = resources.files("qualitycheck").joinpath("schemas/report.schema.json").read_text(encoding="utf-8")
    return json.loads(text)
