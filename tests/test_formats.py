"""The CI formats (github, sarif, junit) and writing several formats at once, end to end through main()."""

from __future__ import annotations

import json
import re
from pathlib import Path
from xml.etree import ElementTree

import pytest

from qualitycheck.cli import main
from support import TEST_RULES_PLUGIN, write

SARIF_SCHEMA = Path(__file__).parent / "data" / "sarif-schema-2.1.0.json"

FORMAT_RULES_PLUGIN = '''\
from qualitycheck import Fix, Issue, Related, Rule, Severity, hookimpl

ODD_DOCS = """## What it does
Flags the word ODD.

## Why is this bad?
Nobody knows what it means.
"""


def check_odd(document, context):
    at = document.text.find("ODD")
    if at >= 0:
        yield Issue.for_span(document, at, at + 3, "50% off: buy now,\\nreally [sic]")


def check_twin(document, context):
    at = document.text.find("TWIN")
    if at >= 0:
        yield Issue.for_span(document, at, at + 4, "same paragraph as in another article",
                             related=(Related("news/clean.txt", None, 1),), fix=Fix("", "delete the paragraph"))


@hookimpl
def qualitycheck_register_rules():
    return [
        Rule(name="odd-message", code="QX010", summary="Flags ODD", check=check_odd,
             default_severity=Severity.ERROR, docs=ODD_DOCS),
        Rule(name="twin", code="QX011", summary="Points at a twin", check=check_twin,
             default_severity=Severity.INFO),
    ]
'''

SELECT = ("--select", "marker,as-of,crash-on-boom,odd-message,twin,unreadable-file", "--as-of", "2024-05-01")


@pytest.fixture
def newsroom(tmp_path):
    """A small content repo with one article per situation the formats must handle."""
    write(tmp_path, "test_rules.py", TEST_RULES_PLUGIN)
    write(tmp_path, "format_rules.py", FORMAT_RULES_PLUGIN)
    write(tmp_path, "rules.yaml", "plugins: [test_rules.py, format_rules.py]\ninclude: ['news/**']\n")
    write(tmp_path, "news/tides.md", "---\ntitle: Tide tables\n---\nThe ferry timetable changed.\n"
                                     "Captains said XXX twice, XXX.\n")
    write(tmp_path, "news/clean.txt", "The library reopened on Monday.\n")
    write(tmp_path, "news/odd:name,1.md", "An ODD headline.\n")
    write(tmp_path, "news/twin.txt", "Intro.\nTWIN paragraph.\nASOF\n")
    (tmp_path / "news/feed.jsonl").write_text(
        json.dumps({"id": "r1", "text": "Clean record."}) + "\n"
        + json.dumps({"id": "r2", "text": "First line.\nA XXX here."}) + "\n", encoding="utf-8")
    return tmp_path


def run_format(capsys, name: str, *args: str) -> tuple[int, str]:
    code = main(["check", "--no-cache", "--format", name, *SELECT, *args])
    return code, capsys.readouterr().out


# --- github -----------------------------------------------------------------------------------------

def _unescape(value: str) -> str:
    return re.sub(r"%(25|0D|0A|3A|2C)", lambda m: {"25": "%", "0D": "\r", "0A": "\n", "3A": ":", "2C": ","}[
        m.group(1)], value)


def parse_annotations(output: str) -> list[dict]:
    """Workflow commands back into fields, the way the Actions runner reads them."""
    annotations = []
    for line in output.splitlines():
        match = re.fullmatch(r"::(\w+)(?: ([^:]*))?::(.*)", line)
        assert match, f"not a workflow command: {line!r}"
        command, props, message = match.groups()
        fields = {"command": command, "message": _unescape(message)}
        for prop in (props or "").split(","):
            key, _, value = prop.partition("=")
            fields[key] = _unescape(value)
        annotations.append(fields)
    return annotations


def test_github_annotations_parse_back_to_the_findings(newsroom, capsys):
    code, out = run_format(capsys, "github")

    assert code == 1
    assert parse_annotations(out) == [
        {"command": "warning", "file": "news/feed.jsonl", "line": "2", "endLine": "2",
         "title": "marker (QX001)", "message": "record r2, text line 2, column 3: XXX left in the text"},
        {"command": "error", "file": "news/odd:name,1.md", "line": "1", "endLine": "1", "col": "4",
         "endColumn": "6", "title": "odd-message (QX010)", "message": "50% off: buy now,\nreally [sic]"},
        {"command": "warning", "file": "news/tides.md", "line": "5", "endLine": "5", "col": "15",
         "endColumn": "17", "title": "marker (QX001)", "message": "XXX left in the text"},
        {"command": "warning", "file": "news/tides.md", "line": "5", "endLine": "5", "col": "26",
         "endColumn": "28", "title": "marker (QX001)", "message": "XXX left in the text"},
        {"command": "notice", "file": "news/twin.txt", "line": "1", "endLine": "1", "col": "1",
         "endColumn": "6", "title": "as-of (QX002)", "message": "checked as of 2024-05-01"},
        {"command": "notice", "file": "news/twin.txt", "line": "2", "endLine": "2", "col": "1",
         "endColumn": "4", "title": "twin (QX011)", "message": "same paragraph as in another article"},
    ]


def test_github_escapes_each_command_onto_one_line(newsroom, capsys):
    _, out = run_format(capsys, "github", "news/odd:name,1.md")

    assert out == ("::error file=news/odd%3Aname%2C1.md,line=1,endLine=1,col=4,endColumn=6,"
                   "title=odd-message (QX010)::50%25 off: buy now,%0Areally [sic]\n")


def test_github_multi_line_span_has_no_columns(tmp_path, capsys):
    write(tmp_path, "test_rules.py", TEST_RULES_PLUGIN)
    write(tmp_path, "wide.py", '''\
from qualitycheck import Issue, Rule, hookimpl

def check(document, context):
    yield Issue.for_lines(document, 1, 2, "two lines")

@hookimpl
def qualitycheck_register_rules():
    return [Rule(name="two-lines", code="QX020", summary="Flags lines 1-2", check=check)]
''')
    write(tmp_path, "rules.yaml", "plugins: [wide.py]\n")
    write(tmp_path, "a.txt", "one\ntwo\nthree\n")

    code = main(["check", "--no-cache", "--format", "github", "--select", "two-lines", "a.txt"])

    assert code == 1
    assert parse_annotations(capsys.readouterr().out) == [
        {"command": "warning", "file": "a.txt", "line": "1", "endLine": "2", "title": "two-lines (QX020)",
         "message": "two lines"}]


def test_github_annotates_a_crashed_rule_on_its_file(newsroom, capsys):
    write(newsroom, "news/boom.txt", "BOOM goes the article.\n")

    code, out = run_format(capsys, "github", "news/boom.txt")

    assert code == 2
    assert parse_annotations(out) == [
        {"command": "error", "file": "news/boom.txt", "title": "qualitycheck: rule crash-on-boom crashed",
         "message": "news/boom.txt: rule 'crash-on-boom' from test_rules.py crashed: "
                    "RuntimeError: cannot digest this article"}]


# --- sarif ------------------------------------------------------------------------------------------

@pytest.fixture(scope="module")
def sarif_validator():
    import jsonschema

    schema = json.loads(SARIF_SCHEMA.read_text(encoding="utf-8"))
    return jsonschema.Draft4Validator(schema)


def sarif_run(capsys, sarif_validator, *args: str) -> tuple[int, dict]:
    code, out = run_format(capsys, "sarif", *args)
    log = json.loads(out)
    errors = sorted(sarif_validator.iter_errors(log), key=str)
    assert not errors, [f"{list(e.absolute_path)}: {e.message}" for e in errors]
    return code, log["runs"][0]


def test_sarif_is_valid_and_lists_rules_with_their_docs(newsroom, capsys, sarif_validator):
    code, run = sarif_run(capsys, sarif_validator)

    assert code == 1
    driver = run["tool"]["driver"]
    assert (driver["name"], driver["version"]) == ("qualitycheck", "0.1.0")
    assert driver["informationUri"].startswith("https://")
    rules = {rule["id"]: rule for rule in driver["rules"]}
    assert set(rules) == {"QX001", "QX002", "QX003", "QX010", "QX011", "QC001"}
    odd = rules["QX010"]
    assert odd["name"] == "odd-message"
    assert odd["shortDescription"] == {"text": "Flags ODD"}
    assert odd["fullDescription"] == {"text": "Flags the word ODD."}
    assert "## Why is this bad?\nNobody knows what it means." in odd["help"]["markdown"]
    assert odd["defaultConfiguration"] == {"level": "error"}
    assert rules["QX002"]["defaultConfiguration"] == {"level": "note"}
    for result in run["results"]:
        assert driver["rules"][result["ruleIndex"]]["id"] == result["ruleId"]
    assert run["invocations"][0]["executionSuccessful"] is True
    assert run["originalUriBaseIds"]["%SRCROOT%"]["uri"] == newsroom.resolve().as_uri() + "/"


def _where(result: dict) -> tuple:
    location = result["locations"][0]["physicalLocation"]
    region = location["region"]
    return (result["ruleId"], result["level"], location["artifactLocation"]["uri"],
            region["startLine"], region.get("startColumn"), region["endLine"], region.get("endColumn"))


def test_sarif_results_have_regions_levels_and_relative_uris(newsroom, capsys, sarif_validator):
    _, run = sarif_run(capsys, sarif_validator)

    assert [_where(r) for r in run["results"]] == [
        ("QX001", "warning", "news/feed.jsonl", 2, None, 2, None),
        ("QX010", "error", "news/odd%3Aname%2C1.md", 1, 4, 1, 7),
        ("QX001", "warning", "news/tides.md", 5, 15, 5, 18),
        ("QX001", "warning", "news/tides.md", 5, 26, 5, 29),
        ("QX002", "note", "news/twin.txt", 1, 1, 1, 7),
        ("QX011", "note", "news/twin.txt", 2, 1, 2, 5),
    ]
    assert all(r["locations"][0]["physicalLocation"]["artifactLocation"]["uriBaseId"] == "%SRCROOT%"
               for r in run["results"])
    jsonl = run["results"][0]
    assert jsonl["message"]["text"] == "record r2, text line 2, column 3: XXX left in the text"
    assert jsonl["properties"]["record"] == "r2"
    assert (jsonl["properties"]["textLine"], jsonl["properties"]["textColumn"]) == (2, 3)
    assert run["results"][1]["message"]["text"] == "50% off: buy now,\nreally \\[sic\\]"


def test_sarif_related_locations_are_linked_from_the_message(newsroom, capsys, sarif_validator):
    _, run = sarif_run(capsys, sarif_validator, "news/twin.txt")

    twin = next(r for r in run["results"] if r["ruleId"] == "QX011")
    assert twin["relatedLocations"] == [{
        "id": 1,
        "physicalLocation": {"artifactLocation": {"uri": "news/clean.txt", "uriBaseId": "%SRCROOT%"},
                             "region": {"startLine": 1}},
        "message": {"text": "news/clean.txt line 1"},
    }]
    assert twin["message"]["text"] == "same paragraph as in another article (see [news/clean.txt line 1](1))"
    assert twin["properties"]["fix"] == "delete the paragraph"


def test_sarif_fingerprints_survive_lines_added_above(newsroom, capsys, sarif_validator):
    _, before = sarif_run(capsys, sarif_validator, "news/tides.md")
    tides = newsroom / "news/tides.md"
    tides.write_text(tides.read_text().replace("The ferry", "A new lead paragraph.\n\nThe ferry"))
    _, after = sarif_run(capsys, sarif_validator, "news/tides.md")

    def fingerprints(run):
        return [(r["partialFingerprints"]["primaryLocationLineHash"], _where(r)[3]) for r in run["results"]]

    (first, line), (second, _) = fingerprints(before)
    assert line == 5
    assert first.endswith(":1") and second.endswith(":2")  # the same text twice in one file stays apart
    assert first.split(":")[0] == second.split(":")[0]
    assert fingerprints(after) == [(first, 7), (second, 7)]


def test_sarif_reports_a_crash_as_an_unsuccessful_invocation(newsroom, capsys, sarif_validator):
    write(newsroom, "news/boom.txt", "BOOM goes the article.\n")

    code, run = sarif_run(capsys, sarif_validator, "news/boom.txt")

    assert code == 2
    invocation = run["invocations"][0]
    assert invocation["executionSuccessful"] is False
    [notification] = invocation["toolExecutionNotifications"]
    assert notification["level"] == "error"
    assert notification["message"]["text"].endswith("crashed: RuntimeError: cannot digest this article")
    assert notification["locations"][0]["physicalLocation"]["artifactLocation"]["uri"] == "news/boom.txt"


def test_sarif_of_a_clean_run_is_valid_with_no_results(newsroom, capsys, sarif_validator):
    code, run = sarif_run(capsys, sarif_validator, "news/clean.txt")

    assert code == 0
    assert run["results"] == []


# --- junit ------------------------------------------------------------------------------------------

def test_junit_has_one_test_case_per_article(newsroom, capsys):
    code, out = run_format(capsys, "junit")

    assert code == 1
    root = ElementTree.fromstring(out)
    assert root.tag == "testsuites"
    assert (root.get("tests"), root.get("failures"), root.get("errors")) == ("6", "3", "0")
    cases = {case.get("name"): case for case in root.iter("testcase")}
    assert list(cases) == ["news/clean.txt", "news/feed.jsonl [r1]", "news/feed.jsonl [r2]",
                           "news/odd:name,1.md", "news/tides.md", "news/twin.txt"]
    assert {case.get("classname") for case in cases.values()} == {"qualitycheck"}


def test_junit_failures_carry_the_findings(newsroom, capsys):
    _, out = run_format(capsys, "junit")

    root = ElementTree.fromstring(out)
    cases = {case.get("name"): case for case in root.iter("testcase")}
    tides = cases["news/tides.md"].find("failure")
    assert tides.get("message") == "2 findings: marker"
    assert tides.text.splitlines() == ["news/tides.md:5:15: marker [warning] XXX left in the text",
                                       "news/tides.md:5:26: marker [warning] XXX left in the text"]
    record = cases["news/feed.jsonl [r2]"].find("failure")
    assert record.text == "news/feed.jsonl[r2]:2:3: marker [warning] XXX left in the text\n"
    assert cases["news/feed.jsonl [r2]"].get("file") == "news/feed.jsonl"
    # Findings below fail-on (info) do not fail the article; they are kept in system-out.
    twin = cases["news/twin.txt"]
    assert twin.find("failure") is None
    assert twin.find("system-out").text.splitlines() == [
        "news/twin.txt:1:1: as-of [info] checked as of 2024-05-01",
        "news/twin.txt:2:1: twin [info] same paragraph as in another article"]
    for clean in ("news/clean.txt", "news/feed.jsonl [r1]"):
        assert list(cases[clean]) == []


def test_junit_with_fail_on_info_fails_info_findings_too(newsroom, capsys):
    _, out = run_format(capsys, "junit", "--fail-on", "info", "news/twin.txt")

    [case] = ElementTree.fromstring(out).iter("testcase")
    assert case.find("failure").get("message") == "2 findings: as-of, twin"
    assert case.find("system-out") is None


def test_junit_crash_is_an_error_of_its_article(newsroom, capsys):
    write(newsroom, "news/boom.txt", "BOOM and XXX.\n")

    code, out = run_format(capsys, "junit", "news/boom.txt", "news/clean.txt")

    assert code == 2
    root = ElementTree.fromstring(out)
    assert (root.get("tests"), root.get("failures"), root.get("errors")) == ("2", "0", "1")
    boom = next(c for c in root.iter("testcase") if c.get("name") == "news/boom.txt")
    assert boom.find("error").get("message") == "rule crash-on-boom crashed"
    assert boom.find("failure") is None
    assert boom.find("system-out").text == "news/boom.txt:1:10: marker [warning] XXX left in the text\n"


def test_junit_is_read_by_junitparser(newsroom, capsys, tmp_path):
    from junitparser import JUnitXml

    main(["check", "--no-cache", *SELECT, "--output", "junit:report.xml"])
    capsys.readouterr()

    xml = JUnitXml.fromfile(str(tmp_path / "report.xml"))
    outcomes = {}
    for suite in xml:
        for case in suite:
            outcomes[case.name] = [type(result).__name__ for result in case.result]
    assert outcomes == {
        "news/clean.txt": [], "news/feed.jsonl [r1]": [], "news/feed.jsonl [r2]": ["Failure"],
        "news/odd:name,1.md": ["Failure"], "news/tides.md": ["Failure"], "news/twin.txt": [],
    }


# --- several outputs --------------------------------------------------------------------------------

def test_several_outputs_are_written_in_one_run(newsroom, capsys, report_validator, sarif_validator):
    (newsroom / "a.json").write_text("old content that must be replaced")

    code = main(["check", "--no-cache", *SELECT, "--output", "json:a.json", "--output", "sarif:out/b.sarif"])

    captured = capsys.readouterr()
    assert code == 1
    assert captured.out == ""
    report = report_validator(json.loads((newsroom / "a.json").read_text(encoding="utf-8")))
    sarif = json.loads((newsroom / "out/b.sarif").read_text(encoding="utf-8"))
    sarif_validator.validate(sarif)
    assert len(report["findings"]) == len(sarif["runs"][0]["results"]) == 6
    leftovers = [p.name for p in [*newsroom.iterdir(), *(newsroom / "out").iterdir()] if p.name.endswith(".tmp")]
    assert leftovers == []


def test_output_dash_is_standard_output_beside_a_file(newsroom, capsys):
    code = main(["check", "--no-cache", *SELECT, "--output", "github:-", "--output", "junit:junit.xml",
                 "news/tides.md"])

    out = capsys.readouterr().out
    assert code == 1
    assert [a["line"] for a in parse_annotations(out)] == ["5", "5"]
    assert ElementTree.parse(newsroom / "junit.xml").getroot().get("failures") == "1"


def test_json_report_keeps_the_record_line(newsroom, check_json):
    code, report, _ = check_json(*SELECT, "news/feed.jsonl")

    assert code == 1
    [finding] = report["findings"]
    assert (finding["record"], finding["line"], finding["column"], finding["record_line"]) == ("r2", 2, 3, 2)


def test_every_format_is_registered():
    from qualitycheck.config import load_config
    from qualitycheck.plugins import load_registry

    registry = load_registry(load_config(None))
    assert {"text", "json", "github", "sarif", "junit"} <= set(registry.formatters)


# --- docs/ci.md stays true --------------------------------------------------------------------------

REPO = Path(__file__).resolve().parents[1]
CI_DOC = (REPO / "docs" / "ci.md").read_text(encoding="utf-8")


def _commands_in_ci_doc() -> list[list[str]]:
    """Every `qualitycheck check` command in the doc's YAML blocks, with CI variables filled in."""
    import shlex

    import yaml

    commands = []
    for block in re.findall(r"```yaml\n(.*?)```", CI_DOC, re.DOTALL):
        yaml.safe_load(block)  # the workflow and the job must be valid YAML
        flat = " ".join(re.sub(r"^\s*(- )?", "", line) for line in block.splitlines())
        for match in re.finditer(r"qualitycheck check .*?(?=\s+- |\s+\w+:\s|$)", flat):
            text = re.sub(r"\$\{\{[^}]*\}\}|\$\w+", "main", match.group(0))
            commands.append(shlex.split(text)[1:])
    return commands


def test_ci_doc_commands_are_valid_yaml_and_options(capsys):
    from qualitycheck.cli import build_parser

    commands = _commands_in_ci_doc()
    assert len(commands) == 2  # the GitHub workflow step and the GitLab job
    parser = build_parser()
    known = {"text", "json", "github", "sarif", "junit"}
    for command in commands:
        args = parser.parse_args(command)  # an unknown option exits here
        assert args.changed_since == "origin/main"
        assert args.paths == []
        assert {spec.split(":")[0] for spec in args.output} <= known


def test_ci_doc_jsonl_annotation_is_what_a_run_prints(capsys, monkeypatch):
    monkeypatch.chdir(REPO)

    main(["check", "--no-cache", "--format", "github", "examples/newsroom-feed.jsonl"])

    printed = capsys.readouterr().out.splitlines()
    shown = re.search(r"(::warning file=examples/newsroom-feed.jsonl.*)", CI_DOC).group(1)
    assert shown in printed, ("docs/ci.md shows an annotation a run no longer prints; paste the line that "
                              "`qualitycheck check --format github examples/newsroom-feed.jsonl` prints now")
