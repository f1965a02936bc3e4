"""Plugins: installed packages (entry points), `plugins:` files, and what happens when they misbehave."""

from __future__ import annotations

import inspect
import json
import sys

import pytest

from qualitycheck import hookspecs
from qualitycheck.cli import main
from support import CORE_RULES, places, project, write

HARBOUR_PLUGIN = '''\
from qualitycheck import Issue, Rule, Severity, hookimpl


def check_foghorn(document, context):
    for number, line in enumerate(document.lines, start=1):
        column = line.find("foghorn")
        if column >= 0:
            yield Issue(message="foghorn mentioned", line=number, column=column + 1,
                        end_line=number, end_column=column + 8)


@hookimpl
def qualitycheck_register_rules():
    return [Rule(name="foghorn", code="HB001", summary="Mentions of the foghorn", check=check_foghorn,
                 default_severity=Severity.ERROR)]
'''


@pytest.fixture
def installed_package(tmp_path, monkeypatch):
    """Install a package the way pip lays it out: a module plus a *.dist-info folder, on sys.path."""
    site = tmp_path / "site-packages"

    def install(dist_name: str, version: str, entry_points: str, modules: dict[str, str]) -> None:
        for module_name, source in modules.items():
            write(site, f"{module_name}.py", source)
            monkeypatch.delitem(sys.modules, module_name, raising=False)  # forgotten again after the test
        info = site / f"{dist_name.replace('-', '_')}-{version}.dist-info"
        write(info, "METADATA", f"Metadata-Version: 2.1\nName: {dist_name}\nVersion: {version}\n")
        write(info, "entry_points.txt", entry_points)
        monkeypatch.syspath_prepend(str(site))

    yield install
    for module_name in [name for name in sys.modules if name.startswith("qc_harbour")]:
        del sys.modules[module_name]


def test_rule_from_an_installed_package_entry_point(tmp_path, installed_package, capsys, check_json):
    installed_package("qc-harbour-rules", "1.2.0", "[qualitycheck]\nharbour = qc_harbour_rules\n",
                      {"qc_harbour_rules": HARBOUR_PLUGIN})
    write(tmp_path, "port.md", "Fog again.\nThe foghorn sounded.\n")

    assert main(["rules"]) == 0
    listed = [line.split() for line in capsys.readouterr().out.splitlines() if line.startswith("foghorn ")]
    assert listed == [["foghorn", "HB001", "error", "qc-harbour-rules", "Mentions", "of", "the", "foghorn"]]

    code, report, _ = check_json("--select", "foghorn", "port.md")

    assert places(report, "rule", "code", "severity", "line", "column", "end_column") == [
        ("foghorn", "HB001", "error", 2, 5, 12)
    ]
    assert [rule["origin"] for rule in report["rules"]] == ["qc-harbour-rules"]
    assert code == 1


def test_installed_package_that_fails_to_import_is_named(installed_package, capsys):
    installed_package("qc-harbour-broken", "0.3", "[qualitycheck]\nbroken = qc_harbour_broken\n",
                      {"qc_harbour_broken": "import qc_harbour_not_there\n"})

    assert main(["check", "."]) == 2
    assert capsys.readouterr().err == (
        "error: plugin 'broken' from package qc-harbour-broken 0.3 failed to load: ModuleNotFoundError: "
        "No module named 'qc_harbour_not_there'; fix or uninstall that package\n"
    )


def test_entry_points_of_other_groups_are_not_loaded(installed_package, capsys):
    installed_package("qc-harbour-other", "1.0", "[console_scripts]\nharbour = qc_harbour_other:main\n",
                      {"qc_harbour_other": "raise RuntimeError('must not be imported')\n"})

    assert main(["rules"]) == 0
    assert "qc_harbour_other" not in sys.modules


@pytest.mark.parametrize("file_name", ["json.py", "string.py"])
def test_plugin_file_named_like_a_stdlib_module_does_not_shadow_it(tmp_path, check_json, file_name):
    stdlib_module = sys.modules[file_name[:-3]] if file_name[:-3] in sys.modules else None
    write(tmp_path, f"checks/{file_name}", HARBOUR_PLUGIN + "\nimport json as _json\nassert _json.dumps([1]) == '[1]'\n")
    write(tmp_path, "rules.yaml", f"plugins: [checks/{file_name}]\n")
    write(tmp_path, "port.txt", "foghorn\n")

    code, report, _ = check_json("--select", "foghorn", "port.txt")  # the JSON formatter still has its json

    assert places(report, "rule", "line") == [("foghorn", 1)]
    assert report["rules"][0]["origin"] == f"checks/{file_name}"
    assert code == 1
    if stdlib_module is not None:
        assert sys.modules[file_name[:-3]] is stdlib_module
    assert json.dumps is sys.modules["json"].dumps and hasattr(sys.modules["json"], "JSONDecoder")


def test_plugin_file_with_a_syntax_error_is_one_line(tmp_path, capsys):
    write(tmp_path, "rules.yaml", "plugins:\n  - broken.py\n")
    write(tmp_path, "broken.py", "def register(:\n")

    assert main(["check", "."]) == 2
    assert capsys.readouterr().err == (
        "error: rules.yaml:2:5: plugins.0: plugin broken.py failed to load: SyntaxError: invalid syntax "
        "(broken.py, line 1)\n"
    )


@pytest.mark.parametrize(
    "second, expected",
    [
        (HARBOUR_PLUGIN, "plugin b.py: rule 'foghorn' is already registered by a.py"),
        (HARBOUR_PLUGIN.replace('name="foghorn"', 'name="fog-horn"'),
         "plugin b.py: rule code 'HB001' of 'fog-horn' is already used by 'foghorn'"),
        (HARBOUR_PLUGIN.replace('name="foghorn", code="HB001"', 'name="metadata", code="HB002"'),
         "plugin b.py: rule 'metadata' is already registered by qualitycheck"),
        (HARBOUR_PLUGIN.replace('name="foghorn", code="HB001"', 'name="Fog_Horn", code="HB002"'),
         "plugin b.py: rule name 'Fog_Horn' must be kebab-case, like 'ad-text'"),
        ("from qualitycheck import hookimpl\n\n@hookimpl\ndef qualitycheck_register_rules():\n    return ['fog']\n",
         "plugin b.py: qualitycheck_register_rules returned 'fog', not a Rule"),
        ("from qualitycheck import hookimpl\n\n@hookimpl\ndef qualitycheck_register_rules():\n    return 1 / 0\n",
         "plugin b.py: qualitycheck_register_rules failed: ZeroDivisionError: division by zero"),
    ],
    ids=["same-name", "same-code", "builtin-name", "bad-name", "not-a-rule", "hook-raises"],
)
def test_plugins_that_do_not_fit_together_are_named(tmp_path, capsys, second, expected):
    write(tmp_path, "a.py", HARBOUR_PLUGIN)
    write(tmp_path, "b.py", second)
    write(tmp_path, "rules.yaml", "plugins: [a.py, b.py]\n")

    assert main(["rules"]) == 2
    assert capsys.readouterr().err == f"error: {expected}\n"


def test_crashing_rule_is_recorded_and_everything_else_still_reports(tmp_path, capsys, report_validator):
    project(tmp_path)
    write(tmp_path, "a.md", "BOOM went the XXX.\n")
    write(tmp_path, "b.md", "Quiet XXX.\n")
    write(tmp_path, "c.jsonl", '{"id": "r1", "text": "BOOM"}\n{"id": "r2", "text": "XXX"}\n')

    code = main(["check", ".", *CORE_RULES, "--format", "json", "--output", "report.json"])

    captured = capsys.readouterr()
    assert code == 2
    report = report_validator(json.loads((tmp_path / "report.json").read_text(encoding="utf-8")))
    assert report["errors"] == [
        {"rule": "crash-on-boom", "plugin": "test_rules.py", "path": "a.md", "record": None,
         "error": "RuntimeError: cannot digest this article"},
        {"rule": "crash-on-boom", "plugin": "test_rules.py", "path": "c.jsonl", "record": "r1",
         "error": "RuntimeError: cannot digest this article"},
    ]
    assert places(report, "rule", "path", "record") == [
        ("marker", "a.md", None), ("marker", "b.md", None), ("marker", "c.jsonl", "r2")
    ]
    assert report["summary"]["exit_code"] == 2
    assert captured.err == (
        "error: a.md: rule 'crash-on-boom' from test_rules.py crashed: RuntimeError: cannot digest this article\n"
        "error: c.jsonl (record r1): rule 'crash-on-boom' from test_rules.py crashed: "
        "RuntimeError: cannot digest this article\n"
    )


def test_crash_still_exits_2_with_exit_zero_and_fail_on_never(tmp_path, check_json):
    project(tmp_path)
    write(tmp_path, "a.md", "BOOM\n")

    assert check_json(*CORE_RULES, "--exit-zero", "a.md")[0] == 2
    assert check_json(*CORE_RULES, "--fail-on", "never", "a.md")[0] == 2


HTML_PLUGIN = '''\
import re

from qualitycheck import Document, Formatter, Loader, LoadProblem, hookimpl


def load_html(path, display_path, options):
    raw = path.read_text(encoding="utf-8")
    if "<body>" not in raw:
        yield LoadProblem("unreadable-file", "no <body> element")
        return
    body = raw.split("<body>", 1)[1].split("</body>", 1)[0]
    first_line = raw[: raw.index("<body>")].count("\\n") + 1
    yield Document(path=display_path, text=re.sub("<[^>]+>", "", body), format="html", first_line=first_line,
                   metadata={"title": options["title-fallback"]})


def write_count(report, stream, context):
    stream.write(f"{len(report.findings)} findings in {report.files} files\\n")


@hookimpl
def qualitycheck_register_loaders():
    schema = {"type": "object", "additionalProperties": False,
              "properties": {"title-fallback": {"type": "string", "default": "untitled"}}}
    return [Loader(name="html", extensions=(".html", ".htm"), load=load_html, options_schema=schema)]


@hookimpl
def qualitycheck_register_formatters():
    return [Formatter(name="count", write=write_count, summary="Only the number of findings")]
'''


def test_plugin_loader_and_formatter(tmp_path, capsys, check_json):
    project(tmp_path)
    write(tmp_path, "rules.yaml", """\
        plugins: [test_rules.py, html_plugin.py]
        inputs:
          html: {title-fallback: "Harbour news"}
        rules:
          metadata:
            options:
              schema: {properties: {title: {const: "Harbour news"}}}
    """)
    write(tmp_path, "html_plugin.py", HTML_PLUGIN)
    write(tmp_path, "news/quay.html", "<html>\n<body>\n<p>Boats in.</p>\n<p>Crates XXX left.</p>\n</body></html>\n")
    write(tmp_path, "news/empty.htm", "<html></html>\n")
    write(tmp_path, "news/old.md", "XXX\n")

    code, report, _ = check_json(*CORE_RULES, "news")

    assert places(report, "rule", "path", "line", "column", "message") == [
        ("unreadable-file", "news/empty.htm", 1, 1, "no <body> element"),
        ("marker", "news/old.md", 1, 1, "XXX left in the text"),
        ("marker", "news/quay.html", 4, 8, "XXX left in the text"),  # column in the text without tags
    ]
    assert code == 1

    assert main(["check", *CORE_RULES, "--format", "count", "news"]) == 1
    assert capsys.readouterr().out == "3 findings in 3 files\n"


def test_crashing_loader_is_recorded_against_the_file(tmp_path, check_json):
    project(tmp_path)
    write(tmp_path, "html_plugin.py", HTML_PLUGIN)
    write(tmp_path, "rules.yaml", "plugins: [test_rules.py, html_plugin.py]\n")
    (tmp_path / "bad.html").write_bytes(b"\xff<body>")  # the plugin's read_text raises
    write(tmp_path, "good.md", "XXX\n")

    code, report, _ = check_json(*CORE_RULES, ".")

    assert report["errors"] == [{
        "rule": "loader:html", "plugin": "html_plugin.py", "path": "bad.html", "record": None,
        "error": "UnicodeDecodeError: 'utf-8' codec can't decode byte 0xff in position 0: invalid start byte",
    }]
    assert places(report, "path") == [("good.md",)]
    assert code == 2


def test_every_hook_is_documented_with_an_example():
    hooks = [obj for name, obj in vars(hookspecs).items() if name.startswith("qualitycheck_")]
    assert {hook.__name__ for hook in hooks} >= {
        "qualitycheck_register_rules", "qualitycheck_register_loaders", "qualitycheck_register_formatters"
    }
    for hook in hooks:
        doc = inspect.getdoc(hook) or ""
        assert doc.startswith("Return ") and "Example::" in doc and "@hookimpl" in doc, hook.__name__
