"""Built-in report formatters: `text` for people and `json` for machines."""

from __future__ import annotations

import json
from typing import TextIO

from qualitycheck import hookimpl
from qualitycheck.model import FormatContext, Formatter
from qualitycheck.report import Report


def write_json(report: Report, stream: TextIO, context: FormatContext) -> None:
    json.dump(report.to_dict(), stream, indent=2, ensure_ascii=False)
    stream.write("\n")


def _plural(count: int, word: str) -> str:
    return f"{count} {word}{'' if count == 1 else 's'}"


def summary_line(report: Report) -> str:
    """`Found 3 findings (1 error, 2 warnings) in 2 of 5 files.`"""
    if not report.findings:
        text = f"No findings in {_plural(report.files, 'file')}"
    else:
        parts = ", ".join(_plural(count, severity) for severity, count in report.by_severity().items() if count)
        touched = len({f.path for f in report.findings})
        text = f"Found {_plural(len(report.findings), 'finding')} ({parts}) in {touched} of {_plural(report.files, 'file')}"
    if report.errors:
        text += f"; {_plural(len(report.errors), 'rule error')}"
    return text + "."


def write_text(report: Report, stream: TextIO, context: FormatContext) -> None:
    for finding in report.findings:
        where = finding.path if finding.record is None else f"{finding.path}[{finding.record}]"
        stream.write(f"{where}:{finding.line}:{finding.column}: {finding.rule} [{finding.severity}] "
                     f"{finding.message}\n")
    for error in report.errors:
        stream.write(f"error: {error}\n")
    stream.write(summary_line(report) + "\n")


@hookimpl
def qualitycheck_register_formatters():
    return [
        Formatter(name="text", write=write_text, summary="path:line:col: rule [severity] message, then a summary"),
        Formatter(name="json", write=write_json, summary="The full report as one JSON object"),
    ]
