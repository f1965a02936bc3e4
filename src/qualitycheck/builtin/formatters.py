"""Built-in report formatters: `text` for people and `json` for machines.

The CI formats (github, sarif, junit) live in their own modules beside this one.
"""

from __future__ import annotations

import json
from typing import TextIO

from qualitycheck import hookimpl
from qualitycheck.model import SEVERITY_NAMES, Finding, FormatContext, Formatter
from qualitycheck.report import Report


def write_json(report: Report, stream: TextIO, context: FormatContext) -> None:
    stream.write(json.dumps(report.to_dict(), indent=2, ensure_ascii=False))  # one write: see write_sarif
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
    hidden = [f"{report.extra_summary[key]} {key}" for key in ("suppressed", "baselined")
              if report.extra_summary.get(key)]
    if hidden:
        text += f"; {', '.join(hidden)}"  # not shown, but not lost either
    return text + "."


EXCERPT_LINES = 4  # lines of a flagged excerpt shown under a finding
EXCERPT_WIDTH = 100  # characters of each excerpt line

_RESET = "\x1b[0m"
_STYLES = {"bold": "\x1b[1m", "dim": "\x1b[2m", "error": "\x1b[1;31m", "warning": "\x1b[33m",
           "info": "\x1b[36m", "gutter": "\x1b[34m"}


def _paint(text: str, style: str, color: bool) -> str:
    return f"{_STYLES[style]}{text}{_RESET}" if color else text


def finding_location(finding: Finding) -> str:
    """`path:line:col` (with `[record]` after the path for a JSONL record), as editors link it."""
    where = finding.path if finding.record is None else f"{finding.path}[{finding.record}]"
    return f"{where}:{finding.line}:{finding.column}"


def excerpt_lines(excerpt: str) -> list[str]:
    """The flagged text as shown under a finding: at most EXCERPT_LINES lines, each trimmed."""
    lines = [line for line in map(str.strip, excerpt.splitlines()) if line]
    shown = [line if len(line) <= EXCERPT_WIDTH else line[: EXCERPT_WIDTH - 1].rstrip() + "…"
             for line in lines[:EXCERPT_LINES]]
    if len(lines) > EXCERPT_LINES:
        shown.append(f"… ({_plural(len(lines) - EXCERPT_LINES, 'more line')})")
    return shown


class _Marks:
    """The pieces of a finding's text that depend only on `color`, made once per report."""

    def __init__(self, color: bool) -> None:
        self.color = color
        self.excerpt = f"\n    {_paint('|', 'gutter', color)} "
        self.note = f"\n    {_paint('=', 'gutter', color)} "
        self.severity = {name: f"[{_paint(name, name, color)}]" for name in SEVERITY_NAMES}


def _finding_text(finding: Finding, marks: _Marks) -> str:
    """The lines of one finding: location, rule, severity and message; the excerpt; notes (record, see, fix).

    Thousands of findings go through here in a big report: no call per piece of text that does not change.
    """
    where = finding_location(finding)
    rule = finding.rule
    if marks.color:
        path_end = len(finding.path) if finding.record is None else len(finding.path) + len(finding.record) + 2
        where = _paint(where[:path_end], "bold", True) + where[path_end:]
        rule = _paint(rule, "bold", True)
    severity = str(finding.severity)
    text = f"{where}: {rule} {marks.severity[severity]} {finding.message}"
    if finding.excerpt:
        text += "".join(marks.excerpt + line for line in excerpt_lines(finding.excerpt))
    notes = []
    if finding.record is not None and finding.record_line is not None:
        notes.append(f"record {finding.record}: {finding.path}:{finding.record_line}")
    for related in finding.related:
        place = related.path if related.record is None else f"{related.path}[{related.record}]"
        notes.append(f"see {place}" + (f":{related.line}" if related.line is not None else ""))
    if finding.fix is not None and finding.fix.description:
        notes.append(f"fix: {finding.fix.description}")
    if notes:
        text += "".join(marks.note + note for note in notes)
    return text + "\n"


def rule_table(report: Report) -> list[tuple[str, str, int]]:
    """(rule, code, count) for every rule with findings, most findings first."""
    codes = {finding.rule: finding.code for finding in report.findings}
    counts = report.by_rule()
    return sorted(((rule, codes[rule], count) for rule, count in counts.items()), key=lambda row: (-row[2], row[0]))


def _write_rule_table(report: Report, stream: TextIO, color: bool) -> None:
    rows = rule_table(report)
    rule_width = max(len("Rule"), *(len(rule) for rule, _, _ in rows))
    code_width = max(len("Code"), *(len(code) for _, code, _ in rows))
    count_width = max(len("Count"), *(len(str(count)) for _, _, count in rows))
    header = f"{'Rule':<{rule_width}}  {'Code':<{code_width}}  {'Count':>{count_width}}"
    stream.write(_paint(header, "bold", color) + "\n")
    for rule, code, count in rows:
        stream.write(f"{rule:<{rule_width}}  {code:<{code_width}}  {count:>{count_width}}\n")


def write_text(report: Report, stream: TextIO, context: FormatContext) -> None:
    """Findings grouped by file, each with its excerpt, then a table by rule and the summary line.

    Rule crashes are not repeated here: the CLI prints them on standard error,
    and the summary line counts them.
    """
    previous_path = None
    pieces = []  # written at once: one write per line costs a third of the time for thousands of findings
    marks = _Marks(context.color)
    for finding in report.findings:
        if previous_path is not None and finding.path != previous_path:
            pieces.append("\n")
        previous_path = finding.path
        pieces.append(_finding_text(finding, marks))
    stream.write("".join(pieces))
    if report.findings:
        stream.write("\n")
        _write_rule_table(report, stream, context.color)
        stream.write("\n")
    stream.write(summary_line(report) + "\n")


@hookimpl
def qualitycheck_register_formatters():
    return [
        Formatter(name="text", write=write_text,
                  summary="path:line:col: rule [severity] message with the flagged text, grouped by file, then "
                          "a table by rule and a summary"),
        Formatter(name="json", write=write_json, summary="The full report as one JSON object"),
    ]
