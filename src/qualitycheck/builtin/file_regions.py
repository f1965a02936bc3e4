"""Where a finding sits in its file, for formats that can only point at file lines.

A finding in a JSONL record counts lines and columns inside the record's text,
which is one JSON-escaped line of the file. GitHub annotations and SARIF
regions must name a file line, so such findings land on the record's line
(`Finding.record_line`, the whole line, no columns) and their message says
where inside the record's text the problem is.
"""

from __future__ import annotations

from typing import Optional

from qualitycheck.model import Finding
from qualitycheck.records import record


@record
class FileRegion:
    """1-based file lines; columns are None when only whole lines can be named. `end_column` is exclusive."""

    line: int
    column: Optional[int]
    end_line: int
    end_column: Optional[int]


def file_region(finding: Finding) -> FileRegion:
    """The region of the file a finding covers (the record's line for a JSONL record)."""
    if finding.record is None:
        return FileRegion(finding.line, finding.column, max(finding.line, finding.end_line), finding.end_column)
    line = finding.record_line or 1  # a plugin loader that does not say where its records are
    return FileRegion(line, None, line, None)


def located_message(finding: Finding) -> str:
    """The message, prefixed for a JSONL record with where in the record's text the problem is."""
    if finding.record is None:
        return finding.message
    return f"record {finding.record}, text line {finding.line}, column {finding.column}: {finding.message}"
