"""The command line: exit codes, --fail-on, --exit-zero, --select/--ignore, --as-of, `rules`, --version."""

from __future__ import annotations

import re
import subprocess
import sys

import pytest

from qualitycheck import __version__
from qualitycheck.cli import main
from support import CORE_RULES, places, project, write


@pytest.fixture
def levels(tmp_path):
    """A project whose one finding (a marker) has the severity the test configures."""

    def make(severity: str, extra: str = "") -> None:
        project(tmp_path, f"rules:\n  marker: {{severity: {severity}}}\n{extra}")
        write(tmp_path, "a.txt", "XXX\n")

    return make


def test_exit_0_without_findings(tmp_path, check_json):
    project(tmp_path)
    write(tmp_path, "a.txt", "Nothing wrong.\n")

    code, report, stderr = check_json(*CORE_RULES, "a.txt")

    assert (code, report["summary"]["exit_code"], stderr) == (0, 0, "")


@pytest.mark.parametrize(
    "severity, fail_on, expected",
    [
        ("error", "error", 1), ("warning", "error", 0), ("info", "error", 0),
        ("error", "warning", 1), ("warning", "warning", 1), ("info", "warning", 0),
        ("error", "info", 1), ("warning", "info", 1), ("info", "info", 1),
        ("error", "never", 0),
    ],
)
def test_fail_on_option(levels, check_json, severity, fail_on, expected):
    levels(severity)

    code, report, _ = check_json(*CORE_RULES, "--fail-on", fail_on, "a.txt")

    assert (code, report["summary"]["exit_code"]) == (expected, expected)


@pytest.mark.parametrize("fail_on, expected", [("error", 0), ("info", 1), ("never", 0)])
def test_fail_on_from_rules_yaml_and_the_option_overrides_it(levels, check_json, fail_on, expected):
    levels("warning", f"fail-on: {fail_on}\n")

    assert check_json(*CORE_RULES, "a.txt")[0] == expected
    assert check_json(*CORE_RULES, "--fail-on", "warning", "a.txt")[0] == 1


def test_default_fail_on_is_warning(levels, check_json):
    levels("info")
    assert check_json(*CORE_RULES, "a.txt")[0] == 0
    levels("warning")
    assert check_json(*CORE_RULES, "a.txt")[0] == 1


def test_exit_zero_turns_1_into_0_but_keeps_the_findings(levels, check_json):
    levels("error")

    code, report, _ = check_json(*CORE_RULES, "--exit-zero", "a.txt")

    assert code == 0
    assert places(report, "rule") == [("marker",)]


def test_exit_zero_never_hides_a_config_error(tmp_path, capsys):
    write(tmp_path, "rules.yaml", "fail-on: sometimes\n")

    assert main(["check", "--exit-zero", "."]) == 2


@pytest.mark.parametrize(
    "argv, message",
    [
        (["check", "--fail-on", "warnings", "."], "argument --fail-on: invalid choice: 'warnings'"),
        (["check", "--as-of", "2024-02-30", "."], "argument --as-of: '2024-02-30' is not a date in YYYY-MM-DD form"),
        (["check", "--no-such-option"], "unrecognized arguments: --no-such-option"),
        (["frobnicate"], "argument COMMAND: invalid choice: 'frobnicate'"),
        ([], "the following arguments are required: COMMAND"),
    ],
)
def test_usage_errors_exit_2(tmp_path, capsys, argv, message):
    assert main(argv) == 2
    assert message in capsys.readouterr().err


def test_missing_path_exits_2(tmp_path, capsys):
    assert main(["check", "gone.md"]) == 2
    assert capsys.readouterr().err == "error: gone.md: no such file or folder\n"


def test_unknown_format_exits_2(tmp_path, capsys):
    write(tmp_path, "a.txt", "ok\n")

    assert main(["check", "--format", "yaml", "a.txt"]) == 2
    assert re.fullmatch(r"error: --format: unknown format 'yaml' \(known: [a-z, -]*json[a-z, -]*text[a-z, -]*\)\n",
                        capsys.readouterr().err)


def test_as_of_reaches_the_rules(tmp_path, check_json):
    project(tmp_path)
    write(tmp_path, "a.txt", "ASOF\n")

    _, report, _ = check_json(*CORE_RULES, "--as-of", "2019-07-04", "a.txt")

    assert places(report, "rule", "message") == [("as-of", "checked as of 2019-07-04")]


def test_as_of_defaults_to_today(tmp_path, check_json):
    import datetime as dt

    project(tmp_path)
    write(tmp_path, "a.txt", "ASOF\n")
    before = dt.date.today()

    _, report, _ = check_json(*CORE_RULES, "a.txt")

    assert report["findings"][0]["message"] in {f"checked as of {day.isoformat()}" for day in (before, dt.date.today())}


def test_select_and_ignore_by_name_and_code(tmp_path, check_json):
    project(tmp_path)
    write(tmp_path, "a.txt", "XXX ASOF\n")

    def rules_run(*args):
        return sorted(rule["name"] for rule in check_json(*args, "a.txt")[1]["rules"])

    assert rules_run("--select", "marker") == ["marker"]
    assert rules_run("--select", "qx001,as-of") == ["as-of", "marker"]
    assert rules_run("--select", "QX001", "--select", "QX002") == ["as-of", "marker"]
    assert rules_run(*CORE_RULES, "--ignore", "as-of", "--ignore", "QX003,metadata") == ["marker", "unreadable-file"]


@pytest.mark.parametrize("option", ["--select", "--ignore"])
def test_unknown_rule_in_select_or_ignore_suggests_a_name(tmp_path, capsys, option):
    project(tmp_path)

    assert main(["check", option, "markr", "."]) == 2
    assert capsys.readouterr().err == f"error: {option}: unknown rule 'markr'; did you mean 'marker'? " \
                                      f"(see `qualitycheck rules`)\n"


def test_rules_lists_name_code_severity_origin_and_summary(tmp_path, capsys):
    project(tmp_path)

    assert main(["rules"]) == 0

    lines = capsys.readouterr().out.splitlines()
    rows = {fields[0]: fields for fields in (re.split(r"\s{2,}", line.strip()) for line in lines)}
    assert rows["marker"] == ["marker", "QX001", "warning", "test_rules.py", "XXX left in the text"]
    assert rows["as-of"] == ["as-of", "QX002", "info", "test_rules.py", "Reports the as-of day"]
    assert rows["metadata"] == ["metadata", "QC002", "warning", "qualitycheck",
                                "Front matter or record fields that are invalid or fail the configured JSON Schema"]
    assert rows["unreadable-file"][:4] == ["unreadable-file", "QC001", "error", "qualitycheck"]
    assert [line.split()[0] for line in lines] == sorted(line.split()[0] for line in lines)


def test_rules_shows_one_rules_docs(tmp_path, capsys):
    assert main(["rules", "QC002"]) == 0
    out = capsys.readouterr().out
    assert out.startswith("# metadata (QC002)\n")
    assert "## What it does" in out and "## Option defaults\n- `schema` = {}" in out


def test_version(capsys):
    assert main(["--version"]) == 0
    assert capsys.readouterr().out == f"qualitycheck {__version__}\n"


def test_python_m_qualitycheck(tmp_path):
    write(tmp_path, "a.txt", "\n")
    version = subprocess.run([sys.executable, "-m", "qualitycheck", "--version"], capture_output=True, text=True)
    assert (version.returncode, version.stdout) == (0, f"qualitycheck {__version__}\n")

    check = subprocess.run([sys.executable, "-m", "qualitycheck", "check", "--select", "unreadable-file", "a.txt"],
                           capture_output=True, text=True, cwd=tmp_path)
    assert check.returncode == 1
    assert check.stdout.splitlines()[0] == "a.txt:1:1: unreadable-file [error] file holds only whitespace"
