"""The report: shipped schema, sort order, summary counts, text form, and atomic --output."""

from __future__ import annotations

import json
import os

import pytest

from qualitycheck import Severity
from qualitycheck.atomicio import write_atomic
from qualitycheck.cli import main
from qualitycheck.model import Finding
from qualitycheck.report import Report, RunError, report_schema
from support import CORE_RULES, places, project, write


def _finding(path, record, line, column, rule, severity=Severity.WARNING):
    return Finding(rule=rule, code="QX001", severity=severity, path=path, record=record, line=line, column=column,
                   end_line=line, end_column=column + 1, message="m")


def test_findings_are_sorted_by_path_record_line_column_rule(report_validator):
    unsorted = [
        _finding("b.md", None, 1, 1, "marker"),
        _finding("a.jsonl", "z", 1, 1, "marker"),
        _finding("a.jsonl", "k", 2, 1, "marker"),
        _finding("a.jsonl", "k", 1, 9, "marker"),
        _finding("a.jsonl", "k", 1, 2, "marker"),
        _finding("a.jsonl", "k", 1, 2, "as-of"),
        _finding("a.jsonl", None, 1, 1, "unreadable-file"),
        _finding("a/b.md", None, 10, 1, "marker"),
        _finding("a/b.md", None, 9, 1, "marker"),
    ]

    report = Report(findings=unsorted)

    assert [(f.path, f.record, f.line, f.column, f.rule) for f in report.findings] == [
        ("a.jsonl", None, 1, 1, "unreadable-file"),
        ("a.jsonl", "k", 1, 2, "as-of"),
        ("a.jsonl", "k", 1, 2, "marker"),
        ("a.jsonl", "k", 1, 9, "marker"),
        ("a.jsonl", "k", 2, 1, "marker"),
        ("a.jsonl", "z", 1, 1, "marker"),
        ("a/b.md", None, 9, 1, "marker"),
        ("a/b.md", None, 10, 1, "marker"),
        ("b.md", None, 1, 1, "marker"),
    ]
    report_validator(report.to_dict())


def test_a_whole_run_is_sorted_and_counted(tmp_path, check_json):
    project(tmp_path, "rules:\n  metadata:\n    options:\n      schema: {required: [title]}\n")
    write(tmp_path, "b.md", "---\ntitle: B\n---\nXXX ASOF XXX\nXXX\n")
    write(tmp_path, "a.jsonl", '{"id": "z", "title": "Z", "text": "XXX"}\n{"id": "k", "text": "ok\\nXXX"}\n')
    (tmp_path / "c.txt").write_bytes(b"")

    code, report, _ = check_json(*CORE_RULES, "--as-of", "2020-01-31", ".")

    assert places(report, "rule", "path", "record", "line", "column", "severity") == [
        ("marker", "a.jsonl", "z", 1, 1, "warning"),  # records in file order: z is on line 1, k on line 2
        ("metadata", "a.jsonl", "k", 1, 1, "warning"),
        ("marker", "a.jsonl", "k", 2, 1, "warning"),
        ("as-of", "b.md", None, 4, 1, "info"),
        ("marker", "b.md", None, 4, 1, "warning"),
        ("marker", "b.md", None, 4, 10, "warning"),
        ("marker", "b.md", None, 5, 1, "warning"),
        ("unreadable-file", "c.txt", None, 1, 1, "error"),
    ]
    assert report["summary"] == {
        **report["summary"],  # formats may add keys; these are the contract
        "files": 3,
        "documents": 3,
        "findings": 8,
        "by_rule": {"as-of": 1, "marker": 5, "metadata": 1, "unreadable-file": 1},
        "by_severity": {"error": 1, "warning": 6, "info": 1},
        "exit_code": 1,
    }
    assert report["version"] == 1
    assert report["tool"]["name"] == "qualitycheck"
    assert code == 1


def test_the_shipped_schema_is_the_one_tests_validate_against(report_validator):
    import jsonschema

    schema = report_schema()
    jsonschema.Draft202012Validator.check_schema(schema)
    empty = Report(findings=[]).to_dict()
    report_validator(empty)
    broken = dict(empty, findings=[{"rule": "marker"}])
    with pytest.raises(jsonschema.ValidationError):
        report_validator(broken)


def test_errors_in_the_report(report_validator):
    report = Report(findings=[], errors=[RunError("crash-on-boom", "test_rules.py", "a.md", None, "RuntimeError: x")])

    data = report_validator(report.to_dict())

    assert data["errors"] == [{"rule": "crash-on-boom", "plugin": "test_rules.py", "path": "a.md", "record": None,
                               "error": "RuntimeError: x"}]
    assert data["summary"]["exit_code"] == 2


def test_text_report_lines_and_summary(tmp_path, capsys):
    project(tmp_path)
    write(tmp_path, "a.md", "Fine.\nThen XXX.\n")
    write(tmp_path, "r.jsonl", '{"id": "r-7", "text": "XXX"}\n')
    write(tmp_path, "clean.txt", "Fine.\n")

    code = main(["check", *CORE_RULES, "--format", "text", "."])

    out = capsys.readouterr().out
    assert code == 1
    assert "a.md:2:6: marker [warning] XXX left in the text" in out
    assert "r.jsonl[r-7]:1:1: marker [warning] XXX left in the text" in out
    assert out.rstrip("\n").splitlines()[-1] == "Found 2 findings (2 warnings) in 2 of 3 files."


def test_output_writes_the_file_and_nothing_to_stdout(tmp_path, capsys, report_validator):
    project(tmp_path)
    write(tmp_path, "a.md", "XXX\n")

    assert main(["check", *CORE_RULES, "--format", "json", "--output", "out/report.json", "a.md"]) == 1

    assert capsys.readouterr().out == ""
    report = report_validator(json.loads((tmp_path / "out" / "report.json").read_text(encoding="utf-8")))
    assert places(report, "rule", "path") == [("marker", "a.md")]


HALF_WRITING_FORMATTER = '''\
from qualitycheck import Formatter, hookimpl


def write_half(report, stream, context):
    stream.write("half of a report\\n")
    raise ValueError("ran out of ink")


@hookimpl
def qualitycheck_register_formatters():
    return [Formatter(name="half", write=write_half)]
'''


def test_output_is_atomic_when_the_formatter_fails_halfway(tmp_path, capsys):
    project(tmp_path)
    write(tmp_path, "half.py", HALF_WRITING_FORMATTER)
    write(tmp_path, "rules.yaml", "plugins: [test_rules.py, half.py]\n")
    write(tmp_path, "a.md", "XXX\n")
    write(tmp_path, "reports/latest.txt", "the previous report\n")

    code = main(["check", "--format", "half", "--output", "reports/latest.txt", "a.md"])

    assert code == 2
    assert capsys.readouterr().err == (
        "error: --format half: the formatter from half.py crashed: ValueError: ran out of ink\n"
    )
    assert (tmp_path / "reports" / "latest.txt").read_text(encoding="utf-8") == "the previous report\n"
    assert os.listdir(tmp_path / "reports") == ["latest.txt"]


def test_write_atomic_leaves_the_old_file_when_writing_fails_midway(tmp_path):
    target = tmp_path / "report.json"
    target.write_text("old\n", encoding="utf-8")

    with pytest.raises(UnicodeEncodeError):
        write_atomic(target, "new content " * 1000 + "\udcff")  # the lone surrogate fails after 12 kB

    assert target.read_text(encoding="utf-8") == "old\n"
    assert os.listdir(tmp_path) == ["report.json"]

    write_atomic(target, "new\n")
    assert target.read_text(encoding="utf-8") == "new\n"
    assert os.listdir(tmp_path) == ["report.json"]


def test_output_into_an_unwritable_place_is_one_line(tmp_path, capsys):
    project(tmp_path)
    write(tmp_path, "a.md", "XXX\n")
    write(tmp_path, "taken", "a file, not a folder\n")

    assert main(["check", *CORE_RULES, "--output", "taken/report.json", "a.md"]) == 2
    assert capsys.readouterr().err == "error: --output taken/report.json: cannot write the report: File exists\n"
