"""`github` format: GitHub Actions workflow commands that become annotations on a pull request.

One line per finding, e.g.
`::warning file=news/a.md,line=12,col=1,endLine=12,endColumn=40,title=ad-text (QC101)::Donation appeal`.
Severity error -> `::error`, warning -> `::warning`, info -> `::notice`.
Values are escaped as the Actions runner expects: `%`, CR and LF in the
message; also `:` and `,` in properties. Columns are sent only for a
single-line span (GitHub ignores them otherwise); `endColumn` is the last
flagged column (inclusive). Paths are relative to the working directory, so
run the check from the repository root. Findings in JSONL records are
annotated on the record's line of the file (see `file_regions`).
A rule that crashed is annotated as an error on its file too.
"""

from __future__ import annotations

from typing import TextIO

from qualitycheck.builtin.file_regions import file_region, located_message
from qualitycheck.model import Finding, FormatContext
from qualitycheck.report import Report, RunError

LEVELS = {"error": "error", "warning": "warning", "info": "notice"}


def escape_data(value: str) -> str:
    """Escape a command's message (what follows `::`)."""
    return value.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def escape_property(value: str) -> str:
    """Escape a property value (`file=`, `title=`, ...)."""
    return escape_data(value).replace(":", "%3A").replace(",", "%2C")


def workflow_command(command: str, properties: dict[str, object], message: str) -> str:
    """`::command key=value,...::message` with every part escaped."""
    props = ",".join(f"{key}={escape_property(str(value))}" for key, value in properties.items())
    return f"::{command} {props}::{escape_data(message)}" if props else f"::{command}::{escape_data(message)}"


def annotation(finding: Finding) -> str:
    """The workflow command that annotates one finding."""
    region = file_region(finding)
    properties: dict[str, object] = {"file": finding.path, "line": region.line, "endLine": region.end_line}
    if region.column is not None and region.line == region.end_line:
        properties["col"] = region.column
        if region.end_column is not None and region.end_column > region.column:
            properties["endColumn"] = region.end_column - 1
    properties["title"] = f"{finding.rule} ({finding.code})"
    return workflow_command(LEVELS[str(finding.severity)], properties, located_message(finding))


def crash_annotation(error: RunError) -> str:
    """An error annotation for a rule that crashed (on its file, unless it crashed over the corpus)."""
    properties: dict[str, object] = {}
    if not error.path.startswith("<"):
        properties["file"] = error.path
    properties["title"] = f"qualitycheck: rule {error.rule} crashed"
    return workflow_command("error", properties, str(error))


def write_github(report: Report, stream: TextIO, context: FormatContext) -> None:
    for finding in report.findings:
        stream.write(annotation(finding) + "\n")
    for error in report.errors:
        stream.write(crash_annotation(error) + "\n")
